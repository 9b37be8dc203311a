import http from 'node:http';
import { listen } from '@mb/service-kit';
import { closeServer } from './close-server.ts';

export type BotApiCall = { token: string; method: string; payload: Record<string, unknown>; at: number };
/** A scripted answer: return one to override the default for a call, or undefined to answer normally. */
export type Script = (call: BotApiCall) => { status: number; body: unknown } | undefined;

/** Telegram's answer to a call over its limits, as a script returns it: 429 with `retry_after` seconds. */
export function tooManyRequests(retryAfter: number): { status: number; body: unknown } {
  return {
    status: 429,
    body: {
      ok: false,
      error_code: 429,
      description: `Too Many Requests: retry after ${retryAfter}`,
      parameters: { retry_after: retryAfter },
    },
  };
}

/**
 * A script: getWebhookInfo reports the webhook at bot.example.com with `pending` updates waiting and a 502 delivery
 * error at `errorDate` (Unix seconds), as Telegram does when the webhook fails.
 */
export const webhookInfoWithError =
  (pending: number, errorDate: number): Script =>
  (call) =>
    call.method === 'getWebhookInfo'
      ? {
          status: 200,
          body: {
            ok: true,
            result: {
              url: 'https://bot.example.com/telegram/webhook',
              has_custom_certificate: false,
              pending_update_count: pending,
              last_error_date: errorDate,
              last_error_message: 'Wrong response from the webhook: 502 Bad Gateway',
            },
          },
        }
      : undefined;

/**
 * The answer to a sendMessage in a private chat with a message id of the test's choosing, so the test can reply to
 * that message as the user would (`reply_to_message`).
 */
export function sentMessage(call: BotApiCall, messageId: number): { status: number; body: unknown } {
  const chat = { id: Number(call.payload['chat_id']), type: 'private' };
  return {
    status: 200,
    body: { ok: true, result: { message_id: messageId, date: 1, chat, text: call.payload['text'] } },
  };
}

/**
 * A Bot API double on real HTTP: grammY reaches it through `client.apiRoot` (TELEGRAM_API_ROOT). Answers every
 * method with Telegram's response shape ({ ok, result } or { ok: false, error_code, description, parameters }),
 * records the calls, and can be scripted to answer 429 with retry_after, 403 for blocked users, and so on.
 */
export class BotApiDouble {
  readonly calls: BotApiCall[] = [];
  private readonly scripts: Script[] = [];
  private server?: http.Server;
  private nextMessageId = 1000;
  private waiters: Array<{ check: () => boolean; resolve: () => void }> = [];
  url = '';
  port = 0;

  /** Listens on `host` (loopback unless a container must reach it: the deploy smoke gives 0.0.0.0). */
  async start(host = '127.0.0.1'): Promise<this> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    const port = await listen(this.server, 0, host);
    this.port = port;
    this.url = `http://127.0.0.1:${port}`;
    return this;
  }

  close(): Promise<void> {
    return closeServer(this.server);
  }

  /** Adds a scripted behaviour (checked newest first). */
  script(fn: Script): void {
    this.scripts.unshift(fn);
  }

  callsTo(method: string): BotApiCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Texts sent to a chat, in order. */
  textsTo(chatId: number): string[] {
    return this.calls
      .filter((c) => Number(c.payload['chat_id']) === chatId && typeof c.payload['text'] === 'string')
      .map((c) => c.payload['text'] as string);
  }

  /** Resolves when `check` holds (re-checked on every call), or rejects after `timeoutMs`. */
  waitFor(check: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `timed out waiting for ${what}; calls: ${JSON.stringify(this.calls.map((c) => [c.method, c.payload['text'] ?? '']))}`,
            ),
          ),
        timeoutMs,
      );
      this.waiters.push({ check, resolve: () => (clearTimeout(timer), resolve()) });
    });
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(req.url?.split('?')[0] ?? '');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    if (!match) {
      res
        .writeHead(404, { 'content-type': 'application/json' })
        .end(JSON.stringify({ ok: false, error_code: 404, description: 'Not Found' }));
      return;
    }
    let payload: Record<string, unknown> = {};
    const type = req.headers['content-type'] ?? '';
    if (type.includes('application/json') && raw) payload = JSON.parse(raw) as Record<string, unknown>;
    else if (type.includes('multipart/form-data')) payload = parseMultipartFields(raw);
    const call: BotApiCall = { token: match[1]!, method: match[2]!, payload, at: Date.now() };
    this.calls.push(call);
    const scripted = this.scripts.map((s) => s(call)).find((r) => r !== undefined);
    const { status, body } = scripted ?? { status: 200, body: { ok: true, result: this.result(call) } };
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    this.waiters = this.waiters.filter((w) => {
      if (!w.check()) return true;
      w.resolve();
      return false;
    });
  }

  private result(call: BotApiCall): unknown {
    const p = call.payload;
    const chat = { id: Number(p['chat_id'] ?? 0), type: Number(p['chat_id'] ?? 0) < 0 ? 'supergroup' : 'private' };
    const from = { id: Number(call.token.split(':')[0]), is_bot: true, first_name: 'Bot', username: 'test_bot' };
    const message = (extra: Record<string, unknown>) => ({
      message_id: this.nextMessageId++,
      date: Math.floor(Date.now() / 1000),
      chat,
      from,
      ...extra,
    });
    switch (call.method) {
      case 'getMe':
        return { ...from, can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false };
      case 'sendMessage':
        return message({ text: p['text'] });
      case 'sendPhoto':
        return message({
          photo: [{ file_id: 'photo', file_unique_id: 'photo', width: 1, height: 1 }],
          caption: p['caption'],
        });
      case 'sendDocument':
      case 'sendAudio':
      case 'sendVideo':
      case 'sendVoice': {
        const kind = call.method.slice(4).toLowerCase();
        return message({ [kind]: { file_id: String(p[kind] ?? kind), file_unique_id: kind }, caption: p['caption'] });
      }
      case 'editMessageText':
        return message({ message_id: p['message_id'], text: p['text'], edit_date: Math.floor(Date.now() / 1000) });
      case 'createForumTopic':
        return { message_thread_id: this.nextMessageId++, name: p['name'], icon_color: 7322096 };
      case 'getWebhookInfo':
        return { url: '', has_custom_certificate: false, pending_update_count: 0 };
      default:
        return true;
    }
  }
}

/** Enough multipart parsing for grammY's form uploads: the text fields (files are not needed by tests). */
function parseMultipartFields(raw: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const part of raw.split(/--[^\r\n]+\r\n/)) {
    const m = /name="([^"]+)"(?:; filename="[^"]*")?\r\n(?:[^\r\n]+\r\n)*\r\n([\s\S]*?)\r\n$/.exec(
      part.replace(/--\r\n$/, ''),
    );
    if (m && !part.includes('filename=')) out[m[1]!] = m[2];
  }
  return out;
}
