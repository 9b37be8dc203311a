import { setTimeout as sleep } from 'node:timers/promises';
import { type Logger, retryWithBackoff } from '@mb/service-kit';
import { type Api, GrammyError, HttpError } from 'grammy';
import type { SheetsClient } from '../clients/index.ts';
import { isBlockedByUser } from '../telegram/blocked.ts';
import type { AttemptJournal } from './attempt-journal.ts';
import type { BroadcastMetrics } from './metrics.ts';
import type { RateGate } from './rate-gate.ts';
import { renderBroadcast, type Translate } from './render.ts';

/** Shutting down while sheets cannot be reached: the outcome stays unrecorded, the journal keeps its note. */
export class OutcomeNotRecordedError extends Error {
  override readonly name = 'OutcomeNotRecordedError';
  readonly broadcastId: string;
  readonly telegramId: number;
  constructor(broadcastId: string, telegramId: number) {
    super(`broadcast ${broadcastId}: outcome for one recipient not recorded before shutdown`);
    this.broadcastId = broadcastId;
    this.telegramId = telegramId;
  }
}

/** Longer than any send (30 s timeout) and its recording can take while sheets answers. */
const CLAIM_LEASE_MS = 120_000;

type Outcome = { outcome: 'sent' | 'failed' | 'blocked' | 'unknown' | 'retry'; error?: string };
/** A recipient claimed for this worker, as sheets' broadcasts.next hands it out. */
type Claimed = NonNullable<Awaited<ReturnType<SheetsClient['broadcasts']['next']['mutate']>>['next']>;

export type BroadcastSenderOptions = {
  sheets: SheetsClient;
  /** A Bot API client of its own: no auto-retry (a 429 pauses the whole sender instead) and no interactive bookkeeping. */
  api: Api;
  gate: RateGate;
  /** Stable across restarts of this replica: its unconfirmed claims are resolved at start. Lanes are `<worker>/<n>`. */
  worker: string;
  /** Which claims this replica started to send (local, durable): tells a never-tried claim from an uncertain one. */
  journal: AttemptJournal;
  botUsername: string;
  t: Translate;
  logger: Logger;
  metrics: BroadcastMetrics;
  allowPaid?: boolean;
  /** Messages in flight at once (the gate sets the pace; this only hides latency). */
  concurrency?: number;
  /** How often due scheduled broadcasts and running ones are looked for. */
  pollMs?: number;
};

/**
 * Sends running broadcasts. Each message: take a slot from the shared gate, claim one recipient in the sheets
 * service (committed there before sending), send, record the outcome. Any number of senders (replicas) may run:
 * the claim is atomic, so each recipient is claimed once. A 429 pauses every sender for retry_after; a 403 marks the
 * user blocked_bot. A claim whose outcome was lost in a crash is never sent again (see docs/scaling.md).
 */
export class BroadcastSender {
  private readonly o: Required<BroadcastSenderOptions>;
  private abort = new AbortController();
  private wakeUp = new AbortController();
  private loop?: Promise<void>;
  private stopping = false;

  constructor(opts: BroadcastSenderOptions) {
    this.o = { allowPaid: false, concurrency: 4, pollMs: 5000, ...opts };
  }

  /**
   * Resolves the claims this worker's last run left: never tried → pending again; handed to Telegram without a
   * recorded outcome → unknown (not resent). Then polls in the background.
   */
  async start(): Promise<void> {
    const { worker, journal } = this.o;
    const { unknown, released } = await this.o.sheets.broadcasts.resolveStale.mutate({
      worker,
      attempted: journal.left(worker),
    });
    journal.forget(worker);
    if (unknown + released > 0)
      this.o.logger.warn(
        { unknown, released, worker },
        'broadcast claims left by the last run resolved (unknown ones are not resent)',
      );
    this.loop = this.run();
  }

  /** Looks for work now (a broadcast.scheduled event, a staff command). */
  wake(): void {
    this.wakeUp.abort();
  }

  /** Finishes the messages in flight (and records them), then stops. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.abort.abort();
    this.wakeUp.abort();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      try {
        await this.tick();
      } catch (error) {
        this.o.logger.warn({ err: error }, 'broadcast sender: sheets unavailable, retrying');
      }
      if (this.stopping) break;
      // Woken early (wake, stop): the aborted sleep is the wake-up, not an error.
      await sleep(this.o.pollMs, undefined, { signal: this.wakeUp.signal }).catch(() => undefined);
      if (this.wakeUp.signal.aborted) this.wakeUp = new AbortController();
    }
  }

  /** Starts due scheduled broadcasts and promotion announcements, then sends every running one until no recipient is left. */
  async tick(): Promise<void> {
    await this.o.sheets.broadcasts.startDue.mutate();
    await this.o.sheets.broadcasts.announceDue.mutate();
    // Claims of a replica that never came back (a new container, a new name): unknown after the lease.
    await this.o.sheets.broadcasts.resolveStale.mutate({ leaseMs: CLAIM_LEASE_MS });
    const { ids } = await this.o.sheets.broadcasts.sending.query();
    for (const id of ids) {
      if (this.stopping) return;
      // Every lane ends before the next tick starts lanes of the same names (a lane name holds at most one claim).
      const ended = await Promise.allSettled(Array.from({ length: this.o.concurrency }, (_, n) => this.lane(id, n)));
      const failed = ended.find((r) => r.status === 'rejected');
      if (failed) throw failed.reason;
    }
  }

