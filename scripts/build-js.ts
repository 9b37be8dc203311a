/**
 * `npm run build` of a service or package (run in its directory): its `src/` as JavaScript in `dist/`, file by file,
 * the same tree (so paths relative to a module, such as `../../locales`, still hold), `.ts` imports rewritten to
 * `.js`, tests left out, other files (HTML) copied. Production runs these with `node --conditions=built`, which makes
 * the workspace packages resolve to their `dist/` too (package.json `exports`), so no process loads the type
 * stripper. Types are checked by `npm run typecheck`, not here: each file is transpiled alone, as Node strips it.
 */
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';

const root = process.cwd();
const src = join(root, 'src');
const out = join(root, 'dist');

const options: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2024,
  module: ts.ModuleKind.ESNext,
  verbatimModuleSyntax: true,
  rewriteRelativeImportExtensions: true,
  sourceMap: false,
};

function* files(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else yield path;
  }
}

rmSync(out, { recursive: true, force: true });
let count = 0;
for (const file of files(src)) {
  const target = join(out, relative(src, file));
  if (/\.test\.ts$|\.d\.ts$/.test(file)) continue;
  mkdirSync(dirname(target), { recursive: true });
  if (!file.endsWith('.ts')) {
    copyFileSync(file, target);
    continue;
  }
  const { outputText, diagnostics } = ts.transpileModule(readFileSync(file, 'utf8'), {
    compilerOptions: options,
    fileName: file,
    reportDiagnostics: true,
  });
  if (diagnostics?.length) {
    const text = ts.formatDiagnostics(diagnostics, {
      getCanonicalFileName: (f) => f,
      getCurrentDirectory: () => root,
      getNewLine: () => '\n',
    });
    throw new Error(`build: ${relative(root, file)}:\n${text}`);
  }
  writeFileSync(target.replace(/\.ts$/, '.js'), outputText);
  count++;
}
console.log(`build: ${count} modules → ${relative(process.cwd(), out) || '.'}`);
