import { afterEach, describe, expect, it } from 'vitest';
import { client, dmButton, dmPhoto, dmText, useTicketsStack } from './tickets-setup.ts';

const env = useTicketsStack({ forum: true });
afterEach(async () => {
  await env.stack.send(dmText(client, '/cancel'));
});

const lastText = () => env.api.textsTo(client.id).at(-1) ?? '';
const written = () => ({
  tickets: env.stack.sheets.wb.count('Tickets'),
  messages: env.stack.sheets.wb.count('TicketMessages'),
  outbox: env.stack.sheets.wb.outboxDepth().pending,
});

describe('a request left halfway', () => {
  it('writes nothing when cancelled with /cancel at the category, text, attachment or confirm step', async () => {
    const before = written();
    const steps = [
      [],
      [dmButton(client, 'rq:c:0')],
      [dmButton(client, 'rq:c:0'), dmText(client, 'Текст, который не отправят')],
      [
        dmButton(client, 'rq:c:0'),
        dmText(client, 'Текст'),
        dmPhoto(client, 'AgAD-never-sent'),
        dmButton(client, 'rq:done'),
      ],
    ];
    for (const prefix of steps) {
      await env.stack.send(dmText(client, '✉️ Новое обращение'));
      for (const update of prefix) await env.stack.send(update);
      await env.stack.send(dmText(client, '/cancel'));
      expect(lastText()).toBe('Обращение отменено, ничего не сохранено.');
    }
    expect(written()).toEqual(before);
    expect(env.api.callsTo('createForumTopic')).toHaveLength(0);
  });

  it('writes nothing when the cancel button is pressed, and says so when there is nothing to cancel', async () => {
    const before = written();
    await env.stack.send(dmText(client, '✉️ Новое обращение'));
    await env.stack.send(dmButton(client, 'rq:x'));
    expect(lastText()).toBe('Обращение отменено, ничего не сохранено.');
    await env.stack.send(dmText(client, '/cancel'));
    expect(lastText()).toBe('Сейчас нечего отменять.');
    expect(written()).toEqual(before);
  });

  it('leaves the dialogue when the user taps another menu button, writing nothing, and that button works', async () => {
    const before = written();
    await env.stack.send(dmText(client, '✉️ Новое обращение'));
    await env.stack.send(dmButton(client, 'rq:c:2'));
    await env.stack.send(dmText(client, '📋 Мои обращения'));
    expect(env.api.textsTo(client.id).slice(-2)).toEqual([
      'Обращение отменено, ничего не сохранено.',
      'У вас пока нет обращений.',
    ]);
    // At the confirm step too: a command leaves (and is answered by its own feature).
    await env.stack.send(dmText(client, '✉️ Новое обращение'));
    await env.stack.send(dmButton(client, 'rq:c:2'));
    await env.stack.send(dmText(client, 'Почти отправил'));
    await env.stack.send(dmButton(client, 'rq:done'));
    const sent = env.api.textsTo(client.id).length;
    await env.stack.send(dmText(client, '/help'));
    expect(env.api.textsTo(client.id)[sent]).toBe('Обращение отменено, ничего не сохранено.');
    expect(env.api.textsTo(client.id).length).toBe(sent + 2);
    expect(written()).toEqual(before);
  });

  it('asks again for a text that is too long, and for buttons when the user types instead', async () => {
    await env.stack.send(dmText(client, '✉️ Новое обращение'));
    await env.stack.send(dmText(client, 'просто текст'));
    expect(lastText()).toBe('Выберите вариант кнопкой выше или отправьте /cancel, чтобы отменить.');
    await env.stack.send(dmButton(client, 'rq:c:0'));
    await env.stack.send(dmText(client, 'я'.repeat(4001)));
    expect(lastText()).toBe('Слишком длинный текст: не больше 4000 символов. Сократите, пожалуйста.');
  });

  it('continues a half-written request after the gateway restarts (the dialogue state is on disk)', async () => {
    await env.stack.send(dmText(client, '✉️ Новое обращение'));
    await env.stack.send(dmButton(client, 'rq:c:0'));
    await env.stack.send(dmText(client, 'Начал до перезапуска'));
    await env.stack.stopGateway();
    await env.stack.startGateway();
    await env.stack.send(dmButton(client, 'rq:done'));
    expect(lastText()).toContain('Тема: Вопрос\nНачал до перезапуска');
    await env.stack.send(dmButton(client, 'rq:send'));
    const id = /Обращение (T-\d+) принято/.exec(lastText())?.[1];
    expect(id).toBeDefined();
    expect(env.stack.sheets.wb.get('Tickets', id!)).toMatchObject({
      category: 'Вопрос',
      text: 'Начал до перезапуска',
      status: 'new',
    });
  });
});
