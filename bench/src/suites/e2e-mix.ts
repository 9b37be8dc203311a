import { join } from 'node:path';
import { OpenAiDouble } from '@mb/testing/openai-double';
import { startBotApi } from '../harness/bot-api.ts';
import { waitDrained } from '../harness/metrics.ts';
import { MixDriver, type MixResult } from '../harness/mix.ts';
import { seedSignedInUsers } from '../harness/seed.ts';
import { type ProcessStack, startProcessStack, waitReady } from '../harness/stack.ts';
import { makeUsers } from '../harness/updates.ts';
import type { BenchContext, BenchRow, BenchSuite } from '../suite.ts';

export const MIX_USERS = 10_000;
/** The model's answer: streamed in 3 pieces 100 ms apart, whatever the question (a fixed-latency model). */
const MODEL_ANSWER = {
  kind: 'text',
  text: 'Доставка по России — 390 ₽, бесплатно от 3000 ₽ во время акции [faq-3].',
  chunks: 3,
  delayMs: 100,
} as const;

/**
 * The stack with `totalUsers` signed-in users in the workbook, the mix driver wired to its Bot API double;
 * `gatewayEnv` on top of the gateway's (e.g. `GATEWAY_HANDLER_WORKERS`).
 */
export async function startMixStack(totalUsers: number, gatewayEnv?: Record<string, string>) {
  const users = makeUsers(MIX_USERS);
  const driver = new MixDriver(users);
  const botApi = await startBotApi(driver.onCall);
  const model = await new OpenAiDouble().start();
  model.respond(() => MODEL_ANSWER);
  let stack: ProcessStack;
  try {
    stack = await startProcessStack({
      apiRoot: botApi.api.url,
      assistantEnv: { OPENAI_API_KEY: 'sk-bench', OPENAI_BASE_URL: model.url, OPENAI_API_STYLE: 'responses' },
      beforeGateway: ({ dir }) => seedSignedInUsers(join(dir, 'workbook.sqlite'), users, totalUsers),
      ...(gatewayEnv ? { gatewayEnv } : {}),
    });
  } catch (error) {
    await Promise.all([botApi.close(), model.close()]);
    throw error;
  }
  await waitReady(`${stack.gateway.url}/readyz`);
  const stop = async () => {
    await stack.stop();
    await Promise.all([botApi.close(), model.close()]);
  };
  return { users, driver, botApi, stack, stop };
}

/** Warm-up at half the rate (not recorded), then the measured run. */
export async function runMix(
  ctx: BenchContext,
  mix: Awaited<ReturnType<typeof startMixStack>>,
  rate: number,
  seconds: number,
): Promise<MixResult & { cpuMsPerUpdate: number; cpu: string; benchCores: number }> {
  const opts = { url: mix.stack.webhookUrl, secret: mix.stack.secret };
  await mix.driver.run({ ...opts, rate: rate / 2, seconds: ctx.quick ? 2 : 5, record: false });
  const services = mix.stack.services;
  const cpu0 = services.map((s) => s.cpuSeconds());
  const bench0 = process.cpuUsage();
  const result = await mix.driver.run({ ...opts, rate, seconds, record: true });
  const used = services.map((s, i) => s.cpuSeconds() - cpu0[i]!);
  // This process: the load generator and the Telegram and OpenAI doubles, on the same 2 cores as the services.
  const benchUsed = process.cpuUsage(bench0);
  const benchCores = (benchUsed.user + benchUsed.system) / 1e6 / result.seconds;
  // CPU time per answered update barely depends on what else runs on the machine, unlike rates and latencies.
  const cpuMsPerUpdate = (used.reduce((a, b) => a + b, 0) * 1000) / result.answered;
  const cpu = services.map((s, i) => `${s.name} ${(used[i]! / result.seconds).toFixed(2)}`).join(', ');
  ctx.log(
    `mix at ${rate}/s for ${seconds} s: sent ${result.sent}, shed ${result.shed}, answered ${result.answered} (${result.rate.toFixed(0)}/s), lost ${result.lost}, non-2xx ${result.non2xx}, ` +
      `p50 ${result.p50Ms.toFixed(1)} ms, p99 ${result.p99Ms.toFixed(1)} ms, max ${result.maxMs.toFixed(0)} ms`,
  );
  ctx.log(
    `p99 by scenario: ${Object.entries(result.byScenario)
      .map(([k, v]) => `${k} ${v.p99Ms.toFixed(0)} ms (${v.answered})`)
      .join(', ')}`,
  );
  ctx.log(
    `CPU cores used: ${cpu}, load generator and doubles ${benchCores.toFixed(2)}; ${cpuMsPerUpdate.toFixed(2)} ms of CPU per answered update`,
  );
  for (const s of mix.stack.services)
    if (s.errors) ctx.log(`${s.name} logged ${s.errors} errors, last: ${s.lastErrors.at(-1)}`);
  return { ...result, cpuMsPerUpdate, cpu, benchCores };
}

