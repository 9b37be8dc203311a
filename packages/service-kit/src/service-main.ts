import { DEV_INTERNAL_TOKEN, EnvError } from './env.ts';
import { createLogger, type Logger } from './logger.ts';

/**
 * A service's entry point (main.ts): reads its environment with `readEnv` (a bad value: every problem printed to
 * stderr, exit code 2), makes its logger at LOG_LEVEL, warns when INTERNAL_TOKEN is the development value, then runs
 * `start` (an EnvError from it, a setting found bad later, ends the same way). Anything else is thrown as it is.
 */
export async function runService<E extends { LOG_LEVEL: string; INTERNAL_TOKEN: string }>(
  service: string,
  readEnv: () => E,
  start: (env: E, logger: Logger) => Promise<void>,
): Promise<void> {
  try {
    const env = readEnv();
    const logger = createLogger(service, env.LOG_LEVEL);
    if (env.INTERNAL_TOKEN === DEV_INTERNAL_TOKEN)
      logger.warn('INTERNAL_TOKEN is unset: using the development value; set it in production');
    await start(env, logger);
  } catch (error) {
    if (!(error instanceof EnvError)) throw error;
    console.error(error.message);
    process.exit(2);
  }
}
