/**
 * Dependencies that tell the truth (`npm run lint`): every workspace declares the packages its code imports, and imports
 * the packages it declares; `packages/*` never import `services/*`.
 *
 * Imports are read with TypeScript's own pre-processor (static `import`/`export … from`, `import type`, dynamic
 * `import('…')`), so a string that merely looks like an import does not count. A relative import may not leave its
 * workspace (`../../../packages/testing/src/…`): another workspace is reached by its package name. A bare specifier counts by its package name
 * (`@mb/gateway/stack` → `@mb/gateway`); `node:` and other builtins, relative and absolute paths are skipped. The root's
 * dependencies (vitest, typescript, playwright-core: tooling) may be imported from anywhere; a workspace's own name is a
 * self-reference; the root's own scripts may import any workspace (npm links them all at the root). A declaration is used when its package is imported, when one of its binaries is run by a script in
 * package.json (`vite build`), or, for `@types/x`, when `x` is imported.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export type Problem = { file: string; line: number; problem: string };

type Manifest = {
  name?: string;
  workspaces?: string[];
  scripts?: Record<string, string>;
  bin?: string | Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
};

type Workspace = { dir: string; manifest: Manifest; files: string[] };

const CODE = /\.(?:[cm]?[jt]s|tsx|jsx)$/;
const SKIP_DIRS = new Set(['node_modules', 'dist', 'coverage']);
const BUILTINS = new Set(builtinModules);

const readManifest = (dir: string): Manifest => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;

/** The package a bare specifier names (`@s/p/sub` → `@s/p`, `p/sub` → `p`); null for paths, builtins and URLs. */
export function packageOf(specifier: string): string | null {
  if (/^[./]/.test(specifier) || specifier.includes(':') || BUILTINS.has(specifier.split('/')[0] ?? '')) return null;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? null);
}

/** Every import of a source text (static, type-only, re-export, dynamic), with its 1-based line. */
export function importsOf(text: string): { specifier: string; line: number }[] {
  return ts.preProcessFile(text, true, true).importedFiles.map((ref) => ({
    specifier: ref.fileName,
    line: text.slice(0, ref.pos).split('\n').length,
  }));
}

function workspaceDirs(root: string, globs: string[]): string[] {
  const dirs: string[] = [];
  for (const glob of globs) {
    if (glob.endsWith('/*')) {
      const parent = join(root, glob.slice(0, -2));
      if (!existsSync(parent)) continue;
      for (const entry of readdirSync(parent).sort()) {
        const dir = join(parent, entry);
        if (existsSync(join(dir, 'package.json'))) dirs.push(dir);
      }
    } else if (existsSync(join(root, glob, 'package.json'))) dirs.push(join(root, glob));
  }
  return dirs;
}

/** Code files under dir, not descending into other workspaces, node_modules, dist or dot-directories. */
function codeFiles(dir: string, others: Set<string>): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) {
      if (!entry.startsWith('.') && !SKIP_DIRS.has(entry) && !others.has(path)) files.push(...codeFiles(path, others));
    } else if (CODE.test(entry) && !entry.endsWith('.d.ts')) files.push(path);
  }
  return files;
}

const declared = (m: Manifest) => ({
  ...m.dependencies,
  ...m.devDependencies,
  ...m.peerDependencies,
  ...m.optionalDependencies,
});

/** The binaries a dependency installs, read from its package.json in node_modules (none when it is not installed). */
function binsOf(root: string, dir: string, name: string): string[] {
  for (const base of [dir, root]) {
    const path = join(base, 'node_modules', name, 'package.json');
    if (!existsSync(path)) continue;
    const { bin } = readManifest(join(base, 'node_modules', name));
    if (typeof bin === 'string') return [name.split('/').at(-1) ?? name];
    return Object.keys(bin ?? {});
  }
  return [];
}

export function checkDeps(root: string): Problem[] {
  const rootManifest = readManifest(root);
  const dirs = workspaceDirs(root, rootManifest.workspaces ?? []);
  const all = new Set(dirs);
  const workspaces: Workspace[] = [root, ...dirs].map((dir) => ({
    dir,
    manifest: readManifest(dir),
    files: codeFiles(dir, new Set([...all].filter((d) => d !== dir))),
  }));
  const dirOf = new Map(workspaces.map((w) => [w.manifest.name, relative(root, w.dir).split(sep).join('/')]));
  const tooling = new Set(Object.keys(declared(rootManifest)));
  const problems: Problem[] = [];

  for (const w of workspaces) {
    const at = (file: string) => relative(root, file).split(sep).join('/');
    const own = declared(w.manifest);
    const isRoot = w.dir === root;
    const isPackage = at(join(w.dir, 'package.json')).startsWith('packages/');
    const imported = new Set<string>();
    for (const file of w.files) {
      for (const { specifier, line } of importsOf(readFileSync(file, 'utf8'))) {
        if (specifier.startsWith('.')) {
          const target = relative(w.dir, resolve(dirname(file), specifier));
          if (!isRoot && (target.startsWith('..') || isAbsolute(target)))
            problems.push({ file: at(file), line, problem: `reaches ${specifier} by path: import its package` });
          continue;
        }
        const name = packageOf(specifier);
        if (!name) continue;
        imported.add(name);
        if (name === w.manifest.name) continue;
        if (isPackage && dirOf.get(name)?.startsWith('services/'))
          problems.push({ file: at(file), line, problem: `a package imports the service ${name}` });
        else if (!(name in own) && !tooling.has(name) && !(isRoot && dirOf.has(name)))
          problems.push({ file: at(file), line, problem: `imports ${name}, not declared in ${w.manifest.name}` });
      }
    }
    // The root's declarations are tooling run by name (biome, turbo, tsc); only the workspaces' are held to their imports.
    if (isRoot) continue;
    const scripts = Object.values(w.manifest.scripts ?? {}).join(' ');
    const runs = (bin: string) =>
      new RegExp(`(^|[\\s;&|])${bin.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\s|$)`).test(scripts);
    for (const name of Object.keys(own)) {
      if (isPackage && dirOf.get(name)?.startsWith('services/'))
        problems.push({
          file: at(join(w.dir, 'package.json')),
          line: 1,
          problem: `a package declares the service ${name}`,
        });
      const typed = name.startsWith('@types/') ? name.slice('@types/'.length).replace(/^(.+)__/, '@$1/') : null;
      const used =
        imported.has(name) || (typed !== null && imported.has(typed)) || binsOf(root, w.dir, name).some(runs);
      if (!used)
        problems.push({ file: at(join(w.dir, 'package.json')), line: 1, problem: `declares ${name}, never imported` });
    }
  }
  return problems;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const problems = checkDeps(root);
  for (const p of problems) console.error(`${p.file}:${p.line}: ${p.problem}`);
  if (problems.length > 0) {
    console.error(`check-deps: ${problems.length} problem(s)`);
    process.exit(1);
  }
  console.log('check-deps: every workspace declares what it imports and imports what it declares');
}
