import { describe, expect, it } from 'vitest';
import { edited } from './fixtures/client-messages.ts';
import { client, manager, ticketReads, topicText, useTicketsStack } from './tickets-setup.ts';

/**
 * Issue 20 point 3: a manager editing an answer already delivered (edited_message in the request's topic) sends the
 * client the corrected answer, marked so, and corrects the stored message. (A file of its own: a test stack's staff
 * chat allows 20 sends a minute.)
 */
const env = useTicketsStack({ forum: true });
const clientTexts = () => env.api.textsTo(client.id);
const { openTicket, staffMessages } = ticketReads(env);

describe('a manager editing an answer already delivered', () => {
  it('sends the client the corrected answer, marked so, and corrects the stored answer', async () => {
    const { id, threadId } = await openTicket('Какой у вас адрес?');
    const answer = topicText(manager, threadId, 'Мы на Ленина, 10.');
    await env.stack.send(answer);
    expect(clientTexts().at(-1)).toBe(`💬 Ответ по обращению ${id}:\n\nМы на Ленина, 10.`);
    await env.stack.send(edited(answer, 'Мы на Ленина, 12.'));
    expect(clientTexts().at(-1)).toBe(`✏️ Исправленный ответ по обращению ${id}:\n\nМы на Ленина, 12.`);
    expect(staffMessages(id).map((m) => m.text)).toEqual(['Мы на Ленина, 12.']);
    expect(env.stack.sheets.wb.get('Tickets', id)?.answer).toBe('Мы на Ленина, 12.');
    // The user's thread shows the corrected text.
    const { messages } = await env.stack.gateway.clients.sheets.tickets.get.query({ ticketId: id });
    expect(messages.at(-1)).toMatchObject({ author: 'staff', text: 'Мы на Ленина, 12.' });
  });

  it('an edit that leaves the text as it was, or of a message that was not an answer, sends nothing', async () => {
    const { threadId } = await openTicket('Есть ли парковка?');
    const answer = topicText(manager, threadId, 'Да, бесплатная.');
    await env.stack.send(answer);
    const before = clientTexts().length;
    await env.stack.send(edited(answer, 'Да, бесплатная.'));
    const note = topicText(manager, threadId, '/take');
    await env.stack.send(note);
    await env.stack.send(edited(note, '/take сейчас'));
    expect(clientTexts().slice(before)).toEqual([
      expect.stringMatching(/в работе/), // the /take itself tells the user
    ]);
  });

  it('an earlier answer corrected after a later one: the client is told, the request keeps the later answer', async () => {
    const { id, threadId } = await openTicket('Два вопроса');
    const first = topicText(manager, threadId, 'Первый ответ');
    await env.stack.send(first);
    await env.stack.send(topicText(manager, threadId, 'Второй ответ'));
    await env.stack.send(edited(first, 'Первый ответ, исправленный'));
    expect(clientTexts().at(-1)).toBe(`✏️ Исправленный ответ по обращению ${id}:\n\nПервый ответ, исправленный`);
    expect(staffMessages(id).map((m) => m.text)).toEqual(['Первый ответ, исправленный', 'Второй ответ']);
    expect(env.stack.sheets.wb.get('Tickets', id)?.answer).toBe('Второй ответ');
  });
});
