import { setTimeout as sleep } from 'node:timers/promises';
import type { I18n } from '@grammyjs/i18n';
import type { Ticket, TicketAttachment } from '@mb/contracts';
import type { Logger } from '@mb/service-kit';
import { type Api, GrammyError } from 'grammy';
import type { ReplyParameters } from 'grammy/types';
import { Histogram, type Registry } from 'prom-client';
import type { SheetsClient } from '../clients/index.ts';
import { isBlockedByUser } from '../telegram/blocked.ts';
import { unlessNotModified } from '../telegram/not-modified.ts';
import { clip, ratingButtons, staffButtons, staffCard, statusLabel, type T, topicName } from './format.ts';
import { TicketLinks } from './links.ts';
import { MinuteLimiter, StaffQueue } from './staff-queue.ts';
import type { StaffJob, TicketStore } from './staff-store.ts';

export type TicketDeskOptions = {
  /** Bot API for the staff chat: without auto-retry, so a 429 comes back to the queue, which owns the waiting. */
  staffApi: Api;
  sheets: SheetsClient;
  store: TicketStore;
  /** The staff group now (STAFF_CHAT_ID, else Settings), or null: staff notices are only logged. */
  staffChat: () => Promise<number | null>;
  i18n: I18n<never>;
  logger: Logger;
  registry: Registry;
  /** Sends to the staff group per minute (Telegram allows 20). */
  groupPerMinute?: number;
};

const STAFF_LOCALE = 'ru';

type FileOptions = { caption?: string; message_thread_id?: number; reply_parameters?: ReplyParameters };
/** Sends an attachment by file_id with the method of its kind (Telegram refuses a file_id of another kind). */
function sendFile(api: Api, chatId: number, f: TicketAttachment, opts: FileOptions): Promise<{ message_id: number }> {
  if (f.kind === 'photo') return api.sendPhoto(chatId, f.fileId, opts);
  if (f.kind === 'audio') return api.sendAudio(chatId, f.fileId, opts);
  if (f.kind === 'video') return api.sendVideo(chatId, f.fileId, opts);
  if (f.kind === 'voice') return api.sendVoice(chatId, f.fileId, opts);
  return api.sendDocument(chatId, f.fileId, opts);
}

/**
 * Requests in Telegram: posts each request to the staff chat through the durable queue (a topic per request in a
 * forum, else one card message that staff reply to), maps staff-chat messages back to requests, and delivers
 * answers and status notices to users (a 403 marks the user and tells staff).
 */
export class TicketDesk {
  readonly store: TicketStore;
  readonly links: TicketLinks;
  readonly queue: StaffQueue;
  private readonly opts: TicketDeskOptions;
  private readonly limiter: MinuteLimiter;
  private readonly forum = new Map<number, boolean>();
  readonly firstResponse: Histogram;
  readonly resolution: Histogram;

  constructor(opts: TicketDeskOptions) {
    this.opts = opts;
    this.store = opts.store;
    this.links = new TicketLinks(opts.sheets);
    this.limiter = new MinuteLimiter(opts.groupPerMinute ?? 20);
    this.queue = new StaffQueue({
      store: opts.store,
      run: (job) => this.run(job),
      logger: opts.logger,
      registry: opts.registry,
    });
    const buckets = [60, 300, 900, 1800, 3600, 7200, 14_400, 28_800, 86_400, 172_800, 604_800];
    this.firstResponse = new Histogram({
      name: 'gateway_ticket_first_response_seconds',
      help: 'Request created → first staff message, observed when staff first answer in Telegram.',
      buckets,
      registers: [opts.registry],
    });
    this.resolution = new Histogram({
      name: 'gateway_ticket_resolution_seconds',
      help: 'Request created → closed (by staff, the user, or in the Sheet).',
      buckets,
      registers: [opts.registry],
    });
  }

  /** Staff-chat texts are Russian (the team's language). */
  readonly staffT: T = (key, vars) => this.opts.i18n.t(STAFF_LOCALE, key, vars);
  userT =
    (language: string): T =>
    (key, vars) =>
      this.opts.i18n.t(language, key, vars);

  /** Queues the request's topic/card in the staff chat (once per request, whoever asks: the bot or the event feed). */
  open(ticketId: string): void {
    if (this.store.enqueue('open', { ticketId }, `open:${ticketId}`)) this.queue.kick();
  }

