import type { ApiClientOptions, Transformer } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';

/** A person in the sandbox: chats with the bot in private, and (as staff) in the staff group. */
export type SandboxUser = {
  id: number;
  firstName: string;
  lastName?: string;
  username?: string;
  languageCode: string;
  phone: string;
};

export type SandboxButton = {
  text: string;
  callbackData?: string;
  url?: string;
  webApp?: string;
  requestContact?: boolean;
};
export type SandboxMessage = {
  chatId: number;
  messageId: number;
  threadId?: number;
  from: 'bot' | number;
  text: string;
  parseMode?: string;
  photo?: string;
  document?: string;
  inlineKeyboard?: SandboxButton[][];
  replyKeyboard?: SandboxButton[][];
  replyTo?: number;
  date: number;
  edited?: boolean;
  /** True while the bot streams a draft (sendMessageDraft); replaced by the final message. */
  draft?: boolean;
};
/** What `answerCallbackQuery` showed the user who tapped: a toast, or an alert with OK when `show_alert`. */
export type SandboxNotice = { id: number; userId: number; text: string; alert: boolean };
export type SandboxChat = {
  id: number;
  type: 'private' | 'supergroup';
  title: string;
  isForum: boolean;
  topics: Map<number, { name: string }>;
};

export class SandboxApiError extends Error {
  override readonly name = 'SandboxApiError';
  readonly code: number;
  constructor(code: number, description: string) {
    super(description);
    this.code = code;
  }
}

const MAX_TEXT = 4096;
const MAX_CALLBACK_BYTES = 64;
const MAX_NOTICES = 50;
const MAX_PENDING_CALLBACKS = 1000;

/** The staff group every sandbox starts with: a forum supergroup, as STAFF_CHAT_ID would name it. */
export const SANDBOX_STAFF_CHAT_ID = -1_001_000_000_001;

/**
 * Telegram, emulated in-process for sandbox mode: answers the Bot API methods the bot uses with Telegram's shapes
 * and errors (text limits, callback_data bytes, unknown chats), keeps every chat's messages for the /sandbox page,
 * and delivers the page's actions to the real webhook as updates, with the secret, exactly as Telegram would.
 */
export class SandboxTelegram {
  readonly bot: UserFromGetMe;
  readonly users = new Map<number, SandboxUser>();
  readonly chats = new Map<number, SandboxChat>();
  readonly messages: SandboxMessage[] = [];
  /** The last Bot API calls the bot made (bounded), for tests and debugging. */
  readonly calls: Array<{ method: string; payload: Record<string, unknown>; at: number }> = [];
  /** The last callback answers with a text (bounded), for the page to show to the user who tapped. */
  readonly notices: SandboxNotice[] = [];
  private readonly messageIds = new Map<number, number>();
  /** Callback queries not answered yet: id → the user who tapped. */
  private readonly callbacks = new Map<string, number>();
  private nextNoticeId = 1;
  private nextUpdateId = 1;
  private version = 0;
  private listeners: Array<() => void> = [];
  private webhook?: { url: string; secret: string };
  private readonly maxMessages: number;

  constructor(bot: UserFromGetMe, opts: { maxMessages?: number } = {}) {
    this.bot = bot;
    this.maxMessages = opts.maxMessages ?? 20_000;
    this.chats.set(SANDBOX_STAFF_CHAT_ID, {
      id: SANDBOX_STAFF_CHAT_ID,
      type: 'supergroup',
      title: 'Сотрудники (staff)',
      isForum: true,
      topics: new Map(),
    });
  }

  /** Where updates go: the gateway's own webhook. */
  connect(webhookUrl: string, secret: string): void {
    this.webhook = { url: webhookUrl, secret };
  }

  get changeVersion(): number {
    return this.version;
  }

