import { BotApiDouble, TelegramLimits, type TelegramLimitsOptions, type TestUser } from '@mb/testing';
import type { GatewayAppOptions } from '../src/app.ts';
import { type Stack, startStack } from './stack.ts';

type Workbook = Stack['sheets']['wb'];

/** Adds signed-in users (status active, a Telegram id) in one segment; returns their Telegram ids. */
export function seedRecipients(
  wb: Workbook,
  opts: { from: number; count: number; segment: string; language?: 'ru' | 'en' },
): number[] {
  const ids: number[] = [];
  wb.db.exec('BEGIN');
  for (let i = 0; i < opts.count; i++) {
    const telegramId = opts.from + i;
    ids.push(telegramId);
    wb.insert(
      'Users',
      {
        id: `UT-${telegramId}`,
        telegram_id: String(telegramId),
        phone: `+7900${telegramId}`,
        name: `User ${i}`,
        role: 'client',
        segment: opts.segment,
        status: 'active',
        language: opts.language ?? 'ru',
        registered_at: new Date().toISOString(),
        blocked_bot: 'no',
      },
      { outbox: false },
    );
  }
  wb.db.exec('COMMIT');
  return ids;
}

/** Polls `check` until it holds; fails with `what` after `timeoutMs`. */
export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export { startRedis } from '@mb/testing/redis-server';

export const STAFF: TestUser = { id: 7_000_001, first_name: 'Мария', language_code: 'ru' };

/** Adds STAFF to the Users tab as an active manager (who may start and control broadcasts). */
export function addStaff(wb: Workbook): void {
  wb.insert(
    'Users',
    {
      id: 'U-staff',
      telegram_id: String(STAFF.id),
      name: 'Мария',
      role: 'manager',
      segment: 'all',
      status: 'active',
      language: 'ru',
    },
    { outbox: false },
  );
}

/**
 * The whole stack against a Bot API double that enforces Telegram's limits (30 msg/s, 1/s per chat, unless `limits`
 * says otherwise), the broadcast sender polling fast, and one manager (STAFF) in the Users tab.
 */
export async function startLimitedStack(
  gateway: Partial<GatewayAppOptions> = {},
  limitOptions: TelegramLimitsOptions = {},
) {
  const api = await new BotApiDouble().start();
  const limits = new TelegramLimits({ perSecond: 30, perChatMs: 1000, ...limitOptions }).install(api);
  const stack = await startStack({
    apiRoot: api.url,
    gateway: { broadcast: { pollMs: 100 }, events: { idleMs: 100 }, ...gateway },
  });
  addStaff(stack.sheets.wb);
  const close = async () => {
    await stack.close();
    await api.close();
  };
  return { api, limits, stack, close };
}
