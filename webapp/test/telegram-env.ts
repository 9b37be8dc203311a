import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { LIGHT_THEME } from '@mb/gateway/sandbox-themes';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { build } from 'vite';
import { CHROMIUM_OPTIONS } from './chromium.ts';

export const WEBAPP_DIR = resolve(import.meta.dirname, '..');
export const ARTIFACTS = resolve(WEBAPP_DIR, '..', 'test-artifacts', 'miniapp');

export const DARK = {
  bg_color: '#17212b',
  text_color: '#f5f5f5',
  hint_color: '#708499',
  link_color: '#6ab3f3',
  button_color: '#5288c1',
  button_text_color: '#ffffff',
  secondary_bg_color: '#232e3c',
};

/** Builds the webapp into a fresh temp folder (the gateway serves it from there). */
export async function buildWebapp(): Promise<{ dist: string; remove: () => void }> {
  const dist = mkdtempSync(join(tmpdir(), 'mb-webapp-'));
  await build({
    root: WEBAPP_DIR,
    configFile: join(WEBAPP_DIR, 'vite.config.ts'),
    logLevel: 'silent',
    build: { outDir: dist, emptyOutDir: true },
  });
  return { dist, remove: () => rmSync(dist, { recursive: true, force: true }) };
}

/** Chromium as every browser test starts it, with a fresh profile and a phone's screen; close() removes the profile. */
export async function launchChromium(): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'mb-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    ...CHROMIUM_OPTIONS,
    viewport: { width: 360, height: 740 },
    deviceScaleFactor: 2,
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** The URL Telegram opens: launch parameters in the hash. */
export function launchUrl(base: string, initData: string, theme: Record<string, string> = LIGHT_THEME): string {
  const params = new URLSearchParams({
    tgWebAppData: initData,
    tgWebAppVersion: '8.0',
    tgWebAppPlatform: 'android',
    tgWebAppThemeParams: JSON.stringify(theme),
  });
  return `${base}#${params}`;
}

export type TelegramEvent = { name: string; payload?: Record<string, unknown> };

/**
 * A new tab that behaves like Telegram's Android WebView: `window.TelegramWebviewProxy.postEvent` records what the
 * app asks of Telegram and answers the requests Telegram answers (theme, viewport, safe areas).
 */
export async function telegramPage(
  context: BrowserContext,
  theme: Record<string, string> = LIGHT_THEME,
): Promise<Page> {
  const page = await context.newPage();
  await page.addInitScript((themeParams) => {
    const w = window as unknown as {
      __tgEvents: unknown[];
      Telegram?: { WebView?: { receiveEvent(name: string, payload?: unknown): void } };
      TelegramWebviewProxy: unknown;
    };
    w.__tgEvents = [];
    const reply = (name: string, payload: unknown) =>
      setTimeout(() => w.Telegram?.WebView?.receiveEvent(name, payload), 0);
    w.TelegramWebviewProxy = {
      postEvent(name: string, data?: string) {
        w.__tgEvents.push({ name, payload: data ? JSON.parse(data) : undefined });
        if (name === 'web_app_request_theme') reply('theme_changed', { theme_params: themeParams });
        if (name === 'web_app_request_viewport')
          reply('viewport_changed', {
            height: innerHeight,
            width: innerWidth,
            is_expanded: true,
            is_state_stable: true,
          });
        if (name === 'web_app_request_safe_area')
          reply('safe_area_changed', { top: 24, bottom: 16, left: 0, right: 0 });
        if (name === 'web_app_request_content_safe_area')
          reply('content_safe_area_changed', { top: 0, bottom: 0, left: 0, right: 0 });
      },
    };
  }, theme);
  return page;
}

/** What the app asked of Telegram so far (web_app_setup_main_button, web_app_trigger_haptic_feedback, …). */
export const telegramEvents = (page: Page): Promise<TelegramEvent[]> =>
  page.evaluate(() => (window as unknown as { __tgEvents: TelegramEvent[] }).__tgEvents);

/** Telegram tells the app something happened: a MainButton or BackButton press, a theme change. */
export const emit = (page: Page, name: string, payload?: unknown) =>
  page.evaluate(
    ([n, p]) =>
      (
        window as unknown as { Telegram: { WebView: { receiveEvent(name: string, payload?: unknown): void } } }
      ).Telegram.WebView.receiveEvent(n as string, p),
    [name, payload] as const,
  );

/** The last MainButton setup the app sent. */
export async function mainButton(page: Page): Promise<Record<string, unknown> | undefined> {
  return (await telegramEvents(page)).filter((e) => e.name === 'web_app_setup_main_button').at(-1)?.payload;
}
