import { createRegistry, createServiceClient } from '@mb/service-kit';
import { TRPCClientError } from '@trpc/client';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  lastNotice,
  linkMessages,
  placeOf,
  recordNotice,
  savePlace,
  ticketOfMessage,
} from '../src/domain/ticket-links.ts';
import {
  addMessage,
  createTicket,
  getTicket,
  rateTicket,
  setStatus,
  TicketError,
  ticketsByStatus,
  ticketsOf,
} from '../src/domain/tickets.ts';
import type { SheetsRouter } from '../src/router-type.ts';
import { useSheetsApp } from './sheets-app.ts';

const TOKEN = 'sheets-test-token-0123456789';
const CLIENT = 7_100_001;
const OTHER = 7_100_002;
const MANAGER = 7_100_003;
const service = useSheetsApp({ token: TOKEN });

beforeAll(() => {
  const { app } = service;
  // Seeded rows: U-4 a client, U-5 another client, U-2 a manager; link them to Telegram accounts as sign-in would.
  app.wb.update('Users', 'U-4', { telegram_id: String(CLIENT) }, { outbox: false });
  app.wb.update('Users', 'U-5', { telegram_id: String(OTHER) }, { outbox: false });
  app.wb.update('Users', 'U-2', { telegram_id: String(MANAGER) }, { outbox: false });
});

const reason = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    if (error instanceof TicketError) return error.reason;
    throw error;
  }
  return 'no error';
};

