// biome-ignore lint/style/noRestrictedImports: the one module that imports grammY's Composer, to patch it
import { Composer, type Context, type Middleware, type MiddlewareFn } from 'grammy';

/**
 * grammY's `Composer`, with `branch` building its two sides once instead of once per update. Every feature imports
 * `Composer` from here (biome.json forbids importing it from 'grammy'), so the change is in place before any
 * feature's `filter`, `on`, `command`, `hears` or `chatType` runs.
 *
 * Why: in grammY 1.x `branch` (behind all of those) goes through `lazy`, which makes a new `Composer` of the chosen
 * side for every update that reaches it: an array, a reduce and a closure per filter the update passes. In the
 * e2e mix that was the largest single allocation site of the gateway, ≈ 36 KB per update (11% of all it allocates,
 * heap sampling profile, docs/memory.md), all of it garbage at once. Upstream knows the pattern (grammyjs/grammY#765,
 * closed for want of figures); ours are in docs/memory.md.
 *
 * The behaviour is the same: a side given as a `Composer` is still read at each update through its `middleware()`,
 * so middleware added to a filter's composer after `filter()` returned (the usual `bot.filter(p).on(…)`) still runs.
 * Only a side given as an array that is mutated later would differ, and grammY itself never does that.
 */
const patched = Symbol.for('marketingbot.composer.branch');
const proto = Composer.prototype as Composer<Context> & { [patched]?: true };
if (!proto[patched]) {
  proto[patched] = true;
  proto.branch = function branch<C extends Context>(
    this: Composer<C>,
    predicate: (ctx: C) => boolean | Promise<boolean>,
    trueMiddleware: Middleware<C> | Middleware<C>[],
    falseMiddleware: Middleware<C> | Middleware<C>[],
  ): Composer<C> {
    const side = (mw: Middleware<C> | Middleware<C>[]): MiddlewareFn<C> =>
      new Composer<C>(...(Array.isArray(mw) ? mw : [mw])).middleware();
    const onTrue = side(trueMiddleware);
    const onFalse = side(falseMiddleware);
    return this.use(async (ctx, next) => ((await predicate(ctx)) ? onTrue : onFalse)(ctx, next));
  } as Composer<Context>['branch'];
}

export { Composer };
