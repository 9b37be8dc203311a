import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, listen } from '@mb/service-kit';
import { createSheetsApp } from '@mb/sheets/app';
import { BotApiDouble, TEST_INTERNAL_TOKEN, TEST_SECRET, TEST_TOKEN, type TestUser, testBotInfo } from '@mb/testing';
import { afterAll, beforeAll } from 'vitest';
import { createGatewayApp } from '../src/app.ts';
import { STAFF_CHAT } from './signin-helpers.ts';

/** The staff supergroup of these tests (a forum unless a test says otherwise), the one of every gateway test. */
export { STAFF_CHAT };
export const manager: TestUser = { id: 6_000_001, first_name: 'Мария', last_name: 'Менеджерова', language_code: 'ru' };
export const client: TestUser = { id: 6_000_002, first_name: 'Пётр', last_name: 'Клиентов', language_code: 'ru' };
export const bystander: TestUser = { id: 6_000_003, first_name: 'Ольга', language_code: 'ru' };
const BOT = { id: Number(TEST_TOKEN.split(':')[0]), is_bot: true as const, first_name: 'Test', username: 'test_bot' };

/** Makes the double answer getChat for the staff chat as Telegram does for a forum (or a plain) supergroup. */
export function staffChatIs(api: BotApiDouble, forum: boolean): void {
  api.script((call) =>
    call.method === 'getChat' && Number(call.payload['chat_id']) === STAFF_CHAT
      ? {
          status: 200,
          body: {
            ok: true,
            result: { id: STAFF_CHAT, type: 'supergroup', title: 'Поддержка', ...(forum ? { is_forum: true } : {}) },
          },
        }
      : undefined,
  );
}

/**
 * Sheets and the gateway on free ports with a fresh workbook (seeded), the gateway's Bot API at the double, and
 * the staff chat set; the gateway can be stopped and started again on the same files, as a restart would.
 */
