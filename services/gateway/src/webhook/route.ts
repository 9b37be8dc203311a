import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyTooLargeError, type Logger, readBody, sendJson } from '@mb/service-kit';
import type { Update } from 'grammy/types';
import type { Counter } from 'prom-client';
import type { UpdateHandling } from './dispatcher.ts';
import type { UpdateInbox } from './inbox.ts';
import { parseUpdate } from './parse-update.ts';

const MAX_BODY_BYTES = 1_048_576;

export type WebhookMetrics = { received: Counter<'type'>; duplicates: Counter; rejected: Counter<'reason'> };

/**
 * Every update kind of the Bot API (10.2), the only values the `type` metric label may take besides `other`: the
 * update's keys come from the request body, and a label copied from it (`type="__proto__"` was seen) is unbounded.
 */
export const UPDATE_TYPES: ReadonlySet<string> = new Set([
  'message',
  'edited_message',
  'channel_post',
  'edited_channel_post',
  'business_connection',
  'business_message',
  'edited_business_message',
  'deleted_business_messages',
  'message_reaction',
  'message_reaction_count',
  'inline_query',
  'chosen_inline_result',
  'callback_query',
  'shipping_query',
  'pre_checkout_query',
  'purchased_paid_media',
  'poll',
  'poll_answer',
  'my_chat_member',
  'chat_member',
  'chat_join_request',
  'chat_boost',
  'removed_chat_boost',
]);

/** The update's kind (`message`, `callback_query`, …): its first known key besides update_id, else `other`. */
export function updateType(update: Update): string {
  for (const key of Object.keys(update)) if (UPDATE_TYPES.has(key)) return key;
  return 'other';
}

/** A constant-time check of the presented secret against one hashed once (not on every request). */
function secretChecker(secret: string): (presented: string | string[] | undefined) => boolean {
  const expected = createHash('sha256').update(secret).digest();
  return (presented) => {
    const given = Array.isArray(presented) ? presented[0] : presented;
    return given !== undefined && timingSafeEqual(createHash('sha256').update(given).digest(), expected);
  };
}

/**
 * POST /telegram/webhook: checks the secret in constant time (401), parses (400), drops repeated update ids, stores
 * the update durably, answers 200 at once and hands the update to the per-chat dispatcher. No handler runs inside
 * the request, so a slow model or Google never holds Telegram's connection.
 */
export function webhookRoute(opts: {
  secret: string;
  inbox: UpdateInbox;
  dispatcher: Pick<UpdateHandling, 'push'>;
  logger: Logger;
  metrics: WebhookMetrics;
}) {
  const secretMatches = secretChecker(opts.secret);
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (!secretMatches(req.headers['x-telegram-bot-api-secret-token'])) {
      opts.metrics.rejected.inc({ reason: 'secret' });
      req.resume();
      sendJson(res, 401, { ok: false, error: 'wrong secret token' });
      return;
    }
    let body: Buffer;
    try {
      body = await readBody(req, MAX_BODY_BYTES);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        // Refused before reading (declared length) or at the limit; close so the rest is never read.
        opts.metrics.rejected.inc({ reason: 'too_large' });
        sendJson(res, 413, { ok: false, error: 'body too large' }, { connection: 'close' });
        return;
      }
      // The client went away mid-body (Telegram's side or a network cut): nothing was acknowledged, it sends again.
      opts.metrics.rejected.inc({ reason: 'aborted' });
      opts.logger.info({ err: error }, 'webhook request aborted by the client mid-body');
      return;
    }
    const raw = body.toString('utf8');
    const update = parseUpdate(raw);
    if (!update) {
      opts.metrics.rejected.inc({ reason: 'malformed' });
      sendJson(res, 400, { ok: false, error: 'body is not a Telegram update' });
      return;
    }
    let fresh: boolean;
    try {
      fresh = await opts.inbox.accept(update, raw);
    } catch (error) {
      // Could not store it: let Telegram retry rather than lose it.
      opts.logger.error({ err: error, updateId: update.update_id }, 'inbox unavailable');
      sendJson(res, 503, { ok: false, error: 'try again' }, { 'retry-after': '1' });
      return;
    }
    if (!fresh) {
      opts.metrics.duplicates.inc();
      sendJson(res, 200, { ok: true, duplicate: true });
      return;
    }
    opts.metrics.received.inc({ type: updateType(update) });
    sendJson(res, 200, { ok: true });
    opts.dispatcher.push(update);
  };
}
