import { describe, expect, it } from 'vitest';
import { LocalRateGate, replyReserve } from './rate-gate.ts';

describe('the in-process rate gate', () => {
  it('lets bulk fill the window but for the replies’ reserve; replies never wait; a full window opens as slots age out', async () => {
    const gate = new LocalRateGate({ limit: 10, windowMs: 200 });
    expect(replyReserve(10)).toBe(1);
    const slots = [];
    for (let i = 0; i < 9; i++) slots.push(await gate.acquireBulk());
    let tenth = false;
    const waiting = gate.acquireBulk().then((s) => ((tenth = true), s));
    await new Promise((r) => setTimeout(r, 20));
    expect(tenth).toBe(false);
    // A reply goes at once even with the window full.
    const reply = await gate.takeInteractive(7);
    await reply.release();
    for (const s of slots) await s.release();
    await waiting;
    expect(tenth).toBe(true);
  });

  it('holds a chat for the gap after a message to it, and a 429 pause holds every bulk message', async () => {
    const gate = new LocalRateGate({ limit: 30, chatGapMs: 300 });
    const reply = await gate.takeInteractive(5);
    expect(await gate.holdChat(5)).toBeGreaterThan(0);
    await reply.release();
    expect(await gate.holdChat(5)).toBeGreaterThan(0);
    expect(await gate.holdChat(6)).toBe(0);
    await gate.pause(150);
    let got = false;
    const next = gate.acquireBulk().then(() => (got = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(got).toBe(false);
    await next;
  });

  it('stops waiting when aborted', async () => {
    const gate = new LocalRateGate({ limit: 30 });
    await gate.pause(10_000);
    const abort = new AbortController();
    const waiting = gate.acquireBulk(abort.signal);
    abort.abort();
    await expect(waiting).rejects.toThrow(/aborted/);
  });
});
