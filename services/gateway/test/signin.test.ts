import { contactUpdate, textUpdate } from '@mb/testing';
import { describe, expect, it } from 'vitest';
import {
  ask,
  groupCallback,
  myChatMember,
  person,
  STAFF_CHAT,
  sentTo,
  signIn,
  staffChatStack,
} from './signin-helpers.ts';

const env = staffChatStack();

const row = (id: string) => env.stack.sheets.wb.get('Users', id)!;
const rowOf = (telegramId: number) => env.stack.sheets.wb.find('Users', { telegram_id: String(telegramId) })[0];
const setPolicy = (value: 'open' | 'allowlist') =>
  env.stack.sheets.wb.update('Settings', 'access_policy', { value }, { by: 'sheet' });
/** What the Sheet sync does when a manager edits a user's status in the Sheet. */
function sheetSetsStatus(userId: string, to: 'active' | 'blocked') {
  const before = row(userId);
  env.stack.sheets.wb.update('Users', userId, { status: to }, { by: 'sheet' });
  env.stack.sheets.wb.emit('user.status_changed', {
    userId,
    telegramId: Number(before.telegram_id),
    from: before.status,
    to,
    by: 'sheet',
  });
}

describe('sign-in by phone', () => {
  it('signs in with the own contact, matching a phone typed as "8 (903) 555-01-01", and gives a manager the staff commands', async () => {
    const maria = person(6_100_001, 'Мария');
    const prompt = await ask(env, maria, '/start', 'поделитесь номером');
    expect(JSON.stringify(prompt['reply_markup'])).toContain('"request_contact":true');

    const welcome = await signIn(env, maria, '79035550101');
    expect(welcome['text']).toContain('Мария Менеджерова');
    expect(JSON.stringify(welcome['reply_markup'])).toContain('/app/');
    const stored = row('U-2');
    expect(stored.telegram_id).toBe(String(maria.id));
    expect(stored.phone).toBe('8 (903) 555-01-01');
    expect(stored.language).toBe('ru');
    expect(stored.last_seen_at).not.toBe('');
    const outbox = env.stack.sheets.db
      .prepare("SELECT columns FROM outbox WHERE tab = 'Users' AND row_id = 'U-2'")
      .all() as Array<{ columns: string }>;
    expect(
      outbox
        .map((o) => JSON.parse(o.columns) as Record<string, string>)
        .some((c) => c['telegram_id'] === String(maria.id)),
    ).toBe(true);
    await env.api.waitFor(() =>
      env.api.callsTo('setMyCommands').some((c) => JSON.stringify(c.payload['scope']).includes(String(maria.id))),
    );
    const staffCommands = env.api
      .callsTo('setMyCommands')
      .find((c) => JSON.stringify(c.payload['scope']).includes(String(maria.id)))!;
    expect(JSON.stringify(staffCommands.payload['commands'])).toContain('pending');
  });

  it("refuses someone else's contact and links nothing", async () => {
    const eve = person(6_100_002, 'Ева');
    await env.stack.post(contactUpdate(eve, '+79035550103', 6_999_999));
    expect((await sentTo(env.api, eve.id, 'чужой контакт'))['reply_markup']).toBeDefined();
    expect(rowOf(eve.id)).toBeUndefined();
    expect(row('U-4').telegram_id).toBe('');
  });

  it('registers an unknown phone as a client under access_policy=open', async () => {
    setPolicy('open');
    try {
      const newcomer = person(6_100_003, 'Новичок');
      await signIn(env, newcomer, '+7 912 000-00-03');
      expect(rowOf(newcomer.id)).toMatchObject({
        phone: '+79120000003',
        role: 'client',
        status: 'active',
        name: 'Новичок',
      });
    } finally {
      setPolicy('allowlist');
    }
  });

  it('under allowlist writes a pending row, asks the staff chat, and only a manager may approve; the user is told', async () => {
    const stranger = person(6_100_004, 'Незнакомец');
    await env.stack.post(contactUpdate(stranger, '+79120000004'));
    await sentTo(env.api, stranger.id, 'заявка на доступ отправлена');
    const pending = rowOf(stranger.id)!;
    expect(pending.status).toBe('pending');

    const notice = await sentTo(env.api, STAFF_CHAT, 'Заявка на доступ');
    expect(notice['text']).toContain('+79120000004');
    expect(JSON.stringify(notice['reply_markup'])).toContain(`ua:a:${pending.id}`);
    // The gate: a pending user gets no menu.
    await env.stack.post(textUpdate(stranger, '/promotions'));
    await env.api.waitFor(
      () => env.api.textsTo(stranger.id).filter((t) => t.includes('заявка на доступ отправлена')).length === 2,
    );

    const client = person(6_100_005, 'Пётр');
    await signIn(env, client, '+79035550103');
    await env.stack.post(groupCallback(client, `ua:a:${pending.id}`, notice['text'] as string));
    await env.api.waitFor(() =>
      env.api.callsTo('answerCallbackQuery').some((c) => String(c.payload['text']).includes('только менеджеры')),
    );
    expect(row(pending.id).status).toBe('pending');

    const boss = person(6_100_006, 'Анна');
    await signIn(env, boss, '+79000000001');
    await env.stack.post(groupCallback(boss, `ua:a:${pending.id}`, notice['text'] as string));
    await sentTo(env.api, stranger.id, 'доступ открыт');
    expect(row(pending.id).status).toBe('active');
    const edited = env.api.callsTo('editMessageText').find((c) => Number(c.payload['chat_id']) === STAFF_CHAT)!;
    expect(edited.payload['text']).toContain('Одобрено: Анна Админова');
    // A second press changes nothing and says so.
    await env.stack.post(groupCallback(boss, `ua:a:${pending.id}`, notice['text'] as string));
    await env.api.waitFor(() =>
      env.api.callsTo('answerCallbackQuery').some((c) => String(c.payload['text']).includes('уже принято')),
    );
  });

  it('tells a pending user when a manager approves them in the Sheet (a user.status_changed event), and opens their deep link', async () => {
    const waiting = person(6_100_007, 'Сергей');
    await env.stack.post(textUpdate(waiting, '/start promo_spring-sale'));
    await env.stack.post(contactUpdate(waiting, '+79035550106'));
    await sentTo(env.api, waiting.id, 'заявка на доступ отправлена');
    expect(row('U-7').telegram_id).toBe(String(waiting.id));
    sheetSetsStatus('U-7', 'active');
    await sentTo(env.api, waiting.id, 'доступ открыт');
    await sentTo(env.api, waiting.id, 'Большая распродажа');
    await ask(env, waiting, '/promotions', 'Акции (1 из');
  });

  it('applies a block made in the Sheet to the very next update, and refuses politely', async () => {
    const olga = person(6_100_008, 'Ольга');
    await signIn(env, olga, '79035550104');
    sheetSetsStatus('U-5', 'blocked');
    await env.stack.post(textUpdate(olga, '/promotions'));
    await env.api.waitFor(
      () => env.api.textsTo(olga.id).filter((t) => t.includes('доступ к боту для вас закрыт')).length >= 1,
    );
    expect(env.api.textsTo(olga.id).some((t) => t.startsWith('Акции ('))).toBe(false);
  });

  it('refuses a blocked row at sign-in', async () => {
    const blocked = person(6_100_009, 'Заблок');
    await env.stack.post(contactUpdate(blocked, '+79035550107'));
    await sentTo(env.api, blocked.id, 'доступ к боту для вас закрыт');
  });

  it('records a /start promo_<id> deep link and opens the promotion right after sign-in', async () => {
    const visitor = person(6_100_010, 'Гость');
    await ask(env, visitor, '/start promo_friend-bonus', 'поделитесь номером');
    const attribution = env.stack.sheets.db
      .prepare('SELECT payload FROM start_payloads WHERE telegram_id = ?')
      .all(visitor.id) as Array<{ payload: string }>;
    expect(attribution.map((a) => a.payload)).toEqual(['promo_friend-bonus']);
    await signIn(env, visitor, '+7 (903) 555-01-03');
    await sentTo(env.api, visitor.id, 'Приведи друга');
    // Opened once: the next sign-in-free /start does not open it again.
    await env.stack.post(textUpdate(visitor, '/start'));
    await env.stack.gateway.dispatcher.idle();
    expect(
      env.api.calls.filter(
        (c) => Number(c.payload['chat_id']) === visitor.id && String(c.payload['text']).includes('Приведи друга'),
      ),
    ).toHaveLength(1);
  });

  it('speaks English to an English-speaking user, from the greeting to the sign-in', async () => {
    const john = person(6_100_011, 'John', 'en');
    await ask(env, john, '/start', 'share your phone number');
    await env.stack.post(contactUpdate(john, '+1 212 555 0143'));
    await sentTo(env.api, john.id, 'Your access request has gone to a manager');
    expect(rowOf(john.id)!.language).toBe('en');
  });

  it('marks blocked_bot when the user blocks the bot and clears it when they come back', async () => {
    const leaver = person(6_100_012, 'Уходящий');
    await signIn(env, leaver, '+79035550105');
    await env.stack.post(myChatMember(leaver, 'kicked'));
    await env.stack.gateway.dispatcher.idle();
    expect(rowOf(leaver.id)!.blocked_bot).toBe('yes');
    await env.stack.post(myChatMember(leaver, 'member'));
    await env.stack.gateway.dispatcher.idle();
    expect(rowOf(leaver.id)!.blocked_bot).toBe('no');
  });

  it('follows a role change made in the Sheet: the commands shrink at once and staff-only commands are refused', async () => {
    const ivan = person(6_100_013, 'Иван');
    await signIn(env, ivan, '+7 903 555-01-02');
    await ask(env, ivan, '/pending', 'Заявка на доступ');
    env.stack.sheets.wb.update('Users', 'U-3', { role: 'client' }, { by: 'sheet' });
    env.stack.sheets.wb.emit('user.role_changed', {
      userId: 'U-3',
      telegramId: ivan.id,
      from: 'manager',
      to: 'client',
    });
    await env.api.waitFor(() =>
      env.api.callsTo('deleteMyCommands').some((c) => JSON.stringify(c.payload['scope']).includes(String(ivan.id))),
    );
    await ask(env, ivan, '/pending', 'только менеджеры');
  });

  it('sets the default commands in both languages and the menu button that opens the Mini App at start-up', async () => {
    await env.stack.gateway.setup();
    const commands = env.api.callsTo('setMyCommands').filter((c) => c.payload['scope'] === undefined);
    expect(commands.map((c) => c.payload['language_code'] ?? 'default')).toEqual(['default', 'en']);
    expect(JSON.stringify(commands[0]!.payload['commands'])).toContain('"description":"Акции"');
    expect(JSON.stringify(commands[1]!.payload['commands'])).toContain('"description":"Promotions"');
    expect(env.api.callsTo('setChatMenuButton')[0]!.payload['menu_button']).toMatchObject({
      type: 'web_app',
      web_app: { url: 'https://bot.example.com/app/' },
    });
  });
});
