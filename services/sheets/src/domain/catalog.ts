import type { FaqEntry, Promotion, Settings } from '@mb/contracts';
import { type BadRow, parseRows, toFaq, toPromotion, toSettings } from '../store/mappers.ts';
import type { Workbook } from '../store/workbook.ts';
import { TabCache, TabVersions } from './tab-versions.ts';

/** Bad rows seen by the last read of each tab (replaced on every read), for metrics and /readyz. */
export class BadRowRegistry {
  private readonly byTab = new Map<string, BadRow[]>();
  set(tab: string, rows: BadRow[]): void {
    this.byTab.set(tab, rows);
  }
  all(): BadRow[] {
    return [...this.byTab.values()].flat();
  }
  countByTab(): Record<string, number> {
    return Object.fromEntries([...this.byTab.entries()].map(([tab, rows]) => [tab, rows.length]));
  }
}

const today = (now: Date) => now.toISOString().slice(0, 10);

/** A promotion is live when active and today is within its dates (both inclusive; an empty date is open-ended). */
export function isLive(p: Promotion, now: Date): boolean {
  const d = today(now);
  return (
    p.status === 'active' &&
    (p.startsAt === '' || p.startsAt.slice(0, 10) <= d) &&
    (p.endsAt === '' || p.endsAt.slice(0, 10) >= d)
  );
}

/** Who may see a promotion: `all` is everyone's; otherwise only that segment (comma-separated lists allowed). */
export function visibleTo(p: Promotion, segment: string | null): boolean {
  const segments = p.segment.split(',').map((s) => s.trim().toLowerCase());
  return segments.includes('all') || (segment !== null && segments.includes(segment.toLowerCase()));
}

export class Catalog {
  private readonly wb: Workbook;
  private readonly bad: BadRowRegistry;
  // Parsed once per change of the tab, not on every call (a menu tap reads the promotions); frozen, shared.
  private readonly settingsCache: TabCache<Settings>;
  private readonly promotionsCache: TabCache<readonly Promotion[]>;
  private readonly faqCache: TabCache<readonly FaqEntry[]>;
  constructor(wb: Workbook, bad: BadRowRegistry) {
    this.wb = wb;
    this.bad = bad;
    const versions = TabVersions.of(wb.db);
    this.settingsCache = new TabCache(versions, 'Settings', () => {
      const bad: BadRow[] = [];
      const settings = toSettings(this.wb.find('Settings'), bad);
      this.bad.set('Settings', bad);
      return settings;
    });
    this.promotionsCache = new TabCache(versions, 'Promotions', () => {
      const bad: BadRow[] = [];
      const list = parseRows(
        'Promotions',
        this.wb.find('Promotions', {}, { orderBy: 'starts_at DESC, id' }),
        toPromotion,
        bad,
      );
      this.bad.set('Promotions', bad);
      return list;
    });
    this.faqCache = new TabCache(versions, 'FAQ', () => {
      const bad: BadRow[] = [];
      const list = parseRows('FAQ', this.wb.find('FAQ', {}, { orderBy: 'rowid' }), toFaq, bad);
      this.bad.set('FAQ', bad);
      return list;
    });
  }

  settings(): Settings {
    return this.settingsCache.get();
  }

  /** A copy of the list (the rows themselves are frozen and shared between calls). */
  promotions(): Promotion[] {
    return [...this.promotionsCache.get()];
  }

  /** Live promotions the segment may see (segment null: only those for everyone), soonest ending first. */
  livePromotions(segment: string | null, now = new Date()): Promotion[] {
    return this.promotionsCache
      .get()
      .filter((p) => isLive(p, now) && visibleTo(p, segment))
      .sort((a, b) => (a.endsAt || '9999').localeCompare(b.endsAt || '9999') || a.id.localeCompare(b.id));
  }

  promotion(id: string): Promotion | undefined {
    return this.promotionsCache.get().find((p) => p.id === id);
  }

  faq(activeOnly = true): FaqEntry[] {
    const list = this.faqCache.get();
    return activeOnly ? list.filter((f) => f.active) : [...list];
  }
}
