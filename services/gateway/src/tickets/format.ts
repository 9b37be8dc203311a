import type { Ticket, TicketMessage } from '@mb/contracts';
import { InlineKeyboard } from 'grammy';

/** A translator bound to one locale (ctx.t, or i18n.t with a locale). */
export type T = (key: string, vars?: Record<string, string | number>) => string;

/** Telegram's limit on a message (4096) less room for a header; longer texts are cut with an ellipsis. */
const MAX_TEXT = 3800;
export const clip = (s: string, max = MAX_TEXT) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

export const statusLabel = (t: T, status: Ticket['status']) => t(`status-${status}`);

/** callback_data of request buttons (all well under 64 bytes: ids are `T-` and up to 9 digits). */
export const CB = {
  category: (i: number) => `rq:c:${i}`,
  done: 'rq:done',
  /** A new request with the file (or place) of the message the button's message replies to. */
  newWith: 'rq:nw',
  send: 'rq:send',
  cancel: 'rq:x',
  list: (page: number) => `rq:l:${page}`,
  open: (id: string) => `rq:o:${id}`,
  add: (id: string) => `rq:a:${id}`,
  close: (id: string) => `rq:z:${id}`,
  rate: (id: string, n: number) => `rq:r:${id}:${n}`,
  take: (id: string) => `st:t:${id}`,
  staffClose: (id: string) => `st:c:${id}`,
};

/** The request as staff see it: the card that opens its topic (or is its message in a plain group). */
export function staffCard(t: T, ticket: Ticket): string {
  const head = t('staff-card', {
    id: ticket.id,
    category: ticket.category,
    name: ticket.name,
    telegramId: String(ticket.telegramId),
    status: statusLabel(t, ticket.status),
    assignee: ticket.assignee || '—',
  });
  return clip(`${head}\n\n${ticket.text}`);
}

export const staffButtons = (t: T, ticket: Ticket) =>
  ticket.status === 'closed'
    ? undefined
    : new InlineKeyboard()
        .text(t('staff-button-take'), CB.take(ticket.id))
        .text(t('staff-button-close'), CB.staffClose(ticket.id));

/** Forum topic names are limited to 128 characters. */
export const topicName = (t: T, ticket: Ticket) =>
  clip(t('staff-topic-name', { id: ticket.id, status: statusLabel(t, ticket.status), name: ticket.name }), 128);

/** The request and its thread as the user sees it (newest messages kept when it is long). */
export function userThread(t: T, ticket: Ticket & { messages: TicketMessage[] }): string {
  const head = t('request-thread-header', {
    id: ticket.id,
    category: ticket.category,
    status: statusLabel(t, ticket.status),
  });
  const lines = ticket.messages.map((m) => {
    const at = m.createdAt.slice(0, 16).replace('T', ' ');
    const who =
      m.author === 'staff' ? t('request-thread-staff', { name: m.authorName, at }) : t('request-thread-user', { at });
    return `${who}\n${m.text}`;
  });
  let body = lines.join('\n\n');
  while (body.length > MAX_TEXT && lines.length > 1) body = ['…', ...lines.splice(1)].join('\n\n');
  return clip(`${head}\n\n${body}`);
}

export function threadButtons(t: T, ticket: Ticket): InlineKeyboard {
  const kb = new InlineKeyboard();
  if (ticket.status !== 'closed')
    kb.text(t('button-add-message'), CB.add(ticket.id)).text(t('button-close-request'), CB.close(ticket.id)).row();
  return kb.text(t('button-back-to-list'), CB.list(0));
}

export const ratingButtons = (ticketId: string) => {
  const kb = new InlineKeyboard();
  for (let n = 1; n <= 5; n++) kb.text(`${n} ⭐`, CB.rate(ticketId, n));
  return kb;
};
