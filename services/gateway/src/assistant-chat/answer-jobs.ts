import type { Logger } from '@mb/service-kit';

/**
 * Assistant answers run here, outside the webhook dispatcher: a model may stream for many seconds, and inside the
 * dispatcher that would hold every later update of the chat (a button press, /reset) behind it. Each chat has its own
 * chain, so its answers still come one after another, in the order asked; at most `maxPerChat` wait per chat.
 * An answer that was running when the process died is not resumed (the question was acknowledged; the user asks again).
 */
export class AnswerJobs {
  private readonly chains = new Map<string, { tail: Promise<void>; size: number }>();
  private readonly logger: Logger;
  private readonly maxPerChat: number;

  constructor(opts: { logger: Logger; maxPerChat?: number }) {
    this.logger = opts.logger;
    this.maxPerChat = opts.maxPerChat ?? 3;
  }

  /** Queues `job` behind the chat's earlier answers; false (nothing queued) when the chat already has `maxPerChat`. */
  run(chatKey: string, job: () => Promise<void>): boolean {
    const chain = this.chains.get(chatKey) ?? { tail: Promise.resolve(), size: 0 };
    if (chain.size >= this.maxPerChat) return false;
    chain.size++;
    chain.tail = chain.tail
      .then(job)
      .catch((error: unknown) => this.logger.error({ err: error }, 'assistant answer failed'))
      .finally(() => {
        chain.size--;
        if (chain.size === 0) this.chains.delete(chatKey);
      });
    this.chains.set(chatKey, chain);
    return true;
  }

  /** Answers running or waiting, over all chats. */
  get pending(): number {
    let n = 0;
    for (const chain of this.chains.values()) n += chain.size;
    return n;
  }

  /** Resolves when every queued answer has finished (graceful shutdown, tests). */
  async idle(): Promise<void> {
    while (this.chains.size > 0) await Promise.allSettled([...this.chains.values()].map((c) => c.tail));
  }
}
