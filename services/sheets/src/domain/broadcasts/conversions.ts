import type { Workbook } from '../../store/workbook.ts';

/** Counts a user's arrival through a broadcast's deep link, once per broadcast and user. */
export function recordConversion(
  wb: Workbook,
  broadcastId: string,
  telegramId: number,
  promotionId: string,
  now = new Date(),
): { counted: boolean } {
  if (!wb.get('Broadcasts', broadcastId)) return { counted: false };
  const r = wb.db
    .prepare(
      'INSERT OR IGNORE INTO broadcast_conversions(broadcast_id, telegram_id, promotion_id, at) VALUES (?, ?, ?, ?)',
    )
    .run(broadcastId, telegramId, promotionId, now.toISOString());
  return { counted: Number(r.changes) === 1 };
}

export function conversionsOf(wb: Workbook, broadcastId: string): number {
  return (
    wb.db.prepare('SELECT count(*) AS n FROM broadcast_conversions WHERE broadcast_id = ?').get(broadcastId) as {
      n: number;
    }
  ).n;
}
