import type { Logger } from '@mb/service-kit';
import type { Api } from 'grammy';
import { Counter, Gauge, type Registry } from 'prom-client';

export type WebhookInfoPollerOptions = {
  /** The bot's API: the real Bot API, a double, or the sandbox (its transformer answers getWebhookInfo). */
  api: Pick<Api, 'getWebhookInfo'>;
  registry: Registry;
  logger: Logger;
  /** How often Telegram is asked; getWebhookInfo is cheap but counts against nothing useful, so not too often. */
  intervalMs?: number;
};

/**
 * Polls `getWebhookInfo` and exports what only Telegram knows: how many updates wait for us
 * (`gateway_telegram_pending_updates`) and when Telegram last failed to deliver one
 * (`gateway_telegram_last_error_timestamp_seconds`, 0 = never). A new delivery error is logged once, without the URL.
 */
export function createWebhookInfoPoller(opts: WebhookInfoPollerOptions) {
  const registers = [opts.registry];
  const gauge = (name: string, help: string) => new Gauge({ name, help, registers });
  const pending = gauge(
    'gateway_telegram_pending_updates',
    'Updates Telegram holds for the webhook, from getWebhookInfo.',
  );
  const lastError = gauge(
    'gateway_telegram_last_error_timestamp_seconds',
    'Unix time of the last webhook delivery error Telegram reports (0 = none), from getWebhookInfo.',
  );
  const lastSuccess = gauge(
    'gateway_telegram_webhook_info_last_success_timestamp_seconds',
    'Unix time of the last successful getWebhookInfo poll (0 = never).',
  );
  const failures = new Counter({
    name: 'gateway_telegram_webhook_info_errors_total',
    help: 'getWebhookInfo polls that failed.',
    registers,
  });
  let seenErrorDate = 0;
  let timer: NodeJS.Timeout | undefined;

  /** One poll; never throws (a failure is counted and logged). */
  const poll = async (): Promise<void> => {
    try {
      const info = await opts.api.getWebhookInfo();
      pending.set(info.pending_update_count);
      const errorDate = info.last_error_date ?? 0;
      lastError.set(errorDate);
      lastSuccess.set(Math.floor(Date.now() / 1000));
      if (errorDate > seenErrorDate) {
        // The message is Telegram's ("Wrong response from the webhook: 502 Bad Gateway"); it never holds user data.
        if (seenErrorDate > 0 || Date.now() / 1000 - errorDate < 3600) {
          opts.logger.warn(
            { lastErrorDate: errorDate, lastErrorMessage: info.last_error_message, pending: info.pending_update_count },
            'Telegram reports a webhook delivery error',
          );
        }
        seenErrorDate = errorDate;
      }
    } catch (error) {
      failures.inc();
      // The message only: a network error's cause may carry the request URL, which holds the token.
      opts.logger.warn({ error: error instanceof Error ? error.message : String(error) }, 'getWebhookInfo failed');
    }
  };

  const start = (): void => {
    if (timer) return;
    void poll();
    timer = setInterval(() => void poll(), opts.intervalMs ?? 30_000);
    timer.unref();
  };
  const stop = (): void => {
    if (timer) clearInterval(timer);
    timer = undefined;
  };
  return { poll, start, stop };
}
