import { connect } from 'node:net';
import { createLogger } from '@mb/service-kit';
import {
  BotApiDouble,
  callbackUpdate,
  captureLogs,
  recordWaits,
  TEST_SECRET,
  TEST_TOKEN,
  type TestUser,
  textUpdate,
  tooManyRequests,
  webhookInfoWithError,
} from '@mb/testing';
import { describe, expect, it } from 'vitest';
import { runWebhookCli } from '../src/cli/webhook.ts';
import { startPolling, WebhookIsSetError } from '../src/polling.ts';
import { person, sentTo, signIn } from './signin-helpers.ts';
import { startStack } from './stack.ts';
import { useStack } from './use-stack.ts';

const FLOOD = { limit: 6, timeFrameMs: 60_000 };
/** The gateway's pino lines (JSON), to check what the logs carry and what they must never carry. */
const { logger, records } = captureLogs('gateway', 'debug');

const env = useStack({ flood: FLOOD, events: { idleMs: 20 }, logger }, { idleAfterEach: true });

async function signedIn(user: TestUser, phone: string) {
  await signIn(env, user, phone);
  await env.stack.gateway.dispatcher.idle();
}
const sendsTo = (chatId: number) =>
  env.api.callsTo('sendMessage').filter((c) => Number(c.payload['chat_id']) === chatId);
/** The value of one series on /metrics (labels given as `name="value"` pairs, in any order); 0 when absent. */
async function metric(name: string, ...labels: string[]): Promise<number> {
  const text = await (await fetch(`${env.stack.gatewayUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && labels.every((label) => l.includes(label)));
  return line ? Number(line.split(' ').at(-1)) : 0;
}
/** Telegram refuses the bot's first sendMessage to `chatId` with `answer`; the ones after it go through. */
function refuseFirstSendTo(chatId: number, answer: ReturnType<typeof tooManyRequests>) {
  let refused = 0;
  env.api.script((call) =>
    call.method === 'sendMessage' && Number(call.payload['chat_id']) === chatId && refused++ === 0 ? answer : undefined,
  );
}

describe('webhook input', () => {
  it('refuses a wrong secret (a prefix, a longer one, none) with 401 and handles nothing', async () => {
    const user = person(6_300_001, 'Тест');
    for (const secret of [TEST_SECRET.slice(0, -1), `${TEST_SECRET}x`, ''])
      expect((await env.stack.post(textUpdate(user, '/start'), secret)).status).toBe(401);
    await env.stack.gateway.dispatcher.idle();
    expect(sendsTo(user.id)).toHaveLength(0);
  });

  it('answers malformed bodies with 400 (413 when huge) and keeps serving', async () => {
    for (const body of ['not json', '{"update_id": "7"}', 'null', '{"update_id": 1.5}'])
      expect((await env.stack.post(body)).status).toBe(400);
    expect((await env.stack.post(`{"update_id": 1, "pad": "${'x'.repeat(1_100_000)}"}`)).status).toBe(413);
    expect((await fetch(`${env.stack.gatewayUrl}/healthz`)).status).toBe(200);
  });

  it('refuses a declared 200 MB body with 413 before a byte of it is sent', async () => {
    const { port } = new URL(env.stack.gatewayUrl);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        // Headers only: the body is never sent, so only a refusal made from Content-Length can answer.
        socket.write(
          `POST /telegram/webhook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
            `X-Telegram-Bot-Api-Secret-Token: ${TEST_SECRET}\r\nContent-Length: 209715200\r\n\r\n`,
        );
      });
      let text = '';
      socket.on('data', (chunk) => {
        text += chunk.toString('latin1');
        if (text.includes('\r\n\r\n')) {
          socket.destroy();
          resolve(text);
        }
      });
      socket.on('error', reject);
    });
    expect(answer.split('\r\n')[0]).toBe('HTTP/1.1 413 Payload Too Large');
    expect(answer.toLowerCase()).toContain('connection: close');
  });

  it('has exactly one effect for the same update posted twice in a row and five times at once', async () => {
    const buyer = person(6_300_002, 'Пётр');
    await signedIn(buyer, '+79035550103');
    const tap = callbackUpdate(buyer, 'pr:j:spring-sale');
    expect((await env.stack.post(tap)).status).toBe(200);
    expect((await env.stack.post(tap)).status).toBe(200);
    const again = callbackUpdate(buyer, 'pr:j:cashback-10');
    const answers = await Promise.all(Array.from({ length: 5 }, () => env.stack.post(again)));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    await env.stack.gateway.dispatcher.idle();
    expect(env.stack.sheets.wb.find('Participations', { telegram_id: String(buyer.id) })).toHaveLength(2);
    expect(sendsTo(buyer.id).filter((c) => String(c.payload['text']).includes('Вы участвуете'))).toHaveLength(2);
    expect(
      env.api.callsTo('answerCallbackQuery').filter((c) => String(c.payload['text']).includes('уже участвуете')),
    ).toHaveLength(0);
    expect(await metric('gateway_updates_duplicate_total')).toBeGreaterThanOrEqual(5);
  });

  it('ignores unknown update types, edited messages and group chatter; answers a sticker and a huge text once', async () => {
    const user = person(6_300_003, 'Ольга');
    await signedIn(user, '79035550104');
    const before = env.api.calls.length;
    await env.stack.post({ update_id: 9_100_001, some_future_update: { from: { id: user.id } } });
    await env.stack.post({
      ...textUpdate(user, 'исправлено'),
      message: undefined,
      edited_message: { ...textUpdate(user, 'исправлено').message, edit_date: 2 },
    });
    await env.stack.post(
      textUpdate(user, '/promotions', { chat: { id: -100777, type: 'supergroup', title: 'Группа' } }),
    );
    await env.stack.post(textUpdate(user, 'привет', { chat: { id: -100777, type: 'supergroup', title: 'Группа' } }));
    await env.stack.gateway.dispatcher.idle();
    expect(env.api.calls.slice(before).map((c) => [c.method, c.payload['text']])).toEqual([]);

    await env.stack.post({
      ...textUpdate(user, ''),
      message: {
        ...textUpdate(user, '').message,
        text: undefined,
        sticker: {
          file_id: 's',
          file_unique_id: 's',
          type: 'regular',
          width: 1,
          height: 1,
          is_animated: false,
          is_video: false,
        },
      },
    });
    await env.stack.post(textUpdate(user, 'я'.repeat(5000)));
    await env.stack.gateway.dispatcher.idle();
    const replies = env.api.calls.slice(before).map((c) => String(c.payload['text']));
    expect(replies).toHaveLength(2);
    expect(replies[0]).toContain('Я понимаю текст и кнопки меню');
    expect(replies[1]).toContain('слишком длинное');
  });

  it('drops a flood from one user after the limit, without affecting others', async () => {
    const spammer = person(6_300_004, 'Спамер');
    for (let i = 0; i < 15; i++) await env.stack.post(textUpdate(spammer, '/start'));
    await env.stack.gateway.dispatcher.idle();
    // The limit's answers, then one notice that some messages were skipped (once per window, not per drop).
    expect(sendsTo(spammer.id)).toHaveLength(FLOOD.limit + 1);
    expect(String(sendsTo(spammer.id).at(-1)?.payload['text'])).toContain('слишком часто');
    expect(await metric('gateway_flood_dropped_total')).toBe(9);
    const calm = person(6_300_005, 'Спокойный');
    await env.stack.post(textUpdate(calm, '/start'));
    await sentTo(env.api, calm.id, 'поделитесь номером');
  });
});

