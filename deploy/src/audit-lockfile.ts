/**
 * Offline dependency check (`npm run lint`): package-lock.json against the committed advisory list
 * (deploy/security/advisories.json), and the lockfile's own hygiene: no package from git, a tarball URL, a file or
 * plain http, every version a registry version, every recorded integrity sha512. What it cannot see: advisories not in the list, and
 * anything newer than it; `npm audit --omit=dev` (online) is the operator's check (docs/deploy.md).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import semver from 'semver';

export type Advisory = {
  id: string;
  cve?: string;
  package: string;
  vulnerable: string;
  severity: string;
  title: string;
};
type LockEntry = { version?: string; resolved?: string; integrity?: string; link?: boolean; dev?: boolean };
export type Lockfile = { lockfileVersion: number; packages: Record<string, LockEntry> };
export type Finding = { path: string; problem: string };

const REGISTRY = 'https://registry.npmjs.org/';

/** The package name of a lockfile path (`node_modules/a/node_modules/@s/b` → `@s/b`); null for workspaces. */
export function packageName(path: string): string | null {
  const at = path.lastIndexOf('node_modules/');
  return at === -1 ? null : path.slice(at + 'node_modules/'.length);
}

export function auditLockfile(lock: Lockfile, advisories: Advisory[]): Finding[] {
  if (lock.lockfileVersion < 2) return [{ path: 'package-lock.json', problem: 'lockfileVersion 2 or 3 expected' }];
  const findings: Finding[] = [];
  const byPackage = new Map<string, Advisory[]>();
  for (const a of advisories) {
    if (!semver.validRange(a.vulnerable)) throw new Error(`advisory ${a.id}: bad range ${a.vulnerable}`);
    byPackage.set(a.package, [...(byPackage.get(a.package) ?? []), a]);
  }
  for (const [path, entry] of Object.entries(lock.packages)) {
    const name = packageName(path);
    if (!name || entry.link) continue; // the root and workspaces: our own code
    // This lockfile records no `resolved` for registry packages (npm then uses the configured registry); one that is
    // recorded must be the registry over https: never git, a tarball URL, a file or plain http.
    if (entry.resolved !== undefined && !entry.resolved.startsWith(REGISTRY))
      findings.push({ path, problem: `not from ${REGISTRY}: ${entry.resolved}` });
    if (!entry.version || !semver.valid(entry.version))
      findings.push({ path, problem: `not a registry version: ${entry.version ?? 'none'}` });
    if (entry.integrity !== undefined && !entry.integrity.startsWith('sha512-'))
      findings.push({ path, problem: 'integrity weaker than sha512' });
    for (const a of byPackage.get(name) ?? [])
      if (entry.version && semver.satisfies(entry.version, a.vulnerable))
        findings.push({
          path,
          problem: `${name}@${entry.version}: ${a.id}${a.cve ? ` (${a.cve})` : ''} ${a.severity}, ${a.title}; fixed outside ${a.vulnerable}${entry.dev ? ' (dev only)' : ''}`,
        });
  }
  return findings;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = new URL('../../', import.meta.url);
  const lock = JSON.parse(readFileSync(new URL('package-lock.json', root), 'utf8')) as Lockfile;
  const { advisories } = JSON.parse(readFileSync(new URL('deploy/security/advisories.json', root), 'utf8')) as {
    advisories: Advisory[];
  };
  const findings = auditLockfile(lock, advisories);
  for (const f of findings) console.error(`audit-lockfile: ${f.path}: ${f.problem}`);
  const count = Object.keys(lock.packages).length;
  if (findings.length > 0) process.exit(1);
  console.log(`audit-lockfile: ${count} lockfile entries, ${advisories.length} advisories known: nothing found`);
}
