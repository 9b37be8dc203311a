import { setTimeout as sleep } from 'node:timers/promises';
/**
 * The bot's shared sending budget. Telegram allows about `limit` messages in any one second overall and one a second
 * per chat. Every outgoing message takes a slot: interactive replies take theirs at once (they never wait), bulk
 * messages wait for a free one, so replies always go first and bulk fills what is left.
 *
 * A slot counts from the moment it is taken until `release()` stamps when the request finished: a message is in the
 * window until a full second after Telegram surely had it, so the window Telegram sees never holds more than `limit`.
 */
export interface RateGate {
  /** Waits until a bulk message may go (global window has room, no pause in force). */
  acquireBulk(signal?: AbortSignal): Promise<Slot>;
  /** Milliseconds until `chatId` may get a bulk message (0: now; the chat is then held until released). */
  holdChat(chatId: number): Promise<number>;
  /** Takes a slot for an interactive reply without waiting. */
  takeInteractive(chatId: number): Promise<Slot>;
  /** A 429's retry_after: no bulk message goes before `ms` from now. */
  pause(ms: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * Slots of the window bulk messages leave free for replies (3% of the limit, at least one): a reply that finds the
 * window full would otherwise race a bulk message to Telegram and one of them would get a 429.
 */
export const replyReserve = (limit: number) => Math.max(1, Math.floor(limit * 0.03));

export type Slot = { release(opts?: { chatId?: number; used?: boolean }): Promise<void> };

/** Longest a waiting bulk sender sleeps before looking again (a reply or release may free room sooner). */
const MAX_POLL_MS = 50;

/** The single-replica gate: a sliding one-second window kept in this process. */
export class LocalRateGate implements RateGate {
  private readonly limit: number;
  private readonly windowMs: number;
  private readonly chatGapMs: number;
  /** Finish times of recent messages; Infinity while a request is in flight. */
  private stamps: number[] = [];
  private readonly chats = new Map<number, number>();
  private pausedUntil = 0;

  constructor(opts: { limit: number; windowMs?: number; chatGapMs?: number }) {
    this.limit = opts.limit;
    this.windowMs = opts.windowMs ?? 1000;
    this.chatGapMs = opts.chatGapMs ?? 1000;
  }

  /** Drops the stamps that left the window, in place (this runs for every message: no new array each time). */
  private occupied(now: number): number {
    const from = now - this.windowMs;
    let kept = 0;
    for (const s of this.stamps) if (s > from) this.stamps[kept++] = s;
    this.stamps.length = kept;
    return kept;
  }

  private slot(heldChat?: number): Slot {
    return {
      release: async (opts = {}) => {
        // In-flight stamps are all Infinity, so whichever is replaced is the same.
        const i = this.stamps.indexOf(Infinity);
        const now = Date.now();
        if (i >= 0) {
          if (opts.used === false) this.stamps.splice(i, 1);
          else this.stamps[i] = now;
        }
        const chatId = opts.chatId ?? heldChat;
        if (chatId !== undefined) this.chats.set(chatId, now);
      },
    };
  }

  async acquireBulk(signal?: AbortSignal): Promise<Slot> {
    for (;;) {
      const now = Date.now();
      if (signal?.aborted) throw new Error('aborted');
      const wait = this.pausedUntil - now;
      if (wait > 0) {
        await sleep(Math.min(wait, MAX_POLL_MS), undefined, { signal });
        continue;
      }
      if (this.occupied(now) < this.limit - replyReserve(this.limit)) {
        this.stamps.push(Infinity);
        return this.slot();
      }
      const oldest = Math.min(...this.stamps);
      await sleep(
        Number.isFinite(oldest) ? Math.min(MAX_POLL_MS, Math.max(1, oldest + this.windowMs - now)) : 5,
        undefined,
        { signal },
      );
    }
  }

  async holdChat(chatId: number): Promise<number> {
    const now = Date.now();
    const last = this.chats.get(chatId);
    if (last !== undefined && last > now - this.chatGapMs)
      return Number.isFinite(last) ? last + this.chatGapMs - now : this.chatGapMs;
    this.chats.set(chatId, Infinity);
    if (this.chats.size > 50_000)
      for (const [id, at] of this.chats) if (at < now - this.chatGapMs) this.chats.delete(id);
    return 0;
  }

  async takeInteractive(chatId: number): Promise<Slot> {
    this.occupied(Date.now());
    this.stamps.push(Infinity);
    this.chats.set(chatId, Infinity);
    return this.slot(chatId);
  }

  async pause(ms: number): Promise<void> {
    this.pausedUntil = Math.max(this.pausedUntil, Date.now() + ms);
  }

  async close(): Promise<void> {}
}
