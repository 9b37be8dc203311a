import { BotApiDouble } from '@mb/testing/bot-api-double';
import { Bot, GrammyError, HttpError, InputFile } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import { afterEach, describe, expect, it } from 'vitest';
import { createTelegramFetch } from './telegram-fetch.ts';

const botInfo = { id: 42, is_bot: true, first_name: 'Bot', username: 'test_bot' } as UserFromGetMe;
let api: BotApiDouble | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

const botOn = (apiRoot: string) =>
  new Bot('42:TEST-TOKEN', { botInfo, client: { apiRoot, fetch: createTelegramFetch() } });

describe('the Bot API client on the keep-alive fetch', () => {
  it('sends JSON calls and multipart uploads, and reads the results', async () => {
    api = await new BotApiDouble().start();
    const bot = botOn(api.url);
    const sent = await bot.api.sendMessage(7, 'Привет, мир', {
      reply_markup: { inline_keyboard: [[{ text: 'ok', callback_data: 'x' }]] },
    });
    expect(sent.message_id).toBeGreaterThan(0);
    expect(api.callsTo('sendMessage')[0]!.payload).toMatchObject({ chat_id: 7, text: 'Привет, мир' });
    await bot.api.sendPhoto(7, new InputFile(Buffer.from('not really a jpeg'), 'receipt.jpg'), { caption: 'Чек' });
    expect(api.callsTo('sendPhoto')[0]!.payload).toMatchObject({ caption: 'Чек' });
  });

  it('keeps grammY’s errors: a refusal is a GrammyError with its code, an unreachable API an HttpError', async () => {
    api = await new BotApiDouble().start();
    api.script((call) =>
      call.method === 'sendMessage'
        ? { status: 403, body: { ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' } }
        : undefined,
    );
    const refused = await botOn(api.url)
      .api.sendMessage(7, 'x')
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(GrammyError);
    expect((refused as GrammyError).error_code).toBe(403);
    const down = await botOn('http://127.0.0.1:1')
      .api.sendMessage(7, 'x')
      .catch((e: unknown) => e);
    expect(down).toBeInstanceOf(HttpError);
  });
});
