import { scrape } from '../harness/metrics.ts';
import type { BenchRow, BenchSuite } from '../suite.ts';
import { MIX_USERS, runMix, startMixStack } from './e2e-mix.ts';

const MB = 1_048_576;

const suite: BenchSuite = {
  name: 'memory',
  description: 'RSS of each service with 200,000 users in the workbook, after running the e2e mix',
  async run(ctx): Promise<BenchRow[]> {
    const total = ctx.quick ? 50_000 : 200_000;
    const t0 = Date.now();
    const mix = await startMixStack(total);
    ctx.log(
      `stack up with ${total.toLocaleString('en-US')} users in the workbook (${MIX_USERS.toLocaleString('en-US')} of them simulated) in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    );
    try {
      const idle = Object.fromEntries(mix.stack.services.map((s) => [s.name, s.memory().rss]));
      await runMix(ctx, mix, ctx.quick ? 300 : 1000, ctx.quick ? 5 : 20);
      const rows: BenchRow[] = [];
      for (const s of mix.stack.services) {
        const { rss, peak } = s.memory();
        // How much of the RSS is live JavaScript: the rest is code, the V8 heap's free room, native buffers.
        const heapUsed = await scrape(s.url, 'nodejs_heap_size_used_bytes');
        const heapTotal = await scrape(s.url, 'nodejs_heap_size_total_bytes');
        rows.push({
          suite: this.name,
          metric: `${s.name} peak RSS`,
          value: peak / MB,
          unit: 'MB',
          goal: '≤ 150',
          note: `${(rss / MB).toFixed(0)} MB after the mix (JS heap ${(heapUsed / MB).toFixed(0)} MB used of ${(heapTotal / MB).toFixed(0)} MB), ${(idle[s.name]! / MB).toFixed(0)} MB before it; ${total.toLocaleString('en-US')} users`,
        });
      }
      return rows;
    } finally {
      await mix.stop();
    }
  },
};
export default suite;
