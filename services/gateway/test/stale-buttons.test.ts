import { callbackUpdate, contactUpdate, textUpdate } from '@mb/testing';
import { describe, expect, it, vi } from 'vitest';
import { ask, person, STAFF_CHAT, sentTo, signIn, staffChatStack } from './signin-helpers.ts';

const env = staffChatStack();

type Button = { text: string; callback_data?: string };
const buttonsOf = (markup: unknown) =>
  ((markup as { inline_keyboard?: Button[][] } | undefined)?.inline_keyboard ?? []).flat();
/** A tap on a button of a message that carries `keyboard`, as Telegram sends it (the message with its markup). */
function tap(user: ReturnType<typeof person>, data: string, messageId: number, keyboard: Button[][]) {
  const update = callbackUpdate(user, data, messageId);
  return {
    ...update,
    callback_query: {
      ...update.callback_query,
      message: { ...update.callback_query.message, reply_markup: { inline_keyboard: keyboard } },
    },
  };
}
const notices = () => env.api.callsTo('answerCallbackQuery').map((c) => String(c.payload['text'] ?? ''));

describe('no stale buttons', () => {
  it('a promotion card says "✅ Вы участвуете" after taking part, and so does the card shown later', async () => {
    const olga = person(6_600_001, 'Ольга');
    await signIn(env, olga, '79035550104');
    const card = await ask(env, olga, '/promotions', 'Акции (1 из');
    const keyboard = (card['reply_markup'] as { inline_keyboard: Button[][] }).inline_keyboard;
    const join = buttonsOf(card['reply_markup']).find((b) => b.callback_data?.startsWith('pr:j:'))!;
    expect(join.text).toBe('🎯 Участвовать');

    await env.stack.post(tap(olga, join.callback_data!, 501, keyboard));
    await sentTo(env.api, olga.id, 'Вы участвуете в акции');
    const edit = env.api.callsTo('editMessageReplyMarkup').find((c) => Number(c.payload['message_id']) === 501)!;
    const after = buttonsOf(edit.payload['reply_markup']);
    expect(after.find((b) => b.callback_data === join.callback_data)!.text).toBe('✅ Вы участвуете');
    // The paging buttons stay as they were.
    expect(after.filter((b) => b.callback_data !== join.callback_data)).toEqual(
      buttonsOf({ inline_keyboard: keyboard }).filter((b) => b.callback_data !== join.callback_data),
    );

    // A tap on the new button only repeats it, as a notice.
    await env.stack.post(
      tap(olga, join.callback_data!, 501, [[{ text: '✅ Вы участвуете', callback_data: join.callback_data! }]]),
    );
    await env.api.waitFor(() => notices().some((n) => n.includes('уже участвуете')));

    await env.stack.post(textUpdate(olga, '/promotions'));
    await env.api.waitFor(
      () =>
        env.api
          .callsTo('sendMessage')
          .filter((c) => Number(c.payload['chat_id']) === olga.id && String(c.payload['text']).startsWith('Акции'))
          .length === 2,
    );
    const again = env.api
      .callsTo('sendMessage')
      .filter((c) => Number(c.payload['chat_id']) === olga.id && String(c.payload['text']).startsWith('Акции'))[1]!;
    expect(buttonsOf(again.payload['reply_markup']).map((b) => b.text)).toContain('✅ Вы участвуете');
  });

  it('an access request decided in the Sheet loses Approve/Deny in the staff chat; the contact keyboard goes once it is sent', async () => {
    const newcomer = person(6_600_002, 'Новичок');
    await env.stack.post(contactUpdate(newcomer, '+79120000077'));
    const pending = await sentTo(env.api, newcomer.id, 'заявка на доступ отправлена');
    expect(pending['reply_markup']).toEqual({ remove_keyboard: true });
    const row = env.stack.sheets.wb.find('Users', { telegram_id: String(newcomer.id) })[0]!;
    const notice = await sentTo(env.api, STAFF_CHAT, `(${row.id})`);
    expect(JSON.stringify(notice['reply_markup'])).toContain(`ua:a:${row.id}`);
    // Recorded right after the notice was sent (the event handler's next step).
    await vi.waitFor(() =>
      expect(env.stack.sheets.db.prepare('SELECT 1 FROM approval_notices WHERE user_id = ?').get(row.id)).toBeDefined(),
    );
    const { message_id } = env.stack.sheets.db
      .prepare('SELECT message_id FROM approval_notices WHERE user_id = ? AND chat_id = ?')
      .get(row.id, STAFF_CHAT) as { message_id: number };

    // The Sheet sync sees a manager set the status to active.
    env.stack.sheets.wb.update('Users', row.id, { status: 'active' }, { by: 'sheet' });
    env.stack.sheets.wb.emit('user.status_changed', {
      userId: row.id,
      telegramId: newcomer.id,
      from: 'pending',
      to: 'active',
      by: 'sheet',
    });
    await env.api.waitFor(() =>
      env.api
        .callsTo('editMessageText')
        .some(
          (c) =>
            Number(c.payload['chat_id']) === STAFF_CHAT && String(c.payload['text']).includes('Одобрено в таблице'),
        ),
    );
    const edit = env.api
      .callsTo('editMessageText')
      .find((c) => String(c.payload['text']).includes('Одобрено в таблице'))!;
    expect(edit.payload['message_id']).toBe(message_id);
    expect(edit.payload['text']).toContain(`(${row.id})`);
    expect(edit.payload['reply_markup']).toBeUndefined();
  });

  it("a closed request's card loses «Закрыть»; a second tap says it is closed already", async () => {
    const petr = person(6_600_003, 'Пётр');
    await signIn(env, petr, '+79035550103');
    const ticket = await env.stack.gateway.clients.sheets.tickets.create.mutate({
      telegramId: petr.id,
      category: 'Вопрос',
      text: 'Где заказ?',
    });
    const keyboard = [
      [
        { text: '✍️ Дописать', callback_data: `rq:a:${ticket.id}` },
        { text: '✅ Закрыть', callback_data: `rq:z:${ticket.id}` },
      ],
      [{ text: '◀️ К списку', callback_data: 'rq:l:0' }],
    ];
    await env.stack.post(tap(petr, `rq:z:${ticket.id}`, 601, keyboard));
    await sentTo(env.api, petr.id, `${ticket.id} закрыто`);
    const edit = env.api.callsTo('editMessageReplyMarkup').find((c) => Number(c.payload['message_id']) === 601)!;
    const left = buttonsOf(edit.payload['reply_markup']).map((b) => b.callback_data);
    expect(left).not.toContain(`rq:z:${ticket.id}`);
    expect(left).not.toContain(`rq:a:${ticket.id}`);
    expect(left).toContain('rq:l:0');

    await env.stack.post(tap(petr, `rq:z:${ticket.id}`, 601, keyboard));
    await env.api.waitFor(() => notices().some((n) => n.includes(`${ticket.id} уже закрыто`)));
  });
});

