/** Credentials the tests share: plain data, so that a double and the stack that checks it agree. */
export const TEST_TOKEN = '123456789:AAtest-token-for-the-bot-api-double_x';
export const TEST_SECRET = 'test-webhook-secret-0123456789abcdef';
export const TEST_INTERNAL_TOKEN = 'test-internal-token-0123456789';
