import { callbackUpdate, contactUpdate, TEST_INTERNAL_TOKEN, textUpdate } from '@mb/testing';
import { describe, expect, it } from 'vitest';
import { person, STAFF_CHAT, sentTo, staffChatStack } from './signin-helpers.ts';

const env = staffChatStack();

const wb = () => env.stack.sheets.wb;
const staffLines = (part: string) =>
  env.api.calls.filter((c) => Number(c.payload['chat_id']) === STAFF_CHAT && String(c.payload['text']).includes(part));

/** Signs `user` in with the seeded phone and gives them a request with a message and an assistant conversation. */
async function signedInWithHistory(user: ReturnType<typeof person>, phone: string) {
  await env.stack.post(textUpdate(user, '/start'));
  const en = user.language_code === 'en';
  await sentTo(env.api, user.id, en ? 'share your phone number' : 'поделитесь номером');
  await env.stack.post(contactUpdate(user, phone));
  await sentTo(env.api, user.id, en ? 'you are signed in' : 'вы вошли');
  const row = wb().find('Users', { telegram_id: String(user.id) })[0]!;
  wb().insert('Tickets', {
    id: `T-${user.id}`,
    telegram_id: String(user.id),
    name: row.name,
    text: 'Мой адрес',
    status: 'new',
  });
  wb().insert('TicketMessages', {
    id: `M-${user.id}`,
    ticket_id: `T-${user.id}`,
    author: 'user',
    author_name: row.name,
    text: 'Мой адрес',
  });
  await env.stack.assistant.memory.remember(user.id, 'Где мой заказ?', 'Ответ');
  return row;
}

