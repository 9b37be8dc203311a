import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runWithContext } from './context.ts';
import { createLogger } from './logger.ts';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { lines, stream };
}

describe('logger', () => {
  it('stamps the request and update id and redacts secrets, phones and texts', () => {
    const { lines, stream } = capture();
    const log = createLogger('gateway', 'info', stream);
    runWithContext({ requestId: 'req-1', updateId: 42 }, () => {
      log.info(
        { token: '123:SECRET', phone: '+79035550101', text: 'my private message', initData: 'user=...' },
        'hello',
      );
    });
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(line).toMatchObject({ service: 'gateway', requestId: 'req-1', updateId: 42, msg: 'hello' });
    const raw = lines[0]!;
    for (const secret of ['123:SECRET', '+79035550101', 'my private message', 'user=...'])
      expect(raw).not.toContain(secret);
  });
});
