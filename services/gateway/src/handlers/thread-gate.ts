import type { MessagePort } from 'node:worker_threads';
import type { RateGate, Slot } from '../broadcast/rate-gate.ts';
import type { FromWorker, GateCall, ToWorker } from './messages.ts';

type Port = Pick<MessagePort, 'postMessage'>;

/**
 * A handler worker's view of the main thread's sending budget: every call is a message to the main thread, which
 * owns the one gate (the sliding window of `BROADCAST_RATE_PER_SECOND`), so replies of every worker and the broadcast
 * sender count in the same window. An interactive reply never waits for room, so it does not wait for an answer
 * either: it numbers its own slot, tells the main thread it took it and sends at once; the main thread reads a
 * port's messages in order, so the take is counted before its release. Bulk sends, chat holds and pauses wait for
 * the answer.
 */
export class ThreadRateGate implements RateGate {
  private readonly port: Port;
  private next = 1;
  private readonly waiting = new Map<number, { resolve: (value: number) => void; reject: (error: Error) => void }>();

  constructor(port: Port) {
    this.port = port;
  }

  /** Feed the main thread's `gate-answer` messages here. */
  answer(message: Extract<ToWorker, { t: 'gate-answer' }>): void {
    const w = this.waiting.get(message.id);
    if (!w) return;
    this.waiting.delete(message.id);
    if (message.error !== undefined) w.reject(new Error(message.error));
    else w.resolve(message.value ?? 0);
  }

  private call(request: GateCall): Promise<number> {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.port.postMessage({ t: 'gate', id, ...request } satisfies FromWorker);
    });
  }

  private slot(id: number, heldChat?: number): Slot {
    return {
      release: async (opts = {}) => {
        const chatId = opts.chatId ?? heldChat;
        this.port.postMessage({
          t: 'gate-release',
          slot: id,
          ...(chatId !== undefined ? { chatId } : {}),
          ...(opts.used !== undefined ? { used: opts.used } : {}),
        } satisfies FromWorker);
      },
    };
  }

  async takeInteractive(chatId: number): Promise<Slot> {
    const slot = this.next++;
    this.port.postMessage({ t: 'gate-take', slot, chatId } satisfies FromWorker);
    return this.slot(slot, chatId);
  }

  async acquireBulk(): Promise<Slot> {
    return this.slot(await this.call({ op: 'acquireBulk' }));
  }

  holdChat(chatId: number): Promise<number> {
    return this.call({ op: 'holdChat', chatId });
  }

  async pause(ms: number): Promise<void> {
    await this.call({ op: 'pause', ms });
  }

  async close(): Promise<void> {
    for (const w of this.waiting.values()) w.reject(new Error('the handler worker is closing'));
    this.waiting.clear();
  }
}

/**
 * The main thread's side of one worker's gate: answers its calls from `gate` and keeps the slots it holds, so a
 * worker that dies with requests in flight still has them counted (released as used when it is gone).
 */
export class GateServer {
  private readonly gate: RateGate;
  private readonly post: (message: ToWorker) => void;
  /** Slots the worker holds, by the number it knows them by (its call's id, or its own for an interactive take). */
  private readonly slots = new Map<number, Promise<Slot | undefined>>();

  constructor(gate: RateGate, post: (message: ToWorker) => void) {
    this.gate = gate;
    this.post = post;
  }

  /** Handles a `gate`, `gate-take` or `gate-release` message; false for any other message. */
  handle(message: FromWorker): boolean {
    if (message.t === 'gate-release') {
      const slot = this.slots.get(message.slot);
      this.slots.delete(message.slot);
      const opts = {
        ...(message.chatId !== undefined ? { chatId: message.chatId } : {}),
        ...(message.used !== undefined ? { used: message.used } : {}),
      };
      void slot?.then((s) => s?.release(opts)).catch(() => undefined);
      return true;
    }
    if (message.t === 'gate-take') {
      // As on one thread (broadcast/priority.ts): a gate that cannot be reached does not hold the reply back.
      this.slots.set(
        message.slot,
        this.gate.takeInteractive(message.chatId).catch(() => undefined),
      );
      return true;
    }
    if (message.t !== 'gate') return false;
    const { id } = message;
    const keep = (slot: Slot) => {
      this.slots.set(id, Promise.resolve(slot));
      return id;
    };
    const work =
      message.op === 'pause'
        ? this.gate.pause(message.ms).then(() => 0)
        : message.op === 'holdChat'
          ? this.gate.holdChat(message.chatId)
          : this.gate.acquireBulk().then(keep);
    work.then(
      (value) => this.post({ t: 'gate-answer', id, value }),
      (error: unknown) => this.post({ t: 'gate-answer', id, error: String(error) }),
    );
    return true;
  }

  /** The worker is gone: what it held counts as sent now (the request may have reached Telegram). */
  releaseAll(): void {
    for (const slot of this.slots.values()) void slot.then((s) => s?.release()).catch(() => undefined);
    this.slots.clear();
  }
}
