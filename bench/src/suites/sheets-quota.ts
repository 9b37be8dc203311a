import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { TAB_NAMES, TABS } from '@mb/contracts';
import { createLogger } from '@mb/service-kit';
import { createSheetsApp } from '@mb/sheets/app';
import { SheetsDouble } from '@mb/testing/sheets-double';
import type { BenchContext, BenchRow, BenchSuite } from '../suite.ts';

const TOKEN = 'bench-bearer-token';
const READS = new Set(['spreadsheets.get', 'values.get', 'values.batchGet']);
const USERS_IN_SHEET = 2_000;
const BIG_USERS = 200_000;

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;
const userRow = (i: number) => [
  `U-${i}`,
  String(100_000 + i),
  `+7999${String(i).padStart(7, '0')}`,
  `User ${i}`,
  'client',
  i % 3 ? 'retail' : 'partners',
  'active',
  'ru',
  '2026-01-01',
  '',
  'no',
];

async function startDouble(): Promise<SheetsDouble> {
  const double = await new SheetsDouble({ token: TOKEN }).start();
  double.quota = { reads: 60, writes: 60, windowMs: 60_000 }; // Google's per-user quota
  for (const tab of TAB_NAMES) double.setTab(tab, [[...TABS[tab].columns]]);
  return double;
}

function startSheets(dir: string, double: SheetsDouble, onWriteLanded?: (lag: number) => void) {
  return createSheetsApp({
    dbPath: join(dir, 'workbook.sqlite'),
    internalToken: 'bench-internal-token-0123456789',
    logger: createLogger('sheets', 'silent'),
    seed: false,
    // production defaults: pull every 30 s, flush every 2 s, the default call budget
    sync: {
      google: { spreadsheetId: double.spreadsheetId, apiRoot: double.url, accessToken: TOKEN },
      pullIntervalMs: 30_000,
      flushIntervalMs: 2_000,
      ...(onWriteLanded ? { onWriteLanded } : {}),
    },
  });
}

/** ~1,000 bot writes a second into the workbook (what 1,000 updates/s make of it): last-seen updates, messages, participations, tickets. */
async function writeLoad(app: ReturnType<typeof startSheets>, seconds: number, perSecond: number): Promise<number> {
  const start = Date.now();
  const end = start + seconds * 1000;
  let n = 0;
  while (Date.now() < end) {
    const due = Math.floor(((Date.now() - start) / 1000) * perSecond); // catch up after a slow tick: an open-loop rate
    for (; n < due; n++) {
      const now = new Date().toISOString();
      const kind = n % 10;
      if (kind < 4) app.wb.update('Users', `U-${n % USERS_IN_SHEET}`, { last_seen_at: now });
      else if (kind < 7)
        app.wb.insert('TicketMessages', {
          id: `M-${n}`,
          ticket_id: `T-${n % 500}`,
          author: 'user',
          author_name: 'User',
          text: `message ${n}: =IMPORTXML("x")`,
          created_at: now,
        });
      else if (kind < 9)
        app.wb.insert('Participations', {
          id: `P-${n}`,
          promotion_id: `promo-${n % 7}`,
          telegram_id: String(n),
          name: 'User',
          phone: '+79990000000',
          created_at: now,
          status: 'new',
        });
      else
        app.wb.insert('Tickets', {
          id: `T-${n}`,
          telegram_id: String(n),
          name: 'User',
          category: 'Вопрос',
          text: 'help',
          status: 'new',
          created_at: now,
        });
    }
    await sleep(5);
  }
  return n;
}