  /** Queues a user's message (text and files) into the request's place in the staff chat. */
  forward(ticketId: string, name: string, text: string, attachments: TicketAttachment[], key?: string): void {
    const caption = clip(this.staffT('staff-user-message', { id: ticketId, name, text: text || '' }), 1000);
    if (attachments.length === 0) this.store.enqueue('send', { ticketId, text: caption }, key ?? null);
    attachments.forEach((a, i) =>
      this.store.enqueue('send', { ticketId, text: i === 0 ? caption : '', file: a }, key ? `${key}:${i}` : null),
    );
    this.queue.kick();
  }

  /** Queues a title refresh (topic name or card text) to the request's current status; repeated asks coalesce. */
  retitle(ticketId: string): void {
    if (this.store.enqueue('rename', { ticketId }, `rename:${ticketId}`)) this.queue.kick();
  }

  /** Queues a notice to staff, in the request's topic (or under its card) when it has one; `once`: queued once per key. */
  notice(ticketId: string | null, key: string, vars: Record<string, string | number> = {}, once?: string): void {
    this.store.enqueue('notice', { ticketId, text: this.staffT(key, vars) }, once ?? null);
    this.queue.kick();
  }

  /**
   * Sends a staff answer (text and files by file_id) to the user, or a correction of one (`corrected`: marked so, the
   * files are not sent again). A 403 marks the user blocked_bot and tells staff; returns whether it was delivered.
   */
  async deliverAnswer(
    api: Api,
    ticket: Ticket,
    language: string,
    text: string,
    files: TicketAttachment[],
    corrected = false,
  ): Promise<boolean> {
    const t = this.userT(language);
    const body = clip(
      t(corrected ? 'request-answer-corrected' : 'request-answer', { id: ticket.id, text: text || '…' }),
    );
    return this.toUser(api, ticket, async () => {
      const sent = [];
      if (files.length === 0) sent.push(await api.sendMessage(ticket.telegramId, body));
      for (const [i, f] of files.entries()) {
        const caption = i === 0 ? clip(body, 1000) : undefined;
        const opts = caption ? { caption } : {};
        sent.push(await sendFile(api, ticket.telegramId, f, opts));
      }
      await this.links.link(ticket.id, ticket.telegramId, ...sent.map((m) => m.message_id));
    });
  }

  /** Tells the user a request's new status (with the answer when it is news); after a close, asks for a rating. */
  async notifyStatus(api: Api, ticket: Ticket, language: string, withAnswer: boolean): Promise<boolean> {
    const t = this.userT(language);
    const status = statusLabel(t, ticket.status);
    const text =
      withAnswer && ticket.answer
        ? t('request-status-answer', { id: ticket.id, status, answer: ticket.answer })
        : t('request-status-changed', { id: ticket.id, status });
    return this.toUser(api, ticket, async () => {
      const m = await api.sendMessage(ticket.telegramId, clip(text));
      await this.links.link(ticket.id, ticket.telegramId, m.message_id);
      if (ticket.status === 'closed' && ticket.rating === null)
        await api.sendMessage(ticket.telegramId, t('request-rate', { id: ticket.id }), {
          reply_markup: ratingButtons(ticket.id),
        });
    });
  }

  private async toUser(_api: Api, ticket: Ticket, send: () => Promise<void>): Promise<boolean> {
    try {
      await send();
      return true;
    } catch (error) {
      if (!(error instanceof GrammyError && isBlockedByUser(error, ticket.telegramId))) throw error;
      const { changed } = await this.opts.sheets.users.setBlockedBot.mutate({
        telegramId: ticket.telegramId,
        blocked: true,
      });
      this.opts.logger.info({ ticketId: ticket.id, newlyMarked: changed }, 'user blocked the bot; staff told');
      this.notice(ticket.id, 'staff-user-blocked', { id: ticket.id, name: ticket.name });
      return false;
    }
  }

  /** One staff-chat call, within the group's per-minute budget. */
  private async call<R>(fn: () => Promise<R>): Promise<R> {
    for (let wait = this.limiter.take(); wait > 0; wait = this.limiter.take()) await sleep(wait);
    return fn();
  }

