import { callbackUpdate } from '@mb/testing';
import { describe, expect, it } from 'vitest';
import { ask, person, STAFF_CHAT, sentTo, signIn, staffChatStack } from './signin-helpers.ts';

const env = staffChatStack();

const buttons = (payload: Record<string, unknown>) =>
  (
    (
      payload['reply_markup'] as {
        inline_keyboard?: Array<Array<{ text: string; callback_data?: string; url?: string }>>;
      }
    )?.inline_keyboard ?? []
  ).flat();
const titleOf = (text: unknown) => String(text).split('\n')[2] ?? '';
const participations = (telegramId: number) =>
  env.stack.sheets.wb.find('Participations', { telegram_id: String(telegramId) });

describe('promotions', () => {
  it("lists the live promotions of the user's segment, one page each, and pages through them in place", async () => {
    const retail = person(6_200_001, 'Пётр');
    await signIn(env, retail, '+79035550103');
    const first = await ask(env, retail, '🎁 Акции', 'Акции (1 из 5)');
    const titles = [titleOf(first['text'])];
    for (let page = 1; page < 5; page++) {
      expect(buttons(first).every((b) => Buffer.byteLength(b.callback_data ?? '') <= 64)).toBe(true);
      await env.stack.post(callbackUpdate(retail, `pr:p:${page}`));
      await env.api.waitFor(() =>
        env.api.callsTo('editMessageText').some((c) => String(c.payload['text']).includes(`Акции (${page + 1} из 5)`)),
      );
      titles.push(
        titleOf(
          env.api
            .callsTo('editMessageText')
            .find((c) => String(c.payload['text']).includes(`Акции (${page + 1} из 5)`))!.payload['text'],
        ),
      );
    }
    expect(titles.sort()).toEqual([
      '<b>Бесплатная доставка</b>',
      '<b>Большая распродажа −20%</b>',
      '<b>Кешбэк 10% баллами</b>',
      '<b>Подарок ко дню рождения</b>',
      '<b>Приведи друга</b>',
    ]);
  });

  it('shows partners their own promotions and a link CTA as a URL button', async () => {
    const partner = person(6_200_002, 'Партнёр');
    await signIn(env, partner, '+7-903-555-01-05');
    await ask(env, partner, '/promotions', 'Акции (1 из 5)');
    const seen: string[] = [];
    for (let page = 0; page < 5; page++) {
      await env.stack.post(callbackUpdate(partner, `pr:p:${page}`));
      await env.stack.gateway.dispatcher.idle();
    }
    for (const c of env.api.callsTo('editMessageText').filter((c) => Number(c.payload['chat_id']) === partner.id))
      seen.push(titleOf(c.payload['text']));
    expect(seen).toContain('<b>Новый каталог для партнёров</b>');
    expect(seen).not.toContain('<b>Приведи друга</b>');
    const catalog = env.api
      .callsTo('editMessageText')
      .find((c) => Number(c.payload['chat_id']) === partner.id && String(c.payload['text']).includes('Новый каталог'))!;
    expect(buttons(catalog.payload)).toContainEqual(expect.objectContaining({ url: 'https://example.com/catalog' }));
  });

  it('takes part once: confirms only after the row is stored, tells the staff chat, and a second tap says already', async () => {
    const buyer = person(6_200_003, 'Ольга');
    await signIn(env, buyer, '79035550104');
    let storedAtConfirmation: boolean | undefined;
    env.api.script((call) => {
      if (call.method === 'sendMessage' && String(call.payload['text']).includes('Вы участвуете'))
        storedAtConfirmation = participations(buyer.id).length === 1;
      return undefined;
    });
    await env.stack.post(callbackUpdate(buyer, 'pr:j:spring-sale'));
    await sentTo(env.api, buyer.id, 'Вы участвуете в акции «Большая распродажа −20%»');
    expect(storedAtConfirmation).toBe(true);
    expect(participations(buyer.id)).toEqual([
      expect.objectContaining({ promotion_id: 'spring-sale', name: 'Ольга Покупаева', phone: '79035550104' }),
    ]);
    await sentTo(env.api, STAFF_CHAT, 'Участие в акции «Большая распродажа −20%»: Ольга Покупаева');

    await env.stack.post(callbackUpdate(buyer, 'pr:j:spring-sale'));
    await env.api.waitFor(() =>
      env.api.callsTo('answerCallbackQuery').some((c) => String(c.payload['text']).includes('уже участвуете')),
    );
    expect(participations(buyer.id)).toHaveLength(1);
  });

  it('answers a stale button (archived, ended, or never visible) and writes nothing', async () => {
    const late = person(6_200_004, 'Опоздавший');
    await signIn(env, late, '+7 903 555-01-02');
    env.stack.sheets.wb.update('Promotions', 'cashback-10', { status: 'archived' }, { by: 'sheet' });
    try {
      for (const id of ['cashback-10', 'summer-camp', 'partner-webinar', 'no-such-promo'])
        await env.stack.post(callbackUpdate(late, `pr:j:${id}`));
      await env.stack.gateway.dispatcher.idle();
      const alerts = env.api
        .callsTo('answerCallbackQuery')
        .filter((c) => String(c.payload['text']).includes('закончилась или недоступна'));
      expect(alerts.length).toBeGreaterThanOrEqual(4);
      expect(participations(late.id)).toHaveLength(0);
    } finally {
      env.stack.sheets.wb.update('Promotions', 'cashback-10', { status: 'active' }, { by: 'sheet' });
    }
  });

  it('keeps callback_data within 64 bytes for a long promotion id, and the button still works', async () => {
    const longId = `летняя-акция-для-всех-клиентов-${'x'.repeat(30)}`;
    env.stack.sheets.wb.insert(
      'Promotions',
      {
        id: longId,
        title: 'Длинная акция',
        description: 'Описание',
        image_url: 'https://example.com/long.jpg',
        starts_at: '2020-01-01',
        ends_at: '2099-01-01',
        segment: 'all',
        status: 'active',
        cta: 'participate',
        link_url: '',
        notify: 'нет',
      },
      { outbox: false },
    );
    try {
      const fan = person(6_200_005, 'Фанат');
      await signIn(env, fan, '+79000000001');
      await ask(env, fan, '/promotions', 'Акции (1 из 3)');
      // It ends last, so it is the last page: a text card turns into a photo card.
      await env.stack.post(callbackUpdate(fan, 'pr:p:2'));
      await env.api.waitFor(() => env.api.callsTo('sendPhoto').some((c) => Number(c.payload['chat_id']) === fan.id));
      const photo = env.api.callsTo('sendPhoto').find((c) => Number(c.payload['chat_id']) === fan.id)!;
      expect(photo.payload['caption']).toContain('Длинная акция');
      const join = buttons(photo.payload).find((b) => b.callback_data?.startsWith('pr:'))!;
      expect(Buffer.byteLength(join.callback_data!)).toBeLessThanOrEqual(64);
      expect(join.callback_data).toMatch(/^pr:h:/);
      await env.stack.post(callbackUpdate(fan, join.callback_data!));
      await sentTo(env.api, fan.id, 'Вы участвуете в акции «Длинная акция»');
      expect(participations(fan.id)[0]!.promotion_id).toBe(longId);
    } finally {
      env.stack.sheets.db.prepare('DELETE FROM "Promotions" WHERE id = ?').run(longId);
    }
  });

  it('opens a deep-linked promotion at once for a signed-in user, and speaks English to an English user', async () => {
    const jane = person(6_200_006, 'Jane', 'en');
    env.stack.sheets.wb.insert(
      'Users',
      {
        id: 'U-900',
        phone: '+44 7911 123456',
        name: 'Jane Doe',
        role: 'client',
        segment: 'retail',
        status: 'active',
        language: 'en',
      },
      { outbox: false },
    );
    await signIn(env, jane, '447911123456');
    const card = await ask(env, jane, '/start promo_birthday-gift', 'Подарок ко дню рождения');
    expect(card['text']).toMatch(/^Promotions \(\d of 5\)/);
    expect(buttons(card).map((b) => b.text)).toContain('🎯 Take part');
  });
});
