import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { callErrorCode, type Route, sendJson } from '@mb/service-kit';
import { sign } from '@telegram-apps/init-data-node';
import { z } from 'zod';
import { SANDBOX_STAFF_CHAT_ID, SandboxApiError, type SandboxTelegram } from './emulator.ts';
import { DARK_THEME, LIGHT_THEME } from './themes.ts';
import type { SandboxWorkbook } from './workbook.ts';

const PAGE = readFileSync(new URL('./page.html', import.meta.url), 'utf8');
const MAX_BODY = 64 * 1024;

const NewUser = z.object({
  firstName: z.string().trim().min(1).max(64),
  lastName: z.string().trim().max(64).optional(),
  phone: z
    .string()
    .trim()
    .regex(/^\+?[\d\s()-]{7,20}$/, 'a phone number'),
  languageCode: z.enum(['ru', 'en']).default('ru'),
});
const Send = z.object({
  userId: z.number().int(),
  chatId: z.number().int(),
  text: z.string().min(1).max(4096),
  replyTo: z.number().int().optional(),
  threadId: z.number().int().optional(),
});
const Press = z.object({
  userId: z.number().int(),
  chatId: z.number().int(),
  messageId: z.number().int(),
  data: z.string().min(1).max(64),
});
const WebApp = z.object({ userId: z.number().int(), url: z.string().min(1).max(2000) });
const Edit = z.object({ tab: z.string(), id: z.string().min(1), column: z.string(), value: z.string().max(50_000) });
const AddRow = z.object({ tab: z.string(), values: z.record(z.string(), z.string().max(50_000)) });

async function body(req: IncomingMessage): Promise<unknown> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new SandboxApiError(413, 'body too large');
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
  } catch {
    throw new SandboxApiError(400, 'body is not JSON');
  }
}

const LOOPBACK_ADDRESSES = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
const LOOPBACK_HOST = /^(localhost|127\.0\.0\.1|\[::1\])(:\d{1,5})?$/;

/**
 * Why a sandbox request is refused, or null. The sandbox serves every user's phone and signs initData for the admin,
 * so it answers only this machine (no proxy in between), only at a loopback host name (a DNS-rebinding page has its
 * own), and takes writes only as JSON from its own page (a cross-site form or `text/plain` POST is refused).
 */
export function sandboxRefusal(
  req: Pick<IncomingMessage, 'headers' | 'method'> & { socket: { remoteAddress?: string | undefined } },
): { status: number; error: string } | null {
  if (!LOOPBACK_ADDRESSES.has(req.socket.remoteAddress ?? '') || req.headers['x-forwarded-for'] !== undefined)
    return { status: 403, error: 'the sandbox answers requests from this machine only' };
  const host = req.headers.host ?? '';
  if (!LOOPBACK_HOST.test(host)) return { status: 403, error: 'open the sandbox at localhost or 127.0.0.1' };
  if (req.method !== 'POST') return null;
  const type = (req.headers['content-type'] ?? '').split(';', 1)[0]!.trim().toLowerCase();
  if (type !== 'application/json') return { status: 415, error: 'sandbox writes take application/json only' };
  if (req.headers.origin !== `http://${host}`)
    return { status: 403, error: 'sandbox writes come from its own page only' };
  return null;
}

/**
 * The /sandbox page and its API. Registered only in sandbox mode (no TELEGRAM_BOT_TOKEN), so none of it exists when a
 * real token is set. The page acts as a Telegram client: what it does reaches the bot as updates through the webhook.
 */
