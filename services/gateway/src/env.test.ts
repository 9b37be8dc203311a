import { EnvError } from '@mb/service-kit';
import { gatewayHandsOffUpdates } from '@mb/service-kit/runtime-flags';
import { TEST_SECRET, TEST_TOKEN } from '@mb/testing';
import { describe, expect, it } from 'vitest';
import { readEnv } from './env.ts';
import { handlerWorkerCount } from './handlers/worker-pool.ts';

describe('GATEWAY_ROLE', () => {
  it('is all by default, and webhook or handler only with REDIS_URL', () => {
    expect(readEnv({}).GATEWAY_ROLE).toBe('all');
    expect(readEnv({ GATEWAY_ROLE: 'handler', REDIS_URL: 'redis://r:6379' }).GATEWAY_ROLE).toBe('handler');
    expect(() => readEnv({ GATEWAY_ROLE: 'webhook' })).toThrow(/GATEWAY_ROLE.*REDIS_URL/s);
    expect(() => readEnv({ GATEWAY_ROLE: 'both' })).toThrow(EnvError);
  });
});

describe('GATEWAY_HANDLER_WORKERS', () => {
  it('gives the workers the launchers chose the V8 flags for (runtime-flags.ts reads the raw env)', () => {
    const telegram = { TELEGRAM_BOT_TOKEN: TEST_TOKEN, TELEGRAM_WEBHOOK_SECRET: TEST_SECRET };
    const raw: Record<string, string>[] = [
      {},
      { GATEWAY_HANDLER_WORKERS: '2' },
      telegram,
      { ...telegram, GATEWAY_HANDLER_WORKERS: '' },
      { ...telegram, GATEWAY_HANDLER_WORKERS: '0' },
      { ...telegram, GATEWAY_HANDLER_WORKERS: ' 0 ' },
      { ...telegram, GATEWAY_HANDLER_WORKERS: '3' },
      { ...telegram, REDIS_URL: 'redis://r:6379' },
      { ...telegram, REDIS_URL: '' },
      { ...telegram, TELEGRAM_BOT_TOKEN: '', TELEGRAM_WEBHOOK_SECRET: '' },
    ];
    for (const env of raw)
      expect(handlerWorkerCount(readEnv(env)) > 0, JSON.stringify(env)).toBe(gatewayHandsOffUpdates(env));
    expect(handlerWorkerCount(readEnv({ ...telegram, GATEWAY_HANDLER_WORKERS: '3' }))).toBe(3);
    expect(handlerWorkerCount(readEnv(telegram))).toBeGreaterThanOrEqual(1);
  });
});
