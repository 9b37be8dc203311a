import { isProduction, parseEnv, port, refuseWeakInternalTokenInProduction, serviceEnv, url } from '@mb/service-kit';
import { z } from 'zod';

const schema = z
  .object({
    GATEWAY_PORT: port(8080),
    ...serviceEnv,
    /** `on`: run the sandbox (no TELEGRAM_BOT_TOKEN) even where production would refuse it. */
    SANDBOX: z.enum(['on', 'off']).default('off'),
    TELEGRAM_BOT_TOKEN: z
      .string()
      .regex(/^\d+:[A-Za-z0-9_-]{20,}$/, 'expected a bot token like 123456:ABC…')
      .optional(),
    TELEGRAM_WEBHOOK_SECRET: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,256}$/, 'only A-Z a-z 0-9 _ - are allowed, 1–256 characters')
      .optional(),
    TELEGRAM_API_ROOT: url('https://api.telegram.org'),
    PUBLIC_URL: url('http://localhost:8080'),
    SHEETS_URL: url('http://127.0.0.1:8081'),
    ASSISTANT_URL: url('http://127.0.0.1:8082'),
    GATEWAY_DB_PATH: z.string().default('./data/gateway.sqlite'),
    STAFF_CHAT_ID: z.coerce.number().int().optional(),
    REDIS_URL: z.url().optional(),
    BROADCAST_RATE_PER_SECOND: z.coerce.number().int().min(1).max(1000).default(30),
    BROADCAST_ALLOW_PAID: z
      .enum(['yes', 'no', 'true', 'false'])
      .default('no')
      .transform((v) => v === 'yes' || v === 'true'),
    BROADCAST_POLL_INTERVAL_MS: z.coerce.number().int().min(100).max(600_000).default(5000),
    BROADCAST_SENDER: z.enum(['on', 'off']).default('on'),
    GATEWAY_REPLICA_ID: z
      .string()
      .regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'A-Z a-z 0-9 _ . : - only, 1–64 characters')
      .optional(),
    WEBAPP_DIST: z.string().optional(),
    GATEWAY_MODE: z.enum(['webhook', 'polling']).default('webhook'),
    GATEWAY_EVENT_CONSUMER: z.enum(['on', 'off']).default('on'),
    GATEWAY_ROLE: z.enum(['webhook', 'handler', 'all']).default('all'),
    /** Handler worker threads of the embedded gateway (no REDIS_URL); 0 handles on the main thread. */
    GATEWAY_HANDLER_WORKERS: z.coerce.number().int().min(0).max(64).optional(),
  })
  .superRefine((env, ctx) => {
    if (env.BROADCAST_RATE_PER_SECOND > 30 && !env.BROADCAST_ALLOW_PAID) {
      ctx.addIssue({
        code: 'custom',
        path: ['BROADCAST_RATE_PER_SECOND'],
        message: 'above 30 messages/s Telegram needs paid broadcasts: set BROADCAST_ALLOW_PAID=yes',
      });
    }
    if (env.GATEWAY_ROLE !== 'all' && !env.REDIS_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['GATEWAY_ROLE'],
        message: 'webhook and handler processes share the inbox through Redis: set REDIS_URL (or use all)',
      });
    }
    if (env.GATEWAY_MODE === 'polling' && !env.TELEGRAM_BOT_TOKEN) {
      ctx.addIssue({
        code: 'custom',
        path: ['GATEWAY_MODE'],
        message: 'polling needs TELEGRAM_BOT_TOKEN (the sandbox needs neither polling nor a webhook)',
      });
    }
    if (env.TELEGRAM_BOT_TOKEN && !env.TELEGRAM_WEBHOOK_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['TELEGRAM_WEBHOOK_SECRET'],
        message: 'required when TELEGRAM_BOT_TOKEN is set',
      });
    }
    if (
      env.TELEGRAM_BOT_TOKEN &&
      env.TELEGRAM_WEBHOOK_SECRET &&
      env.TELEGRAM_WEBHOOK_SECRET.length < 32 &&
      isProduction(env)
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['TELEGRAM_WEBHOOK_SECRET'],
        message: 'must be at least 32 characters in production',
      });
    }
  });

/**
 * What the gateway refuses to serve in production (an https PUBLIC_URL or NODE_ENV=production): the open sandbox
 * started by a forgotten token, and the public development INTERNAL_TOKEN (docs/security.md).
 */
const serving = schema.superRefine((env, ctx) => {
  if (env.SANDBOX === 'on' && env.TELEGRAM_BOT_TOKEN)
    ctx.addIssue({
      code: 'custom',
      path: ['SANDBOX'],
      message: 'SANDBOX=on runs without a bot token: unset one of SANDBOX and TELEGRAM_BOT_TOKEN',
    });
  refuseWeakInternalTokenInProduction(env, ctx);
  if (!isProduction(env)) return;
  if (!env.TELEGRAM_BOT_TOKEN && env.SANDBOX !== 'on')
    ctx.addIssue({
      code: 'custom',
      path: ['TELEGRAM_BOT_TOKEN'],
      message:
        'required in production (https PUBLIC_URL or NODE_ENV=production): without it the open sandbox would start; ' +
        'SANDBOX=on starts it anyway, never on the internet',
    });
});

export type GatewayEnv = z.infer<typeof schema>;
/** The gateway's environment; `serve: false` (the webhook CLI) skips the refusals that only matter to a server. */
export const readEnv = (source: Record<string, string | undefined>, opts: { serve?: boolean } = {}): GatewayEnv =>
  parseEnv('gateway', opts.serve === false ? schema : serving, source);
