import { describe, expect, it } from 'vitest';
import { waitForDependencies } from './dependencies.ts';
import { createLogger } from './logger.ts';

const logger = createLogger('test', 'silent');

describe('waitForDependencies', () => {
  it('asks again until the dependency answers, not ready meanwhile, with what it waits for', async () => {
    let calls = 0;
    let fourth: () => void = () => undefined;
    const asking = new Promise<void>((r) => {
      fourth = r;
    });
    let release: () => void = () => undefined;
    const released = new Promise<void>((r) => {
      release = r;
    });
    const wait = waitForDependencies(
      {
        redis: async () => {
          calls++;
          if (calls < 4) throw new Error('connect ECONNREFUSED 127.0.0.1:6379');
          fourth();
          await released;
        },
        sheets: async () => undefined,
      },
      { logger, minMs: 1, maxMs: 4 },
    );
    await asking;
    const waiting = await wait.readiness();
    expect(waiting.ok).toBe(false);
    expect(waiting.detail).toMatchObject({
      waitingFor: { redis: { attempts: 3, lastError: 'Error: connect ECONNREFUSED 127.0.0.1:6379' } },
    });
    expect(JSON.stringify(waiting.detail)).not.toContain('sheets');
    release();
    await wait.done;
    expect(calls).toBe(4);
    expect(await wait.readiness()).toEqual({ ok: true });
  });

  it('stops waiting when stopped', async () => {
    const wait = waitForDependencies({ redis: () => Promise.reject(new Error('down')) }, { logger, minMs: 50 });
    wait.stop();
    await expect(wait.done).rejects.toThrow(/abort/i);
  });
});
