import { describe, expect, it } from 'vitest';
import { anonymousTopicText, edited, GROUP_ANONYMOUS_BOT } from './fixtures/client-messages.ts';
import { client, manager, STAFF_CHAT, ticketReads, topicText, useTicketsStack } from './tickets-setup.ts';

/**
 * Issue 20 point 3: an admin answering anonymously in a request's topic (as the staff group, from GroupAnonymousBot)
 * is staff; the answer reaches the client, signed with the admin's title or «Администратор».
 */
const env = useTicketsStack({ forum: true });
const group = { id: STAFF_CHAT, type: 'supergroup', title: 'Поддержка', is_forum: true };
const clientTexts = () => env.api.textsTo(client.id);
const { openTicket, staffMessages, staffCalls } = ticketReads(env);
const staffSends = () => staffCalls('sendMessage');

describe('an admin answering anonymously, as the staff group', () => {
  it('is staff: the answer reaches the client, stored signed with the admin title', async () => {
    const { id, threadId } = await openTicket('Когда доставка?');
    await env.stack.send(anonymousTopicText(group, threadId, 'Доставка завтра до 18:00.', 'Ольга, старший смены'));
    expect(clientTexts().at(-1)).toBe(`💬 Ответ по обращению ${id}:\n\nДоставка завтра до 18:00.`);
    expect(env.stack.sheets.wb.get('Tickets', id)).toMatchObject({
      status: 'answered',
      answer: 'Доставка завтра до 18:00.',
      assignee: 'Ольга, старший смены',
    });
    expect(staffMessages(id).map((m) => m.author_name)).toEqual(['Ольга, старший смены']);
    // No "only managers" notice went to the topic.
    expect(staffSends().some((c) => String(c.payload['text']).includes('только менеджеры'))).toBe(false);
  });

  it('without a title is signed «Администратор»', async () => {
    const { id, threadId } = await openTicket('Нужен счёт');
    await env.stack.send(anonymousTopicText(group, threadId, 'Счёт отправили на почту.'));
    expect(clientTexts().at(-1)).toBe(`💬 Ответ по обращению ${id}:\n\nСчёт отправили на почту.`);
    expect(staffMessages(id).map((m) => m.author_name)).toEqual(['Администратор']);
  });

  it('a message as another chat (a linked channel) or from another bot is not staff and not sent', async () => {
    const { id, threadId } = await openTicket('Вопрос без ответа');
    const before = clientTexts().length;
    const asChannel = anonymousTopicText(group, threadId, 'Пост канала');
    asChannel.message.sender_chat = { id: -1_009_999_999_999, type: 'channel', title: 'Канал' };
    await env.stack.send(asChannel);
    const otherBot = topicText(manager, threadId, 'Я другой бот');
    Object.assign(otherBot.message, { from: { ...GROUP_ANONYMOUS_BOT, id: 5_555_555, username: 'other_bot' } });
    await env.stack.send(otherBot);
    expect(clientTexts().length).toBe(before);
    expect(staffMessages(id)).toEqual([]);
  });

  it('an anonymous admin may correct their answer too', async () => {
    const { id, threadId } = await openTicket('Работаете в субботу?');
    const answer = anonymousTopicText(group, threadId, 'Нет.');
    await env.stack.send(answer);
    await env.stack.send(edited(answer, 'Да, до 15:00.'));
    expect(clientTexts().at(-1)).toBe(`✏️ Исправленный ответ по обращению ${id}:\n\nДа, до 15:00.`);
  });
});
