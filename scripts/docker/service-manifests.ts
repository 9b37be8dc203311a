/**
 * Run inside the Dockerfile's `manifests` stage: `node scripts/docker/service-manifests.ts OUT WORKSPACE...`.
 *
 * npm ignores `--workspace` when it decides what to install: `npm ci --omit=dev --workspace=@mb/gateway` installs the
 * production dependencies of every workspace (googleapis, openai, … — 330 MB). So for each workspace named, this
 * writes OUT/<name>/ with the lockfile and manifests that list only that workspace and the local packages it needs
 * (transitively, through `dependencies`; and the named workspace's own `devDependencies` when the name ends in `+dev`,
 * for a build stage);
 * `npm install` there keeps the lockfile's versions and installs nothing else.
 *
 * `tool:NAME` (a root devDependency, e.g. `tool:typescript` for the JavaScript build stage) writes OUT/NAME/ with a
 * manifest that depends on that package alone and a lockfile holding just its entries from the root lockfile (the
 * same version and integrity), for `npm ci`.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

type Manifest = {
  name: string;
  workspaces?: string[];
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
};

const [out, ...wanted] = process.argv.slice(2);
if (!out || wanted.length === 0) {
  console.error('usage: service-manifests.ts OUT WORKSPACE[+dev]|tool:NAME...   (e.g. services/gateway webapp+dev)');
  process.exit(2);
}
const read = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Manifest;
const root = read('package.json');

/** Every workspace directory by package name (the lockfile lists each workspace under its path). */
function workspaceDirs(): Map<string, string> {
  const byName = new Map<string, string>();
  const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, { name?: string }> };
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (path === '' || path.includes('node_modules') || !existsSync(join(path, 'package.json'))) continue;
    byName.set(entry.name ?? read(join(path, 'package.json')).name, path);
  }
  return byName;
}

type LockEntry = { version: string; dependencies?: Record<string, string> };

/** OUT/<name>/: a manifest and lockfile for one root devDependency and what it depends on, at the locked versions. */
function toolManifest(name: string): void {
  const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as {
    lockfileVersion: number;
    packages: Record<string, LockEntry>;
  };
  if (!root.devDependencies?.[name]) {
    console.error(`service-manifests: ${name} is not a devDependency of the root package.json`);
    process.exit(2);
  }
  const packages: Record<string, LockEntry> = {};
  const visit = (dep: string) => {
    const path = `node_modules/${dep}`;
    if (packages[path]) return;
    const entry = lock.packages[path];
    if (!entry) throw new Error(`service-manifests: ${path} is not in package-lock.json`);
    packages[path] = entry;
    for (const d of Object.keys(entry.dependencies ?? {})) visit(d);
  };
  visit(name);
  const manifest = {
    name: `mb-${name}`,
    private: true,
    type: 'module',
    dependencies: { [name]: packages[`node_modules/${name}`]!.version },
  };
  const target = join(out!, name);
  mkdirSync(target, { recursive: true });
  writeFileSync(join(target, 'package.json'), JSON.stringify(manifest, null, 2));
  writeFileSync(
    join(target, 'package-lock.json'),
    JSON.stringify(
      {
        name: manifest.name,
        lockfileVersion: lock.lockfileVersion,
        requires: true,
        packages: { '': manifest, ...packages },
      },
      null,
      2,
    ),
  );
}

const byName = workspaceDirs();
for (const spec of wanted) {
  if (spec.startsWith('tool:')) {
    toolManifest(spec.slice('tool:'.length));
    continue;
  }
  const withDev = spec.endsWith('+dev');
  const start = withDev ? spec.slice(0, -4) : spec;
  if (![...byName.values()].includes(start)) {
    console.error(`service-manifests: ${start} is not a workspace (known: ${[...byName.values()].join(', ')})`);
    process.exit(2);
  }
  const keep = new Set<string>();
  const visit = (dir: string, dev: boolean) => {
    if (keep.has(dir)) return;
    keep.add(dir);
    const m = read(join(dir, 'package.json'));
    for (const dep of Object.keys({ ...m.dependencies, ...(dev ? m.devDependencies : {}) })) {
      const local = byName.get(dep);
      if (local) visit(local, false);
    }
  };
  visit(start, withDev);
  const target = join(out, start.split('/').pop()!);
  mkdirSync(target, { recursive: true });
  const { devDependencies: _dev, ...rest } = root;
  writeFileSync(join(target, 'package.json'), JSON.stringify({ ...rest, workspaces: [...keep].sort() }, null, 2));
  cpSync('package-lock.json', join(target, 'package-lock.json'));
  for (const dir of keep) {
    mkdirSync(join(target, dir), { recursive: true });
    cpSync(join(dir, 'package.json'), join(target, dir, 'package.json'));
  }
}
