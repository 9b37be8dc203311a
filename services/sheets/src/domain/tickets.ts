import {
  ASSISTANT_TRANSCRIPT_AUTHOR,
  type RawRow,
  type Ticket,
  type TicketAttachment,
  type TicketMessage,
  TicketStatus,
  type User,
} from '@mb/contracts';
import { Gauge, type Registry } from 'prom-client';
import { transaction } from '../store/db.ts';
import type { Workbook } from '../store/workbook.ts';
import type { Catalog } from './catalog.ts';
import { userByTelegramId } from './users.ts';

export type TicketErrorReason =
  | 'not_found'
  | 'not_signed_in'
  | 'not_staff'
  | 'closed'
  | 'not_closed'
  | 'already_rated'
  | 'unknown_category'
  | 'empty';

/** Why a request action was refused; the router maps `reason` to a tRPC code, the bot to a message. */
export class TicketError extends Error {
  override readonly name = 'TicketError';
  readonly reason: TicketErrorReason;
  readonly ticketId: string | null;
  constructor(reason: TicketErrorReason, ticketId: string | null = null) {
    super(ticketId ? `ticket ${ticketId}: ${reason}` : reason);
    this.reason = reason;
    this.ticketId = ticketId;
  }
}

export type TicketWithThread = Ticket & { messages: TicketMessage[] };

/** What the Sheet shows instead of binary data. */
const MARKERS: Record<TicketAttachment['kind'], string> = {
  photo: '[фото]',
  document: '[файл]',
  audio: '[аудио]',
  video: '[видео]',
  voice: '[голосовое]',
};
export const withMarkers = (text: string, attachments: TicketAttachment[]) =>
  [text.trim(), ...attachments.map((a) => MARKERS[a.kind])].filter(Boolean).join('\n');

export function toTicket(row: RawRow<'Tickets'>): Ticket {
  const status = TicketStatus.safeParse(row.status.trim().toLowerCase().replace(' ', '_'));
  const rating = Number(row.rating);
  return {
    id: row.id,
    telegramId: Number(row.telegram_id),
    name: row.name,
    category: row.category,
    text: row.text,
    status: status.success ? status.data : 'new',
    assignee: row.assignee,
    answer: row.answer,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    rating: Number.isInteger(rating) && rating >= 1 && rating <= 5 ? rating : null,
  };
}

function attachmentsOf(wb: Workbook, messageIds: string[]): Map<string, TicketAttachment[]> {
  const out = new Map<string, TicketAttachment[]>();
  if (messageIds.length === 0) return out;
  const rows = wb.db
    .prepare(
      `SELECT message_id, kind, file_id FROM ticket_attachments WHERE message_id IN (${messageIds.map(() => '?').join(',')}) ORDER BY message_id, position`,
    )
    .all(...messageIds) as Array<{ message_id: string; kind: TicketAttachment['kind']; file_id: string }>;
  for (const r of rows) out.set(r.message_id, [...(out.get(r.message_id) ?? []), { kind: r.kind, fileId: r.file_id }]);
  return out;
}

function signedIn(wb: Workbook, telegramId: number): User {
  const user = userByTelegramId(wb, telegramId);
  if (user?.status !== 'active') throw new TicketError('not_signed_in');
  return user;
}

/** The acting staff member: an active Users row with role manager or admin. */
export function staffMember(wb: Workbook, telegramId: number): User {
  const user = userByTelegramId(wb, telegramId);
  if (user?.status !== 'active' || (user.role !== 'manager' && user.role !== 'admin'))
    throw new TicketError('not_staff');
  return user;
}

function ticketRow(wb: Workbook, ticketId: string): RawRow<'Tickets'> {
  const row = wb.get('Tickets', ticketId);
  if (!row) throw new TicketError('not_found', ticketId);
  return row;
}

function insertMessage(
  wb: Workbook,
  ticketId: string,
  author: 'user' | 'staff',
  authorName: string,
  text: string,
  attachments: TicketAttachment[],
  now: Date,
): TicketMessage {
  const row = wb.insert('TicketMessages', {
    id: wb.nextId('M'),
    ticket_id: ticketId,
    author,
    author_name: authorName,
    text: withMarkers(text, attachments),
    created_at: now.toISOString(),
  });
  const add = wb.db.prepare('INSERT INTO ticket_attachments(message_id, position, kind, file_id) VALUES (?, ?, ?, ?)');
  attachments.forEach((a, i) => add.run(row.id, i, a.kind, a.fileId));
  return { id: row.id, ticketId, author, authorName, text: row.text, createdAt: row.created_at, attachments };
}

