import { startBotApi } from '../harness/bot-api.ts';
import { BENCH_SECRET } from '../harness/credentials.ts';
import { type LoadFigures, postLoad } from '../harness/load.ts';
import { scrape, waitDrained } from '../harness/metrics.ts';
import { type ServiceProcess, startProcess } from '../harness/processes.ts';
import { startProcessStack, waitReady } from '../harness/stack.ts';
import { makeUsers, UpdateFactory } from '../harness/updates.ts';
import type { BenchContext, BenchSuite } from '../suite.ts';

const CONNECTIONS = 40; // Telegram's default max_connections
const TEXTS = [
  'Здравствуйте! Когда будет следующая акция?',
  'Спасибо',
  'Подскажите, сколько стоит доставка в Казань?',
  'ok',
  'Where is my order?',
];

/** Distinct, realistic updates from 10,000 users: free text, button taps on promotion pages, /start. */
function updateStream() {
  const users = makeUsers(10_000);
  const factory = new UpdateFactory();
  let i = 0;
  return () => {
    const user = users[(i * 7919) % users.length]!;
    const kind = i++ % 20;
    if (kind < 12) return factory.text(user, TEXTS[kind % TEXTS.length]!).body;
    if (kind < 17) return factory.callback(user, `pr:p:${kind % 3}`, 1000 + (i % 5000)).body;
    return factory.text(user, '/start').body;
  };
}

/** Channel posts from 100 channels: acknowledged and routed, but no feature does anything (the webhook path alone). */
function channelStream() {
  const factory = new UpdateFactory(900_000_000);
  let i = 0;
  return () => factory.channelPost(-1_001_000_000_000 - (i++ % 100), TEXTS[i % TEXTS.length]!).body;
}

async function measure(
  ctx: BenchContext,
  label: string,
  url: string,
  processes: ServiceProcess[],
  seconds: number,
  stream = updateStream,
) {
  const nextBody = stream();
  await postLoad({ url, secret: BENCH_SECRET, connections: CONNECTIONS, seconds: ctx.quick ? 1 : 3, nextBody }); // warm-up (JIT, SQLite pages)
  const cpu0 = processes.map((p) => p.cpuSeconds());
  const load = await postLoad({ url, secret: BENCH_SECRET, connections: CONNECTIONS, seconds, nextBody });
  const cpu = processes.map((p, i) => ({ name: p.name, cores: (p.cpuSeconds() - cpu0[i]!) / load.seconds }));
  /** CPU seconds used by `processes` since the load began (call it again after the queue drained). */
  const cpuSince = () => processes.reduce((sum, p, i) => sum + p.cpuSeconds() - cpu0[i]!, 0);
  ctx.log(
    `${label}: ${load.rate.toFixed(0)} updates/s, p50 ${load.p50Ms} ms, p99 ${load.p99Ms} ms, non-2xx ${load.non2xx}, errors ${load.errors}; CPU ${cpu.map((c) => `${c.name} ${c.cores.toFixed(2)}`).join(', ')}`,
  );
  return { load, cpu, cpuSince };
}

const suite: BenchSuite = {
  name: 'webhook-ingest',
  description: `webhook acknowledgements at ${CONNECTIONS} connections: the gateway with all services up vs a bare grammY webhookCallback`,
  async run(ctx) {
    const seconds = ctx.quick ? 3 : 15;
    const botApi = await startBotApi();
    try {
      const baselineProc = await startProcess('baseline', 'bench/src/baseline/grammy-webhook.ts', {
        PORT: '0',
        TELEGRAM_WEBHOOK_SECRET: BENCH_SECRET,
      });
      let baseline: { load: LoadFigures; cpuMs: number };
      try {
        const m = await measure(
          ctx,
          'baseline (bare grammY webhookCallback)',
          `${baselineProc.url}/`,
          [baselineProc],
          seconds,
        );
        baseline = { load: m.load, cpuMs: (m.cpuSince() * 1000) / m.load.ok };
      } finally {
        await baselineProc.stop();
      }

      const stack = await startProcessStack({ apiRoot: botApi.api.url });
      try {
        await waitReady(`${stack.gateway.url}/readyz`);
        const { load, cpu, cpuSince } = await measure(ctx, 'gateway', stack.webhookUrl, stack.services, seconds);
        const handledBefore = await scrape(stack.gateway.url, 'gateway_update_handler_duration_seconds_count');
        const drain = await waitDrained(stack.gateway.url, ctx.quick ? 15_000 : 60_000);
        const handled = await scrape(stack.gateway.url, 'gateway_update_handler_duration_seconds_count');
        // Everything an acknowledged update costs: the ack and, once the queue drained, its handling too.
        const cpuMs = (cpuSince() * 1000) / load.ok;
        ctx.log(
          `queue after load: ${drain.drained ? `drained in ${drain.seconds.toFixed(1)} s` : `${drain.left} left after ${drain.seconds.toFixed(0)} s`}; handled ${handledBefore} during/warm-up, ${handled} in all; gateway error logs ${stack.gateway.errors}`,
        );
        // The same gateway with updates nothing handles: what the webhook path itself (secret, parse, inbox, ack) allows.
        const bare = await measure(
          ctx,
          'gateway, channel posts (no handler work)',
          stack.webhookUrl,
          stack.services,
          seconds,
          channelStream,
        );
        const b = baseline.load;
        const cpuNote = cpu.map((c) => `${c.name} ${c.cores.toFixed(2)}`).join(', ');
        return [
          {
            suite: this.name,
            metric: 'acknowledged updates/s',
            value: load.rate,
            unit: '/s',
            goal: '≥ 5000',
            baseline: b.rate,
            note: `CPU cores: ${cpuNote}`,
          },
          {
            suite: this.name,
            metric: 'share of bare grammY',
            value: (load.rate / b.rate) * 100,
            unit: '%',
            goal: '≥ 60%',
          },
          {
            suite: this.name,
            metric: 'CPU per update, ack + handling, all services',
            value: cpuMs,
            unit: 'ms',
            baseline: baseline.cpuMs,
            note: `2 free cores would take ≈ ${Math.round(2000 / cpuMs)} updates/s end to end (baseline ≈ ${Math.round(2000 / baseline.cpuMs)}/s)`,
          },
          {
            suite: this.name,
            metric: 'acknowledged updates/s, webhook path alone',
            value: bare.load.rate,
            unit: '/s',
            goal: '≥ 60%',
            baseline: b.rate,
            note: `channel posts no feature handles, same gateway; p99 ${bare.load.p99Ms} ms, non-2xx ${bare.load.non2xx}`,
          },
          { suite: this.name, metric: 'ack latency p50', value: load.p50Ms, unit: 'ms', baseline: b.p50Ms },
          {
            suite: this.name,
            metric: 'ack latency p99',
            value: load.p99Ms,
            unit: 'ms',
            goal: '≤ 50',
            baseline: b.p99Ms,
          },
          {
            suite: this.name,
            metric: 'non-2xx + errors',
            value: load.non2xx + load.errors,
            unit: '',
            goal: '= 0',
            baseline: b.non2xx + b.errors,
          },
          {
            suite: this.name,
            metric: 'handled after ack',
            value: handled,
            unit: 'updates',
            note: drain.drained
              ? `queue drained ${drain.seconds.toFixed(1)} s after the load`
              : `${drain.left} still queued ${drain.seconds.toFixed(0)} s after the load`,
          },
        ];
      } finally {
        await stack.stop();
      }
    } finally {
      await botApi.close();
    }
  },
};
export default suite;
