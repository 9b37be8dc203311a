/** Update JSON as a real Telegram client produces it, for posting to the webhook. */
let nextUpdateId = 100_000;
let nextMessageId = 1;

export type TestUser = {
  id: number;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
};

export const ruUser: TestUser = {
  id: 5_000_001,
  first_name: 'Пётр',
  last_name: 'Клиентов',
  username: 'petr',
  language_code: 'ru',
};
export const enUser: TestUser = {
  id: 5_000_002,
  first_name: 'John',
  last_name: 'Smith',
  username: 'john',
  language_code: 'en',
};

const date = () => Math.floor(Date.now() / 1000);
/** The private chat with a user, as an update carries it. */
export const privateChat = (u: TestUser) => ({
  id: u.id,
  type: 'private',
  first_name: u.first_name,
  ...(u.last_name ? { last_name: u.last_name } : {}),
  ...(u.username ? { username: u.username } : {}),
});
/** The user as an update's `from` carries it. */
export const telegramUser = (u: TestUser) => ({ is_bot: false, ...u });

/** A message the user sends the bot in private: the next ids, the user, the chat and now, then `content`. */
function messageUpdate<C extends object>(user: TestUser, content: C) {
  return {
    update_id: nextUpdateId++,
    message: {
      message_id: nextMessageId++,
      from: telegramUser(user),
      chat: privateChat(user),
      date: date(),
      ...content,
    },
  };
}

export function textUpdate(user: TestUser, text: string, extra: Record<string, unknown> = {}) {
  const entities = text.startsWith('/')
    ? [{ offset: 0, length: text.split(' ')[0]!.length, type: 'bot_command' }]
    : undefined;
  return messageUpdate(user, { text, ...(entities ? { entities } : {}), ...extra });
}

export function contactUpdate(user: TestUser, phone: string, ownerId: number = user.id) {
  return messageUpdate(user, { contact: { phone_number: phone, first_name: user.first_name, user_id: ownerId } });
}

export function callbackUpdate(user: TestUser, data: string, messageId = 1) {
  return {
    update_id: nextUpdateId++,
    callback_query: {
      id: String(nextUpdateId),
      from: telegramUser(user),
      chat_instance: '-1234567890',
      data,
      message: {
        message_id: messageId,
        from: { id: 7000000001, is_bot: true, first_name: 'Bot' },
        chat: privateChat(user),
        date: date(),
        text: '…',
      },
    },
  };
}
