import type { LaunchOptions } from 'playwright-core';

/** How every browser test starts Chromium: Debian's (or CHROMIUM_PATH), headless, with no background networking. */
export const CHROMIUM_OPTIONS = {
  executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
  headless: true,
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
  ],
} satisfies LaunchOptions;
