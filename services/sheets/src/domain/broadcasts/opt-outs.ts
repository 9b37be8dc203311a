import { type RawRow, yesNo } from '@mb/contracts';
import type { Workbook } from '../../store/workbook.ts';

/** Who a broadcast reaches: marketing opt-outs (/stop, /start_news), segments, and users who blocked the bot. */

/** As for promotions: a broadcast to `all` reaches everyone; one to a segment (or a comma-separated list) only its users. */
const segmentMatches = (broadcastSegment: string, userSegment: string) => {
  const wanted = broadcastSegment
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  return wanted.length === 0 || wanted.includes('all') || wanted.includes(userSegment.trim().toLowerCase() || 'all');
};

/**
 * Who a broadcast to `segment` reaches: signed-in users (a Telegram id, status active) who have not blocked the bot
 * and have not opted out of marketing messages. Pending and blocked users are never included.
 */
export function recipientsFor(wb: Workbook, segment: string): Array<{ telegramId: number; language: string }> {
  const optedOut = new Set(
    (wb.db.prepare('SELECT telegram_id FROM marketing_optout').all() as Array<{ telegram_id: number }>).map(
      (r) => r.telegram_id,
    ),
  );
  // Row by row (iterate, not all): with 200,000 users a whole-tab array of row objects is tens of MB of heap.
  const rows = wb.db
    .prepare(`SELECT telegram_id, segment, status, language, blocked_bot FROM "Users" WHERE telegram_id != ''`)
    .iterate() as Iterable<Pick<RawRow<'Users'>, 'telegram_id' | 'segment' | 'status' | 'language' | 'blocked_bot'>>;
  const out = new Map<number, string>();
  for (const r of rows) {
    const id = Number(r.telegram_id);
    if (!Number.isSafeInteger(id) || optedOut.has(id)) continue;
    if ((r.status.trim().toLowerCase() || 'active') !== 'active') continue;
    if (yesNo.safeParse(r.blocked_bot).data === true) continue;
    if (!segmentMatches(segment, r.segment)) continue;
    out.set(id, r.language.trim().toLowerCase() === 'en' ? 'en' : 'ru');
  }
  return [...out].map(([telegramId, language]) => ({ telegramId, language }));
}

export function setMarketingOptOut(
  wb: Workbook,
  telegramId: number,
  optedOut: boolean,
  now = new Date(),
): { optedOut: boolean } {
  if (optedOut)
    wb.db
      .prepare('INSERT OR IGNORE INTO marketing_optout(telegram_id, opted_out_at) VALUES (?, ?)')
      .run(telegramId, now.toISOString());
  else wb.db.prepare('DELETE FROM marketing_optout WHERE telegram_id = ?').run(telegramId);
  return { optedOut };
}

export function isOptedOut(wb: Workbook, telegramId: number): boolean {
  return wb.db.prepare('SELECT 1 FROM marketing_optout WHERE telegram_id = ?').get(telegramId) !== undefined;
}
