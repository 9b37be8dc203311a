import {
  BotApiDouble,
  callbackUpdate,
  contactUpdate,
  type Stack,
  startStack,
  TEST_INTERNAL_TOKEN,
  textUpdate,
} from '@mb/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { person, STAFF_CHAT, sentTo } from './signin-helpers.ts';

let api: BotApiDouble;
let stack: Stack;

beforeAll(async () => {
  api = await new BotApiDouble().start();
  stack = await startStack({ apiRoot: api.url, gateway: { staffChatId: STAFF_CHAT, events: { idleMs: 20 } } });
});
afterAll(async () => {
  await stack.close();
  await api.close();
});
afterEach(async () => {
  await stack.gateway.dispatcher.idle();
});

const wb = () => stack.sheets.wb;
const staffLines = (part: string) =>
  api.calls.filter((c) => Number(c.payload['chat_id']) === STAFF_CHAT && String(c.payload['text']).includes(part));

/** Signs `user` in with the seeded phone and gives them a request with a message and an assistant conversation. */
async function signedInWithHistory(user: ReturnType<typeof person>, phone: string) {
  await stack.post(textUpdate(user, '/start'));
  const en = user.language_code === 'en';
  await sentTo(api, user.id, en ? 'share your phone number' : 'поделитесь номером');
  await stack.post(contactUpdate(user, phone));
  await sentTo(api, user.id, en ? 'you are signed in' : 'вы вошли');
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
  await stack.assistant.memory.remember(user.id, 'Где мой заказ?', 'Ответ');
  return row;
}

