import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSandbox, type SandboxPage } from '../src/sandbox-page.ts';

/**
 * The sandbox as a new user meets it: the real gateway, sheets and assistant, Telegram emulated in-process, driven
 * through the /sandbox page in headless Chromium — sign in, take part, open a request, answer it as a manager, see
 * the answer, open the Mini App.
 */
let sandbox: SandboxPage;

beforeAll(async () => {
  sandbox = await openSandbox({ width: 1280, height: 860 });
});
afterAll(() => sandbox?.close());

describe('the sandbox in a browser', () => {
  it('a new user signs in by sharing the contact', async () => {
    await sandbox.actAs('Пётр');
    await sandbox.say('/start');
    await sandbox.botMessage('Здравствуйте').waitFor();
    await sandbox.page.locator('#replykb button', { hasText: 'Поделиться номером' }).click();
    await sandbox.botMessage('вы вошли').waitFor();
    await sandbox.shot('1-signed-in');
  });

  it('browses promotions and takes part', async () => {
    await sandbox.page.locator('#replykb button', { hasText: 'Акции' }).click();
    const card = sandbox.botMessage('Участвовать');
    await card.waitFor();
    await card.locator('button', { hasText: 'Участвовать' }).click();
    await sandbox.botMessage(/Вы участвуете|Готово/).waitFor();
    await sandbox.shot('2-participation');
  });

  it('opens a request', async () => {
    await sandbox.page.locator('#replykb button', { hasText: 'Новое обращение' }).click();
    const categories = sandbox.botMessage('Выберите тему');
    await categories.waitFor();
    await categories.locator('.kb button').first().click();
    await sandbox.botMessage('Опишите ваш вопрос').waitFor();
    await sandbox.say('Не пришёл промокод по акции');
    const attach = sandbox.botMessage('Готово');
    await attach.waitFor();
    await attach.locator('button', { hasText: 'Готово' }).click();
    const confirm = sandbox.page.locator('.msg[data-from="bot"]').last();
    await confirm.locator('.kb button').first().waitFor();
    await confirm.locator('.kb button').first().click();
    await sandbox.botMessage(/Обращение T-\d+ принято/).waitFor();
    await sandbox.shot('3-request');
  });

  it('the manager (signed in as part of the demo data) answers it from the staff chat', async () => {
    await sandbox.actAs('Мария');
    const topic = sandbox.page.locator('.chat-item.topic', { hasText: /T-\d+/ }).first();
    await topic.waitFor();
    await topic.click();
    await sandbox.page.locator('.msg[data-from="bot"]').first().waitFor();
    await sandbox.say('Промокод отправили повторно, проверьте почту.');
    await sandbox.page.locator('.msg', { hasText: 'Промокод отправили' }).waitFor();
    await sandbox.shot('4-staff-answer');
  });

  it('back as the user, the answer is there', async () => {
    await sandbox.actAs('Пётр');
    await sandbox.botMessage('Промокод отправили повторно').waitFor();
    await sandbox.shot('5-user-sees-answer');
  });

  it('the Mini App opens from the button and shows the same data', async () => {
    await sandbox.page.locator('#replykb button', { hasText: 'Мини-приложение' }).click();
    await sandbox.page.waitForSelector('#panel.open');
    const app = sandbox.page.frameLocator('#miniapp');
    await app.locator('body').waitFor();
    await expect
      .poll(async () => ((await app.locator('body').textContent()) ?? '').includes('Большая распродажа'), {
        timeout: 15_000,
      })
      .toBe(true);
    await sandbox.shot('6-miniapp');
  });

  it("in the Mini App, Telegram's MainButton (drawn by the sandbox) takes part in a promotion", async () => {
    const app = sandbox.page.frameLocator('#miniapp');
    await app.locator('.card.promo[data-id="cashback-10"]').click();
    await app.locator('.card.detail[data-id="cashback-10"]').waitFor();
    const main = sandbox.page.locator('#mainbutton');
    await main.waitFor();
    await main.click();
    await expect
      .poll(
        () =>
          sandbox.stack.sheets.wb.find('Participations', { promotion_id: 'cashback-10', telegram_id: '900101' }).length,
        { timeout: 15_000 },
      )
      .toBe(1);
    expect(await sandbox.page.locator('#backbutton').isVisible()).toBe(true);
    await sandbox.shot('7-miniapp-take-part');
  });
});
