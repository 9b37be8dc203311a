import pino, { type Logger } from 'pino';
import { currentContext } from './context.ts';

export type { Logger };

/**
 * Paths never logged: the bot token, initData, phone numbers and message text. Applied to any object logged,
 * at the top level and one level down (`update.message.text` is covered by the update redaction).
 */
export const REDACT_PATHS = [
  'token',
  'botToken',
  'authorization',
  'initData',
  'phone',
  'phone_number',
  'text',
  'caption',
  'contact',
  'answer',
  'question',
  '*.token',
  '*.botToken',
  '*.authorization',
  '*.initData',
  '*.phone',
  '*.phone_number',
  '*.text',
  '*.caption',
  '*.contact',
  '*.answer',
  '*.question',
  'update',
  'headers.authorization',
  'req.headers.authorization',
  // A failed Bot API call carries its payload (message text, chat) on the error; an update may sit one level down.
  'payload',
  '*.payload',
  '*.update',
  'req.headers["x-internal-token"]',
  'req.headers["x-telegram-bot-api-secret-token"]',
];

/** What an error is logged as: its own facts, never what rides on it (a grammY context, a request, a payload). */
const ERROR_FIELDS = ['code', 'method', 'error_code', 'description', 'target', 'statusCode', 'errno', 'syscall'];

/**
 * The `err` serializer: type (class name), name, message, stack and a few plain identifying fields, its cause the
 * same way (3 deep). Nothing else: grammY's BotError carries `ctx` (the token on `ctx.api`, the update with the phone
 * and text), GrammyError the call's `payload`, tRPC errors their response; none of it reaches a log line.
 */
export function serializeError(error: unknown, depth = 0): unknown {
  if (!(error instanceof Error)) return typeof error === 'object' && error !== null ? '[non-error object]' : error;
  const out: Record<string, unknown> = {
    type: error.constructor?.name ?? 'Error',
    name: error.name,
    message: error.message,
    stack: error.stack,
  };
  const fields = error as unknown as Record<string, unknown>;
  for (const key of ERROR_FIELDS) {
    const value = fields[key];
    if (typeof value === 'string' || typeof value === 'number') out[key] = value;
  }
  if (error.cause !== undefined && depth < 3) out['cause'] = serializeError(error.cause, depth + 1);
  return out;
}

/** A Telegram bot token (`<bot id>:<35 characters>`), wherever it shows up in a line (a URL in a message, a stack). */
const BOT_TOKEN = /(?<![0-9])\d{5,}:[A-Za-z0-9_-]{20,}/g;
const secrets = new Set<string>();

/**
 * Values no log line of this process may carry (the webhook secret, the internal token, the bot token): every line is
 * scrubbed of them before it is written, whatever object or message they hid in. Entry points and app builders
 * register what they were given; values shorter than 8 characters are ignored (they would match ordinary words).
 */
export function registerLogSecrets(...values: Array<string | undefined>): void {
  for (const value of values) if (value && value.length >= 8) secrets.add(value);
}

function scrub(line: string): string {
  let out = line.replace(BOT_TOKEN, '[bot token]');
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join('[secret]');
  return out;
}

/** A pino JSON logger that stamps every line with the service and the current request (and update) id. */
export function createLogger(service: string, level = 'info', destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: { err: serializeError, error: serializeError },
      hooks: { streamWrite: scrub },
      mixin() {
        const ctx = currentContext();
        if (!ctx) return {};
        return ctx.updateId === undefined
          ? { requestId: ctx.requestId }
          : { requestId: ctx.requestId, updateId: ctx.updateId };
      },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
