import type { Update } from 'grammy/types';

/** The chat an update belongs to: updates of one chat are handled strictly in order. */
export function chatKeyOf(update: Update): string {
  const u = update as unknown as Record<
    string,
    | { chat?: { id: number }; from?: { id: number }; message?: { chat?: { id: number } }; user?: { id: number } }
    | undefined
  >;
  for (const value of Object.values(u)) {
    if (value && typeof value === 'object') {
      const id = value.chat?.id ?? value.message?.chat?.id ?? value.from?.id ?? value.user?.id;
      if (id !== undefined) return String(id);
    }
  }
  return 'none';
}

/** What the webhook and the resume step hand accepted updates to, and what shutdown and tests wait on. */
export interface UpdateHandling {
  push(update: Update): void;
  idle(): Promise<void>;
  /** Updates acknowledged and not yet handled that this process knows of. */
  readonly queued: number;
  readonly inFlight: number;
}

export type DispatcherOptions = {
  /** Handlers running at once (different chats); the rest wait in their chat's queue. */
  maxConcurrent?: number;
  /**
   * Updates held in memory at most. Beyond that, accepted updates stay only in the durable inbox (their ids in a
   * list, in arrival order) and are loaded back with `load` as the queue drains, so an overload never grows memory
   * without bound and no update is lost or reordered.
   */
  maxQueued?: number;
  /** Loads spilled updates by id from the inbox, in the order given (missing ones are skipped). */
  load?: (ids: number[]) => Promise<Update[]> | Update[];
  onLoadError?: (error: unknown) => void;
};

/**
 * Runs a handler for each update after the webhook has answered: one chat's updates one at a time, in arrival order;
 * different chats concurrently (up to `maxConcurrent` handlers at once, the rest wait in their chat's queue).
 */
export class ChatDispatcher implements UpdateHandling {
  private readonly chains = new Map<string, Update[]>();
  private readonly handle: (update: Update) => Promise<void>;
  private readonly maxConcurrent: number;
  private readonly maxQueued: number;
  private readonly load: DispatcherOptions['load'];
  private readonly onLoadError: (error: unknown) => void;
  private running = 0;
  private size = 0;
  private readonly ready: string[] = [];
  /** Ids of accepted updates left in the inbox while the memory queue is full, oldest first. */
  private spill: number[] = [];
  private loading = false;
  private idleWaiters: Array<() => void> = [];

  constructor(handle: (update: Update) => Promise<void>, opts: DispatcherOptions | number = {}) {
    const o = typeof opts === 'number' ? { maxConcurrent: opts } : opts;
    this.handle = handle;
    this.maxConcurrent = o.maxConcurrent ?? 256;
    this.maxQueued = o.maxQueued ?? Number.POSITIVE_INFINITY;
    this.load = o.load;
    this.onLoadError = o.onLoadError ?? (() => undefined);
  }

  get inFlight(): number {
    return this.running;
  }

  /** Updates acknowledged and not yet handled: in memory, in handlers, and left in the inbox. */
  get queued(): number {
    return this.size + this.spill.length;
  }

  /** Updates held in memory right now (never more than `maxQueued`). */
  get inMemory(): number {
    return this.size;
  }

  push(update: Update): void {
    // Once anything is spilled, later updates queue behind it, so every chat keeps its order.
    if (this.load && (this.spill.length > 0 || this.loading || this.size >= this.maxQueued)) {
      this.spill.push(update.update_id);
      return;
    }
    this.enqueue(update);
  }

  private enqueue(update: Update): void {
    this.size++;
    const key = chatKeyOf(update);
    const queue = this.chains.get(key);
    if (queue) {
      queue.push(update);
      return;
    }
    this.chains.set(key, [update]);
    this.ready.push(key);
    this.pump();
  }

  private pump(): void {
    while (this.running < this.maxConcurrent && this.ready.length > 0) {
      const key = this.ready.shift()!;
      this.running++;
      void this.drain(key);
    }
  }

  private async drain(key: string): Promise<void> {
    const queue = this.chains.get(key)!;
    while (queue.length > 0) {
      const update = queue[0]!;
      try {
        await this.handle(update);
      } catch {
        // The handler reports its own errors; the chat's queue goes on.
      }
      queue.shift();
      this.size--;
      this.refill();
    }
    this.chains.delete(key);
    this.running--;
    this.pump();
    this.notifyIdle();
  }

  /** Brings spilled updates back from the inbox once the memory queue is half empty. */
  private refill(): void {
    if (!this.load || this.loading || this.spill.length === 0 || this.size > this.maxQueued / 2) return;
    this.loading = true;
    const ids = this.spill.slice(0, Math.max(1, Math.ceil(this.maxQueued / 2)));
    void Promise.resolve()
      .then(() => this.load!(ids))
      .then(
        (updates) => {
          this.spill.splice(0, ids.length);
          this.loading = false;
          for (const update of updates) this.enqueue(update);
          this.refill();
          this.notifyIdle();
        },
        (error: unknown) => {
          this.onLoadError(error);
          // Keep the ids and try again shortly; nothing is lost, the inbox still holds the bodies.
          setTimeout(() => {
            this.loading = false;
            this.refill();
          }, 1000).unref();
        },
      );
  }

  private notifyIdle(): void {
    if (this.running === 0 && this.ready.length === 0 && this.spill.length === 0 && !this.loading) {
      for (const resolve of this.idleWaiters) resolve();
      this.idleWaiters = [];
    }
  }

  /** Resolves when every accepted update has been handled (graceful shutdown, tests). */
  idle(): Promise<void> {
    if (this.running === 0 && this.ready.length === 0 && this.spill.length === 0 && !this.loading)
      return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}
