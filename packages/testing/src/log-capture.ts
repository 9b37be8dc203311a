import { Writable } from 'node:stream';
import { createLogger, type Logger } from '@mb/service-kit';

/**
 * A service-kit logger (the same serializers and redaction as production) whose JSON lines are kept in memory, for
 * tests that read what was logged. `records()` parses them.
 */
export function captureLogs(
  name: string,
  level: string,
): { logger: Logger; lines: string[]; records: () => Array<Record<string, unknown>> } {
  const lines: string[] = [];
  const logger = createLogger(
    name,
    level,
    new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    }),
  );
  return { logger, lines, records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}