describe('tickets domain', () => {
  it('creates a durable request with a T- number, its first message, a photo marker for the Sheet, and a ticket.created event', () => {
    const before = service.app.wb.outboxDepth().pending;
    const t = createTicket(service.app.wb, service.app.catalog, {
      telegramId: CLIENT,
      category: 'проблема',
      text: 'Не пришёл промокод',
      attachments: [{ kind: 'photo', fileId: 'AgAD-photo-1' }],
    });
    expect(t.id).toMatch(/^T-1\d{3}$/);
    expect(t).toMatchObject({
      status: 'new',
      category: 'Проблема',
      name: 'Пётр Клиентов',
      text: 'Не пришёл промокод\n[фото]',
      rating: null,
    });
    expect(t.messages).toHaveLength(1);
    expect(t.messages[0]).toMatchObject({
      author: 'user',
      text: 'Не пришёл промокод\n[фото]',
      attachments: [{ kind: 'photo', fileId: 'AgAD-photo-1' }],
    });
    expect(t.messages[0]!.id).toMatch(/^M-\d+$/);
    // Stored: the row, the message, the file id (not in the Sheet's text), and two outbox rows for the Sheet.
    expect(service.app.wb.get('Tickets', t.id)?.text).toBe('Не пришёл промокод\n[фото]');
    expect(getTicket(service.app.wb, t.id).messages[0]!.attachments).toEqual([
      { kind: 'photo', fileId: 'AgAD-photo-1' },
    ]);
    expect(service.app.wb.outboxDepth().pending).toBe(before + 2);
    const events = service.app.wb.eventsSince('tickets-test', 100).events.filter((e) => e.type === 'ticket.created');
    expect(events.at(-1)?.payload).toEqual({ ticketId: t.id, telegramId: CLIENT });
  });

  it('keeps an assistant transcript as a second message', () => {
    const t = createTicket(service.app.wb, service.app.catalog, {
      telegramId: CLIENT,
      category: 'Вопрос',
      text: 'Помощник не знает ответа',
      transcript: 'Пользователь: где заказ?\nПомощник: не знаю',
    });
    expect(t.messages.map((m) => m.authorName)).toEqual(['Пётр Клиентов', 'Переписка с помощником']);
  });

  it('refuses an unknown category, an empty text, and a user who is not signed in, writing nothing', () => {
    const count = service.app.wb.count('Tickets');
    expect(
      reason(() =>
        createTicket(service.app.wb, service.app.catalog, {
          telegramId: CLIENT,
          category: 'Жалоба на погоду',
          text: 'x',
        }),
      ),
    ).toBe('unknown_category');
    expect(
      reason(() =>
        createTicket(service.app.wb, service.app.catalog, { telegramId: CLIENT, category: 'Вопрос', text: '   ' }),
      ),
    ).toBe('empty');
    expect(
      reason(() =>
        createTicket(service.app.wb, service.app.catalog, { telegramId: 9_999_999, category: 'Вопрос', text: 'x' }),
      ),
    ).toBe('not_signed_in');
    expect(service.app.wb.count('Tickets')).toBe(count);
  });

  it('runs the lifecycle: take, answer (first response once), user reply, close, rate once', () => {
    const t = createTicket(
      service.app.wb,
      service.app.catalog,
      { telegramId: CLIENT, category: 'Вопрос', text: 'Когда доставка?' },
      new Date('2026-11-26T10:00:00Z'),
    );
    expect(
      reason(() =>
        setStatus(service.app.wb, { ticketId: t.id, telegramId: OTHER, as: 'staff', status: 'in_progress' }),
      ),
    ).toBe('not_staff');
    const taken = setStatus(service.app.wb, {
      ticketId: t.id,
      telegramId: MANAGER,
      as: 'staff',
      status: 'in_progress',
    });
    expect(taken.ticket).toMatchObject({ status: 'in_progress', assignee: 'Мария Менеджерова' });
    const first = addMessage(
      service.app.wb,
      { ticketId: t.id, telegramId: MANAGER, as: 'staff', text: 'Завтра' },
      new Date('2026-11-26T10:05:00Z'),
    );
    expect(first.firstResponseSeconds).toBe(300);
    expect(first.ticket).toMatchObject({ status: 'answered', answer: 'Завтра' });
    const again = addMessage(service.app.wb, {
      ticketId: t.id,
      telegramId: MANAGER,
      as: 'staff',
      text: 'Точнее, после обеда',
    });
    expect(again.firstResponseSeconds).toBeNull();
    expect(
      reason(() => addMessage(service.app.wb, { ticketId: t.id, telegramId: OTHER, as: 'user', text: 'чужое' })),
    ).toBe('not_found');
    addMessage(service.app.wb, {
      ticketId: t.id,
      telegramId: CLIENT,
      as: 'user',
      text: 'Спасибо',
      attachments: [{ kind: 'document', fileId: 'BQAD-doc' }],
    });
    expect(reason(() => rateTicket(service.app.wb, { ticketId: t.id, telegramId: CLIENT, rating: 5 }))).toBe(
      'not_closed',
    );
    const closed = setStatus(
      service.app.wb,
      { ticketId: t.id, telegramId: MANAGER, as: 'staff', status: 'closed' },
      new Date('2026-11-26T11:00:00Z'),
    );
    expect(closed).toMatchObject({ changed: true, resolutionSeconds: 3600 });
    expect(
      setStatus(service.app.wb, { ticketId: t.id, telegramId: CLIENT, as: 'user', status: 'closed' }).changed,
    ).toBe(false);
    expect(
      reason(() => addMessage(service.app.wb, { ticketId: t.id, telegramId: CLIENT, as: 'user', text: 'ещё' })),
    ).toBe('closed');
    expect(rateTicket(service.app.wb, { ticketId: t.id, telegramId: CLIENT, rating: 4 }).rating).toBe(4);
    expect(reason(() => rateTicket(service.app.wb, { ticketId: t.id, telegramId: CLIENT, rating: 5 }))).toBe(
      'already_rated',
    );
    const thread = getTicket(service.app.wb, t.id, CLIENT);
    expect(thread.messages.map((m) => [m.author, m.text])).toEqual([
      ['user', 'Когда доставка?'],
      ['staff', 'Завтра'],
      ['staff', 'Точнее, после обеда'],
      ['user', 'Спасибо\n[файл]'],
    ]);
    expect(reason(() => getTicket(service.app.wb, t.id, OTHER))).toBe('not_found');
  });

  it("lists a user's requests newest first, paginated, and counts requests by status", () => {
    const all = ticketsOf(service.app.wb, CLIENT, { limit: 50, offset: 0 });
    const page = ticketsOf(service.app.wb, CLIENT, { limit: 2, offset: 1 });
    expect(page.total).toBe(all.total);
    expect(page.items.map((t) => t.id)).toEqual(all.items.slice(1, 3).map((t) => t.id));
    expect(all.items.map((t) => t.createdAt)).toEqual([...all.items.map((t) => t.createdAt)].sort().reverse());
    expect(ticketsOf(service.app.wb, OTHER, { limit: 10, offset: 0 })).toEqual({ items: [], total: 0 });
    const counts = ticketsByStatus(service.app.wb);
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(service.app.wb.count('Tickets'));
    expect(counts.closed).toBeGreaterThanOrEqual(1);
  });
});