const suite: BenchSuite = {
  name: 'e2e-mix',
  description: `a realistic mix from ${MIX_USERS.toLocaleString('en-US')} signed-in users, update posted → reply at the Bot API double`,
  async run(ctx): Promise<BenchRow[]> {
    const rate = ctx.quick ? 300 : 1000;
    const seconds = ctx.quick ? 8 : 30;
    const mix = await startMixStack(MIX_USERS);
    try {
      const r = await runMix(ctx, mix, rate, seconds);
      const mixNote = `offered ${rate}/s; scenarios ${r.scenarios.join(', ')}; CPU cores ${r.cpu}, load generator and doubles ${r.benchCores.toFixed(2)}`;
      return [
        { suite: this.name, metric: 'answered updates/s', value: r.rate, unit: '/s', goal: '≥ 1000', note: mixNote },
        {
          suite: this.name,
          metric: 'CPU per answered update, all services',
          value: r.cpuMsPerUpdate,
          unit: 'ms',
          note: `2 free cores would answer ≈ ${Math.round(2000 / r.cpuMsPerUpdate)} updates/s (load generator and doubles not counted)`,
        },
        { suite: this.name, metric: 'update → reply p50', value: r.p50Ms, unit: 'ms' },
        {
          suite: this.name,
          metric: 'update → reply p99',
          value: r.p99Ms,
          unit: 'ms',
          goal: '≤ 200',
          note: `max ${r.maxMs.toFixed(0)} ms`,
        },
        {
          suite: this.name,
          metric: 'unanswered + non-2xx + shed',
          value: r.lost + r.non2xx + r.shed,
          unit: '',
          goal: '= 0',
          note: `${r.answered} of ${r.sent} sent answered by 10 s after the load; ${r.shed} arrivals not sent (2 s of arrivals already waiting)`,
        },
        ...(await atHalfCapacity(ctx, mix, r, rate)),
        ...(await onTheMainThread(ctx, rate, seconds)),
      ];
    } finally {
      await mix.stop();
    }
  },
};

/**
 * The same mix with `GATEWAY_HANDLER_WORKERS=0` (handlers on the gateway's main thread), beside the default shape
 * (cores − 1 workers), so the README shows what the process shape costs or gains on this machine in the same run.
 */
const onTheMainThread = async (ctx: BenchContext, rate: number, seconds: number): Promise<BenchRow[]> => {
  const mix = await startMixStack(MIX_USERS, { GATEWAY_HANDLER_WORKERS: '0' });
  try {
    const r = await runMix(ctx, mix, rate, seconds);
    return [
      {
        suite: 'e2e-mix',
        metric: 'answered updates/s, GATEWAY_HANDLER_WORKERS=0',
        value: r.rate,
        unit: '/s',
        goal: '≥ 1000',
        note: `handlers on the main thread; p99 ${r.p99Ms.toFixed(0)} ms, ${r.lost + r.non2xx + r.shed} unanswered/shed; CPU cores ${r.cpu}, load generator and doubles ${r.benchCores.toFixed(2)}; ${r.cpuMsPerUpdate.toFixed(2)} ms of CPU per answered update`,
      },
    ];
  } finally {
    await mix.stop();
  }
};
/**
 * Where the offered rate was more than the stack answers, the latency above is mostly queueing: measure it again at
 * half the rate it did answer (the queue drained first), to show the latency of a stack that keeps up.
 */
const atHalfCapacity = async (
  ctx: BenchContext,
  mix: Awaited<ReturnType<typeof startMixStack>>,
  r: MixResult,
  offered: number,
): Promise<BenchRow[]> => {
  if (r.rate >= offered * 0.95) return [];
  const half = Math.max(10, Math.round(r.rate / 2 / 10) * 10);
  await waitDrained(mix.stack.gateway.url, 30_000);
  const h = await runMix(ctx, mix, half, ctx.quick ? 5 : 15);
  return [
    {
      suite: 'e2e-mix',
      metric: `update → reply p99 at ${half}/s (half the rate answered)`,
      value: h.p99Ms,
      unit: 'ms',
      goal: '≤ 200',
      note: `p50 ${h.p50Ms.toFixed(0)} ms; ${h.answered} answered, ${h.lost + h.non2xx + h.shed} unanswered/shed`,
    },
  ];
};
export default suite;
