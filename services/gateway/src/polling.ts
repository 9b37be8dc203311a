import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@mb/service-kit';
import type { Api } from 'grammy';
import { GrammyError } from 'grammy';
import { ALLOWED_UPDATES } from './telegram/allowed-updates.ts';
import type { UpdateHandling } from './webhook/dispatcher.ts';
import type { UpdateInbox } from './webhook/inbox.ts';

export class WebhookIsSetError extends Error {
  override readonly name = 'WebhookIsSetError';
  readonly url: string;
  constructor(url: string) {
    super(
      `A webhook is set for this bot (${new URL(url).origin}/…): Telegram delivers updates there, and long polling would ` +
        'fight it. Remove it first with `npm run webhook -- delete`, or run without GATEWAY_MODE=polling.',
    );
    this.url = url;
  }
}

/**
 * Development mode: long polling instead of the webhook, for a bot token on a laptop without a public URL. Refuses to
 * start while a webhook is set (production keeps its webhook and never calls getUpdates). Updates go through the same
 * inbox (dedupe) and per-chat dispatcher as the webhook's.
 */
export async function startPolling(opts: {
  api: Api;
  inbox: UpdateInbox;
  dispatcher: Pick<UpdateHandling, 'push'>;
  logger: Logger;
  timeoutSeconds?: number;
}) {
  const info = await opts.api.getWebhookInfo();
  if (info.url) throw new WebhookIsSetError(info.url);
  const abort = new AbortController();
  let offset = 0;
  const loop = async () => {
    let failures = 0;
    while (!abort.signal.aborted) {
      try {
        const updates = await opts.api.getUpdates(
          { offset, timeout: opts.timeoutSeconds ?? 25, allowed_updates: [...ALLOWED_UPDATES] },
          abort.signal as Parameters<Api['getUpdates']>[1],
        );
        failures = 0;
        for (const update of updates) {
          offset = update.update_id + 1;
          if (await opts.inbox.accept(update)) opts.dispatcher.push(update);
        }
      } catch (error) {
        if (abort.signal.aborted) return;
        if (error instanceof GrammyError && error.error_code === 409) {
          opts.logger.error('another getUpdates or a webhook took over this bot; polling stops');
          return;
        }
        failures++;
        opts.logger.warn({ err: error }, 'getUpdates failed; retrying');
        await sleep(Math.min(30_000, 500 * 2 ** failures));
      }
    }
  };
  const running = loop();
  return {
    stop: async () => {
      abort.abort();
      await running;
    },
  };
}
