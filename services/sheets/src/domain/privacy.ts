import type { User } from '@mb/contracts';
import { transaction } from '../store/db.ts';
import type { Workbook } from '../store/workbook.ts';
import { userByTelegramId } from './users.ts';

/** What replaces the words of a forgotten person in TicketMessages (and the request text in Tickets). */
export const ERASED = '[удалено]';

/** Everything the bot keeps about a person (`/mydata`, the Mini App's "My data"); null when nothing is linked. */
export type MyData = Pick<
  User,
  'name' | 'phone' | 'segment' | 'language' | 'role' | 'status' | 'registeredAt' | 'lastSeenAt' | 'consentAt'
> & { requests: number; participations: number };

export function myData(wb: Workbook, telegramId: number): MyData | null {
  const user = userByTelegramId(wb, telegramId);
  if (!user) return null;
  const count = (tab: 'Tickets' | 'Participations') =>
    (
      wb.db.prepare(`SELECT count(*) AS n FROM "${tab}" WHERE telegram_id = ?`).get(String(telegramId)) as {
        n: number;
      }
    ).n;
  return {
    name: user.name,
    phone: user.phone,
    segment: user.segment,
    language: user.language,
    role: user.role,
    status: user.status,
    registeredAt: user.registeredAt,
    lastSeenAt: user.lastSeenAt,
    consentAt: user.consentAt,
    requests: count('Tickets'),
    participations: count('Participations'),
  };
}

/**
 * Erases a person at their request (/forget), in one transaction, so it happens once and entirely or not at all:
 * the Users row loses phone, name and telegram_id and becomes `deleted`; their participations and requests keep the
 * row (counts stay right) without name and phone; their words in requests become "[удалено]" and their files are
 * dropped; deep links and the marketing opt-out go. Every Sheet cell goes through the outbox (durable). A
 * `user.forgotten` event tells the gateway to drop what it and the assistant hold (at least once; see finishForget).
 * Returns null when no row is linked to the account (nothing to erase, or erased already).
 */
export function forget(wb: Workbook, telegramId: number, now = new Date()): { userId: string } | null {
  return transaction(wb.db, () => {
    const row = wb.find('Users', { telegram_id: String(telegramId) })[0];
    if (!row) return null;
    const tid = String(telegramId);
    for (const p of wb.find('Participations', { telegram_id: tid }))
      if (p.name !== '' || p.phone !== '') wb.update('Participations', p.id, { name: '', phone: '' });
    for (const t of wb.find('Tickets', { telegram_id: tid })) {
      if (t.name !== '' || t.text !== ERASED) wb.update('Tickets', t.id, { name: '', text: ERASED });
      for (const m of wb.find('TicketMessages', { ticket_id: t.id, author: 'user' })) {
        if (m.text !== ERASED || m.author_name !== '')
          wb.update('TicketMessages', m.id, { text: ERASED, author_name: '' });
        wb.db.prepare('DELETE FROM ticket_attachments WHERE message_id = ?').run(m.id);
      }
    }
    // Another row of the same account (moved to a new phone) is erased too.
    for (const u of wb.find('Users', { telegram_id: tid }))
      wb.update('Users', u.id, { phone: '', name: '', telegram_id: '', status: 'deleted' });
    wb.db.prepare('DELETE FROM start_payloads WHERE telegram_id = ?').run(telegramId);
    wb.db.prepare('DELETE FROM marketing_optout WHERE telegram_id = ?').run(telegramId);
    wb.db
      .prepare(
        `INSERT INTO forget_requests(telegram_id, user_id, requested_at, done_at) VALUES (?, ?, ?, NULL)
         ON CONFLICT(telegram_id) DO UPDATE SET user_id = excluded.user_id, requested_at = excluded.requested_at, done_at = NULL`,
      )
      .run(telegramId, row.id, now.toISOString());
    wb.emit('user.forgotten', { userId: row.id, telegramId });
    return { userId: row.id };
  });
}

/**
 * The gateway finished the rest (assistant memory, sessions): true the first time, so the staff chat is told once
 * even when the event is delivered again after a restart.
 */
export function finishForget(wb: Workbook, telegramId: number, now = new Date()): boolean {
  const r = wb.db
    .prepare('UPDATE forget_requests SET done_at = ? WHERE telegram_id = ? AND done_at IS NULL')
    .run(now.toISOString(), telegramId);
  return r.changes > 0;
}