export type NewTicket = {
  telegramId: number;
  category: string;
  text: string;
  attachments?: TicketAttachment[];
  transcript?: string;
};

/** Creates a request with its first message (and the assistant transcript, if any): durable when this returns. */
export function createTicket(wb: Workbook, catalog: Catalog, input: NewTicket, now = new Date()): TicketWithThread {
  const user = signedIn(wb, input.telegramId);
  const category = catalog
    .settings()
    .ticketCategories.find((c) => c.toLowerCase() === input.category.trim().toLowerCase());
  if (!category) throw new TicketError('unknown_category');
  const attachments = input.attachments ?? [];
  if (!input.text.trim() && attachments.length === 0) throw new TicketError('empty');
  return transaction(wb.db, () => {
    const at = now.toISOString();
    const row = wb.insert('Tickets', {
      id: wb.nextId('T', 1001),
      telegram_id: String(input.telegramId),
      name: user.name,
      category,
      text: withMarkers(input.text, attachments),
      status: 'new',
      created_at: at,
      updated_at: at,
    });
    const messages = [insertMessage(wb, row.id, 'user', user.name, input.text, attachments, now)];
    if (input.transcript?.trim())
      messages.push(insertMessage(wb, row.id, 'user', ASSISTANT_TRANSCRIPT_AUTHOR, input.transcript, [], now));
    wb.emit('ticket.created', { ticketId: row.id, telegramId: input.telegramId });
    return { ...toTicket(row), messages };
  });
}

/** A user's requests, newest first. */
export function ticketsOf(
  wb: Workbook,
  telegramId: number,
  page: { limit: number; offset: number },
): { items: Ticket[]; total: number } {
  const where = { telegram_id: String(telegramId) };
  const items = wb
    .find('Tickets', where, { orderBy: 'created_at DESC, rowid DESC', limit: page.limit, offset: page.offset })
    .map(toTicket);
  const total = (
    wb.db.prepare('SELECT count(*) AS n FROM "Tickets" WHERE telegram_id = ?').get(String(telegramId)) as { n: number }
  ).n;
  return { items, total };
}

/** A request with its thread; with `viewer`, only the owner sees it (anyone else gets not_found). */
export function getTicket(wb: Workbook, ticketId: string, viewer?: number): TicketWithThread {
  const ticket = toTicket(ticketRow(wb, ticketId));
  if (viewer !== undefined && ticket.telegramId !== viewer) throw new TicketError('not_found', ticketId);
  const rows = wb.find('TicketMessages', { ticket_id: ticketId }, { orderBy: 'created_at, rowid' });
  const files = attachmentsOf(
    wb,
    rows.map((r) => r.id),
  );
  const messages = rows.map(
    (r): TicketMessage => ({
      id: r.id,
      ticketId,
      author: r.author === 'staff' ? 'staff' : 'user',
      authorName: r.author_name,
      text: r.text,
      createdAt: r.created_at,
      attachments: files.get(r.id) ?? [],
    }),
  );
  return { ...ticket, messages };
}

const secondsSince = (iso: string, now: Date) => Math.max(0, (now.getTime() - Date.parse(iso)) / 1000);

/**
 * Who writes: the request's owner, a manager or admin (by their Users row), or an admin of the staff group writing
 * anonymously as the group (Telegram shows only the group and the admin's title; no Users row can be checked, the
 * gateway vouches that the message came from the staff chat itself).
 */
export type Writer = 'user' | 'staff' | 'group_admin';
/** The name an anonymous group admin signs with when they set no title. */
export const GROUP_ADMIN_NAME = 'Администратор';

export type NewMessage = {
  ticketId: string;
  telegramId: number;
  as: Writer;
  text: string;
  attachments?: TicketAttachment[];
  /** A group admin's title (Telegram's author_signature). */
  signature?: string | undefined;
  /** The staff-chat message this answer was written as, so an edit of it can correct the answer. */
  source?: { chatId: number; messageId: number } | undefined;
};

