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
