import { testBotInfo, textUpdate } from '@mb/testing';
import { Bot, type Context } from 'grammy';
import type { Update } from 'grammy/types';
import { describe, expect, it } from 'vitest';
import { Composer } from './composer.ts';

const user = { id: 7, first_name: 'Ира', language_code: 'ru' };

/** Runs `updates` through `composer` (no Bot API calls: nothing replies), returning what the middleware wrote down. */
async function run(build: (c: Composer<Context>, log: string[]) => void, updates: object[]) {
  const log: string[] = [];
  const bot = new Bot<Context>('1:test', { botInfo: testBotInfo() });
  const features = new Composer<Context>();
  build(features, log);
  bot.use(features);
  bot.use((ctx) => void log.push(`end ${ctx.message?.text}`));
  for (const u of updates) await bot.handleUpdate(u as Update);
  return log;
}

describe('Composer.branch, built once', () => {
  it('takes the true side or the false side per update, and either side may go on with next()', async () => {
    const log = await run(
      (c, log) =>
        c.branch(
          (ctx) => ctx.message?.text === 'да',
          async (ctx, next) => {
            log.push(`yes ${ctx.message?.text}`);
            await next();
          },
          (ctx) => void log.push(`no ${ctx.message?.text}`),
        ),
      [textUpdate(user, 'да'), textUpdate(user, 'нет'), textUpdate(user, 'да')],
    );
    expect(log).toEqual(['yes да', 'end да', 'no нет', 'yes да', 'end да']);
  });

  it('awaits an async predicate and runs arrays of middleware in order', async () => {
    const log = await run(
      (c, log) =>
        c.branch(
          async (ctx) => {
            await Promise.resolve();
            return ctx.message?.text?.startsWith('/') ?? false;
          },
          [
            async (_ctx, next) => {
              log.push('a');
              await next();
            },
            (_ctx) => void log.push('b'),
          ],
          [],
        ),
      [textUpdate(user, '/help'), textUpdate(user, 'привет')],
    );
    expect(log).toEqual(['a', 'b', 'end привет']);
  });

  it('still runs middleware added to a filter after filter() returned, and to nested filters', async () => {
    const log = await run(
      (c, log) => {
        const privateChat = c.chatType('private');
        // Added after chatType() → filter() → branch() ran: read at each update.
        privateChat.hears('меню', (ctx) => void log.push(`menu for ${ctx.from?.id}`));
        privateChat.on('message:text', async (_ctx, next) => {
          log.push('text');
          await next();
        });
        c.command('start', (ctx) => void log.push(`start ${ctx.match}`));
      },
      [textUpdate(user, 'меню'), textUpdate(user, 'что-то'), textUpdate(user, '/start promo')],
    );
    expect(log).toEqual(['menu for 7', 'text', 'end что-то', 'text', 'start promo']);
  });

  it('lets an error of the predicate or of a side reach the caller', async () => {
    const bot = new Bot<Context>('1:test', { botInfo: testBotInfo() });
    bot.filter(
      () => {
        throw new Error('predicate failed');
      },
      () => undefined,
    );
    await expect(bot.handleUpdate(textUpdate(user, 'x') as Update)).rejects.toThrow(/predicate failed/);
    const other = new Bot<Context>('1:test', { botInfo: testBotInfo() });
    other.on('message', () => {
      throw new Error('side failed');
    });
    await expect(other.handleUpdate(textUpdate(user, 'x') as Update)).rejects.toThrow(/side failed/);
  });

  it('is the Composer grammY’s Bot extends, patched once however often it is imported', async () => {
    const again = await import('./composer.ts');
    expect(again.Composer).toBe(Composer);
    expect(Object.getPrototypeOf(Bot.prototype)).toBe(Composer.prototype);
    // Built once: branch itself no longer goes through lazy, which made a Composer per update.
    expect(Composer.prototype.branch.toString()).not.toMatch(/\.lazy\(/);
  });
});
