import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSandbox, type SandboxPage } from '../src/sandbox-page.ts';

/**
 * The sandbox as a newcomer's first impression: it opens with a hint and a Start button, the demo manager acts in the
 * staff group at once, callback answers appear as Telegram shows them, and a long chat keeps the page in the window.
 */
const notFound: string[] = [];
let sandbox: SandboxPage;

beforeAll(async () => {
  sandbox = await openSandbox({ width: 1280, height: 720 }, (p) =>
    p.on('response', (r) => {
      if (r.status() === 404) notFound.push(r.url());
    }),
  );
});
afterAll(() => sandbox?.close());

const staffGroup = () => sandbox.page.locator('.chat-item', { hasText: 'Сотрудники' }).first();
/** Whether the element's box lies inside the window. */
const onScreen = (selector: string) =>
  sandbox.page.evaluate((sel) => {
    const r = document.querySelector(sel)!.getBoundingClientRect();
    return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight + 0.5 && r.right <= window.innerWidth + 0.5;
  }, selector);

describe('the sandbox as a first impression', () => {
  it('opens with a hint and a Start button that sends /start', async () => {
    await sandbox.actAs('Пётр');
    await sandbox.page.locator('#empty').waitFor();
    expect(await sandbox.page.locator('#empty').textContent()).toContain('песочница');
    await sandbox.shot('first-1-hint');
    await sandbox.page.locator('#startbutton').click();
    await sandbox.botMessage('Здравствуйте').waitFor();
    expect(await sandbox.page.locator('#empty').count()).toBe(0);
  });

  it('asks for no icon that is not there', () => {
    expect(notFound).toEqual([]);
  });

  it('the demo manager acts in the staff group at once, without signing in', async () => {
    expect(sandbox.stack.sheets.wb.find('Users', { id: 'U-2' })[0]?.telegram_id).toBe('900102');
    await sandbox.actAs('Мария');
    await staffGroup().click();
    await sandbox.say('/pending');
    await sandbox.botMessage('Заявка на доступ').waitFor();
    await sandbox.shot('first-2-staff-at-once');
  });

  it('shows a callback answer with show_alert as an alert, and a plain one as a toast', async () => {
    // John is not staff: Telegram shows the refusal as an alert with OK.
    await sandbox.actAs('John');
    await staffGroup().click();
    const card = sandbox.botMessage('Заявка на доступ');
    await card.locator('.kb button').first().click();
    await sandbox.page.locator('dialog#alert[open]').waitFor();
    expect(await sandbox.page.locator('#alerttext').textContent()).toContain('Only managers');
    await sandbox.shot('first-3-alert');
    await sandbox.page.locator('dialog#alert button').click();
    await sandbox.page.locator('dialog#alert[open]').waitFor({ state: 'detached' });

    // Мария approves: the verdict comes as a toast.
    await sandbox.actAs('Мария');
    await staffGroup().click();
    await sandbox.botMessage('Заявка на доступ').locator('.kb button').first().click();
    await expect
      .poll(async () => (await sandbox.page.locator('#toast').textContent()) ?? '', { timeout: 10_000 })
      .not.toBe('');
    await sandbox.shot('first-4-toast');
  });

  it('a long chat scrolls inside its pane: the newest message, the message box and the keyboard stay on screen', async () => {
    await sandbox.actAs('Пётр');
    await sandbox.page.locator('#replykb button', { hasText: 'Поделиться номером' }).click();
    await sandbox.botMessage('вы вошли').waitFor();
    for (let i = 0; i < 30; i++)
      await sandbox.page.evaluate(
        (n) =>
          fetch('/sandbox/api/send', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ userId: 900101, chatId: 900101, text: `/help ${n}` }),
          }),
        i,
      );
    await expect.poll(() => sandbox.page.locator('.msg').count(), { timeout: 20_000 }).toBeGreaterThan(40);
    await expect.poll(() => onScreen('.msg:last-child'), { timeout: 10_000 }).toBe(true);
    expect(await sandbox.page.evaluate(() => document.documentElement.scrollHeight <= window.innerHeight)).toBe(true);
    expect(await onScreen('#composer')).toBe(true);
    expect(await onScreen('#replykb')).toBe(true);
    await sandbox.shot('first-5-long-chat');
  });

  it('the Mini App panel fits the window, its main button on screen', async () => {
    await sandbox.page.locator('#replykb button', { hasText: 'Мини-приложение' }).click();
    await sandbox.page.waitForSelector('#panel.open');
    await sandbox.page.frameLocator('#miniapp').locator('body').waitFor();
    expect(await onScreen('#panel')).toBe(true);
    expect(await onScreen('#miniapp')).toBe(true);
    expect(await sandbox.page.evaluate(() => document.documentElement.scrollHeight <= window.innerHeight)).toBe(true);
    await sandbox.shot('first-6-miniapp-panel');
  });
});
