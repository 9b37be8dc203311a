import { BotApiDouble, captureLogs, TEST_TOKEN, webhookInfoWithError } from '@mb/testing';
import { Api } from 'grammy';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookInfoPoller } from '../src/telegram/webhook-info.ts';
import { startStack } from './stack.ts';

let api: BotApiDouble;
beforeAll(async () => {
  api = await new BotApiDouble().start();
});
afterAll(async () => {
  await api.close();
});

function setup() {
  const { lines, logger } = captureLogs('gateway', 'info');
  const registry = new Registry();
  const poller = createWebhookInfoPoller({ api: new Api(TEST_TOKEN, { apiRoot: api.url }), registry, logger });
  const value = async (name: string) => (await registry.getSingleMetric(name)!.get()).values[0]?.value;
  return { lines, poller, value };
}

describe('getWebhookInfo polling', () => {
  it('exports pending updates and the time of the last delivery error, and logs a new error once', async () => {
    const errorDate = Math.floor(Date.now() / 1000) - 5;
    api.script(webhookInfoWithError(37, errorDate));
    const { lines, poller, value } = setup();
    await poller.poll();
    await poller.poll();
    expect(await value('gateway_telegram_pending_updates')).toBe(37);
    expect(await value('gateway_telegram_last_error_timestamp_seconds')).toBe(errorDate);
    expect(await value('gateway_telegram_webhook_info_last_success_timestamp_seconds')).toBeGreaterThan(0);
    const warnings = lines.filter((l) => l.includes('webhook delivery error'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('502 Bad Gateway');
  });

  it('counts a failed poll, keeps the last values and never logs the token', async () => {
    api.script((call) =>
      call.method === 'getWebhookInfo'
        ? { status: 401, body: { ok: false, error_code: 401, description: 'Unauthorized' } }
        : undefined,
    );
    const { lines, poller, value } = setup();
    await poller.poll();
    expect(await value('gateway_telegram_webhook_info_errors_total')).toBe(1);
    expect(await value('gateway_telegram_webhook_info_last_success_timestamp_seconds')).toBe(0);
    expect(lines.join('')).toContain('getWebhookInfo failed');
    expect(lines.join('')).not.toContain(TEST_TOKEN.split(':')[1]!);
  });

  it('reads the sandbox Bot API when no token is set', async () => {
    const stack = await startStack({ botToken: null });
    try {
      await stack.gateway.webhookInfo.poll();
      const text = await stack.gateway.metrics.registry.metrics();
      expect(text).toMatch(/^gateway_telegram_pending_updates\{service="gateway"\} 0$/m);
      expect(text).toMatch(
        /^gateway_telegram_webhook_info_last_success_timestamp_seconds\{service="gateway"\} [1-9]\d+$/m,
      );
      expect(stack.gateway.sandboxApi!.calls.map((c) => c.method)).toContain('getWebhookInfo');
    } finally {
      await stack.close();
    }
  });
});