  /** Resolves at the next change (or after `timeoutMs`), for the page's long poll. */
  waitForChange(since: number, timeoutMs: number): Promise<void> {
    if (this.version !== since) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.listeners.push(done);
    });
  }

  private changed(): void {
    this.version++;
    const listeners = this.listeners;
    this.listeners = [];
    for (const l of listeners) l();
  }

  addUser(user: SandboxUser): SandboxUser {
    this.users.set(user.id, user);
    if (!this.chats.has(user.id))
      this.chats.set(user.id, {
        id: user.id,
        type: 'private',
        title: user.firstName,
        isForum: false,
        topics: new Map(),
      });
    this.changed();
    return user;
  }

  chatMessages(chatId: number): SandboxMessage[] {
    return this.messages.filter((m) => m.chatId === chatId);
  }

  private nextMessageId(chatId: number): number {
    const id = (this.messageIds.get(chatId) ?? 0) + 1;
    this.messageIds.set(chatId, id);
    return id;
  }

  private store(message: SandboxMessage): SandboxMessage {
    this.messages.push(message);
    if (this.messages.length > this.maxMessages) this.messages.splice(0, this.messages.length - this.maxMessages);
    this.changed();
    return message;
  }

  // ——— the page's side: what a person does in a Telegram client, delivered as updates ———

  private from(user: SandboxUser) {
    return {
      id: user.id,
      is_bot: false,
      first_name: user.firstName,
      ...(user.lastName ? { last_name: user.lastName } : {}),
      ...(user.username ? { username: user.username } : {}),
      language_code: user.languageCode,
    };
  }

  private chatJson(chat: SandboxChat, user: SandboxUser) {
    return chat.type === 'private'
      ? {
          id: chat.id,
          type: 'private',
          first_name: user.firstName,
          ...(user.username ? { username: user.username } : {}),
        }
      : { id: chat.id, type: 'supergroup', title: chat.title, ...(chat.isForum ? { is_forum: true } : {}) };
  }

  /** The `message` of an update for what `user` just wrote (`stored`) in `chat`: its ids and date, then `content`. */
  private userMessage(stored: SandboxMessage, chat: SandboxChat, user: SandboxUser, content: Record<string, unknown>) {
    return {
      message_id: stored.messageId,
      from: this.from(user),
      chat: this.chatJson(chat, user),
      date: stored.date,
      ...content,
    };
  }

  private requireUser(userId: number): SandboxUser {
    const user = this.users.get(userId);
    if (!user) throw new SandboxApiError(400, 'Bad Request: unknown sandbox user');
    return user;
  }

  private requireChat(chatId: number): SandboxChat {
    const chat = this.chats.get(chatId);
    if (!chat) throw new SandboxApiError(400, 'Bad Request: chat not found');
    return chat;
  }

  /** A user sends text (a command or a message), optionally replying to a message or inside a forum topic. */
  async sendText(
    userId: number,
    chatId: number,
    text: string,
    opts: { replyTo?: number; threadId?: number } = {},
  ): Promise<SandboxMessage> {
    const user = this.requireUser(userId);
    const chat = this.requireChat(chatId);
    if (text.length === 0 || text.length > MAX_TEXT)
      throw new SandboxApiError(400, 'Bad Request: message text must be 1–4096 characters');
    const message = this.store({
      chatId,
      messageId: this.nextMessageId(chatId),
      from: userId,
      text,
      date: now(),
      ...(opts.replyTo ? { replyTo: opts.replyTo } : {}),
      ...(opts.threadId ? { threadId: opts.threadId } : {}),
    });
    const command = /^\/[A-Za-z0-9_]+(@\w+)?/.exec(text);
    const replied = opts.replyTo
      ? this.messages.find((m) => m.chatId === chatId && m.messageId === opts.replyTo)
      : undefined;
    await this.deliver({
      message: this.userMessage(message, chat, user, {
        text,
        ...(command ? { entities: [{ type: 'bot_command', offset: 0, length: command[0].length }] } : {}),
        ...(opts.threadId ? { message_thread_id: opts.threadId, is_topic_message: true } : {}),
        ...(replied ? { reply_to_message: this.messageJson(replied, chat, user) } : {}),
      }),
    });
    return message;
  }

  /** The user taps a request_contact button: their own contact is shared. */
  async shareContact(userId: number): Promise<void> {
    const user = this.requireUser(userId);
    const chat = this.requireChat(userId);
    const message = this.store({
      chatId: userId,
      messageId: this.nextMessageId(userId),
      from: userId,
      text: `📱 ${user.phone}`,
      date: now(),
    });
    await this.deliver({
      message: this.userMessage(message, chat, user, {
        contact: { phone_number: user.phone.replace(/^\+/, ''), first_name: user.firstName, user_id: user.id },
      }),
    });
  }

  /** The user taps an inline button. */
  async pressButton(userId: number, chatId: number, messageId: number, data: string): Promise<void> {
    const user = this.requireUser(userId);
    const chat = this.requireChat(chatId);
    const message = this.messages.find((m) => m.chatId === chatId && m.messageId === messageId);
    if (!message) throw new SandboxApiError(400, 'Bad Request: message not found');
    const id = String(this.nextUpdateId * 7919);
    this.callbacks.set(id, user.id);
    if (this.callbacks.size > MAX_PENDING_CALLBACKS) this.callbacks.delete(this.callbacks.keys().next().value!);
    await this.deliver({
      callback_query: {
        id,
        from: this.from(user),
        chat_instance: String(chatId),
        data,
        message: this.messageJson(message, chat, user),
      },
    });
  }

  private messageJson(m: SandboxMessage, chat: SandboxChat, user: SandboxUser) {
    return {
      message_id: m.messageId,
      date: m.date,
      chat: this.chatJson(chat, user),
      text: m.text,
      from:
        m.from === 'bot'
          ? { id: this.bot.id, is_bot: true, first_name: this.bot.first_name, username: this.bot.username }
          : this.from(this.users.get(m.from) ?? user),
      ...(m.threadId ? { message_thread_id: m.threadId, is_topic_message: true } : {}),
    };
  }

  private async deliver(body: Record<string, unknown>): Promise<void> {
    if (!this.webhook) throw new SandboxApiError(503, 'the sandbox is not connected to the webhook yet');
    const res = await fetch(this.webhook.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': this.webhook.secret },
      body: JSON.stringify({ update_id: this.nextUpdateId++, ...body }),
    });
    if (!res.ok) throw new SandboxApiError(502, `the webhook answered ${res.status}`);
  }

  // ——— the bot's side: Bot API methods ———

  /** Answers one Bot API call the way Telegram would: `{ ok: true, result }` or `{ ok: false, error_code, description }`. */
  respond(
    method: string,
    payload: Record<string, unknown>,
  ): { ok: true; result: unknown } | { ok: false; error_code: number; description: string } {
    this.calls.push({ method, payload, at: Date.now() });
    if (this.calls.length > 1000) this.calls.splice(0, this.calls.length - 1000);
    try {
      return { ok: true, result: this.call(method, payload) };
    } catch (error) {
      if (error instanceof SandboxApiError) return { ok: false, error_code: error.code, description: error.message };
      throw error;
    }
  }

  /**
   * A `fetch` for grammY's client (`client.fetch`): Bot API requests are answered in-process. Plugged in at the fetch
   * level rather than as an API transformer, because plugins that build their own Api from the bot's options (the
   * conversations plugin does) keep the client options but not the transformers.
   */
  // grammY types its fetch with node-fetch's Request and Response; the platform's are the same at run time.
  readonly fetch: NonNullable<ApiClientOptions['fetch']> = (async (
    input: unknown,
    init?: unknown,
  ): Promise<Response> => {
    // grammY's signal comes from a polyfill the platform's Request refuses; an in-process answer needs none.
    const { signal: _signal, ...rest } = (init ?? {}) as RequestInit;
    const request = new Request(
      input as string | URL | Request,
      { ...rest, ...(rest.body ? { duplex: 'half' } : {}) } as RequestInit,
    );
    const method = new URL(request.url).pathname.split('/').pop() ?? '';
    const type = request.headers.get('content-type') ?? '';
    let payload: Record<string, unknown> = {};
    if (type.includes('application/json')) payload = (await request.json()) as Record<string, unknown>;
    else if (type.includes('multipart/form-data')) {
      for (const [key, value] of await request.formData())
        payload[key] = typeof value === 'string' ? parseField(value) : '[file]';
    }
    const answer = this.respond(method, payload);
    return new Response(JSON.stringify(answer), {
      status: answer.ok ? 200 : answer.error_code,
      headers: { 'content-type': 'application/json' },
    });
  }) as never;

  /** The same, as an API transformer, for Api instances made apart from the bot (staff desk, broadcasts). */
  readonly transformer: Transformer = async (_prev, method, payload) =>
    this.respond(method, (payload ?? {}) as Record<string, unknown>) as never;

  private call(method: string, p: Record<string, unknown>): unknown {
    switch (method) {
      case 'getMe':
        return this.bot;
      case 'sendMessage':
        return this.sendFromBot(p, { text: checkedText(p['text']) });
      case 'sendPhoto':
        return this.sendFromBot(p, {
          text: optionalCaption(p['caption']),
          photo: typeof p['photo'] === 'string' ? p['photo'] : '[photo]',
        });
      case 'sendDocument':
        return this.sendFromBot(p, {
          text: optionalCaption(p['caption']),
          document: typeof p['document'] === 'string' ? p['document'] : '[file]',
        });
      case 'copyMessage': {
        const source = this.messages.find(
          (m) => m.chatId === Number(p['from_chat_id']) && m.messageId === Number(p['message_id']),
        );
        if (!source) throw new SandboxApiError(400, 'Bad Request: message to copy not found');
        const copy = this.sendFromBot(p, {
          text: source.text,
          ...(source.photo ? { photo: source.photo } : {}),
          ...(source.document ? { document: source.document } : {}),
        });
        return { message_id: copy.message_id };
      }
      case 'sendMessageDraft':
        return this.draft(p);
      case 'editMessageText':
        return this.edit(p, (m) => {
          m.text = checkedText(p['text']);
          if (typeof p['parse_mode'] === 'string') m.parseMode = p['parse_mode'];
        });
      case 'editMessageCaption':
        return this.edit(p, (m) => {
          m.text = optionalCaption(p['caption']);
        });
      case 'editMessageReplyMarkup':
        // Without reply_markup the inline keyboard is removed, as in Telegram.
        return this.edit(p, (m) => {
          delete m.inlineKeyboard;
          Object.assign(m, keyboards(p['reply_markup']));
        });
      case 'deleteMessage': {
        const index = this.messages.findIndex(
          (m) => m.chatId === Number(p['chat_id']) && m.messageId === Number(p['message_id']),
        );
        if (index === -1) throw new SandboxApiError(400, 'Bad Request: message to delete not found');
        this.messages.splice(index, 1);
        this.changed();
        return true;
      }
      case 'answerCallbackQuery': {
        const text = typeof p['text'] === 'string' ? p['text'] : '';
        if (text.length > 200) throw new SandboxApiError(400, 'Bad Request: MESSAGE_TOO_LONG');
        const userId = this.callbacks.get(String(p['callback_query_id']));
        this.callbacks.delete(String(p['callback_query_id']));
        if (userId !== undefined && text) {
          this.notices.push({ id: this.nextNoticeId++, userId, text, alert: p['show_alert'] === true });
          if (this.notices.length > MAX_NOTICES) this.notices.shift();
          this.changed();
        }
        return true;
      }
      case 'createForumTopic': {
        const chat = this.requireChat(Number(p['chat_id']));
        if (!chat.isForum) throw new SandboxApiError(400, 'Bad Request: the chat is not a forum');
        const threadId = this.nextMessageId(chat.id);
        chat.topics.set(threadId, { name: String(p['name'] ?? '') });
        this.store({
          chatId: chat.id,
          messageId: threadId,
          threadId,
          from: 'bot',
          text: `📌 ${String(p['name'] ?? '')}`,
          date: now(),
        });
        return { message_thread_id: threadId, name: p['name'], icon_color: 7322096 };
      }
      case 'editForumTopic': {
        const chat = this.requireChat(Number(p['chat_id']));
        const topic = chat.topics.get(Number(p['message_thread_id']));
        if (!topic) throw new SandboxApiError(400, 'Bad Request: TOPIC_ID_INVALID');
        if (typeof p['name'] === 'string') topic.name = p['name'];
        this.changed();
        return true;
      }
      case 'getChat': {
        const chat = this.requireChat(Number(p['chat_id']));
        return { id: chat.id, type: chat.type, title: chat.title, ...(chat.isForum ? { is_forum: true } : {}) };
      }
      case 'getChatMember':
        return { status: 'member', user: this.from(this.requireUser(Number(p['user_id']))) };
      case 'getWebhookInfo':
        return { url: this.webhook?.url ?? '', has_custom_certificate: false, pending_update_count: 0 };
      case 'getUpdates':
        throw new SandboxApiError(409, "Conflict: can't use getUpdates method while webhook is active");
      default:
        // setMyCommands, setChatMenuButton, sendChatAction, setWebhook, … have no visible effect here.
        return true;
    }
  }

  private sendFromBot(p: Record<string, unknown>, content: { text: string; photo?: string; document?: string }) {
    const chat = this.requireChat(Number(p['chat_id']));
    if (chat.type === 'private' && !this.users.has(chat.id))
      throw new SandboxApiError(403, 'Forbidden: bot was blocked by the user');
    const markup = keyboards(p['reply_markup']);
    const threadId = typeof p['message_thread_id'] === 'number' ? p['message_thread_id'] : undefined;
    const replyTo = replyTarget(p);
    // A final message replaces the draft streamed before it.
    for (let i = this.messages.length - 1; i >= 0; i--)
      if (this.messages[i]!.chatId === chat.id && this.messages[i]!.draft) this.messages.splice(i, 1);
    const message = this.store({
      chatId: chat.id,
      messageId: this.nextMessageId(chat.id),
      from: 'bot',
      date: now(),
      ...content,
      ...(typeof p['parse_mode'] === 'string' ? { parseMode: p['parse_mode'] } : {}),
      ...(threadId ? { threadId } : {}),
      ...(replyTo ? { replyTo } : {}),
      ...markup,
    });
    return {
      message_id: message.messageId,
      date: message.date,
      chat: {
        id: chat.id,
        type: chat.type,
        ...(chat.type === 'private' ? { first_name: chat.title } : { title: chat.title }),
      },
      from: this.bot,
      ...(content.text ? { [content.photo || content.document ? 'caption' : 'text']: content.text } : {}),
      ...(threadId ? { message_thread_id: threadId } : {}),
    };
  }

  private draft(p: Record<string, unknown>): true {
    const chat = this.requireChat(Number(p['chat_id']));
    if (chat.type !== 'private') throw new SandboxApiError(400, 'Bad Request: drafts are for private chats only');
    const text = typeof p['text'] === 'string' ? p['text'] : '';
    const existing = this.messages.find((m) => m.chatId === chat.id && m.draft);
    if (existing) {
      existing.text = text || 'Думаю…';
      this.changed();
    } else {
      this.store({ chatId: chat.id, messageId: 0, from: 'bot', text: text || 'Думаю…', date: now(), draft: true });
    }
    return true;
  }

  private edit(p: Record<string, unknown>, change: (m: SandboxMessage) => void) {
    const message = this.messages.find(
      (m) => m.chatId === Number(p['chat_id']) && m.messageId === Number(p['message_id']),
    );
    if (!message) throw new SandboxApiError(400, 'Bad Request: message to edit not found');
    const before = JSON.stringify(message);
    change(message);
    if ('reply_markup' in p) {
      delete message.inlineKeyboard;
      Object.assign(message, keyboards(p['reply_markup']));
    }
    if (JSON.stringify(message) === before) throw new SandboxApiError(400, 'Bad Request: message is not modified');
    message.edited = true;
    this.changed();
    return {
      message_id: message.messageId,
      date: message.date,
      chat: { id: message.chatId, type: 'private' },
      text: message.text,
      edit_date: now(),
    };
  }
}