describe('demo content a user reads', () => {
  it('/help lists the staff commands for staff only, and a broadcast status is worded, not "done"', async () => {
    const maria = person(6_600_010, 'Мария');
    await signIn(env, maria, '79035550101');
    const help = String((await ask(env, maria, '/help', 'Я бот компании'))['text']);
    for (const c of ['/pending', '/broadcast', '/broadcast_status', '/broadcast_cancel', '/take', '/close', '/mydata'])
      expect(help).toContain(c);
    const client = person(6_600_011, 'Пётр');
    await signIn(env, client, '+79035550103');
    const clientHelp = String((await ask(env, client, '/help', 'Я бот компании'))['text']);
    expect(clientHelp).not.toContain('/broadcast');
    expect(clientHelp).toContain('/forget');

    env.stack.sheets.wb.insert('Broadcasts', { id: 'B-77', text: 'Привет', segment: 'all', status: 'done' });
    const status = String((await ask(env, maria, '/broadcast_status B-77', 'Рассылка B-77:'))['text']);
    expect(status).toMatch(/^Рассылка B-77: завершена\./);
  });

  it('the demo promotions promise only what the flow does', () => {
    const texts = env.stack.sheets.wb.find('Promotions').map((p) => p.description);
    expect(texts.join('\n')).not.toMatch(/промокод выда|до конца месяца/i);
  });
});