describe('tickets over tRPC', () => {
  const client = () =>
    createServiceClient<SheetsRouter>({
      target: 'sheets',
      url: service.url,
      token: TOKEN,
      metrics: createRegistry('t'),
    });

  it('creates, reads and lists through the typed client, and names bad input', async () => {
    const sheets = client();
    const t = await sheets.tickets.create.mutate({
      telegramId: CLIENT,
      category: 'Предложение',
      text: 'Добавьте оплату СБП',
    });
    expect((await sheets.tickets.get.query({ ticketId: t.id, telegramId: CLIENT })).messages).toHaveLength(1);
    expect((await sheets.tickets.mine.query({ telegramId: CLIENT, limit: 1 })).items[0]?.id).toBe(t.id);
    await expect(sheets.tickets.get.query({ ticketId: 'T-1' as string, telegramId: OTHER })).rejects.toThrow(
      /not_found/,
    );
    const bad = await sheets.tickets.rate
      .mutate({ ticketId: t.id, telegramId: CLIENT, rating: 9 })
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(TRPCClientError);
    expect(String((bad as Error).message)).toContain('rating is 1 to 5');
    await expect(sheets.tickets.get.query({ ticketId: 'DROP TABLE' })).rejects.toThrow(/request id like T-1001/);
    await expect(
      sheets.tickets.setStatus.mutate({ ticketId: t.id, telegramId: OTHER, as: 'staff', status: 'closed' }),
    ).rejects.toThrow(/not_staff/);
  });

  it('marks a user who blocked the bot once, and exposes requests by status as a gauge', async () => {
    const sheets = client();
    expect(await sheets.users.setBlockedBot.mutate({ telegramId: OTHER, blocked: true })).toEqual({ changed: true });
    expect(await sheets.users.setBlockedBot.mutate({ telegramId: OTHER, blocked: true })).toEqual({ changed: false });
    expect(service.app.wb.get('Users', 'U-5')?.blocked_bot).toBe('yes');
    const metrics = await (await fetch(`${service.url}/metrics`)).text();
    expect(metrics).toMatch(/sheets_tickets\{status="new"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/sheets_tickets\{status="closed"[^}]*\} [1-9]/);
  });
});

describe("the gateway's Telegram links of requests", () => {
  it('finds a request by a reply to any linked message, else by its forum topic, and remembers the last notice', () => {
    const t = createTicket(service.app.wb, service.app.catalog, {
      telegramId: CLIENT,
      category: 'Вопрос',
      text: 'Ссылки',
    });
    const STAFF = -1_001_000_000_555;
    expect(placeOf(service.app.wb, t.id)).toBeNull();
    savePlace(service.app.wb, { ticketId: t.id, chatId: STAFF, threadId: 77, cardMessageId: 78 });
    expect(placeOf(service.app.wb, t.id)).toEqual({ ticketId: t.id, chatId: STAFF, threadId: 77, cardMessageId: 78 });
    linkMessages(service.app.wb, t.id, CLIENT, [501, 502]);
    expect(ticketOfMessage(service.app.wb, { chatId: STAFF, replyTo: 78 })).toBe(t.id);
    expect(ticketOfMessage(service.app.wb, { chatId: STAFF, threadId: 77 })).toBe(t.id);
    expect(ticketOfMessage(service.app.wb, { chatId: STAFF, replyTo: 999, threadId: 77 })).toBe(t.id);
    expect(ticketOfMessage(service.app.wb, { chatId: CLIENT, replyTo: 502 })).toBe(t.id);
    expect(ticketOfMessage(service.app.wb, { chatId: OTHER, replyTo: 502 })).toBeNull();
    expect(ticketOfMessage(service.app.wb, { chatId: STAFF })).toBeNull();
    expect(lastNotice(service.app.wb, t.id)).toBeNull();
    recordNotice(service.app.wb, t.id, { status: 'answered', answer: 'Да' });
    expect(lastNotice(service.app.wb, t.id)).toEqual({ status: 'answered', answer: 'Да' });
  });
});