describe('personal data: consent, /mydata, /forget', () => {
  it('/start explains why the phone is asked and links the policy before the contact button; sharing it is the consent', async () => {
    const pyotr = person(6_500_001, 'Пётр');
    await env.stack.post(textUpdate(pyotr, '/start'));
    const ask = await sentTo(env.api, pyotr.id, 'поделитесь номером');
    const text = String(ask['text']);
    expect(text).toContain('чтобы узнать вас');
    expect(text).toContain('соглашаетесь на обработку персональных данных');
    expect(text).toContain('https://example.com/privacy');
    expect(text.indexOf('персональных данных')).toBeLessThan(text.indexOf('поделитесь номером'));
    expect(JSON.stringify(ask['reply_markup'])).toContain('"request_contact":true');
    expect(wb().get('Users', 'U-4')!.consent_at).toBe('');

    await env.stack.post(contactUpdate(pyotr, '+79035550103'));
    const welcome = await sentTo(env.api, pyotr.id, 'вы вошли');
    // The contact keyboard is replaced by the menu.
    expect(JSON.stringify(welcome['reply_markup'])).not.toContain('request_contact');
    expect(Date.parse(wb().get('Users', 'U-4')!.consent_at)).not.toBeNaN();
  });

  it('/mydata lists what is kept in the user’s language', async () => {
    const olga = person(6_500_002, 'Olga', 'en');
    await signedInWithHistory(olga, '79035550104');
    await env.stack.post(textUpdate(olga, '/mydata'));
    const reply = String((await sentTo(env.api, olga.id, 'What we keep about you'))['text']);
    expect(reply).toContain('Name: Ольга Покупаева');
    expect(reply).toContain('Phone: 79035550104');
    expect(reply).toContain('Segment: retail');
    expect(reply).toContain('Status: active');
    expect(reply).toMatch(/Consent to data processing: \d{1,2} \w+ \d{4}/);
    expect(reply).toContain('Requests: 1, promotions taken part in: 0');
    const stranger = person(6_500_003, 'X');
    await env.stack.post(textUpdate(stranger, '/mydata'));
    await sentTo(env.api, stranger.id, 'О вас ничего не хранится');
  });

  it('/forget asks, then erases the person everywhere, tells staff once, and a later /start is a stranger’s', async () => {
    const ivan = person(6_500_004, 'Иван');
    const row = await signedInWithHistory(ivan, '+79035550102');
    await env.stack.post(textUpdate(ivan, '/forget'));
    const ask = await sentTo(env.api, ivan.id, 'Удалить ваши данные?');
    expect(JSON.stringify(ask['reply_markup'])).toContain('forget:yes');
    expect(wb().get('Users', row.id)!.phone).not.toBe('');

    await env.stack.post(callbackUpdate(ivan, 'forget:yes', 41));
    await sentTo(env.api, ivan.id, 'Ваши данные удалены');
    const edit = env.api.callsTo('editMessageText').find((c) => Number(c.payload['chat_id']) === ivan.id)!;
    expect(edit.payload['text']).toContain('Данные удалены');
    expect(edit.payload['reply_markup']).toBeUndefined();
    expect(env.api.callsTo('answerCallbackQuery').length).toBeGreaterThan(0);
    expect(wb().get('Users', row.id)).toMatchObject({ phone: '', name: '', telegram_id: '', status: 'deleted' });
    expect(wb().get('TicketMessages', `M-${ivan.id}`)!.text).toBe('[удалено]');
    expect(wb().get('Tickets', `T-${ivan.id}`)).toMatchObject({ name: '', text: '[удалено]' });
    await env.api.waitFor(() => staffLines(`${row.id} удалил`).length === 1, 5000, 'the staff line');
    // The staff line is the handler's last step: the assistant's memory is gone by then.
    expect(await env.stack.assistant.memory.recent(ivan.id)).toEqual([]);

    // A second tap on the old button does nothing more.
    await env.stack.post(callbackUpdate(ivan, 'forget:yes', 41));
    await env.stack.gateway.dispatcher.idle();
    const notices = env.api.callsTo('answerCallbackQuery').map((c) => String(c.payload['text'] ?? ''));
    expect(notices).toContain('Данных для удаления нет: они уже удалены.');

    await env.stack.post(textUpdate(ivan, '/start'));
    const again = await sentTo(env.api, ivan.id, 'соглашаетесь на обработку');
    expect(JSON.stringify(again['reply_markup'])).toContain('"request_contact":true');
    expect(staffLines(`${row.id} удалил`)).toHaveLength(1);
  });

  it('/forget → Отмена keeps everything and removes the buttons', async () => {
    const maria = person(6_500_005, 'Мария');
    const row = await signedInWithHistory(maria, '79035550101');
    await env.stack.post(textUpdate(maria, '/forget'));
    await sentTo(env.api, maria.id, 'Удалить ваши данные?');
    await env.stack.post(callbackUpdate(maria, 'forget:no', 42));
    await env.api.waitFor(() =>
      env.api.callsTo('editMessageText').some((c) => String(c.payload['text']).includes('данные остаются')),
    );
    expect(wb().get('Users', row.id)!.telegram_id).toBe(String(maria.id));
  });

  it('a forget sheets committed while the gateway was away (the Mini App, a crash midway) is finished from the event feed, once', async () => {
    const anna = person(6_500_006, 'Анна');
    const row = await signedInWithHistory(anna, '+79000000001');
    // The sheets procedure called directly, as the Mini App API does: the bot's callback never ran.
    const res = await fetch(`${env.stack.sheetsUrl}/trpc/users.forget`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-internal-token': TEST_INTERNAL_TOKEN },
      body: JSON.stringify({ telegramId: anna.id }),
    });
    expect(res.status).toBe(200);
    expect(wb().get('Users', row.id)!.status).toBe('deleted');
    // And the event delivered twice (at least once): one staff line.
    wb().emit('user.forgotten', { userId: row.id, telegramId: anna.id });
    await env.api.waitFor(() => staffLines(`${row.id} удалил`).length === 1, 5000, 'the staff line');
    // The staff line is the handler's last step: the assistant's memory is gone by then.
    expect(await env.stack.assistant.memory.recent(anna.id)).toEqual([]);
    await env.stack.gateway.dispatcher.idle();
    expect(staffLines(`${row.id} удалил`)).toHaveLength(1);
  });
});