async function quotaUnderLoad(ctx: BenchContext): Promise<BenchRow[]> {
  const seconds = ctx.quick ? 20 : 60;
  const dir = mkdtempSync(join(tmpdir(), 'bench-sheets-'));
  const double = await startDouble();
  double.setTab('Users', [[...TABS.Users.columns], ...Array.from({ length: USERS_IN_SHEET }, (_, i) => userRow(i))]);
  const lags: number[] = [];
  const app = startSheets(dir, double, (lag) => lags.push(lag));
  try {
    await app.sync!.pullNow();
    app.sync!.start();
    const from = Date.now();
    const written = await writeLoad(app, seconds, 1000);
    const to = Date.now();
    const drainEnd = Date.now() + 30_000;
    while (app.wb.outboxDepth().pending > 0 && Date.now() < drainEnd) await sleep(100);
    const inWindow = double.calls.filter((c) => c.at >= from && c.at <= to);
    const minutes = (to - from) / 60_000;
    const reads = inWindow.filter((c) => READS.has(c.method)).length / minutes;
    const writes = inWindow.filter((c) => !READS.has(c.method)).length / minutes;
    const quota = double.calls.filter((c) => c.status === 429).length;
    lags.sort((a, b) => a - b);
    const landed =
      double.records('TicketMessages').length +
      double.records('Participations').length +
      double.records('Tickets').length;
    ctx.log(
      `${written} writes in ${((to - from) / 1000).toFixed(1)} s; Google calls: ${inWindow.length} (${reads.toFixed(1)} reads/min, ${writes.toFixed(1)} writes/min), 429s ${quota}; rows landed ${landed}; outbox left ${app.wb.outboxDepth().pending}`,
    );
    const note = `${(written / ((to - from) / 1000)).toFixed(0)} bot writes/s for ${seconds} s (in-process, the sheets side of 1,000 updates/s), Google's 60/60 per-minute quota in the double`;
    return [
      {
        suite: 'sheets-quota',
        metric: 'Sheets reads per minute under load',
        value: reads,
        unit: '/min',
        goal: '≤ 60',
        pass: reads <= 60,
        note,
      },
      {
        suite: 'sheets-quota',
        metric: 'Sheets writes per minute under load',
        value: writes,
        unit: '/min',
        goal: '≤ 30',
        pass: writes <= 30,
      },
      {
        suite: 'sheets-quota',
        metric: 'Sheets quota errors (429)',
        value: quota,
        unit: 'count',
        goal: '= 0',
        pass: quota === 0,
      },
      { suite: 'sheets-quota', metric: 'write lag p50', value: percentile(lags, 50), unit: 's' },
      {
        suite: 'sheets-quota',
        metric: 'write lag p99',
        value: percentile(lags, 99),
        unit: 's',
        goal: '≤ 10',
        pass: percentile(lags, 99) <= 10,
        note: `${lags.length} writes landed; max ${(lags.at(-1) ?? 0).toFixed(1)} s`,
      },
    ];
  } finally {
    await app.close();
    await double.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function bigPull(ctx: BenchContext): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-sheets-'));
  const double = await startDouble();
  double.setTab('Users', [[...TABS.Users.columns], ...Array.from({ length: BIG_USERS }, (_, i) => userRow(i))]);
  const app = startSheets(dir, double);
  try {
    let t = performance.now();
    await app.sync!.pullNow();
    const first = (performance.now() - t) / 1000;
    for (let i = 0; i < 20; i++) double.edit('Users', `U-${i * 9_999}`, 'status', 'blocked');
    t = performance.now();
    const summary = await app.sync!.pullNow();
    const steady = (performance.now() - t) / 1000;
    ctx.log(
      `Users tab of ${BIG_USERS} rows: first pull (import) ${first.toFixed(2)} s, next pull with 20 edits ${steady.toFixed(2)} s (applied ${summary.applied}, events ${summary.events}); RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB`,
    );
    return [
      {
        suite: 'sheets-quota',
        metric: `pull time, Users tab of ${BIG_USERS.toLocaleString('en-US')} rows`,
        value: steady,
        unit: 's',
        note: `one batchGet, 20 edits applied; the double serves from the same process`,
      },
      {
        suite: 'sheets-quota',
        metric: `first pull (import), Users tab of ${BIG_USERS.toLocaleString('en-US')} rows`,
        value: first,
        unit: 's',
      },
    ];
  } finally {
    await app.close();
    await double.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const suite: BenchSuite = {
  name: 'sheets-quota',
  description:
    'Google Sheets calls per minute (reads, writes, 429s) and write lag under ~1,000 bot writes/s; pull time of a 200,000-row Users tab',
  async run(ctx) {
    return [...(await quotaUnderLoad(ctx)), ...(await bigPull(ctx))];
  },
};
export default suite;
