import { createLogger } from '@mb/service-kit';
import { describe, expect, it } from 'vitest';
import { AnswerJobs } from './answer-jobs.ts';

const logger = createLogger('test', 'silent');
const later = <T>(ms: number, value: T) => new Promise<T>((r) => setTimeout(() => r(value), ms));

describe('AnswerJobs', () => {
  it("runs one chat's answers one after another in order, other chats alongside, and refuses past the per-chat limit", async () => {
    const jobs = new AnswerJobs({ logger, maxPerChat: 2 });
    const log: string[] = [];
    const job = (name: string, ms: number) => async () => {
      log.push(`${name}:start`);
      await later(ms, null);
      log.push(`${name}:end`);
    };
    expect(jobs.run('a', job('a1', 40))).toBe(true);
    expect(jobs.run('a', job('a2', 1))).toBe(true);
    expect(jobs.run('a', job('a3', 1))).toBe(false);
    expect(jobs.run('b', job('b1', 1))).toBe(true);
    expect(jobs.pending).toBe(3);
    await jobs.idle();
    expect(log.indexOf('a1:end')).toBeLessThan(log.indexOf('a2:start'));
    expect(log.indexOf('b1:end')).toBeLessThan(log.indexOf('a1:end'));
    expect(jobs.pending).toBe(0);
  });

  it('goes on after a job fails', async () => {
    const jobs = new AnswerJobs({ logger });
    let ran = false;
    jobs.run('a', () => Promise.reject(new Error('boom')));
    jobs.run('a', async () => {
      ran = true;
    });
    await jobs.idle();
    expect(ran).toBe(true);
  });
});
