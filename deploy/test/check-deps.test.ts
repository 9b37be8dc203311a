import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkDeps, importsOf } from '../src/check-deps.ts';

let root: string | undefined;
afterEach(() => {
  if (root) rmSync(root, { recursive: true, force: true });
  root = undefined;
});

/** A tiny monorepo: files by path; package.json values are objects. */
function tree(files: Record<string, unknown>): string {
  root = mkdtempSync(join(tmpdir(), 'mb-check-deps-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), typeof content === 'string' ? content : JSON.stringify(content));
  }
  return root;
}

const rootManifest = { name: 'mono', workspaces: ['packages/*', 'services/*'], devDependencies: { vitest: '*' } };

describe('check-deps', () => {
  it('passes a tree where every import is declared and every declaration imported', () => {
    const dir = tree({
      'package.json': rootManifest,
      'packages/kit/package.json': { name: '@x/kit', dependencies: { zod: '*' } },
      'packages/kit/src/index.ts': "import { z } from 'zod';\nimport { readFileSync } from 'node:fs';\nexport { z };\n",
      'packages/kit/src/index.test.ts':
        "import { it } from 'vitest';\nimport { z } from '../src/index.ts';\nit('', () => z);\n",
      'services/api/package.json': {
        name: '@x/api',
        scripts: { build: 'vite build' },
        dependencies: { '@x/kit': '*' },
        devDependencies: { '@types/semver': '*', semver: '*', vite: '*' },
      },
      'node_modules/vite/package.json': { name: 'vite', bin: { vite: 'bin/vite.js' } },
      'services/api/src/main.ts':
        "export const kit = await import('@x/kit/sub');\nimport type { SemVer } from 'semver';\n",
      'services/api/src/self.ts': "import type { A } from '@x/api/types';\n",
    });
    expect(checkDeps(dir)).toEqual([]);
  });

  it('names an undeclared import and an unused declaration, with file and line', () => {
    const dir = tree({
      'package.json': rootManifest,
      'services/api/package.json': { name: '@x/api', dependencies: { zod: '*', bullmq: '*' } },
      'services/api/src/main.ts': "import { z } from 'zod';\n\nexport const m = () => import('prom-client');\n",
    });
    expect(checkDeps(dir)).toEqual([
      { file: 'services/api/src/main.ts', line: 3, problem: 'imports prom-client, not declared in @x/api' },
      { file: 'services/api/package.json', line: 1, problem: 'declares bullmq, never imported' },
    ]);
  });

  it('refuses a package importing a service, and a relative path into another workspace', () => {
    const dir = tree({
      'package.json': rootManifest,
      'packages/testing/package.json': { name: '@x/testing', devDependencies: { '@x/api': '*' } },
      'packages/testing/src/stack.ts': "import { app } from '@x/api/app';\n",
      'services/api/package.json': { name: '@x/api' },
      'services/api/test/a.test.ts': "import { double } from '../../../packages/testing/src/double.ts';\n",
    });
    expect(checkDeps(dir)).toEqual([
      { file: 'packages/testing/src/stack.ts', line: 1, problem: 'a package imports the service @x/api' },
      { file: 'packages/testing/package.json', line: 1, problem: 'a package declares the service @x/api' },
      {
        file: 'services/api/test/a.test.ts',
        line: 1,
        problem: 'reaches ../../../packages/testing/src/double.ts by path: import its package',
      },
    ]);
  });

  it('reads imports, not strings that look like them', () => {
    const text = [
      "import a from 'pkg-a';",
      "export { b } from '@scope/b/deep/path.js';",
      'const text = "import c from \'not-a-package\'";',
      "import 'node:fs';",
      "import fs from 'fs';",
    ].join('\n');
    expect(importsOf(text).map((i) => i.specifier)).toEqual(['pkg-a', '@scope/b/deep/path.js', 'node:fs', 'fs']);
  });
});
