import { BOT_CAPABILITIES } from '@mb/contracts/telegram';

/** Credentials the tests share: plain data, so that a double and the stack that checks it agree. */
export const TEST_TOKEN = '123456789:AAtest-token-for-the-bot-api-double_x';
export const TEST_SECRET = 'test-webhook-secret-0123456789abcdef';
export const TEST_INTERNAL_TOKEN = 'test-internal-token-0123456789';
/** The credentials above as a leak would show them (the bot token's secret half alone too), for tests of what is logged. */
export const TEST_CREDENTIALS: readonly string[] = [
  TEST_TOKEN,
  TEST_TOKEN.split(':')[1]!,
  TEST_SECRET,
  TEST_INTERNAL_TOKEN,
];

const botInfoFor = (token: string) => ({
  id: Number(token.split(':')[0]),
  is_bot: true as const,
  first_name: 'Test',
  username: 'test_bot',
  ...BOT_CAPABILITIES,
});
export type TestBotInfo = ReturnType<typeof botInfoFor>;

/**
 * What getMe answers for a bot token (id from the token, username test_bot), for `new Bot(token, { botInfo })` so that
 * nothing calls getMe; `overrides` changes single fields (a bot that reads all group messages, another name).
 */
export function testBotInfo(token: string = TEST_TOKEN, overrides: Partial<TestBotInfo> = {}): TestBotInfo {
  return { ...botInfoFor(token), ...overrides };
}
