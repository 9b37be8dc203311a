import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OpenAiDouble } from '@mb/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness, streamAnswer } from './harness.ts';

/** A redis-server of this test's own, on a Unix socket in a temp dir (no TCP port), killed by PID at the end. */
let redis: ChildProcess;
let dir: string;
let socket: string;
let h: Harness;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mb-redis-'));
  socket = join(dir, 'redis.sock');
  redis = spawn('redis-server', ['--port', '0', '--unixsocket', socket, '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  for (let i = 0; i < 100 && !existsSync(socket); i++) await new Promise((r) => setTimeout(r, 50));
  h = await startHarness({ assistant: { redisUrl: socket } });
});
afterAll(async () => {
  await h.close();
  if (redis.exitCode === null && redis.signalCode === null) process.kill(redis.pid!, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('memory and quotas in Redis', () => {
  it('keeps the conversation across a restart of the assistant, per user, until /reset', async () => {
    h.model.next({ kind: 'text', text: 'Доставка стоит 390 ₽ [faq-3].' });
    await streamAnswer(h.client(), { telegramId: 801, question: 'Сколько стоит доставка?' });
    await h.restartAssistant({ redisUrl: socket, dbPath: ':memory:' });
    h.model.next({ kind: 'text', text: 'Обычно 2–5 рабочих дней [faq-4].' });
    await streamAnswer(h.client(), { telegramId: 801, question: 'а сколько идёт?' });
    expect(OpenAiDouble.promptOf(h.model.requests.at(-1)!)).toContain('Доставка стоит 390 ₽.');
    expect((await h.client().transcript.query({ telegramId: 801 })).map((t) => t.role)).toEqual([
      'user',
      'assistant',
      'user',
      'assistant',
    ]);
    expect(await h.client().transcript.query({ telegramId: 802 })).toEqual([]);
    expect(await h.client().reset.mutate({ telegramId: 801 })).toEqual({ forgotten: 4 });
    expect(await h.client().transcript.query({ telegramId: 801 })).toEqual([]);
  });

  it('lets Redis expire an idle conversation and keeps only the last turns', async () => {
    await h.restartAssistant({ redisUrl: socket, memoryTurns: 2, memoryIdleMs: 300 });
    for (const question of ['Сколько стоит доставка?', 'Как вернуть товар?']) {
      h.model.next({ kind: 'text', text: 'Ответ [faq-3].' });
      await streamAnswer(h.client(), { telegramId: 803, question });
    }
    expect((await h.client().transcript.query({ telegramId: 803 })).map((t) => t.text)).toEqual([
      'Как вернуть товар?',
      'Ответ.',
    ]);
    // Redis's own clock expires the key: wait for that, not for a fixed time.
    await expect.poll(() => h.client().transcript.query({ telegramId: 803 }), { timeout: 5000 }).toEqual([]);
  });

  it('counts the daily quota and the token budget across replicas', async () => {
    h.sheets.wb.update('Settings', 'assistant_daily_quota', { value: '1' }, { outbox: false });
    h.model.respond(() => ({ kind: 'text', text: 'Доставка стоит 390 ₽ [faq-3].', usage: { input: 50, output: 5 } }));
    expect(
      (await streamAnswer(h.client(), { telegramId: 804, question: 'Сколько стоит доставка?' })).result.outcome,
    ).toBe('llm');
    await h.restartAssistant({ redisUrl: socket, dbPath: ':memory:' });
    expect(
      (await streamAnswer(h.client(), { telegramId: 804, question: 'Сколько стоит доставка?' })).result.outcome,
    ).toBe('quota');
    expect(await h.assistant.usage.tokensToday()).toBeGreaterThanOrEqual(55);
    h.sheets.wb.update('Settings', 'assistant_daily_quota', { value: '30' }, { outbox: false });
  });

  it('answers without memory or quota when Redis is gone', async () => {
    process.kill(redis.pid!, 'SIGKILL');
    await new Promise((r) => redis.once('exit', r));
    h.model.next({ kind: 'text', text: 'Доставка стоит 390 ₽ [faq-3].' });
    const { result } = await streamAnswer(h.client(), { telegramId: 805, question: 'Сколько стоит доставка?' });
    expect(result).toMatchObject({ outcome: 'llm', answered: true });
    await expect(h.client().reset.mutate({ telegramId: 805 })).rejects.toThrow();
  });
});
