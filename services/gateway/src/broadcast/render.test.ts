import { describe, expect, it } from 'vitest';
import { BROADCAST_LINK, deepLink, renderBroadcast } from './render.ts';

const t = (locale: string, key: string) => `${locale}:${key}`;
const base = { broadcastId: 'B-12', telegramId: 42, language: 'ru', text: 'Скидки', imageUrl: '', createdBy: 'tg:1' };

describe('a broadcast message', () => {
  it('is a text message, or a photo with the text as caption when it fits', () => {
    expect(renderBroadcast(base, { botUsername: 'bot', t, allowPaid: false })).toEqual({
      method: 'sendMessage',
      payload: { chat_id: 42, text: 'Скидки' },
    });
    expect(
      renderBroadcast({ ...base, imageUrl: 'https://x/p.jpg' }, { botUsername: 'bot', t, allowPaid: false }).method,
    ).toBe('sendPhoto');
    expect(
      renderBroadcast(
        { ...base, imageUrl: 'https://x/p.jpg', text: 'я'.repeat(1025) },
        { botUsername: 'bot', t, allowPaid: false },
      ).method,
    ).toBe('sendMessage');
  });

  it('marks paid broadcasts and gives a promotion announcement a deep-link button in the user’s language', () => {
    const msg = renderBroadcast(
      { ...base, language: 'en', createdBy: 'promotion:spring-sale' },
      { botUsername: 'bot', t, allowPaid: true },
    );
    expect(msg.payload['allow_paid_broadcast']).toBe(true);
    expect(JSON.stringify(msg.payload['reply_markup'])).toContain(
      '"text":"en:broadcast-open-promotion","url":"https://t.me/bot?start=promo_spring-sale__b12"',
    );
  });

  it('deep links parse back to the promotion and broadcast, and drop the marker rather than exceed 64 characters', () => {
    expect(BROADCAST_LINK.exec('promo_spring_sale__b12')?.slice(1)).toEqual(['promo_spring_sale', '12']);
    expect(BROADCAST_LINK.exec('promo_spring-sale')).toBeNull();
    const long = 'p'.repeat(56);
    expect(deepLink('bot', long, 'B-123456')).toBe(`https://t.me/bot?start=promo_${long}`);
  });
});
