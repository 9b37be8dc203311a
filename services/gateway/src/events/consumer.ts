import { ChangeEventPayloads, type ChangeEventType } from '@mb/contracts';
import type { Logger } from '@mb/service-kit';
import { Counter, type Registry } from 'prom-client';
import type { SheetsClient } from '../clients/index.ts';
import type { EventDeps, EventHandler, EventHandlers } from './types.ts';

type PulledEvent = { seq: number; type: string; payload: Record<string, unknown> };

export type EventConsumerOptions = {
  sheets: SheetsClient;
  handlers: EventHandlers;
  deps: EventDeps;
  logger: Logger;
  registry: Registry;
  /** The cursor's name in sheets; every replica that shares it shares the feed (see docs/bot.md). */
  consumer?: string;
  batch?: number;
  /** Wait between pulls when the feed is empty. */
  idleMs?: number;
  /** Longest wait between pulls while sheets is unreachable. */
  maxBackoffMs?: number;
  /** Attempts per event before it is logged and skipped (one bad event must not stop the feed). */
  attempts?: number;
};

/**
 * Pulls sheets' change events (`events.pull`), runs the handler registered for each type, then acknowledges it
 * (`events.ack`): at-least-once, in order. Backs off while sheets is down; `stop()` finishes the event in hand.
 */
export class EventConsumer {
  private readonly o: Required<Omit<EventConsumerOptions, 'registry'>>;
  private readonly handled: Counter<'type' | 'result'>;
  private readonly pullFailures: Counter;
  private running?: Promise<void>;
  private stopped = false;
  private wakeUp?: () => void;

  constructor(opts: EventConsumerOptions) {
    this.o = { consumer: 'gateway', batch: 100, idleMs: 1000, maxBackoffMs: 30_000, attempts: 3, ...opts };
    this.handled = new Counter({
      name: 'gateway_events_total',
      help: 'Change events from sheets by type and result (ok, failed, invalid, unhandled).',
      labelNames: ['type', 'result'],
      registers: [opts.registry],
    });
    this.pullFailures = new Counter({
      name: 'gateway_events_pull_failures_total',
      help: 'Failed pulls of the change-event feed.',
      registers: [opts.registry],
    });
  }

  start(): void {
    this.stopped = false;
    this.running ??= this.loop().finally(() => (this.running = undefined));
  }

  /** Stops after the event in hand; resolves when the loop has ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeUp?.();
    await this.running;
  }

  /** Pulls now instead of after the idle wait (e.g. right after the bot caused an event). */
  wake(): void {
    this.wakeUp?.();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done() {
        clearTimeout(timer);
        self.wakeUp = undefined;
        resolve();
      }
      this.wakeUp = done;
    });
  }

  private async loop(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      let events: PulledEvent[];
      try {
        ({ events } = await this.o.sheets.events.pull.query({ consumer: this.o.consumer, limit: this.o.batch }));
        failures = 0;
      } catch (error) {
        failures++;
        this.pullFailures.inc();
        const wait = Math.min(this.o.maxBackoffMs, 250 * 2 ** failures);
        this.o.logger.warn({ err: error, retryInMs: wait }, 'change events: sheets unreachable, backing off');
        await this.sleep(wait);
        continue;
      }
      if (events.length === 0) {
        await this.sleep(this.o.idleMs);
        continue;
      }
      for (const event of events) {
        if (this.stopped || !(await this.dispatch(event))) return;
        try {
          await this.o.sheets.events.ack.mutate({ consumer: this.o.consumer, seq: event.seq });
        } catch (error) {
          // Not acknowledged: the event comes again with the next pull (handlers are idempotent).
          this.o.logger.warn({ err: error, seq: event.seq }, 'change events: ack failed');
          break;
        }
      }
    }
  }

  /** False when stopped before the event was handled (it stays unacknowledged for the next start). */
  private async dispatch(event: PulledEvent): Promise<boolean> {
    const type = event.type as ChangeEventType;
    const handler = this.o.handlers[type] as EventHandler<ChangeEventType> | undefined;
    const schema = ChangeEventPayloads[type];
    if (!handler || !schema) {
      this.handled.inc({ type: schema ? type : 'unknown', result: 'unhandled' });
      return true;
    }
    const parsed = schema.safeParse(event.payload);
    if (!parsed.success) {
      this.handled.inc({ type, result: 'invalid' });
      this.o.logger.error(
        { seq: event.seq, type, problem: parsed.error.message },
        'change events: payload does not match the catalogue',
      );
      return true;
    }
    for (let attempt = 1; ; attempt++) {
      try {
        await handler(parsed.data as never, this.o.deps);
        this.handled.inc({ type, result: 'ok' });
        return true;
      } catch (error) {
        if (this.stopped) return false;
        if (attempt >= this.o.attempts) {
          this.handled.inc({ type, result: 'failed' });
          this.o.logger.error(
            { err: error, seq: event.seq, type, attempts: attempt },
            'change events: handler failed; skipping the event',
          );
          return true;
        }
        await this.sleep(500 * 2 ** (attempt - 1));
      }
    }
  }
}
