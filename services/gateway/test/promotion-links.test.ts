import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { miniAppClient } from './miniapp-client.ts';
import { type Stack, startStack } from './stack.ts';

// Issue 18 finding 6: the Mini App used a promotion's link_url from the Sheet without checking it is http(s).
const CLIENT = { id: 777, first_name: 'Пётр' };
let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
  stack.sheets.wb.update('Users', 'U-4', { telegram_id: String(CLIENT.id) }); // retail, sees free-delivery
});
afterAll(() => stack.close());

const api = () => miniAppClient(stack.gatewayUrl, CLIENT);

describe('promotion links in the Mini App API', () => {
  it('pass an http(s) link and drop anything else a manager typed', async () => {
    expect(await api().promotions.get.query({ id: 'free-delivery' })).toMatchObject({
      cta: 'link',
      linkUrl: 'https://example.com/delivery',
    });
    for (const bad of ['javascript:alert(document.cookie)', 'data:text/html,<b>x</b>', 'tg://resolve?domain=x']) {
      stack.sheets.wb.update('Promotions', 'free-delivery', { link_url: bad });
      const promotion = await api().promotions.get.query({ id: 'free-delivery' });
      expect(promotion.linkUrl, bad).toBe('');
      expect((await api().promotions.list.query()).find((p) => p.id === 'free-delivery')?.linkUrl).toBe('');
    }
  });
});
