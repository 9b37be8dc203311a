import type { TestUser } from '@mb/testing';

/** `n` Russian-speaking users (their private chats) with ids from `from`. */
export const users = (from: number, n: number): TestUser[] =>
  Array.from({ length: n }, (_, i) => ({ id: from + i, first_name: `U${i}`, language_code: 'ru' }));

/** The n-th update of a chat: /start and an unknown command in turn, so a reply shows which one it answered. */
export const command = (n: number) => (n % 2 === 0 ? '/start' : '/nosuchcommand');
export const answered = (text: string) => (text.includes('Здравствуйте') ? '/start' : '/nosuchcommand');

/**
 * `got` is `expected`, or `expected` with one answer repeated right after itself: the update a worker (or the
 * process) was in the middle of when it died may have been answered before and again after (at least once).
 */
export function withOneRepeat(got: string[], expected: string[]): boolean {
  const same = (a: string[]) => a.length === expected.length && a.every((t, j) => t === expected[j]);
  return same(got) || got.some((t, i) => i > 0 && t === got[i - 1] && same(got.toSpliced(i, 1)));
}
