import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger } from '@mb/service-kit';
import { afterAll, describe, expect, it } from 'vitest';
import { createSheetsApp } from '../src/app.ts';
import { csvCell } from '../src/cli/export-csv.ts';

// Issue 18 finding 6: a manager's CSV export opened in Excel evaluated user text starting with = + - @.
const CLI = fileURLToPath(new URL('../src/cli/sheets.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'mb-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run sheets -- export', () => {
  it('writes a tab as CSV with every formula-like cell prefixed by an apostrophe', async () => {
    const dbPath = join(dir, 'workbook.sqlite');
    const app = createSheetsApp({ dbPath, internalToken: 'x'.repeat(32), logger: createLogger('test', 'silent') });
    const hostile = ['=HYPERLINK("https://evil.example","x")', '+7 903 555-01-03', '-1+1', '@SUM(A1)', '\tTAB', '\rCR'];
    hostile.forEach((name, i) => app.wb.update('Users', `U-${i + 1}`, { name }));
    await app.close();
    const out = join(dir, 'users.csv');
    execFileSync(process.execPath, [CLI, 'export', 'Users', out], {
      env: { PATH: process.env['PATH'] ?? '', SHEETS_DB_PATH: dbPath },
    });
    const csv = readFileSync(out, 'utf8');
    expect(csv.split('\r\n')[0]).toMatch(/^"id","telegram_id","phone","name",/);
    for (const name of hostile) {
      expect(csv).toContain(csvCell(name));
      expect(csv).not.toContain(`"${name.replaceAll('"', '""')}"`);
    }
    expect(csvCell('=1+1')).toBe(`"'=1+1"`);
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('plain')).toBe('"plain"');
  });

  it('names the tabs when the tab is unknown', () => {
    let stderr = '';
    try {
      execFileSync(process.execPath, [CLI, 'export', 'Nope'], {
        stdio: 'pipe',
        env: { PATH: process.env['PATH'] ?? '' },
      });
    } catch (error) {
      stderr = String((error as { stderr: Buffer }).stderr);
    }
    expect(stderr).toMatch(/usage: npm run sheets -- export TAB \[FILE\].*Users/);
  });
});
