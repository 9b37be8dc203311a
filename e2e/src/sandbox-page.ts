import { join } from 'node:path';
import { type Stack, startStack } from '@mb/gateway/stack';
import type { Page } from 'playwright-core';
import { ARTIFACTS, launchChromium } from './browser.ts';

export type SandboxPage = {
  stack: Stack;
  page: Page;
  /** A screenshot into test-artifacts/e2e/sandbox-<name>.png. */
  shot(name: string): Promise<Buffer>;
  /** The last bot message holding `text`. */
  botMessage(text: string | RegExp): ReturnType<Page['locator']>;
  /** Switches the page to the sandbox user named `name`, in their chat with the bot. */
  actAs(name: string): Promise<void>;
  /** Types `text` into the open chat and sends it. */
  say(text: string): Promise<void>;
  close(): Promise<void>;
};

/**
 * The whole stack in sandbox mode (no bot token: Telegram emulated in-process) and its /sandbox page in Chromium, at
 * `viewport`, with the user list loaded. `beforeOpen` sees the page before it loads (to watch its responses).
 */
export async function openSandbox(
  viewport: { width: number; height: number },
  beforeOpen: (page: Page) => void = () => {},
): Promise<SandboxPage> {
  const stack = await startStack({ botToken: null });
  let chromium: Awaited<ReturnType<typeof launchChromium>> | undefined;
  const close = async () => {
    await chromium?.close();
    await stack.close();
  };
  try {
    chromium = await launchChromium();
    const page = await chromium.browser.newPage({ viewport });
    beforeOpen(page);
    await page.goto(`${stack.gatewayUrl}/sandbox`);
    await page.waitForSelector('#user option', { state: 'attached' });
    return {
      stack,
      page,
      close,
      shot: (name) => page.screenshot({ path: join(ARTIFACTS, `sandbox-${name}.png`) }),
      botMessage: (text) => page.locator('.msg[data-from="bot"]', { hasText: text }).last(),
      actAs: async (name) => {
        const value = await page.locator('#user option', { hasText: name }).getAttribute('value');
        await page.selectOption('#user', value!);
        await page.locator('.chat-item').first().click();
      },
      say: async (text) => {
        await page.fill('#text', text);
        await page.press('#text', 'Enter');
      },
    };
  } catch (error) {
    await close();
    throw error;
  }
}
