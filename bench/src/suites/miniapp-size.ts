import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';
import type { BenchRow, BenchSuite } from '../suite.ts';

const WEBAPP = resolve(import.meta.dirname, '..', '..', '..', 'webapp');
const PAGES = ['index.html', 'menu.html'];
const GOAL_KB = 60;

/** The scripts a page loads before it can run: its module entry and every module it preloads (dynamic imports are not first load). */
function firstLoadScripts(html: string): string[] {
  const refs = [
    ...html.matchAll(/<script[^>]+type="module"[^>]+src="([^"]+)"/g),
    ...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+)"/g),
  ];
  return [...new Set(refs.map((m) => m[1]!))];
}

const suite: BenchSuite = {
  name: 'miniapp-size',
  description: `the Mini App's first-load JavaScript per page, gzipped (level 9), from a fresh production build; goal ≤ ${GOAL_KB} KB`,
  async run(ctx) {
    const dist = mkdtempSync(join(tmpdir(), 'mb-webapp-size-'));
    try {
      await build({
        root: WEBAPP,
        configFile: join(WEBAPP, 'vite.config.ts'),
        logLevel: 'silent',
        build: { outDir: dist, emptyOutDir: true },
      });
      const rows: BenchRow[] = [];
      for (const page of PAGES) {
        const scripts = firstLoadScripts(readFileSync(join(dist, page), 'utf8'));
        if (scripts.length === 0) throw new Error(`${page} loads no module script: the build output changed shape`);
        let raw = 0;
        let gzipped = 0;
        for (const src of scripts) {
          // Built URLs carry the /app/ base; the files sit under dist/.
          const bytes = readFileSync(join(dist, src.replace(/^\/app\//, '')));
          raw += bytes.length;
          gzipped += gzipSync(bytes, { level: 9 }).length;
        }
        const kb = Math.round((gzipped / 1024) * 10) / 10;
        ctx.log(`${page}: ${scripts.length} scripts, ${(raw / 1024).toFixed(1)} KB raw, ${kb} KB gzipped`);
        rows.push({
          suite: 'miniapp-size',
          metric: `first-load JS gzipped, ${page}`,
          value: kb,
          unit: 'KB',
          goal: `≤ ${GOAL_KB}`,
          pass: kb <= GOAL_KB,
          note: `${scripts.length} files, ${(raw / 1024).toFixed(1)} KB before gzip`,
        });
      }
      return rows;
    } finally {
      rmSync(dist, { recursive: true, force: true });
    }
  },
};

export default suite;
