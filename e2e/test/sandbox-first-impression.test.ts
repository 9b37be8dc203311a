import { join } from 'node:path';
import { type Stack, startStack } from '@mb/gateway/stack';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, launchChromium } from '../src/browser.ts';

/**
 * The sandbox as a newcomer's first impression: it opens with a hint and a Start button, the demo manager acts in the
 * staff group at once, callback answers appear as Telegram shows them, and a long chat keeps the page in the window.
 */
let stack: Stack;
let chromium: Awaited<ReturnType<typeof launchChromium>>;
let page: Page;
const notFound: string[] = [];

beforeAll(async () => {
  stack = await startStack({ botToken: null });
  chromium = await launchChromium();
  page = await chromium.browser.newPage({ viewport: { width: 1280, height: 720 } });
  page.on('response', (r) => {
    if (r.status() === 404) notFound.push(r.url());
  });
  await page.goto(`${stack.gatewayUrl}/sandbox`);
  await page.waitForSelector('#user option', { state: 'attached' });
});
afterAll(async () => {
  await chromium?.close();
  await stack?.close();
});

const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `sandbox-${name}.png`) });
const botMessage = (text: string | RegExp) => page.locator('.msg[data-from="bot"]', { hasText: text }).last();
async function actAs(name: string) {
  const value = await page.locator('#user option', { hasText: name }).getAttribute('value');
  await page.selectOption('#user', value!);
  await page.locator('.chat-item').first().click();
}
const staffGroup = () => page.locator('.chat-item', { hasText: 'Сотрудники' }).first();
/** Whether the element's box lies inside the window. */
const onScreen = (selector: string) =>
  page.evaluate((sel) => {
    const r = document.querySelector(sel)!.getBoundingClientRect();
    return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight + 0.5 && r.right <= window.innerWidth + 0.5;
  }, selector);

describe('the sandbox as a first impression', () => {
  it('opens with a hint and a Start button that sends /start', async () => {
    await actAs('Пётр');
    await page.locator('#empty').waitFor();
    expect(await page.locator('#empty').textContent()).toContain('песочница');
    await shot('first-1-hint');
    await page.locator('#startbutton').click();
    await botMessage('Здравствуйте').waitFor();
    expect(await page.locator('#empty').count()).toBe(0);
  });

  it('asks for no icon that is not there', () => {
    expect(notFound).toEqual([]);
  });

  it('the demo manager acts in the staff group at once, without signing in', async () => {
    expect(stack.sheets.wb.find('Users', { id: 'U-2' })[0]?.telegram_id).toBe('900102');
    await actAs('Мария');
    await staffGroup().click();
    await page.fill('#text', '/pending');
    await page.press('#text', 'Enter');
    await botMessage('Заявка на доступ').waitFor();
    await shot('first-2-staff-at-once');
  });

  it('shows a callback answer with show_alert as an alert, and a plain one as a toast', async () => {
    // John is not staff: Telegram shows the refusal as an alert with OK.
    await actAs('John');
    await staffGroup().click();
    const card = botMessage('Заявка на доступ');
    await card.locator('.kb button').first().click();
    await page.locator('dialog#alert[open]').waitFor();
    expect(await page.locator('#alerttext').textContent()).toContain('Only managers');
    await shot('first-3-alert');
    await page.locator('dialog#alert button').click();
    await page.locator('dialog#alert[open]').waitFor({ state: 'detached' });

    // Мария approves: the verdict comes as a toast.
    await actAs('Мария');
    await staffGroup().click();
    await botMessage('Заявка на доступ').locator('.kb button').first().click();
    await expect.poll(async () => (await page.locator('#toast').textContent()) ?? '', { timeout: 10_000 }).not.toBe('');
    await shot('first-4-toast');
  });

  it('a long chat scrolls inside its pane: the newest message, the message box and the keyboard stay on screen', async () => {
    await actAs('Пётр');
    await page.locator('#replykb button', { hasText: 'Поделиться номером' }).click();
    await botMessage('вы вошли').waitFor();
    for (let i = 0; i < 30; i++)
      await page.evaluate(
        (n) =>
          fetch('/sandbox/api/send', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ userId: 900101, chatId: 900101, text: `/help ${n}` }),
          }),
        i,
      );
    await expect.poll(() => page.locator('.msg').count(), { timeout: 20_000 }).toBeGreaterThan(40);
    await expect.poll(() => onScreen('.msg:last-child'), { timeout: 10_000 }).toBe(true);
    expect(await page.evaluate(() => document.documentElement.scrollHeight <= window.innerHeight)).toBe(true);
    expect(await onScreen('#composer')).toBe(true);
    expect(await onScreen('#replykb')).toBe(true);
    await shot('first-5-long-chat');
  });

  it('the Mini App panel fits the window, its main button on screen', async () => {
    await page.locator('#replykb button', { hasText: 'Мини-приложение' }).click();
    await page.waitForSelector('#panel.open');
    await page.frameLocator('#miniapp').locator('body').waitFor();
    expect(await onScreen('#panel')).toBe(true);
    expect(await onScreen('#miniapp')).toBe(true);
    expect(await page.evaluate(() => document.documentElement.scrollHeight <= window.innerHeight)).toBe(true);
    await shot('first-6-miniapp-panel');
  });
});