export function sandboxRoutes(opts: {
  telegram: SandboxTelegram;
  botToken: string;
  workbook: SandboxWorkbook;
}): Route[] {
  const { telegram } = opts;
  let nextUserId = 900_001;
  const api = (
    name: string,
    method: 'GET' | 'POST',
    handler: (req: IncomingMessage, url: URL) => Promise<unknown>,
  ): Route => ({
    method,
    path: `/sandbox/api/${name}`,
    name: `/sandbox/api/${name}`,
    handler: async (req: IncomingMessage, res: ServerResponse) => {
      const refused = sandboxRefusal(req);
      if (refused) {
        req.resume();
        return sendJson(res, refused.status, { error: refused.error });
      }
      try {
        sendJson(res, 200, await handler(req, new URL(req.url ?? '/', 'http://sandbox')));
      } catch (error) {
        if (error instanceof z.ZodError)
          return sendJson(res, 400, { error: error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
        if (error instanceof SandboxApiError) return sendJson(res, error.code, { error: error.message });
        const status = { BAD_REQUEST: 400, FORBIDDEN: 403, NOT_FOUND: 404, CONFLICT: 409 }[callErrorCode(error)];
        if (status) return sendJson(res, status, { error: error instanceof Error ? error.message : String(error) });
        return sendJson(res, 502, { error: error instanceof Error ? error.message : String(error) });
      }
    },
  });

  const state = (chatId: number | null) => ({
    version: telegram.changeVersion,
    bot: { id: telegram.bot.id, username: telegram.bot.username, name: telegram.bot.first_name },
    users: [...telegram.users.values()],
    chats: [...telegram.chats.values()].map((c) => ({
      id: c.id,
      type: c.type,
      title: c.title,
      isForum: c.isForum,
      topics: [...c.topics.entries()].map(([id, t]) => ({ id, name: t.name })),
    })),
    messages: chatId === null ? [] : telegram.chatMessages(chatId),
    notices: telegram.notices,
  });

  return [
    {
      method: 'GET',
      path: '/sandbox',
      name: '/sandbox',
      handler: (req, res) => {
        const refused = sandboxRefusal(req);
        if (refused) return sendJson(res, refused.status, { error: refused.error });
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' }).end(PAGE);
      },
    },
    api('state', 'GET', async (_req, url) => {
      const since = Number(url.searchParams.get('since') ?? '-1');
      const chat = url.searchParams.get('chat');
      // The page's first call: the demo manager is signed in by then (best effort; sheets may still be starting).
      await opts.workbook.signInDemoStaff().catch(() => undefined);
      await telegram.waitForChange(since, Math.min(Number(url.searchParams.get('wait') ?? '0'), 25_000));
      return state(chat ? Number(chat) : null);
    }),
    api('users', 'POST', async (req) => {
      const input = NewUser.parse(await body(req));
      const id = nextUserId++;
      return telegram.addUser({
        id,
        firstName: input.firstName,
        ...(input.lastName ? { lastName: input.lastName } : {}),
        username: `user${id}`,
        languageCode: input.languageCode,
        phone: input.phone,
      });
    }),
    api('send', 'POST', async (req) => {
      const input = Send.parse(await body(req));
      const opt = {
        ...(input.replyTo ? { replyTo: input.replyTo } : {}),
        ...(input.threadId ? { threadId: input.threadId } : {}),
      };
      return telegram.sendText(input.userId, input.chatId, input.text, opt);
    }),
    api('contact', 'POST', async (req) => {
      const { userId } = z.object({ userId: z.number().int() }).parse(await body(req));
      await telegram.shareContact(userId);
      return { ok: true };
    }),
    api('press', 'POST', async (req) => {
      const input = Press.parse(await body(req));
      await telegram.pressButton(input.userId, input.chatId, input.messageId, input.data);
      return { ok: true };
    }),
    api('webapp', 'POST', async (req) => {
      const input = WebApp.parse(await body(req));
      const user = telegram.users.get(input.userId);
      if (!user) throw new SandboxApiError(400, 'unknown sandbox user');
      const dark = new URL(req.url ?? '/', 'http://x').searchParams.get('theme') === 'dark';
      const initData = sign(
        {
          user: {
            id: user.id,
            first_name: user.firstName,
            ...(user.lastName ? { last_name: user.lastName } : {}),
            language_code: user.languageCode,
          },
          chat_instance: String(user.id),
          chat_type: 'private',
        } as never,
        opts.botToken,
        new Date(),
      );
      const hash = new URLSearchParams({
        tgWebAppData: initData,
        tgWebAppVersion: '9.0',
        tgWebAppPlatform: 'web',
        tgWebAppThemeParams: JSON.stringify(dark ? DARK_THEME : LIGHT_THEME),
      });
      const target = new URL(input.url, 'http://localhost');
      return { url: `${target.pathname}${target.search}#${hash.toString()}` };
    }),
    api('workbook', 'GET', async (_req, url) => opts.workbook.rows(url.searchParams.get('tab') ?? 'Tickets')),
    api('workbook/edit', 'POST', async (req) => opts.workbook.edit(Edit.parse(await body(req)))),
    api('workbook/add', 'POST', async (req) => opts.workbook.add(AddRow.parse(await body(req)))),
  ];
}

export { SANDBOX_STAFF_CHAT_ID };
