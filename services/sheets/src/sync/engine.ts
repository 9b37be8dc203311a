import { setTimeout as sleep } from 'node:timers/promises';
import { TAB_NAMES, TABS, type TabName } from '@mb/contracts';
import type { Logger } from '@mb/service-kit';
import type { BadRow } from '../store/mappers.ts';
import type { Workbook } from '../store/workbook.ts';
import { ARCHIVE_TABS, type ArchiveSummary, archiveSheet } from './archive.ts';
import { readColumns, readHeaders, syncedColumns, type TabColumns } from './column-read.ts';
import { type FlushSummary, flushOutbox } from './flush.ts';
import { type SheetsApi, SheetsCallError } from './google-client.ts';
import type { TabLayout } from './layout.ts';
import type { SyncMetrics } from './metrics.ts';
import { Outbox } from './outbox.ts';
import { applyPull, type BadValue, type PullSummary } from './pull.ts';
import { backoffMs, CallBudget } from './rate-limit.ts';
import { SyncStore } from './sync-store.ts';

export type SyncOptions = {
  pullIntervalMs: number;
  flushIntervalMs: number;
  /** Backoff after a failed pull or flush (429, 5xx, network): base and cap. */
  backoff?: { baseMs: number; maxMs: number };
  /** Calls allowed a minute (defaults stay under Google's 60/60 with room for the CLI: 50 reads, 25 writes). */
  limits?: { readsPerMinute: number; writesPerMinute: number; burst?: number };
  /** Outbox entries taken per flush (keeps one batch well under Google's 2 MB payload limit). */
  flushLimit?: number;
  /** Called with each landed write's lag in seconds (the bench's exact p99; the metric has buckets). */
  onWriteLanded?: (lagSeconds: number) => void;
  /** The nightly archive (SHEETS_ARCHIVE_AFTER_DAYS): rows older than this many days leave the Sheet at ARCHIVE_HOUR_UTC; off when unset. */
  archiveAfterDays?: number | undefined;
};

export type SyncStatus = {
  reachable: boolean;
  lastPullAt: string | null;
  lastError: string | null;
  problems: string[];
  badRows: BadRow[];
  badValues: BadValue[];
  outbox: { pending: number; oldestAgeSeconds: number };
};

/** Google's limit of cells in one spreadsheet. */
export const CELLS_LIMIT = 10_000_000;
const CELLS_CHECK_MS = 10 * 60_000;
/** The nightly archive runs at this hour (UTC), when managers are least likely to be sorting the Sheet. */
export const ARCHIVE_HOUR_UTC = 3;

/** The next ARCHIVE_HOUR_UTC:00 after `now`. */
export function nextArchiveAt(now: Date): Date {
  const at = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), ARCHIVE_HOUR_UTC));
  if (at.getTime() <= now.getTime()) at.setUTCDate(at.getUTCDate() + 1);
  return at;
}

/**
 * The two-way sync: pulls every tab in one batchGet each `pullIntervalMs` (or on demand), flushes the outbox every
 * `flushIntervalMs`, one at a time (a pull and a flush never overlap), within a call budget, backing off on failures.
 */
export class SheetsSync {
  readonly layouts = new Map<TabName, TabLayout>();
  private readonly opts: Required<Omit<SyncOptions, 'limits' | 'onWriteLanded' | 'archiveAfterDays'>> &
    Pick<SyncOptions, 'limits' | 'onWriteLanded' | 'archiveAfterDays'>;
  private readonly budget: CallBudget;
  private readonly wb: Workbook;
  private readonly api: SheetsApi;
  private readonly metrics: SyncMetrics;
  private readonly logger: Logger;
  private lane: Promise<unknown> = Promise.resolve();
  private pulling: Promise<PullSummary> | null = null;
  private timers = new Set<NodeJS.Timeout>();
  private stopped = true;
  private failures = { pull: 0, flush: 0 };
  private missingTabs = new Set<TabName>();
  private readonly sheetIds = new Map<string, number>();
  /** When the grid sizes were last read (sheets_cells_used): at most every CELLS_CHECK_MS, one spreadsheets.get. */
  private cellsCheckedAt = 0;
  /** When the nightly archive runs next (null: the policy is off). */
  archiveScheduledFor: Date | null = null;
  private state = {
    lastPullAt: null as string | null,
    lastError: null as string | null,
    reachable: false,
    problems: [] as string[],
    badRows: [] as BadRow[],
    badValues: [] as BadValue[],
  };

