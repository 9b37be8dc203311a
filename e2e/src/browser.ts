import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_OPTIONS } from '@mb/webapp/chromium';
import { type Browser, chromium } from 'playwright-core';

export const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/e2e', import.meta.url));

/** Chromium (CHROMIUM_OPTIONS) with a fresh temporary profile (Playwright's own). */
export async function launchChromium(): Promise<{ browser: Browser; close: () => Promise<void> }> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const browser = await chromium.launch(CHROMIUM_OPTIONS);
  return {
    browser,
    close: () => browser.close(),
  };
}
