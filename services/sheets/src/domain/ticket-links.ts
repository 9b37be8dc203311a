import type { Workbook } from '../store/workbook.ts';

/** Where a request lives in the staff chat: its forum topic (if any) and its card message. */
export type StaffPlace = { ticketId: string; chatId: number; threadId: number | null; cardMessageId: number | null };
export type Notice = { status: string; answer: string };

/**
 * The bot's Telegram bookkeeping for requests, shared by every gateway replica (bot-owned tables, not Sheet tabs):
 * where each request lives in the staff chat, which Telegram messages belong to which request (so a reply, in the
 * staff chat or the user's chat, finds its request), and what the user was last told (so a notice goes out once).
 */
export function placeOf(wb: Workbook, ticketId: string): StaffPlace | null {
  const r = wb.db
    .prepare('SELECT chat_id, thread_id, card_message_id FROM ticket_places WHERE ticket_id = ?')
    .get(ticketId) as { chat_id: number; thread_id: number | null; card_message_id: number | null } | undefined;
  return r ? { ticketId, chatId: r.chat_id, threadId: r.thread_id, cardMessageId: r.card_message_id } : null;
}

/** Saves (or moves) a request's place; its card message is linked to it too. */
export function savePlace(wb: Workbook, p: StaffPlace): void {
  wb.db
    .prepare(`INSERT INTO ticket_places(ticket_id, chat_id, thread_id, card_message_id) VALUES (?, ?, ?, ?)
      ON CONFLICT(ticket_id) DO UPDATE SET chat_id = excluded.chat_id, thread_id = excluded.thread_id, card_message_id = excluded.card_message_id`)
    .run(p.ticketId, p.chatId, p.threadId, p.cardMessageId);
  if (p.cardMessageId !== null) linkMessages(wb, p.ticketId, p.chatId, [p.cardMessageId]);
}

/** Remembers that Telegram messages (in the staff chat or a user's chat) belong to a request. */
export function linkMessages(wb: Workbook, ticketId: string, chatId: number, messageIds: number[]): void {
  const add = wb.db.prepare(
    'INSERT OR REPLACE INTO ticket_message_links(chat_id, message_id, ticket_id) VALUES (?, ?, ?)',
  );
  for (const id of messageIds) add.run(chatId, id, ticketId);
}

/** The request a message is about: the message it replies to, else the forum topic it was written in. */
export function ticketOfMessage(
  wb: Workbook,
  q: { chatId: number; replyTo?: number | undefined; threadId?: number | undefined },
): string | null {
  if (q.replyTo !== undefined) {
    const r = wb.db
      .prepare('SELECT ticket_id FROM ticket_message_links WHERE chat_id = ? AND message_id = ?')
      .get(q.chatId, q.replyTo) as { ticket_id: string } | undefined;
    if (r) return r.ticket_id;
  }
  if (q.threadId === undefined) return null;
  const r = wb.db
    .prepare('SELECT ticket_id FROM ticket_places WHERE chat_id = ? AND thread_id = ?')
    .get(q.chatId, q.threadId) as { ticket_id: string } | undefined;
  return r?.ticket_id ?? null;
}

export function lastNotice(wb: Workbook, ticketId: string): Notice | null {
  return (
    (wb.db.prepare('SELECT status, answer FROM ticket_notices WHERE ticket_id = ?').get(ticketId) as
      | Notice
      | undefined) ?? null
  );
}

export function recordNotice(wb: Workbook, ticketId: string, notice: Notice): void {
  wb.db
    .prepare('INSERT OR REPLACE INTO ticket_notices(ticket_id, status, answer) VALUES (?, ?, ?)')
    .run(ticketId, notice.status, notice.answer);
}