const actorOf = (wb: Workbook, as: Writer, telegramId: number, signature?: string) =>
  as === 'group_admin'
    ? { name: signature?.trim() || GROUP_ADMIN_NAME }
    : as === 'staff'
      ? staffMember(wb, telegramId)
      : signedIn(wb, telegramId);

/**
 * Adds a message to an open request. A staff message moves the status to `answered` and fills `answer`;
 * `firstResponseSeconds` is set when it is the first staff message of the request.
 */
export function addMessage(
  wb: Workbook,
  input: NewMessage,
  now = new Date(),
): { ticket: Ticket; message: TicketMessage; firstResponseSeconds: number | null } {
  const attachments = input.attachments ?? [];
  if (!input.text.trim() && attachments.length === 0) throw new TicketError('empty', input.ticketId);
  return transaction(wb.db, () => {
    const actor = actorOf(wb, input.as, input.telegramId, input.signature);
    const author = input.as === 'user' ? 'user' : 'staff';
    const row = ticketRow(wb, input.ticketId);
    if (author === 'user' && row.telegram_id !== String(input.telegramId))
      throw new TicketError('not_found', input.ticketId);
    if (toTicket(row).status === 'closed') throw new TicketError('closed', input.ticketId);
    const firstStaff =
      author === 'staff' && wb.find('TicketMessages', { ticket_id: input.ticketId, author: 'staff' }).length === 0;
    const message = insertMessage(wb, input.ticketId, author, actor.name, input.text, attachments, now);
    if (input.source)
      wb.db
        .prepare(
          'INSERT OR REPLACE INTO ticket_message_sources(chat_id, message_id, ticket_message_id) VALUES (?, ?, ?)',
        )
        .run(input.source.chatId, input.source.messageId, message.id);
    let updated = row;
    if (author === 'staff') {
      updated = wb.update('Tickets', input.ticketId, {
        status: 'answered',
        answer: message.text,
        updated_at: now.toISOString(),
        ...(row.assignee ? {} : { assignee: actor.name }),
      });
      wb.emit('ticket.changed', {
        ticketId: input.ticketId,
        telegramId: Number(row.telegram_id),
        status: 'answered',
        answer: message.text,
        by: 'staff',
      });
    } else {
      updated = wb.update('Tickets', input.ticketId, { updated_at: now.toISOString() });
    }
    return {
      ticket: toTicket(updated),
      message,
      firstResponseSeconds: firstStaff ? secondsSince(row.created_at, now) : null,
    };
  });
}

export type AnswerEdit = {
  chatId: number;
  messageId: number;
  telegramId: number;
  as: 'staff' | 'group_admin';
  text: string;
};

/**
 * A staff member edited, in the staff chat, a message that was stored as an answer: the stored message takes the new
 * text (its files stay), and so does the request's `answer` when it is the latest staff message. Null when the edited
 * message is not a stored answer or its text did not change (nothing to tell the user).
 */
export function editAnswer(
  wb: Workbook,
  input: AnswerEdit,
  now = new Date(),
): { ticket: Ticket; message: TicketMessage } | null {
  return transaction(wb.db, () => {
    const src = wb.db
      .prepare('SELECT ticket_message_id FROM ticket_message_sources WHERE chat_id = ? AND message_id = ?')
      .get(input.chatId, input.messageId) as { ticket_message_id: string } | undefined;
    const old = src ? wb.get('TicketMessages', src.ticket_message_id) : undefined;
    if (!old) return null;
    actorOf(wb, input.as, input.telegramId);
    const row = ticketRow(wb, old.ticket_id);
    if (toTicket(row).status === 'closed') throw new TicketError('closed', row.id);
    const attachments = attachmentsOf(wb, [old.id]).get(old.id) ?? [];
    const text = withMarkers(input.text, attachments);
    if (!input.text.trim() || text === old.text) return null;
    const edited = wb.update('TicketMessages', old.id, { text });
    const latest = wb
      .find('TicketMessages', { ticket_id: row.id, author: 'staff' })
      .reduce((a, b) => (b.created_at > a.created_at ? b : a));
    const updated =
      latest.id === old.id
        ? wb.update('Tickets', row.id, { answer: text, updated_at: now.toISOString() })
        : wb.update('Tickets', row.id, { updated_at: now.toISOString() });
    return {
      ticket: toTicket(updated),
      message: {
        id: edited.id,
        ticketId: row.id,
        author: 'staff',
        authorName: edited.author_name,
        text: edited.text,
        createdAt: edited.created_at,
        attachments,
      },
    };
  });
}