/** Multipart fields arrive as text: numbers and JSON (keyboards, entities) are read back as such. */
function parseField(value: string): unknown {
  if (/^-?\d+$/.test(value)) return Number(value);
  if (/^[[{]/.test(value)) {
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }
  return value;
}

function now(): number {
  return Math.floor(Date.now() / 1000);
}

function checkedText(value: unknown): string {
  const text = typeof value === 'string' ? value : '';
  if (text.trim().length === 0) throw new SandboxApiError(400, 'Bad Request: message text is empty');
  if (text.length > MAX_TEXT) throw new SandboxApiError(400, 'Bad Request: message is too long');
  return text;
}

function optionalCaption(value: unknown): string {
  const text = typeof value === 'string' ? value : '';
  if (text.length > 1024) throw new SandboxApiError(400, 'Bad Request: message caption is too long');
  return text;
}

function replyTarget(p: Record<string, unknown>): number | undefined {
  const params = p['reply_parameters'] as { message_id?: number } | undefined;
  if (params?.message_id) return params.message_id;
  return typeof p['reply_to_message_id'] === 'number' ? p['reply_to_message_id'] : undefined;
}

type RawButton =
  | { text: string; callback_data?: string; url?: string; web_app?: { url: string }; request_contact?: boolean }
  | string;

function keyboards(markup: unknown): Pick<SandboxMessage, 'inlineKeyboard' | 'replyKeyboard'> {
  const m = (typeof markup === 'string' ? JSON.parse(markup) : markup) as
    | { inline_keyboard?: RawButton[][]; keyboard?: RawButton[][] }
    | undefined;
  const convert = (rows: RawButton[][]) =>
    rows.map((row) =>
      row.map((b): SandboxButton => {
        if (typeof b === 'string') return { text: b };
        if (b.callback_data !== undefined && Buffer.byteLength(b.callback_data) > MAX_CALLBACK_BYTES)
          throw new SandboxApiError(400, 'Bad Request: BUTTON_DATA_INVALID');
        return {
          text: b.text,
          ...(b.callback_data !== undefined ? { callbackData: b.callback_data } : {}),
          ...(b.url ? { url: b.url } : {}),
          ...(b.web_app ? { webApp: b.web_app.url } : {}),
          ...(b.request_contact ? { requestContact: true } : {}),
        };
      }),
    );
  return {
    ...(m?.inline_keyboard ? { inlineKeyboard: convert(m.inline_keyboard) } : {}),
    ...(m?.keyboard ? { replyKeyboard: convert(m.keyboard) } : {}),
  };
}
