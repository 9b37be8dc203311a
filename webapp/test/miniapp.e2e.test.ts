import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ASSISTANT_TRANSCRIPT_AUTHOR } from '@mb/contracts';
import { type Stack, startStack } from '@mb/gateway/stack';
import { BotApiDouble, llmOnDouble, OpenAiDouble, signInitData, TEST_TOKEN } from '@mb/testing';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ARTIFACTS,
  buildWebapp,
  DARK,
  emit,
  launchChromium,
  launchUrl,
  mainButton,
  telegramEvents,
  telegramPage,
} from './telegram-env.ts';

const CLIENT = { id: 777, first_name: 'Пётр', language_code: 'ru' };
const MANAGER = { id: 888, first_name: 'Maria', language_code: 'en' };
const ADMIN = { id: 999, first_name: 'Анна', language_code: 'ru' };
const PARTNER = { id: 555, first_name: 'Ольга', language_code: 'ru' };

let stack: Stack;
let model: OpenAiDouble;
let telegram: BotApiDouble;
let webapp: Awaited<ReturnType<typeof buildWebapp>>;
let browser: Awaited<ReturnType<typeof launchChromium>>;
let context: BrowserContext;
/** The page's cumulative layout shift so far (the browser's own layout-shift entries). */
const layoutShift = (page: Page) =>
  page.evaluate(
    () =>
      new Promise<number>((done) => {
        let total = 0;
        new PerformanceObserver((list) => {
          for (const entry of list.getEntries() as Array<PerformanceEntry & { value: number; hadRecentInput: boolean }>)
            if (!entry.hadRecentInput) total += entry.value;
        }).observe({ type: 'layout-shift', buffered: true });
        // Buffered entries are delivered in a task after observe(); one frame later they have all arrived.
        requestAnimationFrame(() => setTimeout(() => done(total), 0));
      }),
  );
const shot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  webapp = await buildWebapp();
  model = await new OpenAiDouble().start();
  // The bot's own calls (notices, the staff line after "My data" → delete) go to a double, not to a closed port.
  telegram = await new BotApiDouble().start();
  stack = await startStack({
    apiRoot: telegram.url,
    gateway: { webappDist: webapp.dist },
    assistant: {
      llm: llmOnDouble(model, { timeoutMs: 5000, idleMs: 5000 }),
      deadlineMs: 20_000,
    },
  });
  stack.sheets.wb.update('Users', 'U-4', { telegram_id: String(CLIENT.id) }); // Пётр Клиентов, retail client
  stack.sheets.wb.update('Users', 'U-2', { telegram_id: String(MANAGER.id), language: 'en' }); // Мария Менеджерова, manager
  stack.sheets.wb.update('Users', 'U-1', { telegram_id: String(ADMIN.id) }); // Анна Админова, admin, Russian
  stack.sheets.wb.update('Users', 'U-5', { telegram_id: String(PARTNER.id) }); // Ольга Покупаева: erases her data
  browser = await launchChromium();
  context = browser.context;
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
  await model?.close();
  await telegram?.close();
  webapp?.remove();
});

const open = async (
  path: string,
  user: { id: number; first_name: string; language_code?: string },
  initData = signInitData(TEST_TOKEN, user),
) => {
  const page = await telegramPage(context);
  await page.goto(launchUrl(`${stack.gatewayUrl}/app/${path}`, initData));
  return page;
};