describe('personal data: consent, /mydata, /forget', () => {
  it('/start explains why the phone is asked and links the policy before the contact button; sharing it is the consent', async () => {
    const pyotr = person(6_500_001, 'Пётр');
    await stack.post(textUpdate(pyotr, '/start'));
    const ask = await sentTo(api, pyotr.id, 'поделитесь номером');
    const text = String(ask['text']);
    expect(text).toContain('чтобы узнать вас');
    expect(text).toContain('соглашаетесь на обработку персональных данных');
    expect(text).toContain('https://example.com/privacy');
    expect(text.indexOf('персональных данных')).toBeLessThan(text.indexOf('поделитесь номером'));
    expect(JSON.stringify(ask['reply_markup'])).toContain('"request_contact":true');
    expect(wb().get('Users', 'U-4')!.consent_at).toBe('');

    await stack.post(contactUpdate(pyotr, '+79035550103'));
    const welcome = await sentTo(api, pyotr.id, 'вы вошли');
    // The contact keyboard is replaced by the menu.
    expect(JSON.stringify(welcome['reply_markup'])).not.toContain('request_contact');
    expect(Date.parse(wb().get('Users', 'U-4')!.consent_at)).not.toBeNaN();
  });

  it('/mydata lists what is kept in the user’s language', async () => {
    const olga = person(6_500_002, 'Olga', 'en');
    await signedInWithHistory(olga, '79035550104');
    await stack.post(textUpdate(olga, '/mydata'));
    const reply = String((await sentTo(api, olga.id, 'What we keep about you'))['text']);
    expect(reply).toContain('Name: Ольга Покупаева');
    expect(reply).toContain('Phone: 79035550104');
    expect(reply).toContain('Segment: retail');
    expect(reply).toContain('Status: active');
    expect(reply).toMatch(/Consent to data processing: \d{1,2} \w+ \d{4}/);
    expect(reply).toContain('Requests: 1, promotions taken part in: 0');
    const stranger = person(6_500_003, 'X');
    await stack.post(textUpdate(stranger, '/mydata'));
    await sentTo(api, stranger.id, 'О вас ничего не хранится');
  });

  it('/forget asks, then erases the person everywhere, tells staff once, and a later /start is a stranger’s', async () => {
    const ivan = person(6_500_004, 'Иван');
    const row = await signedInWithHistory(ivan, '+79035550102');
    await stack.post(textUpdate(ivan, '/forget'));
    const ask = await sentTo(api, ivan.id, 'Удалить ваши данные?');
    expect(JSON.stringify(ask['reply_markup'])).toContain('forget:yes');
    expect(wb().get('Users', row.id)!.phone).not.toBe('');

    await stack.post(callbackUpdate(ivan, 'forget:yes', 41));
    await sentTo(api, ivan.id, 'Ваши данные удалены');
    const edit = api.callsTo('editMessageText').find((c) => Number(c.payload['chat_id']) === ivan.id)!;
    expect(edit.payload['text']).toContain('Данные удалены');
    expect(edit.payload['reply_markup']).toBeUndefined();
    expect(api.callsTo('answerCallbackQuery').length).toBeGreaterThan(0);
    expect(wb().get('Users', row.id)).toMatchObject({ phone: '', name: '', telegram_id: '', status: 'deleted' });
    expect(wb().get('TicketMessages', `M-${ivan.id}`)!.text).toBe('[удалено]');
    expect(wb().get('Tickets', `T-${ivan.id}`)).toMatchObject({ name: '', text: '[удалено]' });
    await api.waitFor(() => staffLines(`${row.id} удалил`).length === 1, 5000, 'the staff line');
    // The staff line is the handler's last step: the assistant's memory is gone by then.
    expect(await stack.assistant.memory.recent(ivan.id)).toEqual([]);

    // A second tap on the old button does nothing more.
    await stack.post(callbackUpdate(ivan, 'forget:yes', 41));
    await stack.gateway.dispatcher.idle();
    const notices = api.callsTo('answerCallbackQuery').map((c) => String(c.payload['text'] ?? ''));
    expect(notices).toContain('Данных для удаления нет: они уже удалены.');

    await stack.post(textUpdate(ivan, '/start'));
    const again = await sentTo(api, ivan.id, 'соглашаетесь на обработку');
    expect(JSON.stringify(again['reply_markup'])).toContain('"request_contact":true');
    expect(staffLines(`${row.id} удалил`)).toHaveLength(1);
  });

  it('/forget → Отмена keeps everything and removes the buttons', async () => {
    const maria = person(6_500_005, 'Мария');
    const row = await signedInWithHistory(maria, '79035550101');
    await stack.post(textUpdate(maria, '/forget'));
    await sentTo(api, maria.id, 'Удалить ваши данные?');
    await stack.post(callbackUpdate(maria, 'forget:no', 42));
    await api.waitFor(() =>
      api.callsTo('editMessageText').some((c) => String(c.payload['text']).includes('данные остаются')),
    );
    expect(wb().get('Users', row.id)!.telegram_id).toBe(String(maria.id));
  });

  it('a forget sheets committed while the gateway was away (the Mini App, a crash midway) is finished from the event feed, once', async () => {
    const anna = person(6_500_006, 'Анна');
    const row = await signedInWithHistory(anna, '+79000000001');
    // The sheets procedure called directly, as the Mini App API does: the bot's callback never ran.
    const res = await fetch(`${stack.sheetsUrl}/trpc/users.forget`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-internal-token': TEST_INTERNAL_TOKEN },
      body: JSON.stringify({ telegramId: anna.id }),
    });
    expect(res.status).toBe(200);
    expect(wb().get('Users', row.id)!.status).toBe('deleted');
    // And the event delivered twice (at least once): one staff line.
    wb().emit('user.forgotten', { userId: row.id, telegramId: anna.id });
    await api.waitFor(() => staffLines(`${row.id} удалил`).length === 1, 5000, 'the staff line');
    // The staff line is the handler's last step: the assistant's memory is gone by then.
    expect(await stack.assistant.memory.recent(anna.id)).toEqual([]);
    await stack.gateway.dispatcher.idle();
    expect(staffLines(`${row.id} удалил`)).toHaveLength(1);
  });
});
