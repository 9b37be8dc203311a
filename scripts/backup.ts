/**
 * `npm run backup -- DIR` and `npm run restore -- DIR` (docs/deploy.md#backups).
 *
 * backup: a consistent copy of every SQLite database of the three services, taken with SQLite's online backup API
 * while the services run and write (one step: the copy is the database as of one moment; WAL mode lets the services
 * go on writing meanwhile), into DIR/<UTC time>/, each copy checked with `PRAGMA integrity_check`, with a
 * manifest.json. With BACKUP_KEEP=N only the newest N backups in DIR are kept.
 * restore: puts the databases of one backup (DIR is a DIR/<UTC time> made by backup, or DIR itself, whose newest
 * backup is taken) back into the configured paths, which must not be in use (stop the services first): the file is
 * written through SQLite's backup API, stale -wal/-shm files are removed, and the result is checked.
 *
 * The databases: SHEETS_DB_PATH, ASSISTANT_DB_PATH and GATEWAY_DB_PATH (each service's default when unset), and next
 * to the gateway's, every `gateway-*.sqlite` (one per replica under compose).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { backup, DatabaseSync } from 'node:sqlite';

type Service = 'sheets' | 'assistant' | 'gateway';
type Entry = { service: Service; file: string; bytes: number };
type Manifest = { takenAt: string; databases: Entry[] };

const env = process.env;
const configured: Record<Service, string> = {
  sheets: resolve(env['SHEETS_DB_PATH'] || './data/workbook.sqlite'),
  assistant: resolve(env['ASSISTANT_DB_PATH'] || './data/assistant.sqlite'),
  gateway: resolve(env['GATEWAY_DB_PATH'] || './data/gateway.sqlite'),
};

/** Every database file there is now, with the service it belongs to. */
function databases(): Array<{ service: Service; path: string }> {
  const found: Array<{ service: Service; path: string }> = [];
  for (const service of ['sheets', 'assistant'] as const)
    if (existsSync(configured[service])) found.push({ service, path: configured[service] });
  const gatewayDir = dirname(configured.gateway);
  const replicas = existsSync(gatewayDir)
    ? readdirSync(gatewayDir).filter((f) => /^gateway-[\w.-]+\.sqlite$/.test(f))
    : [];
  for (const file of [basename(configured.gateway), ...replicas])
    if (existsSync(join(gatewayDir, file))) found.push({ service: 'gateway', path: join(gatewayDir, file) });
  return found;
}

function integrity(path: string): string {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    const rows = db.prepare('PRAGMA integrity_check').all() as Array<{ integrity_check: string }>;
    return rows.map((r) => r.integrity_check).join('; ');
  } finally {
    db.close();
  }
}

const stamp = (d: Date) =>
  d
    .toISOString()
    .replace(/[:]/g, '')
    .replace(/\.\d+Z$/, 'Z');

async function takeBackup(dir: string): Promise<void> {
  const found = databases();
  if (found.length === 0)
    throw new Error(`no database found (looked for ${Object.values(configured).join(', ')}); check the *_DB_PATH`);
  const takenAt = new Date();
  const target = join(resolve(dir), stamp(takenAt));
  const partial = `${target}.partial`;
  mkdirSync(partial, { recursive: true });
  const entries: Entry[] = [];
  for (const { service, path } of found) {
    const file = `${service}/${basename(path)}`;
    mkdirSync(join(partial, service), { recursive: true });
    const source = new DatabaseSync(path, { timeout: 10_000 });
    try {
      // All pages in one step: a snapshot of one moment, never restarted by the service's writes.
      await backup(source, join(partial, file), { rate: 1_000_000_000 });
    } finally {
      source.close();
    }
    const check = integrity(join(partial, file));
    if (check !== 'ok') throw new Error(`the copy of ${path} fails PRAGMA integrity_check: ${check}`);
    entries.push({ service, file, bytes: statSync(join(partial, file)).size });
    console.log(`backup: ${path} → ${join(target, file)} (${entries.at(-1)!.bytes} bytes, integrity ok)`);
  }
  const manifest: Manifest = { takenAt: takenAt.toISOString(), databases: entries };
  writeFileSync(join(partial, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  renameSync(partial, target);
  console.log(`backup: ${entries.length} databases in ${target}`);
  const keep = Number(env['BACKUP_KEEP'] || 0);
  if (keep > 0) {
    const all = backupsIn(dir);
    for (const old of all.slice(0, Math.max(0, all.length - keep))) {
      rmSync(join(resolve(dir), old), { recursive: true, force: true });
      console.log(`backup: removed ${old} (BACKUP_KEEP=${keep})`);
    }
  }
}

/** The finished backups in `dir`, oldest first. */
function backupsIn(dir: string): string[] {
  return readdirSync(resolve(dir))
    .filter((d) => /^\d{4}-\d\d-\d\dT\d{6}Z$/.test(d) && existsSync(join(resolve(dir), d, 'manifest.json')))
    .sort();
}

async function restore(dir: string): Promise<void> {
  let from = resolve(dir);
  if (!existsSync(join(from, 'manifest.json'))) {
    const newest = backupsIn(dir).at(-1);
    if (!newest) throw new Error(`${from} holds no backup (no manifest.json, no <time>/manifest.json)`);
    from = join(from, newest);
  }
  const manifest = JSON.parse(readFileSync(join(from, 'manifest.json'), 'utf8')) as Manifest;
  for (const entry of manifest.databases) {
    const check = integrity(join(from, entry.file));
    if (check !== 'ok') throw new Error(`${entry.file} in the backup fails PRAGMA integrity_check: ${check}`);
  }
  for (const entry of manifest.databases) {
    const target =
      entry.service === 'gateway' ? join(dirname(configured.gateway), basename(entry.file)) : configured[entry.service];
    if (existsSync(`${target}-wal`) && statSync(`${target}-wal`).size > 0)
      throw new Error(`${target} has a non-empty -wal file: is ${entry.service} still running? Stop it first`);
    mkdirSync(dirname(target), { recursive: true });
    for (const f of [target, `${target}-wal`, `${target}-shm`]) rmSync(f, { force: true });
    const source = new DatabaseSync(join(from, entry.file), { readOnly: true });
    try {
      await backup(source, target, { rate: 1_000_000_000 });
    } finally {
      source.close();
    }
    const check = integrity(target);
    if (check !== 'ok') throw new Error(`${target} after restore fails PRAGMA integrity_check: ${check}`);
    console.log(`restore: ${join(from, entry.file)} → ${target} (integrity ok)`);
  }
  console.log(`restore: ${manifest.databases.length} databases from the backup of ${manifest.takenAt}`);
}

const [command, dir] = process.argv.slice(2);
if ((command !== 'backup' && command !== 'restore') || !dir) {
  console.error('usage: npm run backup -- DIR   |   npm run restore -- DIR');
  process.exit(2);
}
try {
  await (command === 'backup' ? takeBackup(dir) : restore(dir));
} catch (error) {
  console.error(`${command}: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