  private async isForum(chatId: number): Promise<boolean> {
    let known = this.forum.get(chatId);
    if (known === undefined) {
      const chat = (await this.opts.staffApi.getChat(chatId)) as unknown;
      known = typeof chat === 'object' && chat !== null && (chat as { is_forum?: boolean }).is_forum === true;
      this.forum.set(chatId, known);
    }
    return known;
  }

  private async run(job: StaffJob): Promise<void> {
    const chatId = await this.opts.staffChat();
    const ticketId = String(job.payload['ticketId'] ?? '');
    if (chatId === null) {
      this.opts.logger.info({ job: job.kind, ticketId }, 'no staff chat configured: staff notice only logged');
      return;
    }
    const api = this.opts.staffApi;
    const t = this.staffT;
    if (job.kind === 'open') return this.runOpen(chatId, ticketId);
    // A job about a request that is not in the staff chat yet (its `open` job is still behind in the queue) opens it
    // first: the later `open` finds it done. Strict order never waits on a job queued behind it.
    let place = ticketId ? await this.links.place(ticketId) : null;
    if (ticketId && (!place || place.cardMessageId === null)) {
      await this.runOpen(chatId, ticketId);
      place = await this.links.place(ticketId);
    }
    const where = !place
      ? {}
      : place.threadId !== null
        ? { message_thread_id: place.threadId }
        : { reply_parameters: { message_id: place.cardMessageId!, allow_sending_without_reply: true } };
    if (job.kind === 'notice') {
      const m = await this.call(() => api.sendMessage(chatId, String(job.payload['text']), where));
      if (ticketId) await this.links.link(ticketId, chatId, m.message_id);
      return;
    }
    if (!place) return;
    const ticket = (await this.opts.sheets.tickets.get.query({ ticketId })) as Ticket;
    if (job.kind === 'rename') {
      const { threadId, cardMessageId } = place;
      if (threadId !== null)
        await this.call(() => api.editForumTopic(chatId, threadId, { name: topicName(t, ticket) })).catch(
          unlessNotModified,
        );
      if (cardMessageId !== null)
        await this.call(() =>
          api.editMessageText(chatId, cardMessageId, staffCard(t, ticket), { reply_markup: staffButtons(t, ticket) }),
        ).catch(unlessNotModified);
      return;
    }
    const file = job.payload['file'] as TicketAttachment | undefined;
    const text = String(job.payload['text'] ?? '');
    const caption = text ? { caption: clip(text, 1000) } : {};
    const m = !file
      ? await this.call(() => api.sendMessage(chatId, clip(text), where))
      : await this.call(() => sendFile(api, chatId, file, { ...where, ...caption }));
    await this.links.link(ticketId, chatId, m.message_id);
  }

  /** Topic (forum) and card, then the request's files; each step is recorded, so a retry after a 429 resumes. */
  private async runOpen(chatId: number, ticketId: string): Promise<void> {
    const api = this.opts.staffApi;
    const t = this.staffT;
    const ticket = await this.opts.sheets.tickets.get.query({ ticketId });
    let place = await this.links.place(ticketId);
    if (!place) {
      const threadId = (await this.isForum(chatId))
        ? (await this.call(() => api.createForumTopic(chatId, topicName(t, ticket)))).message_thread_id
        : null;
      place = { ticketId, chatId, threadId, cardMessageId: null };
      await this.links.savePlace(place);
    }
    if (place.cardMessageId !== null) return;
    const threadId = place.threadId;
    // The request's files and the rest of its thread (an assistant transcript) follow the card as jobs of their own,
    // queued before the card goes out (once each while pending), so a crash after sending it loses none of them.
    const [first, ...rest] = ticket.messages;
    this.store.transaction(() => {
      (first?.attachments ?? []).forEach((f, i) =>
        this.store.enqueue('send', { ticketId, text: '', file: f }, `file:${ticketId}:${i}`),
      );
      rest.forEach((m, i) => this.forward(ticketId, m.authorName, m.text, m.attachments, `thread:${ticketId}:${i}`));
    });
    const card = await this.call(() =>
      api.sendMessage(chatId, staffCard(t, ticket), {
        reply_markup: staffButtons(t, ticket),
        ...(threadId !== null ? { message_thread_id: threadId } : {}),
      }),
    );
    await this.links.savePlace({ ...place, cardMessageId: card.message_id });
  }
}
