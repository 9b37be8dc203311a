import type { Worker } from 'node:worker_threads';
import { HANDLER_WORKER_LIMITS } from '@mb/service-kit/runtime-flags';
import { type TestUser, textUpdate } from '@mb/testing';
import { describe, expect, it } from 'vitest';
import { answered, command, users, withOneRepeat } from './chat-order.ts';
import { useStack } from './use-stack.ts';

// Many updates per chat in a few seconds are this test's load, not a flood.
const env = useStack({ handlerWorkers: 2, flood: { limit: 10_000, timeFrameMs: 10_000 } });

/** Posts `perChat` updates to each chat, a round at a time (each chat's next after its previous was acknowledged). */
async function stream(chats: TestUser[], perChat: number, onRound?: (round: number) => Promise<void> | void) {
  const posted = new Map<number, Array<{ id: number; text: string }>>();
  for (let n = 0; n < perChat; n++) {
    await onRound?.(n);
    await Promise.all(
      chats.map(async (u) => {
        const update = textUpdate(u, command(n));
        posted.set(u.id, [...(posted.get(u.id) ?? []), { id: update.update_id, text: command(n) }]);
        expect((await env.stack.post(update)).status).toBe(200);
      }),
    );
  }
  return posted;
}

describe('handler workers (GATEWAY_HANDLER_WORKERS): the main thread acknowledges, workers handle', () => {
  it('answers every update once, in each chat in order, from worker threads', async () => {
    expect(env.stack.gateway.workers?.size).toBe(2);
    // Each worker's heap is bounded by the one setting (runtime-flags.ts), not left to V8's defaults for an isolate.
    for (const w of env.stack.gateway.workers!.workers) expect(w.resourceLimits).toMatchObject(HANDLER_WORKER_LIMITS);
    const chats = users(6_100_000, 24);
    const posted = await stream(chats, 6);
    await env.stack.gateway.dispatcher.idle();
    for (const u of chats) expect(env.api.textsTo(u.id).map(answered)).toEqual(posted.get(u.id)!.map((p) => p.text));
    const metrics = await (await fetch(`${env.stack.gatewayUrl}/metrics`)).text();
    expect(metrics).toMatch(/gateway_handler_workers\{[^}]*\} 2/);
    // /metrics adds the workers' counters and histograms to the main thread's: every handling is counted once.
    const handled = [...metrics.matchAll(/^gateway_update_handler_duration_seconds_count\{[^}]*\} (\d+)/gm)];
    expect(handled.reduce((sum, m) => sum + Number(m[1]), 0)).toBe(chats.length * 6);
    expect(metrics.match(/^process_cpu_seconds_total/gm)).toHaveLength(1);
    // Each worker's own heap, which the main thread's nodejs_heap_* do not include, within its bound.
    for (const worker of ['0', '1']) {
      const heap = (what: string) =>
        Number(
          new RegExp(
            `^gateway_handler_worker_heap_bytes\\{[^}]*worker="${worker}"[^}]*what="${what}"[^}]*\\} (\\d+)`,
            'm',
          ).exec(metrics)?.[1],
        );
      expect(heap('used'), `worker ${worker}`).toBeGreaterThan(1 << 20);
      expect(heap('used'), `worker ${worker}`).toBeLessThanOrEqual(heap('total'));
      const bound =
        (HANDLER_WORKER_LIMITS.maxOldGenerationSizeMb + HANDLER_WORKER_LIMITS.maxYoungGenerationSizeMb) << 20;
      expect(heap('total'), `worker ${worker}`).toBeLessThan(bound);
    }
  }, 30_000);

  // The thread's kill -9 (terminate), and an error nothing caught: an update message without an update makes the
  // worker's message listener throw, which ends the thread like any uncaught error in a handler would.
  const deaths = {
    exit: (w: Worker) => w.terminate(),
    error: (w: Worker) => w.postMessage({ t: 'update', update: null }),
  };
  it.each([
    ['exit', 6_200_000],
    ['error', 6_500_000],
  ] as const)(
    'replaces a worker that died mid-stream (%s): the replacement handles its unfinished updates, in order',
    async (reason, firstChat) => {
      const chats = users(firstChat, 40);
      const ids = new Set(chats.map((u) => u.id));
      const repliesSoFar = () => env.api.calls.filter((c) => ids.has(Number(c.payload['chat_id']))).length;
      const victim = env.stack.gateway.workers!.workers[0]!;
      const exited = new Promise((r) => victim.once('exit', r));
      const posted = await stream(chats, 8, async (round) => {
        if (round !== 4) return;
        // While its chats have updates given to it and not finished.
        await env.api.waitFor(() => repliesSoFar() >= chats.length * 2, 20_000, 'handling under way');
        await deaths[reason](victim);
      });
      await exited;
      await env.stack.gateway.dispatcher.idle();
      for (const u of chats) {
        const expected = posted.get(u.id)!.map((p) => p.text);
        const got = env.api.textsTo(u.id).map(answered);
        // Each update once and in order; the one a killed worker was in the middle of may have been answered before
        // it died and again by the replacement (at least once), so at most one answer per chat repeats, in place.
        expect(withOneRepeat(got, expected), `chat ${u.id}: ${got.join(' ')}`).toBe(true);
      }
      const metrics = await (await fetch(`${env.stack.gatewayUrl}/metrics`)).text();
      expect(metrics).toMatch(new RegExp(`gateway_handler_worker_restarts_total\\{[^}]*reason="${reason}"[^}]*\\} 1`));
      expect(metrics).toMatch(/gateway_handler_workers\{[^}]*\} 2/);
    },
    60_000,
  );
});