  constructor(deps: { wb: Workbook; api: SheetsApi; metrics: SyncMetrics; logger: Logger }, opts: SyncOptions) {
    this.wb = deps.wb;
    this.api = deps.api;
    this.metrics = deps.metrics;
    this.logger = deps.logger;
    this.opts = { backoff: { baseMs: 1000, maxMs: 60_000 }, flushLimit: 5000, ...opts };
    this.budget = new CallBudget(opts.limits ?? { readsPerMinute: 50, writesPerMinute: 25 });
    this.metrics.cellsLimit.set(CELLS_LIMIT);
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.loop('pull', 0);
    this.loop('flush', 0);
    this.scheduleArchive();
  }

  /**
   * The archive with the policy's age, in the sync's lane (never during a pull or a flush, whose positions it would
   * shift), within the call budget; counted in `sheets_archived_rows_total`. The nightly timer calls this.
   */
  archiveNow(now = new Date()): Promise<ArchiveSummary> {
    const days = this.opts.archiveAfterDays;
    if (!days) return Promise.reject(new Error('SHEETS_ARCHIVE_AFTER_DAYS is not set: the archive policy is off'));
    return this.exclusive(async () => {
      const summary = await archiveSheet(this.wb, this.budgeted(), { olderThanDays: days, now });
      for (const tab of ARCHIVE_TABS) this.metrics.archivedRows.inc({ tab }, summary.removed[tab]);
      this.logger.info(
        { olderThanDays: days, ...summary.removed, reads: summary.reads },
        'archived old rows out of the Sheet (SQLite keeps them)',
      );
      return summary;
    });
  }

