import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runWithContext } from './context.ts';
import { createLogger, registerLogSecrets } from './logger.ts';

function capture() {
  const lines: string[] = [];
  const log = createLogger(
    'gateway',
    'trace',
    new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    }),
  );
  return { lines, log };
}

const TOKEN = '123456:AAH-secret-token-value_xyz';
const PHONE = '+79035550101';
const TEXT = 'my private message to support';
const INIT_DATA = 'query_id=AAH&user=%7B%22id%22%3A42%7D&auth_date=1733584787&hash=2174df5b';

describe('log redaction', () => {
  it('hides the text and the chat of a failed Bot API call (GrammyError carries the payload)', () => {
    const { lines, log } = capture();
    // The shape of grammY's GrammyError: the failed call's method and payload ride on the error.
    const error = Object.assign(new Error("Call to 'sendMessage' failed! (400: Bad Request: chat not found)"), {
      name: 'GrammyError',
      method: 'sendMessage',
      payload: { chat_id: 5000001, text: TEXT, caption: TEXT },
      error_code: 400,
      description: 'Bad Request: chat not found',
    });
    log.error({ err: error }, 'update handler failed');
    const line = JSON.parse(lines[0]!) as { err: Record<string, unknown> };
    expect(line.err['description']).toBe('Bad Request: chat not found');
    expect(line.err['method']).toBe('sendMessage');
    expect(lines[0]).not.toContain(TEXT);
    expect(lines[0]).not.toContain('5000001');
  });

  it('hides a whole update, one level down too, and the contact in it', () => {
    const { lines, log } = capture();
    const update = { update_id: 7, message: { text: TEXT, contact: { phone_number: PHONE } } };
    log.info({ update }, 'received');
    log.info({ ctx: { update } }, 'nested');
    log.info({ message: update.message }, 'message');
    for (const l of lines) for (const secret of [TEXT, PHONE]) expect(l).not.toContain(secret);
  });

  it('hides tokens, secrets, initData and authorization headers wherever the code puts them', () => {
    const { lines, log } = capture();
    log.info({ token: TOKEN, botToken: TOKEN, initData: INIT_DATA }, 'top level');
    log.info({ opts: { token: TOKEN, initData: INIT_DATA, phone: PHONE } }, 'one level down');
    log.info(
      {
        req: {
          headers: {
            authorization: `tma ${INIT_DATA}`,
            'x-internal-token': TOKEN,
            'x-telegram-bot-api-secret-token': TOKEN,
          },
        },
      },
      'request',
    );
    log.info({ headers: { authorization: `Bearer ${TOKEN}` } }, 'headers');
    for (const l of lines) for (const secret of [TOKEN, INIT_DATA, PHONE]) expect(l).not.toContain(secret);
    expect(lines).toHaveLength(4);
  });

  it('keeps what an operator needs: ids, levels, the message and the update id from the context', () => {
    const { lines, log } = capture();
    runWithContext({ requestId: 'update-99', updateId: 99 }, () =>
      log.warn({ tab: 'Promotions', status: 429 }, 'sheets sync call failed'),
    );
    expect(JSON.parse(lines[0]!)).toMatchObject({
      level: 40,
      service: 'gateway',
      requestId: 'update-99',
      updateId: 99,
      tab: 'Promotions',
      status: 429,
      msg: 'sheets sync call failed',
    });
  });
});

describe('errors and secrets (issue 20 point 2)', () => {
  it('logs an error as its own facts: what rides on it (a grammY context with the token, the update) never', () => {
    const { lines, log } = capture();
    // The shape of grammY's BotError: the whole context on the error, the token three levels down.
    const error = Object.assign(new Error('boom'), {
      name: 'BotError',
      ctx: {
        api: { token: TOKEN, raw: { me: { token: TOKEN } } },
        update: { message: { contact: { phone_number: PHONE }, text: TEXT } },
      },
      cause: Object.assign(new Error('inner'), { code: 'ECONNREFUSED', request: { body: TEXT } }),
    });
    log.error({ err: error }, 'update failed');
    const line = JSON.parse(lines[0]!) as { err: Record<string, unknown> };
    expect(line.err['message']).toBe('boom');
    expect((line.err['cause'] as Record<string, unknown>)['code']).toBe('ECONNREFUSED');
    for (const secret of [TOKEN, PHONE, TEXT]) expect(lines[0]).not.toContain(secret);
  });

  it('scrubs a bot token and registered secrets from every line, whatever they hid in', () => {
    const { lines, log } = capture();
    registerLogSecrets('webhook-secret-value-xyz');
    log.warn(`fetch https://api.telegram.org/bot${TOKEN}/sendMessage failed; secret webhook-secret-value-xyz`);
    expect(lines[0]).not.toContain(TOKEN);
    expect(lines[0]).not.toContain('webhook-secret-value-xyz');
    expect(lines[0]).toContain('[bot token]');
  });
});
