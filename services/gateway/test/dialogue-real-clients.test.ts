import { describe, expect, it } from 'vitest';
import { buttonsOf, bystander, client, dmButton, dmText, groupButton, useTicketsStack } from './tickets-setup.ts';

/**
 * Issue 20 point 3, what real clients send during the "new request" dialogue and to the menu: a button of another
 * message pressed while the dialogue waits, an edited message, and menu labels of the other language (a keyboard
 * sent before a language change stays on the client).
 */
const env = useTicketsStack({ forum: true });

const lastText = (chatId: number) => env.api.textsTo(chatId).at(-1) ?? '';
const callsTo = (chatId: number) => env.api.calls.filter((c) => Number(c.payload['chat_id']) === chatId).length;
/** The answerCallbackQuery sent for a press, if any. */
const answerOf = (press: { callback_query: { id: string } }) =>
  env.api.callsTo('answerCallbackQuery').find((c) => c.payload['callback_query_id'] === press.callback_query.id);
/** The same message, edited by its author a while after sending it, as Telegram delivers it. */
const edited = (update: ReturnType<typeof dmText>) => {
  const now = Math.floor(Date.now() / 1000);
  return { update_id: update.update_id, edited_message: { ...update.message, date: now - 30, edit_date: now } };
};

let promotionButton = '';

describe('menu labels in either language, whatever the account speaks', () => {
  it('takes the English labels from a Russian account', async () => {
    await env.stack.send(dmText(client, '🎁 Promotions'));
    promotionButton = buttonsOf(env.api, client.id).find((b) => b.startsWith('pr:j:')) ?? '';
    expect(promotionButton).not.toBe('');
    await env.stack.send(dmText(client, '🤖 Ask the assistant'));
    expect(lastText(client.id)).toBe(
      'Задайте вопрос об акциях, доставке, оплате или сервисе — отвечу по базе знаний компании. Начать разговор заново: /reset',
    );
    await env.stack.send(dmText(client, '📋 My requests'));
    expect(lastText(client.id)).toMatch(/^(У вас пока нет обращений\.|Ваши обращения)/);
    await env.stack.send(dmText(client, '✉️ New request'));
    expect(lastText(client.id)).toBe('Выберите тему обращения (отменить — /cancel):');
    await env.stack.send(dmText(client, '/cancel'));
    expect(lastText(client.id)).toContain('отменено');
  });

  it('takes the Russian labels from an English account', async () => {
    env.stack.sheets.wb.update('Users', 'U-5', { language: 'en' }, { outbox: false });
    await env.stack.send(dmText(bystander, '🤖 Спросить помощника'));
    expect(lastText(bystander.id)).toBe(
      "Ask about promotions, delivery, payment or service, and I will answer from the company's knowledge base. Start over: /reset",
    );
    await env.stack.send(dmText(bystander, '📋 Мои обращения'));
    expect(lastText(bystander.id)).toMatch(/^(You have no requests yet\.|Your requests)/);
    await env.stack.send(dmText(bystander, '🎁 Акции'));
    expect(buttonsOf(env.api, bystander.id).some((b) => b.startsWith('pr:'))).toBe(true);
    await env.stack.send(dmText(bystander, '✉️ Новое обращение'));
    expect(lastText(bystander.id)).toBe('Choose the topic of your request (/cancel to stop):');
    await env.stack.send(dmText(bystander, '/cancel'));
  });
});

describe('button presses while the dialogue waits for something else', () => {
  it('answers a promotion\'s "take part" pressed at the topic step, takes part, and the dialogue still waits', async () => {
    await env.stack.send(dmText(client, '✉️ Новое обращение'));
    expect(lastText(client.id)).toBe('Выберите тему обращения (отменить — /cancel):');
    const press = dmButton(client, promotionButton);
    await env.stack.send(press);
    expect(answerOf(press)?.payload['text']).toBe('Готово: вы участвуете!');
    const mine = await env.stack.gateway.clients.sheets.participations.mine.query({ telegramId: client.id });
    expect(mine).toHaveLength(1);
    // The topic step goes on as if nothing happened.
    await env.stack.send(dmButton(client, 'rq:c:1'));
    expect(lastText(client.id)).toBe('Опишите ваш вопрос одним сообщением.');
  });

  it('answers a stale dialogue button at the text step as out of date, and the step keeps waiting', async () => {
    const before = callsTo(client.id);
    const press = dmButton(client, 'rq:c:0');
    await env.stack.send(press);
    expect(answerOf(press)?.payload['text']).toBe('Эта кнопка устарела. Откройте меню: /menu');
    expect(callsTo(client.id)).toBe(before);
  });

  it('does not take an edited message as the next step, at the text step or the attachment step', async () => {
    const first = dmText(client, 'Не пришёл промокод');
    const before = callsTo(client.id);
    await env.stack.send(edited(first));
    expect(callsTo(client.id)).toBe(before);
    await env.stack.send(dmText(client, 'Не пришёл промокод за участие'));
    expect(lastText(client.id)).toContain('Можно приложить фото или файлы');
    const atAttach = callsTo(client.id);
    await env.stack.send(edited(dmText(client, 'Не пришёл промокод за участие!')));
    expect(callsTo(client.id)).toBe(atAttach);
    // A promotion button at the attachment step acts too, and "Done" still ends the step.
    const press = dmButton(client, promotionButton);
    await env.stack.send(press);
    expect(answerOf(press)?.payload['text']).toMatch(/^Вы уже участвуете в акции «.+»\.$/);
    await env.stack.send(dmButton(client, 'rq:done'));
    expect(lastText(client.id)).toContain('Не пришёл промокод за участие');
    await env.stack.send(dmText(client, '/cancel'));
  });

  it('answers every press, also one no handler answers (an unknown button in the staff chat)', async () => {
    const press = groupButton(bystander, 'zz:unknown');
    await env.stack.send(press);
    expect(answerOf(press)).toBeDefined();
  });
});
