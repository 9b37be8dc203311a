import { describe, expect, it } from 'vitest';
import { knownMessageId } from './fixtures/client-requests.ts';
import {
  botMessage,
  buttonsOf,
  client,
  dmButton,
  dmPhoto,
  dmText,
  STAFF_CHAT,
  useTicketsStack,
} from './tickets-setup.ts';

const PROMPT_ID = 888_001;
const env = useTicketsStack({
  forum: true,
  // The "write your message" prompt gets a known id, so the test can reply to it as the user would.
  script: knownMessageId(PROMPT_ID, (payload) => String(payload['text']).startsWith('Напишите сообщение к обращению')),
});

const lastText = () => env.api.textsTo(client.id).at(-1) ?? '';
const create = (text: string) =>
  env.stack.gateway.clients.sheets.tickets.create.mutate({ telegramId: client.id, category: 'Вопрос', text });

describe('"My requests" and a request\'s thread', () => {
  it('lists requests newest first, five a page, with status, and pages forward and back', async () => {
    // Rows as the Sheet holds them (written directly: the staff chat is not the point here, and its 20 posts a minute would be).
    const ids: string[] = [];
    for (let i = 1; i <= 7; i++) {
      const at = new Date(Date.UTC(2026, 10, i)).toISOString();
      const row = env.stack.sheets.wb.insert('Tickets', {
        id: `T-${500 + i}`,
        telegram_id: String(client.id),
        name: 'Пётр Клиентов',
        category: 'Вопрос',
        text: `Вопрос номер ${i}`,
        status: 'new',
        created_at: at,
        updated_at: at,
      });
      ids.push(row.id);
    }
    await env.stack.send(dmText(client, '/requests'));
    expect(lastText()).toBe('Ваши обращения (1–5 из 7). Нажмите, чтобы открыть:');
    expect(buttonsOf(env.api, client.id)).toEqual([
      ...ids
        .slice(2)
        .reverse()
        .map((id) => `rq:o:${id}`),
      'rq:l:1',
    ]);
    await env.stack.send(dmButton(client, 'rq:l:1'));
    const edit = env.api.callsTo('editMessageText').at(-1)!.payload;
    expect(edit['text']).toBe('Ваши обращения (6–7 из 7). Нажмите, чтобы открыть:');
    expect(JSON.stringify(edit['reply_markup'])).toContain(`rq:o:${ids[0]}`);
    expect(JSON.stringify(edit['reply_markup'])).toContain('rq:l:0');
  });

  it('adds a message with a photo through the button and a reply to the prompt; the staff topic gets it by file_id', async () => {
    const ticket = await create('Нужна помощь с заказом');
    await env.stack.send(dmButton(client, `rq:o:${ticket.id}`));
    expect(lastText()).toContain(`Обращение ${ticket.id} · Вопрос\nСтатус: 🆕 новое`);
    expect(buttonsOf(env.api, client.id)).toEqual([`rq:a:${ticket.id}`, `rq:z:${ticket.id}`, 'rq:l:0']);
    await env.stack.send(dmButton(client, `rq:a:${ticket.id}`));
    // The client's prompt (the staff card of the new request may be sent after it: filter by chat).
    const prompt = env.api
      .callsTo('sendMessage')
      .filter((c) => c.payload['chat_id'] === client.id)
      .at(-1)!;
    expect(prompt.payload['reply_markup']).toMatchObject({ force_reply: true });
    await env.stack.send(
      dmPhoto(client, 'AgAD-receipt', 'Вот чек', {
        reply_to_message: botMessage({ id: client.id, type: 'private' }, PROMPT_ID),
      }),
    );
    expect(lastText()).toBe(`Добавлено к обращению ${ticket.id}.`);
    const stored = env.stack.sheets.wb.find('TicketMessages', { ticket_id: ticket.id });
    expect(stored.map((m) => m.text)).toEqual(['Нужна помощь с заказом', 'Вот чек\n[фото]']);
    await env.api.waitFor(
      () => env.api.callsTo('sendPhoto').some((c) => c.payload['photo'] === 'AgAD-receipt'),
      5000,
      'the photo in the topic',
    );
    const photo = env.api.callsTo('sendPhoto').find((c) => c.payload['photo'] === 'AgAD-receipt')!.payload;
    expect(photo).toMatchObject({ chat_id: STAFF_CHAT, caption: '👤 Пётр Клиентов: Вот чек' });
    expect(photo['message_thread_id']).toBeGreaterThan(0);
  });

  it('lets the user close a request: staff are told, the user is asked for a rating, and a reply after that is refused', async () => {
    const ticket = await create('Уже не актуально');
    await env.stack.send(dmButton(client, `rq:z:${ticket.id}`));
    expect(env.api.textsTo(client.id).slice(-2)).toEqual([
      `Обращение ${ticket.id} закрыто.`,
      'Оцените, пожалуйста, как мы помогли: 1 — плохо, 5 — отлично.',
    ]);
    expect(env.stack.sheets.wb.get('Tickets', ticket.id)?.status).toBe('closed');
    await env.api.waitFor(
      () => env.api.textsTo(STAFF_CHAT).includes(`✅ Пользователь закрыл обращение ${ticket.id}.`),
      5000,
      'the staff notice',
    );
    // A second tap on «Закрыть» (an old card) is answered as a notice on the tap itself.
    await env.stack.send(dmButton(client, `rq:z:${ticket.id}`));
    expect(
      env.api
        .callsTo('answerCallbackQuery')
        .some((c) => String(c.payload['text']).includes(`${ticket.id} уже закрыто`)),
    ).toBe(true);
    await env.stack.send(dmButton(client, `rq:a:${ticket.id}`));
    expect(lastText()).toBe(`Обращение ${ticket.id} уже закрыто. Если вопрос остался, создайте новое.`);
  });

  it("shows another user's request to no one but its owner", async () => {
    const other = await env.stack.gateway.clients.sheets.tickets.create.mutate({
      telegramId: 6_000_001,
      category: 'Вопрос',
      text: 'Чужое',
    });
    await env.stack.send(dmButton(client, `rq:o:${other.id}`));
    expect(lastText()).toBe('Обращение не найдено.');
    await env.stack.send(dmButton(client, `rq:z:${other.id}`));
    expect(lastText()).toBe('Обращение не найдено.');
    expect(env.stack.sheets.wb.get('Tickets', other.id)?.status).toBe('new');
  });
});
