import { privateChat, type TestUser, telegramUser } from '@mb/testing/updates';

const FIRST_NAMES = [
  'Анна',
  'Иван',
  'Мария',
  'Пётр',
  'Ольга',
  'Сергей',
  'Елена',
  'Дмитрий',
  'John',
  'Emma',
  'Алексей',
  'Наталья',
];
const LAST_NAMES = [
  'Иванова',
  'Смирнов',
  'Кузнецова',
  'Попов',
  'Соколова',
  'Лебедев',
  'Smith',
  'Новикова',
  'Морозов',
  'Волкова',
];

/** Telegram ids of simulated users start here (real ids are below 10^10; this range holds no seeded demo user). */
export const FIRST_USER_ID = 7_100_000_000;

/** `count` distinct users, about one in five speaking English, ids FIRST_USER_ID + i. */
export function makeUsers(count: number, firstId = FIRST_USER_ID): TestUser[] {
  return Array.from({ length: count }, (_, i) => {
    const first = FIRST_NAMES[i % FIRST_NAMES.length]!;
    const user: TestUser = { id: firstId + i, first_name: first, language_code: i % 5 === 4 ? 'en' : 'ru' };
    if (i % 3 !== 0) user.last_name = LAST_NAMES[i % LAST_NAMES.length]!;
    if (i % 2 === 0) user.username = `user${firstId + i}`;
    return user;
  });
}

/**
 * Update JSON as Telegram sends it, built as strings (a load generator makes thousands a second), each with the next
 * update_id. Shapes follow packages/testing's builders (its `from` and private chat): `date`, entities for commands.
 */
export class UpdateFactory {
  nextUpdateId: number;
  private nextMessageId = 1;
  private readonly fromJson = new Map<number, { from: string; chat: string }>();

  constructor(firstUpdateId = 500_000_000) {
    this.nextUpdateId = firstUpdateId;
  }

  private parts(user: TestUser) {
    let p = this.fromJson.get(user.id);
    if (!p) {
      p = { from: JSON.stringify(telegramUser(user)), chat: JSON.stringify(privateChat(user)) };
      this.fromJson.set(user.id, p);
    }
    return p;
  }

  /** A text message; a leading `/command` gets its bot_command entity. */
  text(user: TestUser, text: string): { updateId: number; body: string } {
    const { from, chat } = this.parts(user);
    const updateId = this.nextUpdateId++;
    const command = text.startsWith('/') ? text.split(' ')[0]! : '';
    const entities = command ? `,"entities":[{"offset":0,"length":${command.length},"type":"bot_command"}]` : '';
    const body = `{"update_id":${updateId},"message":{"message_id":${this.nextMessageId++},"from":${from},"chat":${chat},"date":${Math.floor(Date.now() / 1000)},"text":${JSON.stringify(text)}${entities}}}`;
    return { updateId, body };
  }

  /** A post in a channel the bot is in: no user, no reply; grammY routes it and no feature handles it. */
  channelPost(channelId: number, text: string): { updateId: number; body: string } {
    const updateId = this.nextUpdateId++;
    const chat = `{"id":${channelId},"type":"channel","title":"Новости компании"}`;
    const body = `{"update_id":${updateId},"channel_post":{"message_id":${this.nextMessageId++},"sender_chat":${chat},"chat":${chat},"date":${Math.floor(Date.now() / 1000)},"text":${JSON.stringify(text)}}}`;
    return { updateId, body };
  }

  /** A tap on an inline button under the bot's message `messageId`. */
  callback(user: TestUser, data: string, messageId: number): { updateId: number; body: string; queryId: string } {
    const { from, chat } = this.parts(user);
    const updateId = this.nextUpdateId++;
    const queryId = `${user.id}${updateId}`;
    const message = `{"message_id":${messageId},"from":{"id":123456789,"is_bot":true,"first_name":"Test","username":"test_bot"},"chat":${chat},"date":${Math.floor(Date.now() / 1000)},"text":"…"}`;
    const body = `{"update_id":${updateId},"callback_query":{"id":"${queryId}","from":${from},"chat_instance":"-${user.id}","data":${JSON.stringify(data)},"message":${message}}}`;
    return { updateId, body, queryId };
  }
}
