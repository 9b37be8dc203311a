import { BotApiDouble, captureLogs, contactUpdate, TEST_CREDENTIALS, type TestUser, textUpdate } from '@mb/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Stack, startStack } from './stack.ts';
import { stallableProxy } from './stall-proxy.ts';

// Issue 20 point 2: failures injected everywhere an update can fail (sheets stalled, the assistant stalled, the Bot API
// answering 400/403/429/500), and every line the gateway logged is scanned for secrets, phones and message texts.
const PHONE = '+79035550142';
const { lines, logger } = captureLogs('gateway', 'trace');
const person = (i: number, lang = 'ru'): TestUser => ({ id: 7_500_001 + i, first_name: `L${i}`, language_code: lang });
const newcomer = person(0);
const member = person(1);
const failing = [2, 3, 4, 5].map((i) => person(i));
const FAILS = [
  { error_code: 400, description: 'Bad Request: message text is empty' },
  { error_code: 403, description: 'Forbidden: bot was blocked by the user' },
  { error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } },
  { error_code: 500, description: 'Internal Server Error' },
];
const secretText = (what: string) => `секретный текст ${what} 4111-1111`;
let api: BotApiDouble;
let stack: Stack;
let sheets: Awaited<ReturnType<typeof stallableProxy>>;
let assistant: Awaited<ReturnType<typeof stallableProxy>>;

beforeAll(async () => {
  api = await new BotApiDouble().start();
  sheets = await stallableProxy();
  assistant = await stallableProxy();
  stack = await startStack({
    apiRoot: api.url,
    gateway: {
      logger,
      events: { enabled: false },
      sheetsUrl: sheets.url,
      assistantUrl: assistant.url,
      assistantPacing: { draftIntervalMs: 0, editIntervalMs: 0 },
      serviceTimeouts: { sheetsMs: 500, assistantMs: 500 },
      retry: { firstMs: 100, maxPauseMs: 300, noticeAfterMs: 200, giveUpAfterMs: 1500 },
    },
  });
  sheets.retarget(stack.sheetsUrl);
  assistant.retarget(stack.assistantUrl);
  [member, ...failing].forEach((u, i) => stack.sheets.wb.update('Users', `U-${4 + i}`, { telegram_id: String(u.id) }));
  // 400 and 403 every time; 429 and 500 once per chat (auto-retry waits retry_after, and 3 s before retrying a 500).
  const once = new Set<number>();
  api.script((call) => {
    const i = failing.findIndex((u) => Number(call.payload['chat_id']) === u.id);
    if (i < 0 || (i >= 2 && once.has(i))) return undefined;
    once.add(i);
    return { status: FAILS[i]!.error_code, body: { ok: false, ...FAILS[i] } };
  });
});
afterAll(async () => {
  await stack.close();
  await sheets.close();
  await assistant.close();
  await api.close();
}, 30_000);

it('logs no token, secret, phone or message text whatever fails', async () => {
  // Sheets stalled past the retry bound: a contact (sign-in) and a text, each given up.
  sheets.stall();
  await stack.post(contactUpdate(newcomer, PHONE));
  await stack.post(textUpdate(member, secretText('sheets')));
  await api.waitFor(
    () => [newcomer, member].every((u) => api.textsTo(u.id).some((t) => t.includes('Не получилось обработать'))),
    15_000,
    'both updates given up',
  );
  sheets.resume();
  // The assistant stalled past the bound: the question is given up.
  assistant.stall();
  await stack.post(textUpdate(member, secretText('assistant')));
  await api.waitFor(
    () => api.textsTo(member.id).some((t) => t.includes('недоступен')),
    15_000,
    'the question given up',
  );
  assistant.resume();
  // The Bot API refusing: 400, 403, 429 past auto-retry's bound, 500.
  for (const u of failing) await stack.post(textUpdate(u, secretText(String(u.id))));
  for (const u of failing) await stack.post(textUpdate(u, '/menu'));
  await stack.gateway.dispatcher.idle();
  // The texts went to the assistant as questions; their answers fail at the Bot API too.
  const sendsTo = (u: TestUser) =>
    api.callsTo('sendMessage').filter((c) => Number(c.payload['chat_id']) === u.id).length;
  await api.waitFor(() => failing.every((u) => sendsTo(u) >= 3), 30_000, 'answers and apologies attempted');

  const joined = lines.join('');
  const errorLines = lines.filter((l) => (JSON.parse(l) as { level: number }).level >= 40);
  expect(errorLines.length).toBeGreaterThan(5);
  expect(joined).toContain('update given up');
  expect(joined).toContain('update handler failed');
  for (const forbidden of [...TEST_CREDENTIALS, PHONE, PHONE.slice(1), '4111-1111', 'секретный текст']) {
    const hit = lines.find((l) => l.includes(forbidden));
    expect(hit, `"${forbidden}" in a log line`).toBeUndefined();
  }
}, 60_000);