export type StatusChange = {
  ticketId: string;
  telegramId: number;
  as: 'user' | 'staff';
  status: 'in_progress' | 'closed';
};

/**
 * Staff take a request (`in_progress`, assignee = them) or close it; the owner may close it too. Closing a closed
 * request changes nothing (`changed: false`); `resolutionSeconds` is set when this call closed it.
 */
export function setStatus(
  wb: Workbook,
  input: StatusChange,
  now = new Date(),
): { ticket: Ticket; changed: boolean; resolutionSeconds: number | null } {
  return transaction(wb.db, () => {
    const actor = input.as === 'staff' ? staffMember(wb, input.telegramId) : signedIn(wb, input.telegramId);
    const row = ticketRow(wb, input.ticketId);
    if (input.as === 'user' && (row.telegram_id !== String(input.telegramId) || input.status !== 'closed'))
      throw new TicketError('not_found', input.ticketId);
    const current = toTicket(row);
    if (current.status === 'closed') {
      if (input.status === 'closed') return { ticket: current, changed: false, resolutionSeconds: null };
      throw new TicketError('closed', input.ticketId);
    }
    if (input.status === 'in_progress' && current.status === 'in_progress' && row.assignee === actor.name)
      return { ticket: current, changed: false, resolutionSeconds: null };
    const patch: Partial<RawRow<'Tickets'>> = { status: input.status, updated_at: now.toISOString() };
    if (input.status === 'in_progress') patch.assignee = actor.name;
    const updated = toTicket(wb.update('Tickets', input.ticketId, patch));
    if (input.as === 'staff')
      wb.emit('ticket.changed', {
        ticketId: input.ticketId,
        telegramId: current.telegramId,
        status: input.status,
        by: 'staff',
      });
    return {
      ticket: updated,
      changed: true,
      resolutionSeconds: input.status === 'closed' ? secondsSince(row.created_at, now) : null,
    };
  });
}

/** Stores the owner's 1–5 rating of a closed request, once. */
export function rateTicket(wb: Workbook, input: { ticketId: string; telegramId: number; rating: number }): Ticket {
  return transaction(wb.db, () => {
    const row = ticketRow(wb, input.ticketId);
    if (row.telegram_id !== String(input.telegramId)) throw new TicketError('not_found', input.ticketId);
    const ticket = toTicket(row);
    if (ticket.status !== 'closed') throw new TicketError('not_closed', input.ticketId);
    if (ticket.rating !== null) throw new TicketError('already_rated', input.ticketId);
    return toTicket(wb.update('Tickets', input.ticketId, { rating: String(input.rating) }));
  });
}

/** Requests by status, for the gauge (every status present, zero when none). */
export function ticketsByStatus(wb: Workbook): Record<TicketStatus, number> {
  const counts: Record<TicketStatus, number> = { new: 0, in_progress: 0, answered: 0, closed: 0 };
  const rows = wb.db.prepare('SELECT status, count(*) AS n FROM "Tickets" GROUP BY status').all() as Array<{
    status: string;
    n: number;
  }>;
  for (const r of rows) {
    const s = TicketStatus.safeParse(r.status.trim().toLowerCase().replace(' ', '_'));
    counts[s.success ? s.data : 'new'] += r.n;
  }
  return counts;
}

/** `sheets_tickets{status}`: requests by status, read from the workbook at scrape time. */
export function registerTicketGauge(registry: Registry, wb: Workbook): void {
  new Gauge({
    name: 'sheets_tickets',
    help: 'Requests (Tickets rows) by status.',
    labelNames: ['status'],
    registers: [registry],
    collect() {
      for (const [status, n] of Object.entries(ticketsByStatus(wb))) this.set({ status }, n);
    },
  });
}
