import { Gauge, type Registry } from 'prom-client';
import type { Workbook } from '../store/workbook.ts';

/** At most this many promotions become label values; managers keep a handful live, this only guards a mistake. */
export const MAX_PROMOTION_SERIES = 50;

/** Participations per promotion, for the promotions that are active now (status cell `active`, as the managers type it). */
export function participationsByActivePromotion(wb: Workbook): Array<{ promotion: string; n: number }> {
  return wb.db
    .prepare(
      `SELECT p.id AS promotion, count(x.id) AS n
         FROM "Promotions" p LEFT JOIN "Participations" x ON x.promotion_id = p.id
        WHERE lower(trim(p.status)) = 'active'
        GROUP BY p.id ORDER BY n DESC, p.id LIMIT ?`,
    )
    .all(MAX_PROMOTION_SERIES) as Array<{ promotion: string; n: number }>;
}

/**
 * `sheets_participations{promotion}`, read at scrape time. The promotion id is a label only while the promotion is
 * active, so the series stay bounded (an archived promotion's series disappears; its total stays in the Sheet).
 */
export function registerParticipationGauge(registry: Registry, wb: Workbook): void {
  new Gauge({
    name: 'sheets_participations',
    help: 'Participations per active promotion (promotion id as label; active promotions only, at most 50).',
    labelNames: ['promotion'],
    registers: [registry],
    collect() {
      this.reset();
      for (const { promotion, n } of participationsByActivePromotion(wb)) this.set({ promotion }, n);
    },
  });
}
