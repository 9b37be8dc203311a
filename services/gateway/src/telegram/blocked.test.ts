import { describe, expect, it } from 'vitest';
import { isBlockedByUser } from './blocked.ts';

const err = (error_code: number, description: string) => ({ error_code, description });

describe('isBlockedByUser: the one rule for "the user blocked the bot"', () => {
  it('says yes for a private chat Telegram says is gone', () => {
    expect(isBlockedByUser(err(403, 'Forbidden: bot was blocked by the user'), 42)).toBe(true);
    expect(isBlockedByUser(err(403, 'Forbidden: user is deactivated'), 42)).toBe(true);
    expect(isBlockedByUser(err(403, "Forbidden: bot can't initiate conversation with a user"), '42')).toBe(true);
    expect(isBlockedByUser(err(400, 'Bad Request: chat not found'), 42)).toBe(true);
  });

  it('says no for groups, for other errors and for a call without a chat', () => {
    expect(isBlockedByUser(err(400, 'Bad Request: chat not found'), -1001234567890)).toBe(false);
    expect(isBlockedByUser(err(403, 'Forbidden: bot was kicked from the supergroup chat'), -100123)).toBe(false);
    expect(isBlockedByUser(err(403, 'Forbidden: bot was kicked from the group chat'), 42)).toBe(false);
    expect(isBlockedByUser(err(400, 'Bad Request: message is too long'), 42)).toBe(false);
    expect(isBlockedByUser(err(429, 'Too Many Requests: retry after 5'), 42)).toBe(false);
    expect(isBlockedByUser(err(403, 'Forbidden: bot was blocked by the user'), undefined)).toBe(false);
    expect(isBlockedByUser(err(403, 'Forbidden: bot was blocked by the user'), '@channel')).toBe(false);
  });
});
