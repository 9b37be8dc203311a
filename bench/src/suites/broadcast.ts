import { DatabaseSync } from 'node:sqlite';
import { createServiceClient } from '@mb/service-kit';
import type { SheetsRouter } from '@mb/sheets/router-type';
import { BotApiDouble } from '@mb/testing/bot-api-double';
import { TelegramLimits } from '@mb/testing/telegram-limits';
import { BENCH_INTERNAL_TOKEN, BENCH_SECRET } from '../harness/credentials.ts';
import { seedSignedInUsers } from '../harness/seed.ts';
import { startProcessStack, waitReady } from '../harness/stack.ts';
import { makeUsers, UpdateFactory } from '../harness/updates.ts';
import type { BenchRow, BenchSuite } from '../suite.ts';

const STAFF_ID = 7_099_999_999;
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;

const suite: BenchSuite = {
  name: 'broadcast',
  description:
    'a broadcast to 10,000 users at 60 msg/s, paid broadcasts (1,000 at the default 30 msg/s quick) through the gateway against a Bot API double that enforces that rate and 1/s per chat (429) and blocks 1% (403), with /start from other users meanwhile',
  async run(ctx) {
    const recipients = ctx.quick ? 1000 : 10_000;
    // 10,000 at the free 30 msg/s would take 5.6 minutes; the full run uses paid broadcasts at 60 msg/s instead, the
    // double enforcing the same, so the ratio to the configured limit means the same.
    const LIMIT = ctx.quick ? 30 : 60;
    const users = makeUsers(recipients + 200);
    const audience = users.slice(0, recipients);
    const askers = users.slice(recipients);
    const api = await new BotApiDouble().start();
    const limits = new TelegramLimits({
      perSecond: LIMIT,
      perChatMs: 1000,
      blocked: audience.filter((_, i) => i % 100 === 37).map((u) => u.id),
    }).install(api);
    // Interactive replies: the time from posting /start to the reply reaching the double.
    const asked = new Map<number, number>();
    const replyMs: number[] = [];
    api.script((call) => {
      const sentAt = asked.get(Number(call.payload['chat_id']));
      if (sentAt !== undefined && call.method === 'sendMessage') {
        replyMs.push(Date.now() - sentAt);
        asked.delete(Number(call.payload['chat_id']));
      }
      return undefined;
    });
    const trim = setInterval(() => (api.calls.length = 0), 1000);
    const audienceIds = new Set(audience.map((u) => u.id));
    const accepted: Array<{ at: number; bulk: boolean }> = [];
    const rejected = { bulk: { global: 0, chat: 0 }, replies: { global: 0, chat: 0 } };
    limits.onRejected = (call, cause) =>
      rejected[audienceIds.has(Number(call.payload['chat_id'])) ? 'bulk' : 'replies'][cause]++;
    limits.onAccepted = (call) =>
      accepted.push({ at: Date.now(), bulk: audienceIds.has(Number(call.payload['chat_id'])) });
    const stack = await startProcessStack({
      apiRoot: api.url,
      gatewayEnv: {
        BROADCAST_RATE_PER_SECOND: String(LIMIT),
        BROADCAST_ALLOW_PAID: LIMIT > 30 ? 'yes' : 'no',
        BROADCAST_POLL_INTERVAL_MS: '500',
      },
      beforeGateway: ({ dir }) => {
        seedSignedInUsers(`${dir}/workbook.sqlite`, users);
        const db = new DatabaseSync(`${dir}/workbook.sqlite`);
        db.exec('PRAGMA busy_timeout = 10000');
        // The audience in a segment of its own, and one manager to start the broadcast.
        db.exec(`UPDATE "Users" SET segment = 'bench' WHERE CAST(telegram_id AS INTEGER) < ${askers[0]!.id}`);
        db.prepare(
          `INSERT INTO "Users" (id, telegram_id, name, role, segment, status, language) VALUES ('U-bench-staff', ?, 'Менеджер', 'manager', 'all', 'active', 'ru')`,
        ).run(String(STAFF_ID));
        db.close();
      },
    });
    let asking: NodeJS.Timeout | undefined;
    try {
      await waitReady(`${stack.gateway.url}/readyz`);
      const sheets = createServiceClient<SheetsRouter>({
        target: 'sheets',
        url: stack.sheets.url,
        token: BENCH_INTERNAL_TOKEN,
      });
      const b = await sheets.broadcasts.create.mutate({
        staffTelegramId: STAFF_ID,
        text: 'Неделя скидок: до −30% на всё. Подробности в боте.',
        segment: 'bench',
      });
      ctx.log(`broadcast ${b.id} to ${recipients} recipients started`);

      const factory = new UpdateFactory(900_000_000);
      let next = 0;
      asking = setInterval(() => {
        const user = askers[next++ % askers.length]!;
        asked.set(user.id, Date.now());
        const body = factory.text(user, '/start').body;
        fetch(stack.webhookUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': BENCH_SECRET },
          body,
        }).catch(() => undefined);
      }, 500);
      const deadline = Date.now() + (recipients / LIMIT) * 1000 * 2 + 60_000;
      let row = await sheets.broadcasts.get.query({ id: b.id });
      while (row?.status === 'sending' && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 1000));
        row = await sheets.broadcasts.get.query({ id: b.id });
      }
      clearInterval(asking);

      // From the broadcast's first message to its last: every message Telegram accepted (broadcast and replies).
      const bulk = accepted.filter((a) => a.bulk);
      const from = bulk[0]!.at;
      const to = bulk[bulk.length - 1]!.at;
      const seconds = (to - from) / 1000;
      const inWindow = accepted.filter((a) => a.at >= from && a.at <= to).length;
      const rate = (inWindow - 1) / seconds;
      const bulkRate = (bulk.length - 1) / seconds;
      let twice = 0;
      let missed = 0;
      for (const id of audienceIds) {
        const n = limits.delivered.get(id) ?? 0;
        if (n > 1) twice++;
        if (n === 0 && !limits.blocked.has(id)) missed++;
      }
      replyMs.sort((x, y) => x - y);
      const db = new DatabaseSync(`${stack.dir}/workbook.sqlite`);
      const odd = db
        .prepare(
          `SELECT state, error, count(*) AS n FROM broadcast_recipients WHERE broadcast_id = ? AND state NOT IN ('sent', 'blocked') GROUP BY state, error`,
        )
        .all(b.id) as Array<{ state: string; error: string | null; n: number }>;
      db.close();
      if (odd.length) ctx.log(`not sent: ${odd.map((o) => `${o.n} ${o.state} (${o.error ?? ''})`).join('; ')}`);
      ctx.log(
        `done=${row?.status}: ${limits.total} accepted in ${seconds.toFixed(1)} s (${rate.toFixed(2)}/s), 429s ${limits.tooManyRequests}, 403s ${limits.forbidden}, twice ${twice}, missed ${missed}, replies ${replyMs.length} p50 ${percentile(replyMs, 50)} ms p99 ${percentile(replyMs, 99)} ms`,
      );
      const rows: BenchRow[] = [
        {
          suite: 'broadcast',
          metric: 'effective rate / configured limit',
          value: Number((rate / LIMIT).toFixed(3)),
          unit: 'ratio',
          goal: '≥ 0.95',
          pass: rate / LIMIT >= 0.95,
          note: `${rate.toFixed(2)} msg/s of ${LIMIT} (${bulkRate.toFixed(2)} broadcast + replies), ${recipients} recipients, ${seconds.toFixed(0)} s`,
        },
        {
          suite: 'broadcast',
          metric: 'recipients sent twice or missed',
          value: twice + missed,
          unit: 'recipients',
          goal: '= 0',
          pass: twice + missed === 0 && row?.status === 'done',
          note: `status ${row?.status}; sent ${row?.progress.sent}, blocked ${row?.progress.blocked}${odd.map((o) => `, ${o.n} ${o.state}: ${o.error ?? ''}`).join('')}`,
        },
        {
          suite: 'broadcast',
          metric: '429 answers',
          value: limits.tooManyRequests,
          unit: 'answers',
          note: `broadcast: ${rejected.bulk.global} over the limit, ${rejected.bulk.chat} per chat; replies: ${rejected.replies.global} over the limit, ${rejected.replies.chat} per chat; max ${limits.maxInAnySecond()} in any second`,
        },
        {
          suite: 'broadcast',
          metric: 'interactive reply p99 during the broadcast',
          value: percentile(replyMs, 99),
          unit: 'ms',
          note: `${replyMs.length} /start replies, p50 ${percentile(replyMs, 50)} ms`,
        },
      ];
      return rows;
    } finally {
      clearInterval(asking);
      clearInterval(trim);
      await stack.stop();
      await api.close();
    }
  },
};

export default suite;