  /**
   * One lane: its next recipient is claimed together with recording the previous outcome (one call), before its
   * slot is taken, so a slot is held only for the Bot API call. The journal notes the attempt just before the call.
   */
  private async lane(id: string, n: number): Promise<void> {
    const { gate, journal } = this.o;
    const worker = `${this.o.worker}/${n}`;
    let claimed = await this.next(id, worker, undefined, true);
    while (claimed) {
      let slot;
      try {
        if (this.stopping) throw new Error('stopping');
        slot = await gate.acquireBulk(this.abort.signal);
      } catch {
        await this.next(id, worker, { telegramId: claimed.telegramId, outcome: 'release' }, false);
        return;
      }
      for (let wait = await gate.holdChat(claimed.telegramId); wait > 0; wait = await gate.holdChat(claimed.telegramId))
        await sleep(wait);
      const attempt = { broadcastId: id, telegramId: claimed.telegramId };
      journal.started(worker, attempt);
      const result = await this.send(claimed);
      await slot.release({ chatId: claimed.telegramId });
      this.o.metrics.messages.inc({ result: result.outcome });
      let next: Claimed | null;
      try {
        next = await this.next(id, worker, { telegramId: claimed.telegramId, ...result }, !this.stopping);
      } catch (error) {
        if (error instanceof OutcomeNotRecordedError) return; // the journal note stays: decided at the next start
        throw error;
      }
      journal.recorded(worker, attempt);
      claimed = next;
    }
  }

  /** Records an outcome and/or claims the next recipient; the call is retried until sheets has it (idempotent). */
  private async next(
    id: string,
    worker: string,
    record: ({ telegramId: number } & Outcome) | { telegramId: number; outcome: 'release' } | undefined,
    claim: boolean,
  ): Promise<Claimed | null> {
    const call = async () =>
      (await this.o.sheets.broadcasts.next.mutate({ id, worker, claim, ...(record ? { record } : {}) })).next;
    // Without an outcome to record, a failed claim simply ends this lane until the next poll.
    if (!record) return call();
    try {
      return await retryWithBackoff(call, {
        minMs: 200,
        maxMs: 5000,
        jitter: false,
        onRetry: ({ error, attempt }) => {
          if (attempt === 1)
            this.o.logger.warn({ err: error, broadcastId: id }, 'could not record a broadcast outcome; retrying');
        },
        // Shutting down with sheets unreachable: the claim stays open and the journal note decides it at the next start.
        shouldRetry: ({ attempt }) => !(this.stopping && attempt >= 3),
      });
    } catch (error) {
      if (this.stopping) throw new OutcomeNotRecordedError(id, record.telegramId);
      throw error;
    }
  }

  private async send(c: Claimed): Promise<Outcome> {
    const msg = renderBroadcast(c, { botUsername: this.o.botUsername, t: this.o.t, allowPaid: this.o.allowPaid });
    const end = this.o.metrics.sendDuration.startTimer();
    try {
      const raw = this.o.api.raw as unknown as Record<string, (payload: unknown) => Promise<unknown>>;
      await raw[msg.method]!(msg.payload);
      return { outcome: 'sent' };
    } catch (error) {
      if (error instanceof GrammyError) {
        if (error.error_code === 429) {
          const seconds = error.parameters.retry_after ?? 1;
          this.o.metrics.pauses.inc();
          this.o.metrics.pausedSeconds.inc(seconds);
          await this.o.gate.pause(seconds * 1000);
          return { outcome: 'retry', error: '429' };
        }
        if (isBlockedByUser(error, c.telegramId)) return { outcome: 'blocked', error: error.description.slice(0, 200) };
        if (error.error_code === 400 || error.error_code === 403)
          return { outcome: 'failed', error: error.description.slice(0, 200) };
      }
      // Refused before anything was sent: safe to send again. Anything else may have reached Telegram.
      const code =
        error instanceof HttpError ? (error.error as { cause?: { code?: string }; code?: string }) : undefined;
      if ((code?.cause?.code ?? code?.code) === 'ECONNREFUSED') {
        await this.o.gate.pause(1000);
        return { outcome: 'retry', error: 'connection refused' };
      }
      this.o.logger.warn({ err: error, broadcastId: c.broadcastId }, 'broadcast message outcome unknown');
      return { outcome: 'unknown', error: error instanceof Error ? error.message.slice(0, 200) : 'unknown' };
    } finally {
      end();
    }
  }
}
