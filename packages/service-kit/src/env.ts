import { z } from 'zod';

/** Thrown at start when the environment is invalid; `problems` names every bad variable at once. */
export class EnvError extends Error {
  override readonly name = 'EnvError';
  readonly problems: string[];
  constructor(service: string, problems: string[]) {
    super(`${service}: invalid environment:\n  - ${problems.join('\n  - ')}`);
    this.problems = problems;
  }
}

/** Validates `source` (normally `process.env`) against `schema`, listing every bad value in one error. */
export function parseEnv<S extends z.ZodObject>(
  service: string,
  schema: S,
  source: Record<string, string | undefined>,
): z.infer<S> {
  // Empty strings count as unset, as in docker-compose files with `VAR=`.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const key = issue.path.join('.') || '(root)';
    const value = cleaned[key];
    const shown = value === undefined ? 'unset' : /TOKEN|SECRET|KEY/.test(key) ? 'set (hidden)' : JSON.stringify(value);
    return `${key} (${shown}): ${issue.message}`;
  });
  throw new EnvError(service, problems);
}

/** Common env pieces. */
export const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);
export const url = (fallback: string) => z.url().default(fallback);
export const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info');
export const DEV_INTERNAL_TOKEN = 'dev-internal-token-change-me';
export const internalToken = z.string().min(16, 'must be at least 16 characters').default(DEV_INTERNAL_TOKEN);

/** NODE_ENV: `production` turns on the production refusals (docs/security.md). */
export const nodeEnv = z.enum(['development', 'production', 'test']).default('development');
/** Where a service listens: 127.0.0.1 unless told (the compose file sets 0.0.0.0 inside containers). */
export const bindHost = z
  .string()
  .regex(/^[A-Za-z0-9.:-]{1,253}$/, 'an address or host name, like 127.0.0.1, 0.0.0.0 or ::')
  .default('127.0.0.1');
export const PRODUCTION_INTERNAL_TOKEN_LENGTH = 32;

/** Production: `NODE_ENV=production`, or a public https URL (only the gateway has one). */
export const isProduction = (env: { NODE_ENV?: string; PUBLIC_URL?: string }): boolean =>
  env.NODE_ENV === 'production' || env.PUBLIC_URL?.startsWith('https://') === true;

/**
 * The refusal every service makes in production: no development INTERNAL_TOKEN and none shorter than 32 characters
 * (with the public default, anyone who reaches sheets reads the Users tab). Use inside a schema's `superRefine`.
 */
export function refuseWeakInternalToken(env: { INTERNAL_TOKEN: string }, ctx: z.RefinementCtx): void {
  const message =
    env.INTERNAL_TOKEN === DEV_INTERNAL_TOKEN
      ? 'required in production (NODE_ENV=production or an https PUBLIC_URL): openssl rand -hex 32'
      : env.INTERNAL_TOKEN.length < PRODUCTION_INTERNAL_TOKEN_LENGTH
        ? `must be at least ${PRODUCTION_INTERNAL_TOKEN_LENGTH} characters in production`
        : null;
  if (message) ctx.addIssue({ code: 'custom', path: ['INTERNAL_TOKEN'], message });
}

/**
 * The variables every service reads the same way, spread into its schema: NODE_ENV, INTERNAL_TOKEN (a development
 * value by default) and LOG_LEVEL. Pair it with `refuseWeakInternalTokenInProduction` in the schema's refinement.
 */
export const serviceEnv = { NODE_ENV: nodeEnv, INTERNAL_TOKEN: internalToken, LOG_LEVEL: logLevel };

/** In production (`isProduction`: NODE_ENV=production or an https PUBLIC_URL) a missing or short INTERNAL_TOKEN is refused. */
export function refuseWeakInternalTokenInProduction(
  env: { NODE_ENV?: string; PUBLIC_URL?: string; INTERNAL_TOKEN: string },
  ctx: z.RefinementCtx,
): void {
  if (isProduction(env)) refuseWeakInternalToken(env, ctx);
}
