import { BotApiDouble } from '@mb/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from './stack.ts';

type State = {
  version: number;
  users: Array<{ id: number; firstName: string }>;
  chats: Array<{ id: number; type: string; topics: unknown[] }>;
  messages: Array<{
    from: string | number;
    text: string;
    replyKeyboard?: Array<Array<{ text: string; requestContact?: boolean }>>;
    inlineKeyboard?: unknown;
  }>;
};

let stack: Stack;
const post = async (path: string, body: unknown) => {
  const res = await fetch(`${stack.gatewayUrl}/sandbox/api/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: stack.gatewayUrl },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};
const state = async (chat: number): Promise<State> =>
  (await fetch(`${stack.gatewayUrl}/sandbox/api/state?chat=${chat}`)).json() as Promise<State>;
async function botSays(chat: number, predicate: (texts: string[]) => boolean): Promise<State> {
  for (let i = 0; i < 100; i++) {
    const s = await state(chat);
    if (predicate(s.messages.filter((m) => m.from === 'bot').map((m) => m.text))) return s;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(
    `the bot did not answer as expected: ${JSON.stringify((await state(chat)).messages.map((m) => m.text))}`,
  );
}

beforeAll(async () => {
  stack = await startStack({ botToken: null });
});
afterAll(() => stack.close());

describe('sandbox mode (no TELEGRAM_BOT_TOKEN)', () => {
  it('serves the chat page and starts with demo people and a staff forum group', async () => {
    const page = await fetch(`${stack.gatewayUrl}/sandbox`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Песочница');
    const s = await state(0);
    expect(s.users.map((u) => u.firstName)).toEqual(expect.arrayContaining(['Пётр', 'Мария', 'John']));
    expect(s.chats.some((c) => c.type === 'supergroup')).toBe(true);
  });

  it("delivers what a new user types to the real webhook, and shows the bot's answer with its keyboard", async () => {
    const created = await post('users', { firstName: 'Анна', phone: '+7 999 000-00-01', languageCode: 'ru' });
    expect(created.status).toBe(200);
    const id = created.body['id'] as number;
    expect((await post('send', { userId: id, chatId: id, text: '/start' })).status).toBe(200);
    const s = await botSays(id, (t) => t.some((x) => x.includes('Здравствуйте')));
    const keyboard = s.messages.find((m) => m.replyKeyboard)?.replyKeyboard?.flat() ?? [];
    expect(keyboard.some((b) => b.requestContact)).toBe(true);
    const metrics = await (await fetch(`${stack.gatewayUrl}/metrics`)).text();
    expect(metrics).toMatch(/gateway_updates_total\{[^}]*type="message"[^}]*\} [1-9]/);
  });

  it('signs Mini App launch parameters with the sandbox token, so the API accepts them', async () => {
    const { body } = await post('webapp', { userId: 900_101, url: 'https://bot.example.com/app/' });
    const url = body['url'] as string;
    expect(url.startsWith('/app/#tgWebAppData=')).toBe(true);
    const initData = new URLSearchParams(url.split('#')[1]).get('tgWebAppData')!;
    const res = await fetch(`${stack.gatewayUrl}/api/trpc/promotions.list`, {
      headers: { authorization: `tma ${initData}` },
    });
    expect(res.status).toBe(200);
  });

  it("lets the manager edit the workbook and refuses the bot's columns", async () => {
    const tab = (await (await fetch(`${stack.gatewayUrl}/sandbox/api/workbook?tab=Users`)).json()) as {
      rows: Array<{ id: string; status: string }>;
    };
    expect(tab.rows.length).toBeGreaterThan(5);
    expect((await post('workbook/edit', { tab: 'Users', id: 'U-7', column: 'status', value: 'active' })).status).toBe(
      200,
    );
    expect((await post('workbook/edit', { tab: 'Users', id: 'U-7', column: 'telegram_id', value: '1' })).status).toBe(
      403,
    );
    expect((await post('workbook/edit', { tab: 'Nope', id: 'x', column: 'y', value: 'z' })).status).toBe(400);
  });

  it('answers bad input with clear errors', async () => {
    expect((await post('users', { firstName: '', phone: 'abc' })).status).toBe(400);
    expect((await post('send', { userId: 1, chatId: 1, text: 'hi' })).status).toBe(400);
    expect((await post('send', { userId: 900_101, chatId: 900_101, text: '' })).status).toBe(400);
  });
});

describe('with a real token', () => {
  it('has no sandbox at all', async () => {
    const api = await new BotApiDouble().start();
    const real = await startStack({ apiRoot: api.url });
    try {
      expect((await fetch(`${real.gatewayUrl}/sandbox`)).status).toBe(404);
      expect((await fetch(`${real.gatewayUrl}/sandbox/api/state`)).status).toBe(404);
      expect((await fetch(`${real.gatewayUrl}/sandbox/api/users`, { method: 'POST', body: '{}' })).status).toBe(404);
    } finally {
      await real.close();
      await api.close();
    }
  });
});
