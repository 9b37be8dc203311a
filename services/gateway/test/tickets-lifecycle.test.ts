import { describe, expect, it } from 'vitest';
import { fileRequest, knownMessageId } from './fixtures/client-requests.ts';
import {
  buttonsOf,
  bystander,
  client,
  dmButton,
  dmPhoto,
  dmReply,
  dmText,
  groupButton,
  manager,
  STAFF_CHAT,
  topicPhoto,
  topicText,
  useTicketsStack,
} from './tickets-setup.ts';

const ANSWER_MESSAGE_ID = 777_001;
const env = useTicketsStack({
  forum: true,
  // The staff answer reaches the user as a message with a known id, so the user can reply to it.
  script: knownMessageId(
    ANSWER_MESSAGE_ID,
    (payload) => Number(payload['chat_id']) === client.id && String(payload['text']).startsWith('💬 Ответ'),
  ),
});

const lastText = (chatId: number) => env.api.textsTo(chatId).at(-1) ?? '';
const staffCalls = (method: string) =>
  env.api.callsTo(method).filter((c) => Number(c.payload['chat_id']) === STAFF_CHAT);

describe('a request from the user to the staff chat and back', () => {
  let ticketId = '';
  let threadId = 0;

  it('creates a request with a photo: category, text, photo, confirm; durable before the number is shown', async () => {
    await env.stack.send(dmText(client, '✉️ Новое обращение'));
    expect(lastText(client.id)).toContain('Выберите тему');
    expect(buttonsOf(env.api, client.id)).toEqual(['rq:c:0', 'rq:c:1', 'rq:c:2', 'rq:c:3', 'rq:x']);
    await env.stack.send(dmButton(client, 'rq:c:1'));
    expect(lastText(client.id)).toContain('Опишите ваш вопрос');
    await env.stack.send(dmText(client, 'Не пришёл промокод за участие в акции'));
    expect(lastText(client.id)).toContain('Можно приложить фото');
    await env.stack.send(dmPhoto(client, 'AgACAgIAAxkBAAIBcheck-photo'));
    expect(lastText(client.id)).toContain('Добавлено вложений: 1');
    await env.stack.send(dmButton(client, 'rq:done'));
    expect(lastText(client.id)).toMatch(/Тема: Проблема\nНе пришёл промокод за участие в акции\nВложений: 1/);
    expect(env.stack.sheets.wb.count('Tickets')).toBe(0);
    await env.stack.send(dmButton(client, 'rq:send'));
    const created = /Обращение (T-\d+) принято/.exec(lastText(client.id));
    expect(created).not.toBeNull();
    ticketId = created![1]!;
    const row = env.stack.sheets.wb.get('Tickets', ticketId)!;
    expect(row).toMatchObject({
      telegram_id: String(client.id),
      category: 'Проблема',
      status: 'new',
      text: 'Не пришёл промокод за участие в акции\n[фото]',
    });
  });

  it('opens a topic in the forum staff chat named with the number and status, with the card and the photo by file_id', async () => {
    await env.api.waitFor(() => staffCalls('sendPhoto').length > 0, 5000, 'the photo in the staff topic');
    const topic = staffCalls('createForumTopic');
    expect(topic).toHaveLength(1);
    expect(topic[0]!.payload['name']).toBe(`${ticketId} · 🆕 новое · Пётр Клиентов`);
    const card = staffCalls('sendMessage')[0]!;
    threadId = Number(card.payload['message_thread_id']);
    expect(threadId).toBeGreaterThan(0);
    expect(card.payload['text']).toContain(`Обращение ${ticketId} · Проблема`);
    expect(card.payload['text']).toContain('Не пришёл промокод');
    expect(card.payload['text']).toContain(`От: Пётр Клиентов (tg ${client.id})`);
    expect(JSON.stringify(card.payload['reply_markup'])).toContain(`st:t:${ticketId}`);
    expect(staffCalls('sendPhoto')[0]!.payload).toMatchObject({
      photo: 'AgACAgIAAxkBAAIBcheck-photo',
      message_thread_id: threadId,
    });
  });

  it('lets a manager take it with the button: status in_progress, assignee, topic renamed, user told', async () => {
    await env.stack.send(groupButton(manager, `st:t:${ticketId}`));
    expect(env.stack.sheets.wb.get('Tickets', ticketId)).toMatchObject({
      status: 'in_progress',
      assignee: 'Мария Менеджерова',
    });
    expect(lastText(client.id)).toBe(`Обращение ${ticketId}: 🛠 в работе`);
    await env.api.waitFor(() => staffCalls('editForumTopic').length > 0, 5000, 'editForumTopic');
    expect(staffCalls('editForumTopic')[0]!.payload).toMatchObject({
      message_thread_id: threadId,
      name: `${ticketId} · 🛠 в работе · Пётр Клиентов`,
    });
  });

  it('delivers a staff reply in the topic to the user, stores it, and moves the status to answered', async () => {
    await env.stack.send(topicText(manager, threadId, 'Проверили: промокод SPRING20 отправлен повторно.'));
    expect(lastText(client.id)).toBe(
      `💬 Ответ по обращению ${ticketId}:\n\nПроверили: промокод SPRING20 отправлен повторно.`,
    );
    expect(env.stack.sheets.wb.get('Tickets', ticketId)).toMatchObject({
      status: 'answered',
      answer: 'Проверили: промокод SPRING20 отправлен повторно.',
    });
    await env.stack.send(topicPhoto(manager, threadId, 'AgAD-staff-screenshot', 'Скриншот письма'));
    expect(
      env.api
        .callsTo('sendPhoto')
        .filter((c) => Number(c.payload['chat_id']) === client.id)
        .at(-1)?.payload,
    ).toMatchObject({ photo: 'AgAD-staff-screenshot' });
    const staffMessages = env.stack.sheets.wb.find('TicketMessages', { ticket_id: ticketId, author: 'staff' });
    expect(staffMessages.map((m) => m.text)).toEqual([
      'Проверили: промокод SPRING20 отправлен повторно.',
      'Скриншот письма\n[фото]',
    ]);
  });

  it("adds the user's reply to the answer to the request and posts it in the topic", async () => {
    await env.stack.send(dmReply(client, 'Спасибо, пришёл!', ANSWER_MESSAGE_ID));
    expect(lastText(client.id)).toBe(`Добавлено к обращению ${ticketId}.`);
    await env.api.waitFor(
      () => staffCalls('sendMessage').some((c) => String(c.payload['text']).includes('Спасибо, пришёл!')),
      5000,
      'the user message in the topic',
    );
    const posted = staffCalls('sendMessage').find((c) => String(c.payload['text']).includes('Спасибо, пришёл!'))!;
    expect(posted.payload).toMatchObject({ message_thread_id: threadId, text: '👤 Пётр Клиентов: Спасибо, пришёл!' });
    expect(
      env.stack.sheets.wb.find('TicketMessages', { ticket_id: ticketId, author: 'user' }).map((m) => m.text),
    ).toContain('Спасибо, пришёл!');
  });

  it('closes it by /close in the topic; the user is told and asked for a rating once, which is stored', async () => {
    await env.stack.send(topicText(manager, threadId, '/close'));
    expect(env.stack.sheets.wb.get('Tickets', ticketId)?.status).toBe('closed');
    expect(env.api.textsTo(client.id).slice(-2)).toEqual([
      `Обращение ${ticketId}: ✅ закрыто`,
      'Оцените, пожалуйста, как мы помогли: 1 — плохо, 5 — отлично.',
    ]);
    expect(buttonsOf(env.api, client.id)).toEqual([1, 2, 3, 4, 5].map((n) => `rq:r:${ticketId}:${n}`));
    await env.stack.send(dmButton(client, `rq:r:${ticketId}:5`));
    expect(lastText(client.id)).toBe('Спасибо за оценку!');
    expect(env.stack.sheets.wb.get('Tickets', ticketId)?.rating).toBe('5');
    await env.stack.send(dmButton(client, `rq:r:${ticketId}:1`));
    expect(lastText(client.id)).toBe('Оценка уже сохранена, спасибо.');
    expect(env.stack.sheets.wb.get('Tickets', ticketId)?.rating).toBe('5');
    await env.api.waitFor(
      () => staffCalls('sendMessage').some((c) => String(c.payload['text']).includes('Оценка обращения')),
      5000,
      'the rating in the topic',
    );
    await env.api.waitFor(
      () => staffCalls('editForumTopic').some((c) => String(c.payload['name']).includes('закрыто')),
      5000,
      'the topic renamed to closed',
    );
  });

  it('refuses a message to the closed request and shows the thread under "My requests"', async () => {
    await env.stack.send(dmReply(client, 'И ещё вопрос', ANSWER_MESSAGE_ID));
    expect(lastText(client.id)).toContain('уже закрыто');
    await env.stack.send(dmText(client, '📋 Мои обращения'));
    expect(lastText(client.id)).toContain('Ваши обращения (1–1 из 1)');
    expect(buttonsOf(env.api, client.id)).toEqual([`rq:o:${ticketId}`]);
    await env.stack.send(dmButton(client, `rq:o:${ticketId}`));
    const thread = lastText(client.id);
    expect(thread).toContain(`Обращение ${ticketId} · Проблема\nСтатус: ✅ закрыто`);
    expect(thread).toContain('Проверили: промокод SPRING20 отправлен повторно.');
    expect(thread.indexOf('Не пришёл промокод')).toBeLessThan(thread.indexOf('Спасибо, пришёл!'));
  });

  it('measures first response and resolution time', async () => {
    const metrics = await env.stack.metrics();
    expect(metrics).toMatch(/gateway_ticket_first_response_seconds_count\{[^}]*\} 1\n/);
    expect(metrics).toMatch(/gateway_ticket_resolution_seconds_count\{[^}]*\} 1\n/);
  });
});

