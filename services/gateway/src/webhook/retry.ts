import { retryWithBackoff, ServiceCallError } from '@mb/service-kit';
import { TRPCClientError } from '@trpc/client';
import { BotError } from 'grammy';
import type { Update } from 'grammy/types';

/** tRPC codes that mean "the peer is in trouble, ask again later", not "your input is wrong". */
const TRANSIENT_CODES = new Set(['TIMEOUT', 'SERVICE_UNAVAILABLE', 'BAD_GATEWAY', 'GATEWAY_TIMEOUT', 'UNAVAILABLE']);

/**
 * A dependency (sheets, the assistant) could not answer: unreachable, stalled past the call's timeout, or answering
 * "unavailable". Such an update is kept and handled again later. A handler's own bug (a TypeError), a refusal
 * (BAD_REQUEST, NOT_FOUND, CONFLICT) and a Bot API error are not: retrying would only repeat them.
 */
export function isDependencyError(error: unknown): boolean {
  let e = error;
  for (let depth = 0; depth < 5 && e; depth++) {
    if (e instanceof BotError) {
      e = e.error;
      continue;
    }
    if (e instanceof ServiceCallError) return TRANSIENT_CODES.has(e.code);
    if (e instanceof TRPCClientError) {
      const code = (e.data as { code?: string } | undefined)?.code;
      // No code: the request never got a tRPC answer (refused, reset, timed out, an HTML 502 of a proxy).
      return code === undefined || TRANSIENT_CODES.has(code);
    }
    return false;
  }
  return false;
}

/**
 * `.catch(nullUnlessUnavailable)` on a call whose "no such thing" answer is an error: null when sheets answered, the
 * error again when it could not answer, so the update (or change event) is kept and retried, not taken for "not found".
 */
export function nullUnlessUnavailable(error: unknown): null {
  if (isDependencyError(error)) throw error;
  return null;
}

/** The error a handler failed with, without grammY's context wrapper (never log the context: it holds the token). */
export function rootError(error: unknown): unknown {
  return error instanceof BotError ? rootError(error.error) : error;
}

export type RetryPolicy = {
  /** First pause after a dependency error; doubled each time (default 1 s). */
  firstMs: number;
  /** Longest pause (default 15 s). */
  maxPauseMs: number;
  /** The user is told "we received it, one moment" once the update has waited this long (default 4 s). */
  noticeAfterMs: number;
  /** Given up this long after the first attempt: counted, logged and told to the user (default 10 min). */
  giveUpAfterMs: number;
};

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  firstMs: 1000,
  maxPauseMs: 15_000,
  noticeAfterMs: 4000,
  giveUpAfterMs: 600_000,
};

/** Thrown instead of waiting once the retrier is stopped (shutdown): the update stays in the inbox, not handled. */
export class RetryStoppedError extends Error {
  override readonly name = 'RetryStoppedError';
  constructor() {
    super('stopped while an update waited for a retry; it stays in the inbox');
  }
}

export type UpdateRetrierOptions = {
  /** Handles one update; rejects with a dependency error (see isDependencyError) to be retried. */
  handle: (update: Update) => Promise<void>;
  policy?: Partial<RetryPolicy>;
  /** The update waits: tell the user once (`waiting`); given up: tell them (`failed`). Errors here are swallowed. */
  notify: (update: Update, what: 'waiting' | 'failed') => Promise<void>;
  /** Each retry scheduled, and the final give-up (count and log these; `error` is the root error, never a context). */
  onRetry: (update: Update, error: unknown, attempt: number, pauseMs: number) => void;
  onGiveUp: (update: Update, error: unknown, attempts: number) => void;
};

/**
 * "An acknowledged update is handled or kept": wraps the update handler so that a dependency error does not finish the
 * update. The same update is handled again after a pause that doubles (per chat: the caller runs one update of a chat
 * at a time, so the chat's later updates wait behind it while other chats go on). After `noticeAfterMs` the user gets
 * one "we received it, one moment"; after `giveUpAfterMs` the update is given up: counted, logged, and the user told.
 * `stop()` ends every wait at once with RetryStoppedError, so a shutdown leaves the update unhandled in the inbox.
 * Used by the in-process dispatcher and by the Redis stream consumer alike (docs/bot.md, "When a service stalls").
 */
export class UpdateRetrier {
  private readonly opts: UpdateRetrierOptions;
  readonly policy: RetryPolicy;
  private readonly stopping = new AbortController();
  private paused = 0;

  constructor(opts: UpdateRetrierOptions) {
    this.opts = opts;
    this.policy = { ...DEFAULT_RETRY_POLICY, ...opts.policy };
  }

  /** Updates waiting for a retry now. */
  get waiting(): number {
    return this.paused;
  }

  readonly handle = async (update: Update): Promise<void> => {
    const started = Date.now();
    let noticed = false;
    let pausing = false;
    let handled = false;
    let gaveUp: { error: unknown; attempts: number } | undefined;
    const setPausing = (on: boolean) => {
      if (on !== pausing) this.paused += on ? 1 : -1;
      pausing = on;
    };
    try {
      await retryWithBackoff(
        async () => {
          setPausing(false);
          await this.opts.handle(update);
          handled = true;
        },
        {
          minMs: this.policy.firstMs,
          maxMs: this.policy.maxPauseMs,
          jitter: false,
          signal: this.stopping.signal,
          shouldRetry: ({ error, attempt, delayMs }) => {
            if (!isDependencyError(error)) return false;
            if (Date.now() - started + delayMs <= this.policy.giveUpAfterMs) return true;
            gaveUp = { error, attempts: attempt };
            return false;
          },
          onRetry: async ({ error, attempt, delayMs }) => {
            this.opts.onRetry(update, rootError(error), attempt, delayMs);
            if (!noticed && Date.now() - started + delayMs >= this.policy.noticeAfterMs) {
              noticed = true;
              await this.opts.notify(update, 'waiting').catch(() => undefined);
            }
            setPausing(true);
          },
        },
      );
    } catch (error) {
      setPausing(false);
      // Handled while a stop came: it is done (p-retry reports the stop even after a success).
      if (handled) return;
      if (!gaveUp || error instanceof RetryStoppedError) throw error;
      this.opts.onGiveUp(update, rootError(gaveUp.error), gaveUp.attempts);
      await this.opts.notify(update, 'failed').catch(() => undefined);
    }
  };

  /** Ends every wait now (and refuses new attempts): the updates stay in the inbox for the next start. */
  stop(): void {
    this.stopping.abort(new RetryStoppedError());
  }
}

/**
 * The private chat an update came from and the language to tell its user something in (from Telegram's
 * language_code, as the bot's negotiator does when the account cannot be read), or undefined (groups, channels).
 */
export function privateChatOf(update: Update): { id: number; locale: 'ru' | 'en' } | undefined {
  const message = update.message ?? update.edited_message ?? update.callback_query?.message;
  const from = update.message?.from ?? update.edited_message?.from ?? update.callback_query?.from;
  if (message?.chat.type !== 'private' || !from) return undefined;
  const code = from.language_code ?? 'ru';
  const ru = ['ru', 'uk', 'be', 'kk'].some((prefix) => code.startsWith(prefix));
  return { id: message.chat.id, locale: ru ? 'ru' : 'en' };
}