describe('outgoing calls', () => {
  it("obeys a 429's retry_after and sends once the wait is over", async () => {
    const user = person(6_300_006, 'Терпеливый');
    refuseFirstSendTo(user.id, tooManyRequests(1));
    // The waits scheduled meanwhile, each with how many sends to the user had reached Telegram by then.
    const { waits, stop } = recordWaits(() => sendsTo(user.id).length);
    try {
      await env.stack.post(textUpdate(user, '/start'));
      await env.api.waitFor(() => sendsTo(user.id).length === 2, 8000);
    } finally {
      stop();
    }
    // Between the refused send and the second one, the client waited the 1 s the 429 asked for.
    expect(waits).toContainEqual({ ms: 1000, state: 1 });
    expect(
      await metric('gateway_telegram_api_calls_total', 'method="sendMessage"', 'result="429"'),
    ).toBeGreaterThanOrEqual(1);
  });

  it('gives up on a 429 longer than the 30 s bound instead of hanging, and apologises', async () => {
    const user = person(6_300_007, 'Долгий');
    refuseFirstSendTo(user.id, tooManyRequests(600));
    const update = textUpdate(user, '/start');
    await env.stack.post(update);
    await env.stack.gateway.dispatcher.idle();
    expect(records()).toContainEqual(
      expect.objectContaining({ msg: 'update handler failed', updateId: update.update_id }),
    );
    const texts = sendsTo(user.id).map((c) => String(c.payload['text']));
    expect(texts).toHaveLength(2);
    expect(texts[1]).toContain('Извините, что-то пошло не так');
    expect(await metric('gateway_handler_errors_total', 'kind="telegram"')).toBeGreaterThanOrEqual(1);
  });

  it('marks blocked_bot when Telegram answers 403 "bot was blocked by the user"', async () => {
    const gone = person(6_300_008, 'Ушедший');
    await signedIn(gone, '+7 903 555-01-02');
    env.api.script((call) =>
      Number(call.payload['chat_id']) === gone.id
        ? { status: 403, body: { ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' } }
        : undefined,
    );
    await env.stack.post(textUpdate(gone, '/menu'));
    await env.stack.gateway.dispatcher.idle();
    expect(env.stack.sheets.wb.find('Users', { telegram_id: String(gone.id) })[0]!.blocked_bot).toBe('yes');
    expect(
      await metric('gateway_telegram_api_calls_total', 'method="sendMessage"', 'result="403"'),
    ).toBeGreaterThanOrEqual(1);
  });
});

describe('logs', () => {
  it('never carry the bot token, phones or message texts', () => {
    const all = JSON.stringify(records());
    expect(records().length).toBeGreaterThan(0);
    for (const secret of [TEST_TOKEN, TEST_SECRET, '79035550103', '9035550104', 'я'.repeat(50), 'привет'])
      expect(all).not.toContain(secret);
  });
});

describe('npm run webhook and the polling dev mode', () => {
  const env = {
    TELEGRAM_BOT_TOKEN: TEST_TOKEN,
    TELEGRAM_WEBHOOK_SECRET: TEST_SECRET,
    PUBLIC_URL: 'https://bot.example.com',
  };

  it('sets the webhook with the secret, allowed updates and drop_pending_updates; prints info; deletes it', async () => {
    const cli = await new BotApiDouble().start();
    try {
      const out: string[] = [];
      await runWebhookCli(
        ['set', '--drop-pending-updates', '--max-connections', '80'],
        { ...env, TELEGRAM_API_ROOT: cli.url },
        (l) => out.push(l),
      );
      expect(cli.callsTo('setWebhook')[0]!.payload).toMatchObject({
        url: 'https://bot.example.com/telegram/webhook',
        secret_token: TEST_SECRET,
        drop_pending_updates: true,
        max_connections: 80,
        allowed_updates: ['message', 'edited_message', 'callback_query', 'my_chat_member'],
      });
      cli.script(webhookInfoWithError(42, 1_790_000_000));
      out.length = 0;
      await runWebhookCli(['info'], { ...env, TELEGRAM_API_ROOT: cli.url }, (l) => out.push(l));
      expect(out.join('\n')).toMatch(/pending updates:\s+42/);
      expect(out.join('\n')).toContain('502 Bad Gateway');
      await runWebhookCli(['delete'], { ...env, TELEGRAM_API_ROOT: cli.url }, () => undefined);
      expect(cli.callsTo('deleteWebhook')[0]!.payload).toMatchObject({ drop_pending_updates: false });
      await expect(runWebhookCli(['sett'], { ...env, TELEGRAM_API_ROOT: cli.url }, () => undefined)).rejects.toThrow(
        /usage: npm run webhook/,
      );
      await expect(
        runWebhookCli(['set', '--max-connections', '500'], { ...env, TELEGRAM_API_ROOT: cli.url }, () => undefined),
      ).rejects.toThrow(/1 to 100/);
      await expect(runWebhookCli(['info'], {}, () => undefined)).rejects.toThrow(/TELEGRAM_BOT_TOKEN is not set/);
    } finally {
      await cli.close();
    }
  });

  it('refuses to poll while a webhook is set, and otherwise handles polled updates through the same pipeline', async () => {
    const tg = await new BotApiDouble().start();
    const local = await startStack({ apiRoot: tg.url, gateway: { events: { enabled: false } } });
    const logger = createLogger('test', 'silent');
    try {
      let webhookUrl = 'https://bot.example.com/telegram/webhook';
      const user = person(6_300_009, 'Разработчик');
      let delivered = false;
      tg.script((call) => {
        if (call.method === 'getWebhookInfo')
          return {
            status: 200,
            body: { ok: true, result: { url: webhookUrl, has_custom_certificate: false, pending_update_count: 0 } },
          };
        if (call.method !== 'getUpdates') return undefined;
        const updates = delivered ? [] : [textUpdate(user, '/start')];
        delivered = true;
        return { status: 200, body: { ok: true, result: updates } };
      });
      const { api: botApi } = local.gateway.bot;
      await expect(
        startPolling({ api: botApi, inbox: local.gateway.inbox, dispatcher: local.gateway.dispatcher, logger }),
      ).rejects.toThrow(WebhookIsSetError);
      await expect(
        startPolling({ api: botApi, inbox: local.gateway.inbox, dispatcher: local.gateway.dispatcher, logger }),
      ).rejects.toThrow(/npm run webhook -- delete/);
      expect(tg.callsTo('getUpdates')).toHaveLength(0);
      webhookUrl = '';
      const polling = await startPolling({
        api: botApi,
        inbox: local.gateway.inbox,
        dispatcher: local.gateway.dispatcher,
        logger,
        timeoutSeconds: 0,
      });
      await sentTo(tg, user.id, 'поделитесь номером');
      await polling.stop();
      expect(tg.callsTo('getUpdates')[0]!.payload['allowed_updates']).toEqual([
        'message',
        'edited_message',
        'callback_query',
        'my_chat_member',
      ]);
    } finally {
      await local.close();
      await tg.close();
    }
  });
});
