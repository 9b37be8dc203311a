import { transaction } from '../../store/db.ts';
import { toPromotion } from '../../store/mappers.ts';
import type { Workbook } from '../../store/workbook.ts';
import { isLive } from '../catalog.ts';
import { createBroadcast } from './lifecycle.ts';

/**
 * Announces a promotion once: if it has notify=yes and no announced_at yet, records announced_at and starts a broadcast
 * of its title and description to its segment. A second call (a repeated event, another replica) does nothing.
 */
export function announcePromotion(wb: Workbook, promotionId: string, now = new Date()): { broadcastId: string | null } {
  return transaction(wb.db, () => {
    const row = wb.get('Promotions', promotionId);
    if (!row) return { broadcastId: null };
    const p = toPromotion(row);
    if (!p.notify || p.announcedAt !== '' || !isLive(p, now)) return { broadcastId: null };
    wb.update('Promotions', promotionId, { announced_at: now.toISOString() });
    const text = p.description ? `${p.title}\n\n${p.description}` : p.title;
    const b = createBroadcast(
      wb,
      { text, imageUrl: p.imageUrl, segment: p.segment, createdBy: `promotion:${p.id}`, start: 'now' },
      now,
    );
    return { broadcastId: b.id };
  });
}

/** Announces every live promotion with notify=yes not announced yet (a start date reached without any edit emits no event). */
export function announceDue(wb: Workbook, now = new Date()): string[] {
  const ids = wb.db.prepare(`SELECT id FROM "Promotions" WHERE announced_at = '' AND status != ''`).all() as Array<{
    id: string;
  }>;
  const started: string[] = [];
  for (const { id } of ids) {
    try {
      const { broadcastId } = announcePromotion(wb, id, now);
      if (broadcastId) started.push(broadcastId);
    } catch {
      // An unreadable promotion row is reported by the catalog; it is simply not announced.
    }
  }
  return started;
}
