import type { Settings } from '@mb/contracts';
import type { SheetsRouter } from '@mb/sheets/router-type';
import type { TRPCClient } from '@trpc/client';
import { documentsFrom, Retriever } from './retrieval/index.ts';

type Cached<T> = { at: number; value: T };

/** Sheets could not be read and there is no earlier copy to answer from. */
export class KnowledgeUnavailableError extends Error {
  override readonly name = 'KnowledgeUnavailableError';
  constructor(what: string, options?: { cause?: unknown }) {
    super(`cannot read ${what} from sheets`, options);
  }
}

/** Segments are a handful (retail, partners…); past this many indexes the least recently built is dropped. */
const MAX_SEGMENTS = 50;

/**
 * The FAQ, the live promotions of each segment and the Settings, fetched from sheets and cached for `ttlMs`, so
 * questions do not each cost calls. One fetch at a time per key; if sheets is down, the last good copy keeps answering.
 */
export class Knowledge {
  private readonly sheets: TRPCClient<SheetsRouter>;
  private readonly ttlMs: number;
  private readonly indexes = new Map<string, Cached<Retriever>>();
  private readonly loading = new Map<string, Promise<unknown>>();
  private settingsCache: Cached<Settings> | undefined;

  constructor(sheets: TRPCClient<SheetsRouter>, ttlMs = 15_000) {
    this.sheets = sheets;
    this.ttlMs = ttlMs;
  }

  /** Settings (the system prompt, quota, budget). */
  async settings(): Promise<Settings> {
    const value = await this.cachedFetch(
      'settings',
      () => this.settingsCache,
      (c) => (this.settingsCache = c),
      () => this.sheets.catalog.settings.query(),
    );
    return value;
  }

  /** The index over the active FAQ and the promotions live for `segment` (null: only those for everyone). */
  async retriever(segment: string | null): Promise<Retriever> {
    const key = `segment:${segment ?? ''}`;
    return this.cachedFetch(
      key,
      () => this.indexes.get(key),
      (c) => {
        this.indexes.delete(key);
        if (this.indexes.size >= MAX_SEGMENTS) this.indexes.delete(this.indexes.keys().next().value!);
        this.indexes.set(key, c);
      },
      async () => {
        const [faq, promotions] = await Promise.all([
          this.sheets.catalog.faq.query(),
          this.sheets.catalog.promotions.query({ segment }),
        ]);
        return new Retriever(documentsFrom(faq, promotions));
      },
    );
  }

  private async cachedFetch<T>(
    key: string,
    get: () => Cached<T> | undefined,
    set: (c: Cached<T>) => void,
    fetch: () => Promise<T>,
  ): Promise<T> {
    const cached = get();
    if (cached && Date.now() - cached.at < this.ttlMs) return cached.value;
    let pending = this.loading.get(key) as Promise<T> | undefined;
    if (!pending) {
      pending = (async () => {
        try {
          const value = await fetch();
          set({ at: Date.now(), value });
          return value;
        } catch (error) {
          const stale = get();
          if (stale) return stale.value;
          throw new KnowledgeUnavailableError(key, { cause: error });
        } finally {
          this.loading.delete(key);
        }
      })();
      this.loading.set(key, pending);
    }
    return pending;
  }
}
