import { describe, expect, it } from 'vitest';
import { FIRST_USER_ID, makeUsers, UpdateFactory } from './updates.ts';

describe('bench update bodies', () => {
  const users = makeUsers(10);
  const factory = new UpdateFactory(1000);

  it('are Telegram updates with a fresh update_id each, from a private chat, with the command entity', () => {
    const a = JSON.parse(factory.text(users[0]!, '/start').body);
    const b = JSON.parse(factory.text(users[0]!, 'Сколько стоит "доставка"?').body);
    expect(b.update_id).toBe(a.update_id + 1);
    expect(a.message).toMatchObject({
      from: { id: FIRST_USER_ID, is_bot: false, first_name: 'Анна', language_code: 'ru' },
      chat: { id: FIRST_USER_ID, type: 'private' },
      text: '/start',
      entities: [{ offset: 0, length: 6, type: 'bot_command' }],
    });
    expect(b.message.text).toBe('Сколько стоит "доставка"?');
    expect(b.message.entities).toBeUndefined();
  });

  it('makes button taps on the bot message, with a query id unique per update', () => {
    const made = factory.callback(users[4]!, 'pr:p:1', 77);
    const update = JSON.parse(made.body);
    expect(update.callback_query).toMatchObject({
      id: made.queryId,
      data: 'pr:p:1',
      from: { id: users[4]!.id, language_code: 'en' },
      message: { message_id: 77, chat: { id: users[4]!.id } },
    });
    expect(factory.callback(users[4]!, 'pr:p:1', 77).queryId).not.toBe(made.queryId);
  });
});
