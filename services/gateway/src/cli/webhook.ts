/**
 * `npm run webhook -- set [--drop-pending-updates] [--max-connections N] | info | delete [--drop-pending-updates]`
 * Registers the gateway's webhook with Telegram (with the secret token and the update types the bot uses), shows
 * what Telegram knows about it, or removes it. Reads the gateway's environment (TELEGRAM_BOT_TOKEN, …).
 */

import { EnvError } from '@mb/service-kit';
import { Api } from 'grammy';
import type { WebhookInfo } from 'grammy/types';
import { readEnv } from '../env.ts';
import { ALLOWED_UPDATES } from '../telegram/allowed-updates.ts';

export const USAGE =
  'usage: npm run webhook -- set [--drop-pending-updates] [--max-connections N] | info | delete [--drop-pending-updates]';

export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}

const when = (unix?: number) =>
  unix ? `${new Date(unix * 1000).toISOString()} (${Math.round(Date.now() / 1000 - unix)} s ago)` : 'never';

/** getWebhookInfo as lines a person reads. */
export function formatWebhookInfo(info: WebhookInfo): string {
  return [
    `url:                  ${info.url || '(none: no webhook is set)'}`,
    `pending updates:      ${info.pending_update_count}`,
    `last error:           ${info.last_error_date ? `${when(info.last_error_date)}: ${info.last_error_message ?? ''}` : 'none'}`,
    `last sync error:      ${when(info.last_synchronization_error_date)}`,
    `max connections:      ${info.max_connections ?? '(default 40)'}`,
    `allowed updates:      ${info.allowed_updates?.join(', ') ?? '(all but chat_member and reactions)'}`,
    `ip address:           ${info.ip_address ?? '—'}`,
    `custom certificate:   ${info.has_custom_certificate ? 'yes' : 'no'}`,
  ].join('\n');
}

export async function runWebhookCli(
  argv: string[],
  source: Record<string, string | undefined>,
  print: (line: string) => void,
): Promise<void> {
  const [command, ...flags] = argv;
  // The CLI talks to Telegram only: it needs no INTERNAL_TOKEN, and never starts the sandbox.
  const env = readEnv(source, { serve: false });
  if (!env.TELEGRAM_BOT_TOKEN)
    throw new CliUsageError(
      'TELEGRAM_BOT_TOKEN is not set: there is no bot to configure (sandbox mode needs no webhook).',
    );
  const api = new Api(env.TELEGRAM_BOT_TOKEN, { apiRoot: env.TELEGRAM_API_ROOT });
  const drop = flags.includes('--drop-pending-updates');
  const unknown = flags.filter(
    (f, i) =>
      f.startsWith('--') &&
      !['--drop-pending-updates', '--max-connections'].includes(f) &&
      flags[i - 1] !== '--max-connections',
  );
  if (unknown.length > 0) throw new CliUsageError(`unknown option ${unknown.join(', ')}\n${USAGE}`);
  switch (command) {
    case 'set': {
      const url = `${env.PUBLIC_URL.replace(/\/$/, '')}/telegram/webhook`;
      if (!url.startsWith('https://') && env.TELEGRAM_API_ROOT === 'https://api.telegram.org') {
        throw new CliUsageError(`Telegram only calls HTTPS webhooks; PUBLIC_URL is ${env.PUBLIC_URL}`);
      }
      const mcIndex = flags.indexOf('--max-connections');
      const maxConnections = mcIndex >= 0 ? Number(flags[mcIndex + 1]) : undefined;
      if (
        maxConnections !== undefined &&
        !(Number.isInteger(maxConnections) && maxConnections >= 1 && maxConnections <= 100)
      ) {
        throw new CliUsageError('--max-connections takes a whole number from 1 to 100');
      }
      await api.setWebhook(url, {
        secret_token: env.TELEGRAM_WEBHOOK_SECRET!,
        allowed_updates: [...ALLOWED_UPDATES],
        drop_pending_updates: drop,
        ...(maxConnections !== undefined ? { max_connections: maxConnections } : {}),
      });
      print(`webhook set: ${url}${drop ? ' (pending updates dropped)' : ''}`);
      print(formatWebhookInfo(await api.getWebhookInfo()));
      return;
    }
    case 'info':
      print(formatWebhookInfo(await api.getWebhookInfo()));
      return;
    case 'delete':
      await api.deleteWebhook({ drop_pending_updates: drop });
      print(
        `webhook deleted${drop ? ' (pending updates dropped)' : ''}; the bot now receives nothing until a webhook is set or polling starts`,
      );
      return;
    default:
      throw new CliUsageError(USAGE);
  }
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  try {
    await runWebhookCli(process.argv.slice(2), process.env, (line) => console.log(line));
  } catch (error) {
    if (error instanceof EnvError || error instanceof CliUsageError) {
      console.error(error.message);
      process.exit(2);
    }
    console.error(`Telegram refused: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
