import { join } from 'node:path';
import { type Stack, startStack } from '@mb/gateway/stack';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, launchChromium } from '../src/browser.ts';

/**
 * The sandbox as a new user meets it: the real gateway, sheets and assistant, Telegram emulated in-process, driven
 * through the /sandbox page in headless Chromium — sign in, take part, open a request, answer it as a manager, see
 * the answer, open the Mini App.
 */
let stack: Stack;
let chromium: Awaited<ReturnType<typeof launchChromium>>;
let page: Page;

beforeAll(async () => {
  stack = await startStack({ botToken: null });
  chromium = await launchChromium();
  page = await chromium.browser.newPage({ viewport: { width: 1280, height: 860 } });
  await page.goto(`${stack.gatewayUrl}/sandbox`);
  await page.waitForSelector('#user option', { state: 'attached' });
});
afterAll(async () => {
  await chromium?.close();
  await stack?.close();
});

const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `sandbox-${name}.png`) });
const botMessage = (text: string | RegExp) => page.locator('.msg[data-from="bot"]', { hasText: text }).last();
async function say(text: string) {
  await page.fill('#text', text);
  await page.press('#text', 'Enter');
}
async function actAs(name: string) {
  const value = await page.locator('#user option', { hasText: name }).getAttribute('value');
  await page.selectOption('#user', value!);
  await page.locator('.chat-item').first().click();
}

describe('the sandbox in a browser', () => {
  it('a new user signs in by sharing the contact', async () => {
    await actAs('Пётр');
    await say('/start');
    await botMessage('Здравствуйте').waitFor();
    await page.locator('#replykb button', { hasText: 'Поделиться номером' }).click();
    await botMessage('вы вошли').waitFor();
    await shot('1-signed-in');
  });

  it('browses promotions and takes part', async () => {
    await page.locator('#replykb button', { hasText: 'Акции' }).click();
    const card = botMessage('Участвовать');
    await card.waitFor();
    await card.locator('button', { hasText: 'Участвовать' }).click();
    await botMessage(/Вы участвуете|Готово/).waitFor();
    await shot('2-participation');
  });

  it('opens a request', async () => {
    await page.locator('#replykb button', { hasText: 'Новое обращение' }).click();
    const categories = botMessage('Выберите тему');
    await categories.waitFor();
    await categories.locator('.kb button').first().click();
    await botMessage('Опишите ваш вопрос').waitFor();
    await say('Не пришёл промокод по акции');
    const attach = botMessage('Готово');
    await attach.waitFor();
    await attach.locator('button', { hasText: 'Готово' }).click();
    const confirm = page.locator('.msg[data-from="bot"]').last();
    await confirm.locator('.kb button').first().waitFor();
    await confirm.locator('.kb button').first().click();
    await botMessage(/Обращение T-\d+ принято/).waitFor();
    await shot('3-request');
  });

  it('the manager (signed in as part of the demo data) answers it from the staff chat', async () => {
    await actAs('Мария');
    const topic = page.locator('.chat-item.topic', { hasText: /T-\d+/ }).first();
    await topic.waitFor();
    await topic.click();
    await page.locator('.msg[data-from="bot"]').first().waitFor();
    await say('Промокод отправили повторно, проверьте почту.');
    await page.locator('.msg', { hasText: 'Промокод отправили' }).waitFor();
    await shot('4-staff-answer');
  });

  it('back as the user, the answer is there', async () => {
    await actAs('Пётр');
    await botMessage('Промокод отправили повторно').waitFor();
    await shot('5-user-sees-answer');
  });

  it('the Mini App opens from the button and shows the same data', async () => {
    await page.locator('#replykb button', { hasText: 'Мини-приложение' }).click();
    await page.waitForSelector('#panel.open');
    const app = page.frameLocator('#miniapp');
    await app.locator('body').waitFor();
    await expect
      .poll(async () => ((await app.locator('body').textContent()) ?? '').includes('Большая распродажа'), {
        timeout: 15_000,
      })
      .toBe(true);
    await shot('6-miniapp');
  });

  it("in the Mini App, Telegram's MainButton (drawn by the sandbox) takes part in a promotion", async () => {
    const app = page.frameLocator('#miniapp');
    await app.locator('.card.promo[data-id="cashback-10"]').click();
    await app.locator('.card.detail[data-id="cashback-10"]').waitFor();
    const main = page.locator('#mainbutton');
    await main.waitFor();
    await main.click();
    await expect
      .poll(
        () => stack.sheets.wb.find('Participations', { promotion_id: 'cashback-10', telegram_id: '900101' }).length,
        { timeout: 15_000 },
      )
      .toBe(1);
    expect(await page.locator('#backbutton').isVisible()).toBe(true);
    await shot('7-miniapp-take-part');
  });
});
