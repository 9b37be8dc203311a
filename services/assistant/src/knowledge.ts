import type { TRPCClient } from '@trpc/client';
import type { Settings } from '@mb/contracts';
import type { SheetsRouter } from '@mb/sheets/router-type';
import { Retriever, documentsFrom } from './retrieval/index.ts';

/**
 * The FAQ and live promotions, fetched from sheets and indexed; refreshed at most every `ttlMs` so questions do not
 * each cost a call. If sheets is down, the last good index keeps answering.
 */
export class Knowledge {
  private readonly sheets: TRPCClient<SheetsRouter>;
  private readonly ttlMs: number;
  private cached: { at: number; retriever: Retriever } | undefined;
  private loading: Promise<Retriever> | undefined;
  private settingsCache: { at: number; settings: Settings } | undefined;

  constructor(sheets: TRPCClient<SheetsRouter>, ttlMs = 15_000) {
    this.sheets = sheets;
    this.ttlMs = ttlMs;
  }

  /** Settings (the system prompt, quota, budget), cached like the index; the last good copy if sheets is down. */
  async settings(): Promise<Settings> {
    if (this.settingsCache && Date.now() - this.settingsCache.at < this.ttlMs) return this.settingsCache.settings;
    try {
      const settings = await this.sheets.catalog.settings.query();
      this.settingsCache = { at: Date.now(), settings };
      return settings;
    } catch (error) {
      if (this.settingsCache) return this.settingsCache.settings;
      throw error;
    }
  }

  async retriever(segment: string | null): Promise<Retriever> {
    // Segment-specific promotions are a handful; the index is per call for a segment, shared for the FAQ-only case.
    if (segment !== null) {
      const [faq, promotions] = await Promise.all([this.sheets.catalog.faq.query(), this.sheets.catalog.promotions.query({ segment })]);
      return new Retriever(documentsFrom(faq, promotions));
    }
    if (this.cached && Date.now() - this.cached.at < this.ttlMs) return this.cached.retriever;
    this.loading ??= (async () => {
      try {
        const [faq, promotions] = await Promise.all([this.sheets.catalog.faq.query(), this.sheets.catalog.promotions.query({ segment: null })]);
        const retriever = new Retriever(documentsFrom(faq, promotions));
        this.cached = { at: Date.now(), retriever };
        return retriever;
      } catch (error) {
        if (this.cached) return this.cached.retriever;
        throw error;
      } finally {
        this.loading = undefined;
      }
    })();
    return this.loading;
  }
}