export async function startTicketsStack(api: BotApiDouble) {
  const dir = mkdtempSync(join(tmpdir(), 'mb-requests-'));
  const logger = createLogger('test', process.env['LOG_LEVEL'] ?? 'silent');
  const sheets = createSheetsApp({ dbPath: join(dir, 'workbook.sqlite'), internalToken: TEST_INTERNAL_TOKEN, logger });
  const sheetsUrl = `http://127.0.0.1:${await listen(sheets.server, 0, '127.0.0.1')}`;
  // Seeded rows, linked to Telegram accounts as sign-in would: U-2 a manager, U-4 and U-5 clients.
  sheets.wb.update('Users', 'U-2', { telegram_id: String(manager.id) }, { outbox: false });
  sheets.wb.update('Users', 'U-4', { telegram_id: String(client.id) }, { outbox: false });
  sheets.wb.update('Users', 'U-5', { telegram_id: String(bystander.id) }, { outbox: false });

  const makeGateway = (db = 'gateway.sqlite', events = true) =>
    createGatewayApp({
      logger,
      botToken: TEST_TOKEN,
      webhookSecret: TEST_SECRET,
      apiRoot: api.url,
      publicUrl: 'https://bot.example.com',
      sheetsUrl,
      assistantUrl: 'http://127.0.0.1:9',
      internalToken: TEST_INTERNAL_TOKEN,
      dbPath: join(dir, db),
      staffChatId: STAFF_CHAT,
      events: { idleMs: 50, enabled: events },
      flood: { limit: 1000, timeFrameMs: 1000 },
      botInfo: testBotInfo(TEST_TOKEN, { can_read_all_group_messages: true }),
    });
  let gateway: ReturnType<typeof makeGateway> | null = null;
  let gatewayUrl = '';
  const startGateway = async () => {
    gateway = makeGateway();
    gatewayUrl = `http://127.0.0.1:${await listen(gateway.server, 0, '127.0.0.1')}`;
    await gateway.resume();
    return gateway;
  };
  const stopGateway = async () => {
    if (!gateway) return;
    const g = gateway;
    gateway = null;
    g.server.closeAllConnections();
    await new Promise<void>((r) => g.server.close(() => r()));
    await g.close();
  };
  await startGateway();

  const post = (update: unknown) =>
    fetch(`${gatewayUrl}/telegram/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': TEST_SECRET },
      body: JSON.stringify(update),
    });
  /** Posts an update and waits until the gateway has handled it. */
  const send = async (update: unknown) => {
    const res = await post(update);
    if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
    await gateway!.dispatcher.idle();
  };
  /** A second replica on its own files (no event consumer, as on every replica but one); stopped by close(). */
  const replicas: Array<ReturnType<typeof makeGateway>> = [];
  const startReplica = async () => {
    const replica = makeGateway(`replica-${replicas.length + 1}.sqlite`, false);
    replicas.push(replica);
    const url = `http://127.0.0.1:${await listen(replica.server, 0, '127.0.0.1')}`;
    const sendTo = async (update: unknown) => {
      const res = await fetch(`${url}/telegram/webhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': TEST_SECRET },
        body: JSON.stringify(update),
      });
      if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
      await replica.dispatcher.idle();
    };
    return { replica, send: sendTo };
  };
  const close = async () => {
    for (const r of replicas) {
      r.server.closeAllConnections();
      await new Promise<void>((done) => r.server.close(() => done()));
      await r.close();
    }
    await stopGateway();
    sheets.server.closeAllConnections();
    await new Promise<void>((r) => sheets.server.close(() => r()));
    await sheets.close();
    rmSync(dir, { recursive: true, force: true });
  };
  const metrics = async () => (await fetch(`${gatewayUrl}/metrics`)).text();
  return {
    dir,
    sheets,
    get gateway() {
      return gateway!;
    },
    startGateway,
    stopGateway,
    startReplica,
    post,
    send,
    metrics,
    close,
  };
}
export type TicketsStack = Awaited<ReturnType<typeof startTicketsStack>>;

/** One Bot API double and one stack for a test file (started before its tests, closed after); `script` runs first. */
export function useTicketsStack(opts: { forum: boolean; script?: (api: BotApiDouble) => void }) {
  const env = {} as { api: BotApiDouble; stack: TicketsStack };
  beforeAll(async () => {
    env.api = await new BotApiDouble().start();
    staffChatIs(env.api, opts.forum);
    opts.script?.(env.api);
    env.stack = await startTicketsStack(env.api);
  });
  afterAll(async () => {
    await env.stack.close();
    await env.api.close();
  });
  return env;
}

/**
 * What the tests of a tickets stack read, for the client of these tests and the staff chat. Read inside tests: the
 * env is filled before them.
 */
export function ticketReads(env: { api: BotApiDouble; stack: TicketsStack }) {
  const staffCalls = (method: string) =>
    env.api.callsTo(method).filter((c) => Number(c.payload['chat_id']) === STAFF_CHAT);
  const cardOf = (ticketId: string) =>
    staffCalls('sendMessage').find((c) => String(c.payload['text']).startsWith(`Обращение ${ticketId} ·`));
  const lastText = () => env.api.textsTo(client.id).at(-1) ?? '';
  return {
    staffCalls,
    lastText,
    /** The number of the request the client was last told was taken ('' if none). */
    created: () => /Обращение (T-\d+) принято/.exec(lastText())?.[1] ?? '',
    firstMessage: async (ticketId: string) =>
      (await env.stack.gateway.clients.sheets.tickets.get.query({ ticketId })).messages[0]!,
    staffMessages: (ticketId: string) =>
      env.stack.sheets.wb.find('TicketMessages', { ticket_id: ticketId, author: 'staff' }),
    /** A request made through sheets (as the Mini App would), brought to its staff topic; its id and topic. */
    async openTicket(text: string): Promise<{ id: string; threadId: number }> {
      const ticket = await env.stack.gateway.clients.sheets.tickets.create.mutate({
        telegramId: client.id,
        category: 'Вопрос',
        text,
      });
      await env.api.waitFor(() => cardOf(ticket.id) !== undefined, 5000, 'the card');
      return { id: ticket.id, threadId: Number(cardOf(ticket.id)!.payload['message_thread_id']) };
    },
  };
}

let nextUpdate = 900_000;
let nextMessage = 50_000;
const date = () => Math.floor(Date.now() / 1000);
const from = (u: TestUser) => ({ is_bot: false, ...u });
const dm = (u: TestUser) => ({ id: u.id, type: 'private', first_name: u.first_name });
const group = { id: STAFF_CHAT, type: 'supergroup', title: 'Поддержка', is_forum: true };
const command = (text: string) =>
  text.startsWith('/') ? { entities: [{ offset: 0, length: text.split(' ')[0]!.length, type: 'bot_command' }] } : {};
/** A message of the bot's, as quoted in reply_to_message. */
export const botMessage = (chat: unknown, messageId: number) => ({
  message_id: messageId,
  from: BOT,
  chat,
  date: date(),
  text: '…',
});

export const dmText = (u: TestUser, text: string, extra: Record<string, unknown> = {}) => ({
  update_id: nextUpdate++,
  message: { message_id: nextMessage++, from: from(u), chat: dm(u), date: date(), text, ...command(text), ...extra },
});
export const dmPhoto = (u: TestUser, fileId: string, caption?: string, extra: Record<string, unknown> = {}) => ({
  update_id: nextUpdate++,
  message: {
    message_id: nextMessage++,
    from: from(u),
    chat: dm(u),
    date: date(),
    ...(caption ? { caption } : {}),
    ...extra,
    photo: [
      { file_id: `${fileId}-small`, file_unique_id: `${fileId}-s`, width: 90, height: 90 },
      { file_id: fileId, file_unique_id: `${fileId}-l`, width: 1280, height: 960 },
    ],
  },
});
export const dmReply = (u: TestUser, text: string, toMessageId: number) =>
  dmText(u, text, { reply_to_message: botMessage(dm(u), toMessageId) });
export const dmButton = (u: TestUser, data: string, messageId = 1) => ({
  update_id: nextUpdate++,
  callback_query: {
    id: String(nextUpdate),
    from: from(u),
    chat_instance: '1',
    data,
    message: { ...botMessage(dm(u), messageId) },
  },
});

/** A message in a forum topic of the staff chat (Telegram marks it is_topic_message and quotes the topic's first message). */
export const topicText = (u: TestUser, threadId: number, text: string, extra: Record<string, unknown> = {}) => ({
  update_id: nextUpdate++,
  message: {
    message_id: nextMessage++,
    from: from(u),
    chat: group,
    date: date(),
    text,
    ...command(text),
    message_thread_id: threadId,
    is_topic_message: true,
    reply_to_message: {
      message_id: threadId,
      from: from(u),
      chat: group,
      date: date(),
      forum_topic_created: { name: 'T', icon_color: 7322096 },
    },
    ...extra,
  },
});
export const topicPhoto = (u: TestUser, threadId: number, fileId: string, caption: string) => {
  const update = topicText(u, threadId, '');
  const { text: _text, ...message } = update.message;
  return {
    ...update,
    message: {
      ...message,
      caption,
      photo: [{ file_id: fileId, file_unique_id: `${fileId}-u`, width: 800, height: 600 }],
    },
  };
};
/** A message in a plain (non-forum) staff group, replying to one of the bot's messages. */
export const groupReply = (u: TestUser, text: string, toMessageId: number) => ({
  update_id: nextUpdate++,
  message: {
    message_id: nextMessage++,
    from: from(u),
    chat: { ...group, is_forum: undefined },
    date: date(),
    text,
    ...command(text),
    reply_to_message: botMessage({ ...group, is_forum: undefined }, toMessageId),
  },
});
export const groupButton = (u: TestUser, data: string, messageId = 1) => ({
  update_id: nextUpdate++,
  callback_query: {
    id: String(nextUpdate),
    from: from(u),
    chat_instance: '2',
    data,
    message: botMessage(group, messageId),
  },
});

/** Callback data of the buttons the last message to `chatId` carried. */
export function buttonsOf(api: BotApiDouble, chatId: number): string[] {
  const last = api.calls.filter((c) => Number(c.payload['chat_id']) === chatId && c.payload['reply_markup']).at(-1);
  const markup = last?.payload['reply_markup'] as
    | { inline_keyboard?: Array<Array<{ callback_data?: string }>> }
    | undefined;
  return (markup?.inline_keyboard ?? []).flat().map((b) => b.callback_data ?? '');
}
