import type { Workbook } from '../store/workbook.ts';
import type { Catalog } from './catalog.ts';

export type ParticipationCount = { promotionId: string; title: string; count: number };

/** Participations per promotion, most first (promotions nobody joined are left out); counted in SQL, not in memory. */
export function participationCounts(wb: Workbook, catalog: Catalog): ParticipationCount[] {
  const perPromotion = wb.db
    .prepare(
      `SELECT promotion_id AS id, count(*) AS n FROM "Participations" GROUP BY promotion_id ORDER BY n DESC, promotion_id`,
    )
    .all() as Array<{ id: string; n: number }>;
  const titles = new Map(catalog.promotions().map((p) => [p.id, p.title]));
  return perPromotion.map((r) => ({ promotionId: r.id, title: titles.get(r.id) ?? r.id, count: r.n }));
}