describe('the staff chat and people who are not staff', () => {
  it('tells a member without the manager or admin role that only staff may act, and changes nothing', async () => {
    const ticketId = await fileRequest(env, client, 'Как стать партнёром?');
    await env.api.waitFor(() => env.api.callsTo('createForumTopic').length === 2, 5000, 'the second topic');
    await env.api.waitFor(
      () => staffCalls('sendMessage').some((c) => String(c.payload['text']).includes(`Обращение ${ticketId}`)),
      5000,
      'the second card',
    );
    const threadId = Number(
      staffCalls('sendMessage').find((c) => String(c.payload['text']).includes(`Обращение ${ticketId}`))!.payload[
        'message_thread_id'
      ],
    );
    const toClient = env.api.textsTo(client.id).length;

    await env.stack.send(topicText(bystander, threadId, 'Я тоже хочу ответить'));
    await env.api.waitFor(
      () =>
        staffCalls('sendMessage').some(
          (c) => c.payload['text'] === 'Действовать с обращениями могут только менеджеры и администраторы.',
        ),
      5000,
      'the refusal',
    );
    await env.stack.send(groupButton(bystander, `st:c:${ticketId}`));
    const alert = env.api.callsTo('answerCallbackQuery').at(-1)!.payload;
    expect(alert).toMatchObject({
      text: 'Действовать с обращениями могут только менеджеры и администраторы.',
      show_alert: true,
    });
    expect(env.stack.sheets.wb.get('Tickets', ticketId)).toMatchObject({ status: 'new', assignee: '', answer: '' });
    expect(env.stack.sheets.wb.find('TicketMessages', { ticket_id: ticketId, author: 'staff' })).toHaveLength(0);
    expect(env.api.textsTo(client.id)).toHaveLength(toClient);
  });
});
