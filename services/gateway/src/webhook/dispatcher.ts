import type { Update } from 'grammy/types';

/** The chat an update belongs to: updates of one chat are handled strictly in order. */
export function chatKeyOf(update: Update): string {
  const u = update as unknown as Record<string, { chat?: { id: number }; from?: { id: number }; message?: { chat?: { id: number } }; user?: { id: number } } | undefined>;
  for (const value of Object.values(u)) {
    if (value && typeof value === 'object') {
      const id = value.chat?.id ?? value.message?.chat?.id ?? value.from?.id ?? value.user?.id;
      if (id !== undefined) return String(id);
    }
  }
  return 'none';
}

/**
 * Runs a handler for each update after the webhook has answered: one chat's updates one at a time, in arrival order;
 * different chats concurrently (up to `maxConcurrent` handlers at once, the rest wait in their chat's queue).
 */
export class ChatDispatcher {
  private readonly chains = new Map<string, Update[]>();
  private readonly handle: (update: Update) => Promise<void>;
  private readonly maxConcurrent: number;
  private running = 0;
  private readonly ready: string[] = [];
  private idleWaiters: Array<() => void> = [];

  constructor(handle: (update: Update) => Promise<void>, maxConcurrent = 256) {
    this.handle = handle;
    this.maxConcurrent = maxConcurrent;
  }

  get inFlight(): number {
    return this.running;
  }

  get queued(): number {
    let n = 0;
    for (const q of this.chains.values()) n += q.length;
    return n;
  }

  push(update: Update): void {
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
    }
    this.chains.delete(key);
    this.running--;
    this.pump();
    if (this.running === 0 && this.ready.length === 0) {
      for (const resolve of this.idleWaiters) resolve();
      this.idleWaiters = [];
    }
  }

  /** Resolves when every accepted update has been handled (graceful shutdown, tests). */
  idle(): Promise<void> {
    if (this.running === 0 && this.ready.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}
