import { ASSISTANT_TRANSCRIPT_AUTHOR, type Ticket, type TicketMessage } from '@mb/contracts';
import type { Clients } from '../clients/index.ts';
import { fromServiceError } from './errors.ts';

/** A request as its owner sees it in the Mini App (no assignee, no internal fields). */
export type TicketView = Pick<Ticket, 'id' | 'category' | 'text' | 'status' | 'createdAt' | 'updatedAt'>;
export type TicketThread = TicketView & {
  /** `transcript`: the conversation with the assistant the request was made from (`👤`/`🤖` lines). */
  messages: Array<Pick<TicketMessage, 'id' | 'author' | 'text' | 'createdAt'> & { transcript: boolean }>;
};

const view = (t: Ticket): TicketView => ({
  id: t.id,
  category: t.category,
  text: t.text,
  status: t.status,
  createdAt: t.createdAt,
  updatedAt: t.updatedAt,
});
const thread = (t: Ticket & { messages: TicketMessage[] }): TicketThread => ({
  ...view(t),
  messages: t.messages.map((m) => ({
    id: m.id,
    author: m.author,
    text: m.text,
    createdAt: m.createdAt,
    transcript: m.authorName === ASSISTANT_TRANSCRIPT_AUTHOR,
  })),
});

// How the sheets service's ticket refusals (its message is the reason) read in the Mini App.
const TICKET_REASONS = {
  NOT_FOUND: 'request_not_found',
  FORBIDDEN: 'not_signed_in',
  PRECONDITION_FAILED: 'request_closed',
} as const;

export async function ticketCategories(clients: Clients): Promise<string[]> {
  const settings = await clients.sheets.catalog.settings.query().catch((e: unknown) => fromServiceError(e));
  return settings.ticketCategories;
}

/** The user's requests, newest first. */
export async function myTickets(
  clients: Clients,
  telegramId: number,
  page: { limit: number; offset: number },
): Promise<{ items: TicketView[]; total: number }> {
  const { items, total } = await clients.sheets.tickets.mine
    .query({ telegramId, ...page })
    .catch((e: unknown) => fromServiceError(e));
  return { items: items.map(view), total };
}

/** One of the user's own requests with its thread; another user's request is "not found". */
export async function ticketThread(clients: Clients, telegramId: number, ticketId: string): Promise<TicketThread> {
  return thread(
    await clients.sheets.tickets.get
      .query({ ticketId, telegramId })
      .catch((e: unknown) => fromServiceError(e, TICKET_REASONS)),
  );
}

/** Opens a request; durable when it returns. */
export async function createTicket(
  clients: Clients,
  telegramId: number,
  input: { category: string; text: string },
): Promise<TicketThread> {
  return thread(
    await clients.sheets.tickets.create
      .mutate({ telegramId, ...input })
      .catch((e: unknown) => fromServiceError(e, { ...TICKET_REASONS, BAD_REQUEST: 'bad_input' })),
  );
}

/** Adds the owner's message to the thread and returns the thread as it is now. */
export async function replyToTicket(
  clients: Clients,
  telegramId: number,
  ticketId: string,
  text: string,
): Promise<TicketThread> {
  await clients.sheets.tickets.addMessage
    .mutate({ ticketId, telegramId, as: 'user', text })
    .catch((e: unknown) => fromServiceError(e, TICKET_REASONS));
  return ticketThread(clients, telegramId, ticketId);
}

/** The owner closes the request (closing a closed one changes nothing). */
export async function closeTicket(clients: Clients, telegramId: number, ticketId: string): Promise<TicketView> {
  const { ticket } = await clients.sheets.tickets.setStatus
    .mutate({ ticketId, telegramId, as: 'user', status: 'closed' })
    .catch((e: unknown) => fromServiceError(e, TICKET_REASONS));
  return view(ticket);
}