describe('the Mini App in Telegram (headless Chromium)', () => {
  it('home: greets the signed-in user by name, with quick actions and highlighted promotions, themed by Telegram', async () => {
    const page = await open('', CLIENT);
    await expect.poll(() => page.locator('#greeting').textContent()).toBe('Здравствуйте, Пётр Клиентов!');
    expect(await page.locator('#sign-in-state').textContent()).toBe('Вы вошли как Пётр Клиентов.');
    expect(await page.locator('.action').allTextContents()).toEqual(['Акции', 'Мои обращения', 'Спросить помощника']);
    await page.locator('.highlights .promo').first().waitFor();
    expect(await page.locator('.highlights .promo h3').allTextContents()).toContain('Кешбэк 10% баллами');
    // Telegram's theme is bound as CSS variables, the page is fit for 360 px, and nothing moved while the data arrived.
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(255, 255, 255)');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    expect(await layoutShift(page)).toBeLessThan(0.01);
    const events = await telegramEvents(page);
    expect(events.map((e) => e.name)).toContain('web_app_ready');
    await shot(page, 'home');
    await page.close();
  });

  it('home: the news switch turns marketing messages off and on again, with haptics, stored, and nothing moves', async () => {
    const optedOut = () =>
      stack.sheets.wb.db.prepare('SELECT 1 FROM marketing_optout WHERE telegram_id = ?').all(CLIENT.id).length === 1;
    const page = await open('', CLIENT);
    const toggle = page.getByRole('switch', { name: 'Получать новости и акции' });
    await expect.poll(() => toggle.isEnabled()).toBe(true);
    expect(await toggle.isChecked()).toBe(true);
    expect(await page.locator('#marketing-state').textContent()).toBe('Ответы на ваши обращения приходят всегда.');
    const before = await page.locator('.highlights').boundingBox();

    await toggle.click();
    await expect.poll(optedOut).toBe(true);
    await expect.poll(() => toggle.isEnabled()).toBe(true);
    expect(await toggle.isChecked()).toBe(false);
    const haptics = (await telegramEvents(page))
      .filter((e) => e.name === 'web_app_trigger_haptic_feedback')
      .map((e) => e.payload);
    expect(haptics.slice(-2)).toMatchObject([
      { type: 'impact', impact_style: 'light' },
      { type: 'notification', notification_type: 'success' },
    ]);
    expect(await page.locator('.highlights').boundingBox()).toEqual(before);
    await shot(page, 'home-news-off');
    await page.close();

    // Opened again, the switch shows what is stored; turning it on removes the opt-out.
    const again = await open('', CLIENT);
    const toggleAgain = again.getByRole('switch', { name: 'Получать новости и акции' });
    await expect.poll(() => toggleAgain.isEnabled()).toBe(true);
    expect(await toggleAgain.isChecked()).toBe(false);
    expect(await layoutShift(again)).toBeLessThan(0.01);
    await toggleAgain.click();
    await expect.poll(optedOut).toBe(false);
    await expect.poll(() => toggleAgain.isChecked()).toBe(true);
    await again.close();
  });

  it('promotions: browse, open one, take part with the MainButton; the participation is stored', async () => {
    const page = await open('', CLIENT);
    await page.getByRole('link', { name: 'Акции', exact: true }).click();
    await page.locator('#section .promo').first().waitFor();
    await shot(page, 'menu-promotions');
    await page.locator('#section .promo[data-id="cashback-10"]').click();
    await expect.poll(() => mainButton(page)).toMatchObject({ is_visible: true, text: 'Участвовать' });
    expect(
      (await telegramEvents(page)).some(
        (e) => e.name === 'web_app_setup_back_button' && e.payload?.['is_visible'] === true,
      ),
    ).toBe(true);
    await emit(page, 'main_button_pressed');
    await expect.poll(() => page.locator('#participation-state').textContent()).toBe('Готово! Вы участвуете в акции.');
    expect(
      stack.sheets.wb.find('Participations', { telegram_id: String(CLIENT.id) }).map((p) => p.promotion_id),
    ).toEqual(['cashback-10']);
    const haptics = (await telegramEvents(page)).filter((e) => e.name === 'web_app_trigger_haptic_feedback');
    expect(haptics.at(-1)?.payload).toMatchObject({ type: 'notification', notification_type: 'success' });
    await shot(page, 'menu-promotion-detail');
    // Telegram's BackButton returns to the catalogue, where the participation is listed.
    await emit(page, 'back_button_pressed');
    await expect.poll(() => page.locator('#my-participations').textContent()).toContain('Кешбэк 10% баллами');
    await page.close();
  });

  it('requests: a new request from the form (closing asks to confirm while unsaved), then it is in "my requests"', async () => {
    const page = await open('menu.html?s=requests', CLIENT);
    await page.locator('#new-request').click();
    await page.locator('#request-category').selectOption('Проблема');
    await page.locator('#request-text').fill('Не пришёл промокод по акции');
    const closing = (await telegramEvents(page)).filter((e) => e.name === 'web_app_setup_closing_behavior');
    expect(closing.at(-1)?.payload).toEqual({ need_confirmation: true });
    await expect.poll(() => mainButton(page)).toMatchObject({ is_visible: true, text: 'Отправить' });
    await shot(page, 'menu-request-form');
    await emit(page, 'main_button_pressed');
    await expect.poll(() => page.locator('#thread').textContent()).toContain('Не пришёл промокод по акции');
    const stored = stack.sheets.wb.find('Tickets', { telegram_id: String(CLIENT.id) });
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ category: 'Проблема', status: 'new' });
    expect(
      (await telegramEvents(page)).filter((e) => e.name === 'web_app_setup_closing_behavior').at(-1)?.payload,
    ).toEqual({ need_confirmation: false });
    await emit(page, 'back_button_pressed');
    await page.locator(`#section .request[data-id="${stored[0]!.id}"]`).waitFor();
    expect(await page.locator('#section .request').first().textContent()).toContain('Проблема');
    await shot(page, 'menu-requests');
    await page.close();
  });

  it('assistant: the answer streams in as the model writes it, then shows its sources', async () => {
    const answer = 'Вернуть товар можно в течение 14 дней: оформите обращение с категорией «Проблема» [faq-5].';
    model.next({ kind: 'text', text: answer, chunks: 6, delayMs: 150 });
    const page = await open('menu.html?s=assistant', CLIENT);
    await page.locator('#question').fill('Как вернуть товар?');
    await page.locator('#ask').click();
    // While the answer is still being written, part of it is already on the screen.
    const partial = await page.waitForFunction(() => {
      const pending = document.querySelector('#chat .msg.staff.pending p');
      const text = pending?.textContent ?? '';
      return text.length > 1 && text !== '…' ? text : null;
    });
    const shown = (await partial.jsonValue()) as string;
    expect(answer.startsWith(shown)).toBe(true);
    expect(shown.length).toBeLessThan(answer.length);
    await page.locator('#chat .msg.staff:not(.pending)').waitFor();
    const final = await page.locator('#chat .msg.staff').textContent();
    expect(final).toContain('Вернуть товар можно в течение 14 дней');
    expect(final).not.toContain('[faq-5]');
    expect(final).toContain('Источники: Как вернуть товар?');
    await shot(page, 'menu-assistant');
    await page.close();
  });

  it('in an iframe of a same-origin host (the sandbox page) the app talks to its host by postMessage', async () => {
    const page = await context.newPage();
    const app = launchUrl(
      `${stack.gatewayUrl}/app/menu.html?s=promotions&id=friend-bonus`,
      signInitData(TEST_TOKEN, CLIENT),
    );
    await page.route(`${stack.gatewayUrl}/host.html`, (route) =>
      route.fulfill({
        contentType: 'text/html',
        body: `<!doctype html><script>window.received = []; addEventListener('message', (e) => received.push(JSON.parse(e.data)));</script><iframe id="app" style="width:360px;height:640px" src="${app}"></iframe>`,
      }),
    );
    await page.goto(`${stack.gatewayUrl}/host.html`);
    const received = () =>
      page.evaluate(
        () =>
          (window as unknown as { received: Array<{ eventType: string; eventData?: Record<string, unknown> }> })
            .received,
      );
    await expect
      .poll(async () => (await received()).filter((e) => e.eventType === 'web_app_setup_main_button').at(-1)?.eventData)
      .toMatchObject({ is_visible: true, text: 'Участвовать' });
    await page.evaluate(() => {
      const frame = document.getElementById('app') as HTMLIFrameElement;
      frame.contentWindow!.postMessage(JSON.stringify({ eventType: 'main_button_pressed' }), location.origin);
    });
    await expect
      .poll(
        () =>
          stack.sheets.wb.find('Participations', { telegram_id: String(CLIENT.id), promotion_id: 'friend-bonus' })
            .length,
      )
      .toBe(1);
    await page.close();
  });

  it('switches to the dark theme when Telegram says so', async () => {
    const page = await open('', CLIENT);
    await page.locator('#greeting').waitFor();
    await emit(page, 'theme_changed', { theme_params: DARK });
    await expect
      .poll(() => page.evaluate(() => getComputedStyle(document.body).backgroundColor))
      .toBe('rgb(23, 33, 43)');
    expect(await page.evaluate(() => document.documentElement.dataset['theme'])).toBe('dark');
    await shot(page, 'home-dark');
    await page.close();
  });

  it('staff: a manager sees open requests and participations per promotion, and starts a broadcast (in English)', async () => {
    const page = await open('menu.html?s=staff', MANAGER);
    await page.locator('#open-requests').waitFor();
    expect(await page.locator('#open-requests').textContent()).toBe('Open requests — new: 1, in progress: 0');
    expect(await page.locator('#participation-counts').textContent()).toContain('Кешбэк 10% баллами1');
    // Four tabs fit a 360-px screen, each label whole.
    const tabs = await page
      .locator('.tabs button')
      .evaluateAll((els) => els.map((e) => ({ text: e.textContent, cut: e.scrollWidth > e.clientWidth })));
    expect(tabs).toEqual(['Promotions', 'Requests', 'Assistant', 'Staff'].map((text) => ({ text, cut: false })));
    await expect.poll(() => page.locator('#broadcast-audience').textContent()).toMatch(/^Recipients now: \d+$/);
    await page.locator('#broadcast-text').fill('Новая акция уже в приложении!');
    await expect.poll(() => mainButton(page)).toMatchObject({ is_visible: true, text: 'Send the broadcast' });
    await shot(page, 'menu-staff');
    // The first press shows a preview and the number of recipients, and sends nothing yet.
    await emit(page, 'main_button_pressed');
    await page.locator('#broadcast-preview:not([hidden])').waitFor();
    expect(await page.locator('#broadcast-preview .preview-text').textContent()).toBe('Новая акция уже в приложении!');
    const recipients = (await page.locator('#broadcast-recipients').textContent()) ?? '';
    const count = Number(/^Recipients: (\d+) \(segment "all"\)$/.exec(recipients)?.[1]);
    expect(count).toBeGreaterThan(0);
    await expect.poll(() => mainButton(page)).toMatchObject({ is_visible: true, text: `Confirm: send to ${count}` });
    expect(stack.sheets.wb.find('Broadcasts', { created_by: `tg:${MANAGER.id}` })).toHaveLength(0);
    await shot(page, 'menu-staff-broadcast-confirm');
    await emit(page, 'main_button_pressed');
    await expect.poll(() => page.locator('#broadcast-status').textContent()).toMatch(/^Broadcast B-\d+ started\.$/);
    const stored = stack.sheets.wb.find('Broadcasts', { created_by: `tg:${MANAGER.id}` });
    expect(stored.map((b) => b.text)).toEqual(['Новая акция уже в приложении!']);
    await page.close();
  });

  it('staff in Russian: the four tabs fit a 360-px screen, each label whole', async () => {
    const page = await open('menu.html?s=staff', ADMIN);
    await page.locator('#open-requests').waitFor();
    const tabs = await page
      .locator('.tabs button')
      .evaluateAll((els) => els.map((e) => ({ text: e.textContent, cut: e.scrollWidth > e.clientWidth })));
    expect(tabs).toEqual(['Акции', 'Обращения', 'Помощник', 'Менеджерам'].map((text) => ({ text, cut: false })));
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await shot(page, 'menu-staff-ru-tabs');
    await page.close();
  });

  it('assistant: "I don\'t know" hands off with the question already in the new request', async () => {
    model.next({ kind: 'text', text: 'NO_ANSWER' });
    const page = await open('menu.html?s=assistant', CLIENT);
    await page.locator('#question').fill('Можно ли оплатить заказ биткоинами?');
    await page.locator('#ask').click();
    await page.locator('#handoff').click();
    await page.locator('#request-text').waitFor();
    expect(await page.locator('#request-text').inputValue()).toBe('Можно ли оплатить заказ биткоинами?');
    await expect.poll(() => mainButton(page)).toMatchObject({ is_visible: true, text: 'Отправить' });
    await shot(page, 'menu-assistant-handoff');
    await page.close();
  });

  it('a request made from the assistant shows the conversation with who said what', async () => {
    const at = new Date().toISOString();
    stack.sheets.wb.insert('Tickets', {
      id: 'T-900',
      telegram_id: String(CLIENT.id),
      name: 'Пётр Клиентов',
      category: 'Вопрос',
      text: 'Можно ли оплатить заказ биткоинами?',
      status: 'new',
      created_at: at,
      updated_at: at,
    });
    stack.sheets.wb.insert('TicketMessages', {
      id: 'M-900',
      ticket_id: 'T-900',
      author: 'user',
      author_name: ASSISTANT_TRANSCRIPT_AUTHOR,
      text: '👤 Можно ли оплатить заказ биткоинами?\n\n🤖 (ответа в базе знаний не нашлось)',
      created_at: at,
    });
    const page = await open('menu.html?s=requests&id=T-900', CLIENT);
    await page.locator('.transcript').waitFor();
    expect(await page.locator('.transcript-msg > b').textContent()).toBe('Переписка с помощником');
    expect(await page.locator('.transcript li').allTextContents()).toEqual([
      'Вы: Можно ли оплатить заказ биткоинами?',
      'Помощник: (ответа в базе знаний не нашлось)',
    ]);
    await shot(page, 'menu-request-transcript');
    await page.close();
  });

  it('"My data": what is stored, then deleted after a confirmation', async () => {
    const page = await open('', PARTNER);
    await page.locator('#my-data-link').click();
    await page.locator('#my-data').waitFor();
    const shown = await page.locator('#my-data').textContent();
    expect(shown).toContain('Ольга Покупаева');
    expect(shown).toContain('Согласие на обработку данных');
    await shot(page, 'menu-my-data');
    await page.locator('#forget').click();
    await page.locator('#forget-confirm-box:not([hidden])').waitFor();
    // Nothing is erased before the confirmation.
    expect(stack.sheets.wb.find('Users', { id: 'U-5' })[0]?.status).toBe('active');
    await shot(page, 'menu-my-data-confirm');
    await page.locator('#forget-confirm').click();
    await page.locator('#forgotten').waitFor();
    expect(stack.sheets.wb.find('Users', { id: 'U-5' })[0]).toMatchObject({ name: '', phone: '', status: 'deleted' });
    await shot(page, 'menu-my-data-deleted');
    await page.close();
  });

  it('a user who has not signed in sees a button to the bot', async () => {
    const page = await open('', { id: 4242, first_name: 'Guest', language_code: 'en' });
    await expect.poll(() => page.locator('#greeting').textContent()).toBe('Hello, Guest!');
    expect(await page.locator('#open-bot').textContent()).toBe('Open the bot');
    expect(await page.locator('.action').allTextContents()).toEqual(['Promotions']);
    expect(await page.locator('#marketing').count()).toBe(0);
    await shot(page, 'home-signed-out');
    await page.close();
  });

  it('tampered initData: the error screen, in words', async () => {
    const tampered = signInitData(TEST_TOKEN, CLIENT).replace('777', '778');
    const page = await open('', CLIENT, tampered);
    await page.locator('#error-screen').waitFor();
    expect(await page.locator('#error-screen').textContent()).toContain('Telegram не подтвердил, что это вы.');
    await shot(page, 'error-tampered');
    await page.close();
  });

  it('outside Telegram: explains how to open the app', async () => {
    const page = await context.newPage();
    await page.goto(`${stack.gatewayUrl}/app/`);
    await page.locator('#outside').waitFor();
    expect(await page.locator('#outside h1').textContent()).toBe('Откройте приложение в Telegram');
    expect(await page.locator('#outside h2').textContent()).toBe('Open the app in Telegram');
    // The buttons are named as the bot names them.
    const ftl = readFileSync(new URL('../../services/gateway/locales/ru.ftl', import.meta.url), 'utf8');
    const label = (key: string) => new RegExp(`^${key} = (.+)$`, 'm').exec(ftl)![1]!;
    const text = (await page.locator('#outside p').first().textContent()) ?? '';
    expect(text).toContain(`«${label('menu-button')}»`);
    expect(text).toContain(`«${label('menu-webapp')}»`);
    await shot(page, 'outside-telegram');
    await page.close();
  });
});
