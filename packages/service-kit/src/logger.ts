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

/** A pino JSON logger that stamps every line with the service and the current request (and update) id. */
export function createLogger(service: string, level = 'info', destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
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
