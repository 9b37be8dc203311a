import { EnvError } from '@mb/service-kit';
import { describe, expect, it } from 'vitest';
import { readEnv } from './env.ts';

describe('GATEWAY_ROLE', () => {
  it('is all by default, and webhook or handler only with REDIS_URL', () => {
    expect(readEnv({}).GATEWAY_ROLE).toBe('all');
    expect(readEnv({ GATEWAY_ROLE: 'handler', REDIS_URL: 'redis://r:6379' }).GATEWAY_ROLE).toBe('handler');
    expect(() => readEnv({ GATEWAY_ROLE: 'webhook' })).toThrow(/GATEWAY_ROLE.*REDIS_URL/s);
    expect(() => readEnv({ GATEWAY_ROLE: 'both' })).toThrow(EnvError);
  });
});
