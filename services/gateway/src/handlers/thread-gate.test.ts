import { MessageChannel } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalRateGate, type RateGate, type Slot } from '../broadcast/rate-gate.ts';
import type { FromWorker, ToWorker } from './messages.ts';
import { GateServer, ThreadRateGate } from './thread-gate.ts';

/** A gate that writes down what the main thread asked of it, in order. */
class RecordingGate implements RateGate {
  readonly log: string[] = [];
  failTakes = false;
  async acquireBulk(): Promise<Slot> {
    this.log.push('bulk');
    return this.slot('bulk');
  }
  async holdChat(chatId: number): Promise<number> {
    this.log.push(`hold ${chatId}`);
    return 0;
  }
  async takeInteractive(chatId: number): Promise<Slot> {
    if (this.failTakes) throw new Error('gate unreachable');
    this.log.push(`take ${chatId}`);
    return this.slot(`reply ${chatId}`);
  }
  async pause(ms: number): Promise<void> {
    this.log.push(`pause ${ms}`);
  }
  async close(): Promise<void> {}
  private slot(name: string): Slot {
    return {
      release: async (opts = {}) => {
        this.log.push(`release ${name}${opts.used === false ? ' unused' : ''}`);
      },
    };
  }
}

const channels: MessageChannel[] = [];
afterEach(() => {
  for (const c of channels.splice(0)) {
    c.port1.close();
    c.port2.close();
  }
});

/** A worker's gate and the main thread's server, joined by a real MessageChannel (structured clone, in order). */
function wire(gate: RateGate) {
  const channel = new MessageChannel();
  channels.push(channel);
  const worker = new ThreadRateGate(channel.port1);
  const server = new GateServer(gate, (m: ToWorker) => channel.port2.postMessage(m));
  channel.port2.on('message', (m: FromWorker) => server.handle(m));
  channel.port1.on('message', (m: ToWorker) => {
    if (m.t === 'gate-answer') worker.answer(m);
  });
  return { worker, server };
}

describe('a handler worker sending through the main thread’s gate', () => {
  it('takes an interactive slot without waiting for an answer, and the main thread counts it before what follows', async () => {
    const gate = new RecordingGate();
    const { worker } = wire(gate);
    const reply = await worker.takeInteractive(42);
    // Nothing has reached the main thread yet: the reply did not wait for it.
    expect(gate.log).toEqual([]);
    await reply.release();
    // A call that is answered is a round trip: everything posted before it has been handled by then.
    await worker.holdChat(7);
    expect(gate.log).toEqual(['take 42', 'release reply 42', 'hold 7']);
  });

  it('releases each slot once, with what the worker says of it, bulk and interactive alike', async () => {
    const gate = new RecordingGate();
    const { worker } = wire(gate);
    const bulk = await worker.acquireBulk();
    const a = await worker.takeInteractive(1);
    const b = await worker.takeInteractive(2);
    await b.release({ used: false });
    await bulk.release();
    await a.release();
    await a.release();
    await worker.pause(250);
    expect(gate.log).toEqual([
      'bulk',
      'take 1',
      'take 2',
      'release reply 2 unused',
      'release bulk',
      'release reply 1',
      'pause 250',
    ]);
  });

  it('counts what a worker that died still held as sent', async () => {
    const gate = new RecordingGate();
    const { worker, server } = wire(gate);
    await worker.takeInteractive(5);
    await worker.acquireBulk();
    server.releaseAll();
    await worker.holdChat(0);
    expect(gate.log).toEqual(['take 5', 'bulk', 'release reply 5', 'release bulk', 'hold 0']);
  });

  it('lets the reply go when the gate cannot be reached, as on one thread', async () => {
    const gate = new RecordingGate();
    gate.failTakes = true;
    const { worker } = wire(gate);
    const reply = await worker.takeInteractive(9);
    await reply.release();
    await worker.holdChat(9);
    expect(gate.log).toEqual(['hold 9']);
  });

  it('holds the chat in the real window: a bulk message to it waits while the reply is in flight and after', async () => {
    const gate = new LocalRateGate({ limit: 30, chatGapMs: 1000 });
    const { worker } = wire(gate);
    const reply = await worker.takeInteractive(42);
    // In flight: the whole gap is ahead.
    expect(await worker.holdChat(42)).toBe(1000);
    await reply.release();
    const wait = await worker.holdChat(42);
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(1000);
    // Another chat is free.
    expect(await worker.holdChat(43)).toBe(0);
  });
});
