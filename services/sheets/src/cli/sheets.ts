/**
 * `npm run sheets -- init|check|archive`: creates or verifies the tabs and header rows of the configured spreadsheet
 * (GOOGLE_SHEETS_SPREADSHEET_ID, with GOOGLE_APPLICATION_CREDENTIALS or GOOGLE_SHEETS_ACCESS_TOKEN), or takes old
 * rows out of it (SQLite, SHEETS_DB_PATH, keeps them).
 * Exit codes: 0 the layout matches (and nothing would be refused), 1 differences remain, 2 usage or configuration error, 3 Google did not answer.
 */
import { writeFileSync } from 'node:fs';
import { TAB_NAMES, type TabName } from '@mb/contracts';
import { createRegistry, EnvError } from '@mb/service-kit';
import { readEnv } from '../env.ts';
import { openDatabase } from '../store/db.ts';
import { Workbook } from '../store/workbook.ts';
import { ArchiveError, archiveReport, archiveSheet, DEFAULT_ARCHIVE_DAYS, parseOlderThan } from '../sync/archive.ts';
import { syncConfigFromEnv } from '../sync/config.ts';
import { createSheetsApi, SheetsCallError } from '../sync/google-client.ts';
import { importReport, previewImport } from '../sync/import-preview.ts';
import { checkLayout, initLayout, type LayoutReport } from '../sync/layout-admin.ts';
import { createSyncMetrics } from '../sync/metrics.ts';
import { guardSheet } from '../sync/sheet-guard.ts';
import { tabCsv } from './export-csv.ts';

const USAGE =
  "usage: npm run sheets -- init|check|archive|export\n  init   create missing tabs and header rows, add dropdowns and mark the bot columns (never touches data)\n  check  report what differs from the expected layout, and what moving in takes and refuses (writes nothing)\n  archive [--older-than DAYS]  take closed requests (and their messages) and participations of archived promotions older than DAYS (default 180) out of the Sheet; SQLite keeps them\n  export TAB [FILE]  a tab of the SQLite workbook as CSV, cells that would be formulas prefixed with '";

function print(report: LayoutReport): void {
  for (const t of report.tabs)
    console.log(
      `${t.state === 'ok' ? 'ok     ' : t.state.padEnd(7)} ${t.tab}${t.problems.length ? `\n          ${t.problems.join('\n          ')}` : ''}`,
    );
  if (report.extraTabs.length) console.log(`other tabs (left alone): ${report.extraTabs.join(', ')}`);
}

/** `export TAB [FILE]`: a tab of the SQLite workbook as a formula-safe CSV (docs/security.md); no spreadsheet needed. */
function exportTab(argv: string[]): number {
  const tab = argv[1];
  if (!tab || !(TAB_NAMES as string[]).includes(tab)) {
    console.error(`usage: npm run sheets -- export TAB [FILE]   (TAB: ${TAB_NAMES.join(', ')})`);
    return 2;
  }
  let env;
  try {
    env = readEnv(process.env);
  } catch (error) {
    if (!(error instanceof EnvError)) throw error;
    console.error(error.message);
    return 2;
  }
  const db = openDatabase(env.SHEETS_DB_PATH);
  try {
    const csv = tabCsv(new Workbook(db, { outbox: false }), tab as TabName);
    if (argv[2]) writeFileSync(argv[2], csv, { mode: 0o600 });
    else process.stdout.write(csv);
    return 0;
  } finally {
    db.close();
  }
}

/** `archive [--older-than DAYS | --older-than=DAYS]`: the days, or why the arguments are refused. */
function archiveArgs(args: string[]): number | string {
  let days = DEFAULT_ARCHIVE_DAYS;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg !== '--older-than' && !arg.startsWith('--older-than=')) return `unknown argument ${arg}\n${USAGE}`;
    const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : args[++i];
    try {
      days = parseOlderThan(value);
    } catch (error) {
      if (!(error instanceof ArchiveError)) throw error;
      return error.message;
    }
  }
  return days;
}

async function main(argv: string[]): Promise<number> {
  const command = argv[0];
  if (command === 'export') return exportTab(argv);
  if (command !== 'init' && command !== 'check' && command !== 'archive') {
    console.error(USAGE);
    return 2;
  }
  let olderThanDays = DEFAULT_ARCHIVE_DAYS;
  if (command === 'archive') {
    const parsed = archiveArgs(argv.slice(1));
    if (typeof parsed === 'string') {
      console.error(`archive: ${parsed}`);
      return 2;
    }
    olderThanDays = parsed;
  }
  let config;
  let env;
  try {
    env = readEnv(process.env);
    config = syncConfigFromEnv(env);
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }
  if (!config) {
    console.error(
      command === 'archive'
        ? 'GOOGLE_SHEETS_SPREADSHEET_ID is not set: there is no spreadsheet to archive from (without one, SQLite is the whole store and nothing needs archiving)'
        : `GOOGLE_SHEETS_SPREADSHEET_ID is not set: there is no spreadsheet to ${command}`,
    );
    return 2;
  }
  const api = createSheetsApi(
    { ...config.google, timeoutMs: 30_000 },
    createSyncMetrics(createRegistry('sheets').registry),
  );
  try {
    if (command === 'archive') {
      const db = openDatabase(env.SHEETS_DB_PATH);
      try {
        const summary = await archiveSheet(new Workbook(db, { outbox: false }), api, { olderThanDays });
        for (const line of archiveReport(summary)) console.log(line);
        return 0;
      } catch (error) {
        if (!(error instanceof ArchiveError)) throw error;
        console.error(`archive: ${error.message}`);
        return 3;
      } finally {
        db.close();
      }
    }
    if (command === 'check') {
      const report = await checkLayout(api);
      print(report);
      console.log(
        report.ok
          ? 'the spreadsheet matches the expected layout'
          : 'the spreadsheet differs from the expected layout (see above; `init` adds missing tabs and headers)',
      );
      const preview = await previewImport(api);
      for (const line of importReport(preview)) console.log(line);
      return report.ok && preview.badRows.length === 0 ? 0 : 1;
    }
    const { created, headed, appended, after } = await initLayout(api);
    console.log(created.length ? `created tabs: ${created.join(', ')}` : 'no tabs were missing');
    console.log(headed.length ? `wrote header rows: ${headed.join(', ')}` : 'no header rows were needed');
    if (appended.length) console.log(`appended columns: ${appended.join(', ')}`);
    const guard = await guardSheet(api);
    console.log(`dropdowns: ${guard.dropdowns.join(', ') || 'none'}`);
    console.log(`bot columns marked (note + warning-only protection): ${guard.marked.length}`);
    print(after);
    console.log(
      after.ok
        ? 'the spreadsheet matches the expected layout'
        : 'some differences need a human (renamed or missing columns in tabs with data)',
    );
    return after.ok ? 0 : 1;
  } catch (error) {
    if (error instanceof SheetsCallError) {
      console.error(`Google Sheets did not answer as expected: ${error.message}`);
      return error.status === 401 || error.status === 403 || error.status === 404 ? 2 : 3;
    }
    throw error;
  }
}

process.exitCode = await main(process.argv.slice(2));