  private scheduleArchive(): void {
    if (this.stopped || !this.opts.archiveAfterDays) return;
    const at = nextArchiveAt(new Date());
    this.archiveScheduledFor = at;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.archiveNow()
        .catch((error: unknown) =>
          this.logger.warn({ err: error }, 'the nightly archive failed; it runs again next night'),
        )
        .finally(() => this.scheduleArchive());
    }, at.getTime() - Date.now());
    timer.unref();
    this.timers.add(timer);
  }

  /** The Sheets API with every call taken from the sync's budget (what the archive uses inside the service). */
  private budgeted(): SheetsApi {
    const api = this.api;
    return {
      ...api,
      tabs: async () => {
        await this.read();
        return api.tabs();
      },
      batchGet: async (ranges, major) => {
        await this.read();
        return api.batchGet(ranges, major);
      },
      format: async (requests) => {
        while (!this.budget.take('write')) await sleep(this.budget.waitMs('write'), undefined, { ref: false });
        return api.format(requests);
      },
    };
  }

  /** Stops the loops and waits for the call in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.archiveScheduledFor = null;
    await this.lane.catch(() => undefined);
  }

  /** A pull now (joined with one already queued or running). */
  pullNow(): Promise<PullSummary> {
    this.pulling ??= this.exclusive(() => this.pull()).finally(() => {
      this.pulling = null;
    });
    return this.pulling;
  }

  flushNow(): Promise<FlushSummary> {
    return this.exclusive(() => this.flush());
  }

  status(): SyncStatus {
    const outbox = new Outbox(this.wb.db);
    return {
      ...this.state,
      outbox: { pending: this.wb.outboxDepth().pending, oldestAgeSeconds: outbox.oldestAgeSeconds() },
    };
  }

  badRowCounts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const r of this.state.badRows) out[r.tab] = (out[r.tab] ?? 0) + 1;
    return out;
  }

  /** Bad cells by tab and column, as of the last pull (`sheets_bad_values`). */
  badValueCounts(): Array<{ tab: string; column: string; n: number }> {
    const out = new Map<string, { tab: string; column: string; n: number }>();
    for (const b of this.state.badValues) {
      const key = `${b.tab}\u0000${b.column}`;
      const entry = out.get(key) ?? { tab: b.tab, column: b.column, n: 0 };
      entry.n++;
      out.set(key, entry);
    }
    return [...out.values()];
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lane.catch(() => undefined).then(fn);
    this.lane = run.catch(() => undefined);
    return run;
  }

  private loop(kind: 'pull' | 'flush', delay: number): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      const run = kind === 'pull' ? this.pullNow() : this.flushNow();
      run.then(
        (result) => {
          this.failures[kind] = 0;
          const deferred = kind === 'flush' && (result as FlushSummary).deferred;
          const interval = kind === 'pull' ? this.opts.pullIntervalMs : this.opts.flushIntervalMs;
          this.loop(
            kind,
            deferred ? Math.max(interval, this.budget.waitMs('write'), this.budget.waitMs('read')) : interval,
          );
        },
        (error: unknown) => {
          this.failures[kind]++;
          this.state.lastError = error instanceof Error ? error.message : String(error);
          if (error instanceof SheetsCallError) this.state.reachable = false;
          const wait = backoffMs(this.failures[kind], this.opts.backoff.baseMs, this.opts.backoff.maxMs);
          this.logger.warn(
            { err: error, kind, failures: this.failures[kind], retryInMs: Math.round(wait) },
            'sheets sync call failed; backing off',
          );
          if (kind === 'flush') new Outbox(this.wb.db).failed(this.opts.flushLimit, this.state.lastError);
          this.loop(kind, wait);
        },
      );
    }, delay);
    timer.unref();
    this.timers.add(timer);
  }

  private async read(): Promise<void> {
    while (!this.budget.take('read')) await sleep(this.budget.waitMs('read'), undefined, { ref: false });
  }

  private async pull(): Promise<PullSummary> {
    try {
      try {
        return await this.pullOnce();
      } catch (error) {
        if (!(error instanceof SheetsCallError) || error.status !== 400) throw error;
        this.sheetIds.clear(); // a tab was deleted or renamed: find out which, then read the others
        return await this.pullOnce();
      }
    } catch (error) {
      // also for a pull on demand (sync.pullNow): /readyz tells the truth whoever asked
      if (error instanceof SheetsCallError) Object.assign(this.state, { reachable: false, lastError: error.message });
      throw error;
    }
  }

  private async pullOnce(): Promise<PullSummary> {
    const started = performance.now();
    let wanted = TAB_NAMES.filter((t) => !this.missingTabs.has(t));
    if (this.missingTabs.size || this.sheetIds.size === 0 || Date.now() - this.cellsCheckedAt > CELLS_CHECK_MS)
      wanted = await this.existingTabs();
    const unknown = wanted.filter((t) => !this.layouts.get(t));
    if (unknown.length) {
      await this.read();
      for (const [tab, layout] of await readHeaders(this.api, unknown)) this.layouts.set(tab, layout);
    }
    const tables = new Map<TabName, TabColumns | undefined>(TAB_NAMES.map((t) => [t, undefined]));
    const usable = wanted.filter((t) => this.layouts.get(t)!.usable);
    for (const t of wanted)
      if (!this.layouts.get(t)!.usable) tables.set(t, { header: this.layouts.get(t)!.header, columns: {} });
    await this.read();
    // Moving in: a tab's first pull reads every column (the old bot's telegram_id, language, counters…); later pulls
    // only the managers' columns.
    const imported = new Set(new SyncStore(this.wb.db).get<TabName[]>('pulled_tabs') ?? []);
    const columnsOf = (tab: TabName) => (imported.has(tab) ? syncedColumns(tab) : [...TABS[tab].columns]);
    const read = await readColumns(
      this.api,
      usable.map((tab) => ({ tab, layout: this.layouts.get(tab)!, columns: columnsOf(tab) })),
    );
    for (const [tab, table] of read.tables) tables.set(tab, table);
    for (const [tab, layout] of read.moved) this.layouts.set(tab, layout);
    const moved = [...read.moved.keys()].filter((t) => this.layouts.get(t)!.usable);
    if (moved.length) {
      // columns moved since the last pull: what was read is not where we asked; read those tabs again at their new places
      await this.read();
      const again = await readColumns(
        this.api,
        moved.map((tab) => ({ tab, layout: this.layouts.get(tab)!, columns: columnsOf(tab) })),
      );
      for (const [tab, table] of again.tables) tables.set(tab, table);
      for (const [tab, layout] of again.moved) {
        this.layouts.set(tab, layout);
        tables.delete(tab); // moved again meanwhile: next pull
      }
    }
    for (const [tab] of read.moved)
      if (!this.layouts.get(tab)!.usable) tables.set(tab, { header: this.layouts.get(tab)!.header, columns: {} });
    const summary = applyPull(this.wb, tables);
    for (const [tab, layout] of summary.layouts) this.layouts.set(tab, layout);
    for (const tab of this.missingTabs) this.layouts.delete(tab);
    for (const [tab, n] of Object.entries(summary.rows)) this.metrics.rows.set({ tab }, n);
    this.metrics.pullDuration.observe((performance.now() - started) / 1000);
    this.metrics.pullLastSuccess.set(Date.now() / 1000);
    if (summary.problems.join('\n') !== this.state.problems.join('\n') && summary.problems.length)
      this.logger.warn({ problems: summary.problems }, 'the Sheet differs from the expected layout');
    for (const bad of summary.badRows)
      this.logger.warn({ tab: bad.tab, id: bad.id, problem: bad.problem }, 'skipped a bad row of the Sheet');
    Object.assign(this.state, {
      lastPullAt: new Date().toISOString(),
      lastError: null,
      reachable: true,
      problems: summary.problems,
      badRows: summary.badRows,
      badValues: summary.badValues,
    });
    return summary;
  }

  private async existingTabs(): Promise<TabName[]> {
    await this.read();
    const tabs = await this.api.tabs();
    this.sheetIds.clear();
    for (const t of tabs) this.sheetIds.set(t.title, t.sheetId);
    this.metrics.cellsUsed.set(tabs.reduce((n, t) => n + t.cells, 0));
    this.cellsCheckedAt = Date.now();
    const titles = new Set(tabs.map((t) => t.title));
    this.missingTabs = new Set(TAB_NAMES.filter((t) => !titles.has(t)));
    return TAB_NAMES.filter((t) => titles.has(t));
  }

  private async flush(): Promise<FlushSummary> {
    // Rows are placed by header name: the Sheet's layout must be known (from a pull) before anything is written.
    if (this.wb.outboxDepth().pending > 0 && (this.layouts.size === 0 || this.sheetIds.size === 0)) await this.pull();
    const summary = await flushOutbox(
      {
        wb: this.wb,
        api: this.api,
        layouts: this.layouts,
        sheetIds: this.sheetIds,
        take: (kind) => this.budget.take(kind),
        onLanded: (createdAt) => {
          const now = Date.now();
          for (const at of createdAt) {
            const lag = Math.max(0, (now - Date.parse(at)) / 1000);
            this.metrics.writeLag.observe(lag);
            this.opts.onWriteLanded?.(lag);
          }
        },
        log: (msg, data) => this.logger.warn(data ?? {}, msg),
      },
      this.opts.flushLimit,
    ).catch((error: unknown) => {
      // a tab deleted or recreated since its id was read: look the ids up again before the next write
      if (error instanceof SheetsCallError && error.status === 400) this.sheetIds.clear();
      throw error;
    });
    if (summary.calls > 0) this.state.reachable = true;
    return summary;
  }
}
