import { type BotApiDouble, contactUpdate, type TestUser, textUpdate } from '@mb/testing';
import type { Stack } from './stack.ts';
import { useStack } from './use-stack.ts';

/** Update builders for what packages/testing does not build: group callbacks, bot blocks, deep links. */
let nextId = 9_000_000;

/** The staff supergroup of the gateway's tests. */
export const STAFF_CHAT = -1_001_234_567_890;

export function person(id: number, first_name: string, language_code = 'ru'): TestUser {
  return { id, first_name, language_code };
}

export function groupCallback(user: TestUser, data: string, text: string, chatId = STAFF_CHAT) {
  return {
    update_id: nextId++,
    callback_query: {
      id: String(nextId),
      from: { is_bot: false, ...user },
      chat_instance: '-99',
      data,
      message: {
        message_id: 77,
        from: { id: 123456789, is_bot: true, first_name: 'Bot' },
        chat: { id: chatId, type: 'supergroup', title: 'Staff' },
        date: 1,
        text,
      },
    },
  };
}

export function myChatMember(user: TestUser, status: 'kicked' | 'member') {
  const chat = { id: user.id, type: 'private', first_name: user.first_name };
  const bot = { id: 123456789, is_bot: true, first_name: 'Bot' };
  return {
    update_id: nextId++,
    my_chat_member: {
      chat,
      from: { is_bot: false, ...user },
      date: Math.floor(Date.now() / 1000),
      old_chat_member: {
        status: status === 'kicked' ? 'member' : 'kicked',
        user: bot,
        ...(status === 'member' ? { until_date: 0 } : {}),
      },
      new_chat_member: { status, user: bot, ...(status === 'kicked' ? { until_date: 0 } : {}) },
    },
  };
}

/** Waits until a text containing `part` was sent to the chat; returns that call's payload. */
export async function sentTo(api: BotApiDouble, chatId: number, part: string, timeoutMs = 5000) {
  const find = () =>
    api.calls.find(
      (c) =>
        Number(c.payload['chat_id']) === chatId &&
        String(c.payload['text'] ?? c.payload['caption'] ?? '').includes(part),
    );
  await api.waitFor(() => find() !== undefined, timeoutMs, `"${part}" to ${chatId}`);
  return find()!.payload;
}

type Env = { api: BotApiDouble; stack: Stack };

/** `user` shares their own contact; waits for the welcome (in their language) and returns its payload. */
export async function signIn(env: Env, user: TestUser, phone: string) {
  await env.stack.post(contactUpdate(user, phone));
  return sentTo(env.api, user.id, user.language_code === 'en' ? 'signed in' : 'вы вошли');
}

/** `user` sends `text`; waits until a message containing `part` was sent to them and returns its payload. */
export async function ask(env: Env, user: TestUser, text: string, part: string) {
  await env.stack.post(textUpdate(user, text));
  return sentTo(env.api, user.id, part);
}

/**
 * The whole stack on a Bot API double with the staff chat set, started once for a file's tests (events every 20 ms);
 * each test ends when the dispatcher is idle. Read `env.api` / `env.stack` inside tests.
 */
export function staffChatStack(): Env {
  return useStack({ staffChatId: STAFF_CHAT, events: { idleMs: 20 } }, { idleAfterEach: true });
}
