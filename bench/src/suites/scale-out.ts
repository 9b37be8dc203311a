import { execFile } from 'node:child_process';
import http from 'node:http';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import type { BotApiCall } from '@mb/testing/bot-api-double';
import { startRedis } from '@mb/testing/redis-server';
import type { TestUser } from '@mb/testing/updates';
import { startBotApi } from '../harness/bot-api.ts';
import { scrape } from '../harness/metrics.ts';
import { label, postUpdate } from '../harness/mix.ts';
import type { ServiceProcess } from '../harness/processes.ts';
import { seedSignedInUsers } from '../harness/seed.ts';
import { type ProcessStack, startProcessStack, waitReady } from '../harness/stack.ts';
import { makeUsers, UpdateFactory } from '../harness/updates.ts';
import type { BenchContext, BenchRow, BenchSuite } from '../suite.ts';

const run = promisify(execFile);

/**
 * What each simulated user sends, in turn: the read-only steps of the e2e mix's scenarios (bench/src/harness/mix.ts),
 * so the bot's answer to each depends only on the step, and the answers a chat received say which updates were
 * handled, how often and in what order.
 */
const STEPS: Array<(f: UpdateFactory, u: TestUser) => { body: string; queryId?: string }> = [
  (f, u) => f.text(u, '/start'),
  (f, u) => f.text(u, '/promotions'),
  (f, u) => f.callback(u, 'pr:p:2', 1000),
  (f, u) => f.text(u, '/help'),
  (f, u) => f.text(u, label(u.language_code === 'en' ? 'en' : 'ru', 'menu-my-requests')),
  (f, u) => f.callback(u, 'pr:p:1', 1000),
];
/** Updates each chat sends back to back (each after the last was acknowledged), so a chat has a queue to keep in order. */
const BURST = 3;

type Plan = { chat: number; step: number; body: string; queryId?: string };
type Phase = {
  handlers: number;
  /** Updates a second offered. */
  rate: number;
  updates: number;
  seconds: number;
  cpu: number;
  webhookCpu: number;
  faults: string[];
  /** Redis commands run over the phase, by command, from INFO commandstats (what coordination costs Redis). */
  redisCalls: Map<string, number>;
};

/** A Bot API call as seen from the chat it went to: its method and the start of its text, the user's name blanked. */
function signature(call: BotApiCall, user: TestUser | undefined): string {
  const p = call.payload;
  const text = String(p['text'] ?? p['caption'] ?? '').slice(0, 40);
  return `${call.method}:${user ? text.replaceAll(user.first_name, '·') : text}`;
}

/**
 * Records, per chat, the calls the handlers made to it (answered callback queries are put to the chat that tapped).
 */
class ChatLog {
  readonly calls = new Map<number, string[]>();
  readonly queryOwner = new Map<string, number>();
  readonly users = new Map<number, TestUser>();
  /** Each user's position in the seeded list. */
  readonly position = new Map<number, number>();
  lastAt = 0;

  readonly onCall = (call: BotApiCall): void => {
    const p = call.payload;
    const chat =
      call.method === 'answerCallbackQuery'
        ? this.queryOwner.get(String(p['callback_query_id']))
        : Number(p['chat_id']);
    if (chat === undefined || !this.users.has(chat)) return;
    this.lastAt = performance.now();
    const list = this.calls.get(chat) ?? [];
    list.push(signature(call, this.users.get(chat)));
    this.calls.set(chat, list);
  };
}

/** True when the Redis inbox holds no update and no handler is in the middle of one. */
const redisCli = async (redisUrl: string, ...args: string[]) =>
  (await run('redis-cli', ['-u', redisUrl, '--raw', ...args])).stdout.trim();

/** Commands run since the last CONFIG RESETSTAT, by command (`cmdstat_xreadgroup:calls=12,…`). */
async function redisCalls(redisUrl: string): Promise<Map<string, number>> {
  const calls = new Map<string, number>();
  for (const m of (await redisCli(redisUrl, 'INFO', 'commandstats')).matchAll(/^cmdstat_([\w|]+):calls=(\d+)/gm))
    calls.set(m[1]!, Number(m[2]));
  return calls;
}

async function drained(redisUrl: string, handlers: ServiceProcess[]): Promise<boolean> {
  const cli = (...args: string[]) => redisCli(redisUrl, ...args);
  for (const stream of (await cli('KEYS', 'mb:*:updates')).split('\n').filter(Boolean))
    if (Number(await cli('XLEN', stream)) > 0) return false;
  for (const h of handlers) if ((await scrape(h.url, 'gateway_updates_queued')) > 0) return false;
  return true;
}

async function waitDrained(redisUrl: string, handlers: ServiceProcess[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await drained(redisUrl, handlers))) {
    if (Date.now() > deadline) throw new Error(`the inbox was not drained within ${timeoutMs / 1000} s`);
    await sleep(50);
  }
}

/**
 * Posts `plan` to the webhook at `rate` a second: a chat's updates one after the other, each once the last was
 * answered 200 (as Telegram delivers a chat's updates); one not answered 200 is sent again, as Telegram would.
 */
async function post(url: string, secret: string, plan: Plan[], rate: number): Promise<{ resent: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 40 });
  const target = new URL(url);
  let resent = 0;
  const deliver = async (body: string) => {
    for (let attempt = 1; ; attempt++) {
      const status = await postUpdate(agent, target, secret, body);
      if (status === 200) return;
      if (attempt === 5) throw new Error(`the webhook answered ${status} five times to one update`);
      resent++;
    }
  };
  const chains = new Map<number, Promise<void>>();
  const started = performance.now();
  for (let i = 0; i < plan.length; i++) {
    const wait = started + (i * 1000) / rate - performance.now();
    if (wait > 1) await sleep(wait);
    const { chat, body } = plan[i]!;
    chains.set(
      chat,
      (chains.get(chat) ?? Promise.resolve()).then(() => deliver(body)),
    );
  }
  await Promise.all(chains.values());
  agent.destroy();
  return { resent };
}

/** `rounds` bursts of BURST steps for each user, the users interleaved; each user goes through STEPS in turn. */
function makePlan(factory: UpdateFactory, log: ChatLog, users: TestUser[], rounds: number): Plan[] {
  const plan: Plan[] = [];
  const next = new Map<number, number>();
  for (let r = 0; r < rounds; r++)
    for (const [i, u] of users.entries())
      for (let b = 0; b < BURST; b++) {
        const step = (next.get(u.id) ?? i) % STEPS.length;
        next.set(u.id, step + 1);
        const made = STEPS[step]!(factory, u);
        if (made.queryId) log.queryOwner.set(made.queryId, u.id);
        plan.push({ chat: u.id, step, ...made });
      }
  return plan;
}

/**
 * What a user is told depends on the step and on who they are: their language (makeUsers) and segment (seeded), both
 * chosen by the user's position in the seeded list modulo 5. So the answers are learnt per step and that class.
 */
const CLASSES = 5;
type Answers = Map<string, string[]>;
const answerKey = (step: number, position: number) => `${step} ${position % CLASSES}`;

/**
 * The calls one update of each step makes for each class of user, learnt from one chat per step and class, each
 * handled alone: `users` are the first STEPS.length × CLASSES of the seeded list.
 */
async function learnAnswers(
  ctx: BenchContext,
  stack: ProcessStack,
  redisUrl: string,
  handlers: ServiceProcess[],
  factory: UpdateFactory,
  log: ChatLog,
  users: TestUser[],
): Promise<Answers> {
  const plan = users.map((u, i) => {
    const step = Math.floor(i / CLASSES);
    const made = STEPS[step]!(factory, u);
    if (made.queryId) log.queryOwner.set(made.queryId, u.id);
    return { chat: u.id, step, ...made };
  });
  await post(stack.webhookUrl, stack.secret, plan, 100);
  await waitDrained(redisUrl, handlers, 30_000);
  const answers: Answers = new Map();
  for (const [i, p] of plan.entries()) {
    const calls = log.calls.get(p.chat) ?? [];
    if (calls.length === 0)
      throw new Error(`step ${p.step} got no answer from the bot: the check below would prove nothing`);
    answers.set(answerKey(p.step, i), calls);
  }
  ctx.log(
    `answers per step: ${[...answers].map(([k, a]) => `${k}: ${a.map((c) => c.slice(0, 30)).join(' + ')}`).join('; ')}`,
  );
  return answers;
}

/**
 * One measured phase: the plan posted, then waited for until the inbox is drained; the handlers' CPU time over it
 * (from /proc) and what each chat received, compared with what its updates, once each and in order, give.
 */
async function phase(
  stack: ProcessStack,
  redisUrl: string,
  handlers: ServiceProcess[],
  log: ChatLog,
  plan: Plan[],
  answers: Answers,
  rate: number,
): Promise<Phase & { resent: number }> {
  for (const p of plan) log.calls.delete(p.chat);
  await redisCli(redisUrl, 'CONFIG', 'RESETSTAT');
  const cpu0 = handlers.map((h) => h.cpuSeconds());
  const webhook0 = stack.gateway.cpuSeconds();
  const started = performance.now();
  const { resent } = await post(stack.webhookUrl, stack.secret, plan, rate);
  await waitDrained(redisUrl, handlers, 120_000);
  const seconds = (log.lastAt - started) / 1000;
  const cpu = handlers.reduce((sum, h, i) => sum + h.cpuSeconds() - cpu0[i]!, 0);
  const webhookCpu = stack.gateway.cpuSeconds() - webhook0;
  const calls = await redisCalls(redisUrl);
  const expected = new Map<number, string[]>();
  for (const p of plan)
    expected.set(p.chat, [
      ...(expected.get(p.chat) ?? []),
      ...answers.get(answerKey(p.step, log.position.get(p.chat)!))!,
    ]);
  const faults: string[] = [];
  for (const [chat, want] of expected) {
    const got = log.calls.get(chat) ?? [];
    if (got.join('\n') !== want.join('\n'))
      faults.push(
        `chat ${chat}: ${got.length} calls, expected ${want.length}; the first difference, call ${firstDiff(got, want)}: ` +
          `${JSON.stringify(got[firstDiff(got, want)])} where ${JSON.stringify(want[firstDiff(got, want)])} was expected`,
      );
  }
  return {
    handlers: handlers.length,
    rate,
    updates: plan.length,
    seconds,
    cpu,
    webhookCpu,
    faults,
    resent,
    redisCalls: calls,
  };
}

/** Redis commands per update over a phase, in all and of the busiest commands. */
const redisPerUpdate = (p: Phase) => {
  const all = [...p.redisCalls.values()].reduce((a, b) => a + b, 0);
  const top = [...p.redisCalls]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 6)
    .map(([name, n]) => `${name} ${(n / p.updates).toFixed(2)}`);
  return `${(all / p.updates).toFixed(1)} (${top.join(', ')})`;
};

const firstDiff = (a: string[], b: string[]) => {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
};

const suite: BenchSuite = {
  name: 'scale-out',
  description:
    'Redis inbox: one webhook process and one, then two handler processes; updates handled per handler CPU-second, per-chat order and exactly-once',
  async run(ctx): Promise<BenchRow[]> {
    const rate = ctx.quick ? 150 : 300;
    const chats = ctx.quick ? 150 : 400;
    const rounds = ctx.quick ? 2 : 5;
    // Users: one of each class per step to learn the answers, then a fresh set for each warm-up and measured phase
    // (a user sending more than 20 updates in 10 s would meet the flood control).
    const users = makeUsers(STEPS.length * CLASSES + 5 * chats);
    const learners = users.slice(0, STEPS.length * CLASSES);
    const log = new ChatLog();
    for (const [i, u] of users.entries()) {
      log.users.set(u.id, u);
      log.position.set(u.id, i);
    }
    const factory = new UpdateFactory();
    const redis = await startRedis();
    const botApi = await startBotApi(log.onCall);
    let stack: ProcessStack | undefined;
    try {
      stack = await startProcessStack({
        apiRoot: botApi.api.url,
        gatewayEnv: { REDIS_URL: redis.url, GATEWAY_ROLE: 'webhook', GATEWAY_REPLICA_ID: 'webhook' },
        beforeGateway: ({ dir }) => seedSignedInUsers(join(dir, 'workbook.sqlite'), users),
      });
      const handler = (n: number) =>
        stack!.startGateway({
          GATEWAY_ROLE: 'handler',
          GATEWAY_REPLICA_ID: `handler-${n}`,
          GATEWAY_DB_PATH: join(stack!.dir, `gateway-handler-${n}.sqlite`),
        });
      const handlers = [await handler(1)];
      await waitReady(`${stack.gateway.url}/readyz`);
      await waitReady(`${handlers[0]!.url}/readyz`);
      const answers = await learnAnswers(ctx, stack, redis.url, handlers, factory, log, learners);
      const phaseUsers = (k: number) => users.slice(learners.length + k * chats, learners.length + (k + 1) * chats);

      // Each measured phase follows a warm-up of the same handlers (a fresh process runs cold code at first), whose
      // chats are checked as well.
      const measure = async (k: number) => {
        const warm = await phase(
          stack!,
          redis.url,
          handlers,
          log,
          makePlan(factory, log, phaseUsers(2 * k), 2),
          answers,
          rate,
        );
        const plan = makePlan(factory, log, phaseUsers(2 * k + 1), rounds);
        const measured = await phase(stack!, redis.url, handlers, log, plan, answers, rate);
        return { ...measured, faults: [...warm.faults, ...measured.faults], checked: warm.updates + measured.updates };
      };
      const one = await measure(0);
      // The control: one handler at half the rate, the share each of two gets. A process handles an update with less
      // CPU the busier it is (replies and Redis answers read together, fewer wake-ups), so this, not `one`, is what
      // two handlers would match if coordinating cost nothing.
      const half = await phase(
        stack,
        redis.url,
        handlers,
        log,
        makePlan(factory, log, phaseUsers(4), rounds),
        answers,
        rate / 2,
      );
      handlers.push(await handler(2));
      await waitReady(`${handlers[1]!.url}/readyz`);
      const two = await measure(1);

      for (const p of [one, half, two]) {
        ctx.log(
          `${p.handlers} handler(s), ${p.rate}/s offered: ${p.updates} updates in ${p.seconds.toFixed(1)} s (${(p.updates / p.seconds).toFixed(0)}/s), ` +
            `handlers' CPU ${p.cpu.toFixed(2)} s = ${(p.updates / p.cpu).toFixed(0)} updates per CPU-second, webhook CPU ${p.webhookCpu.toFixed(2)} s; ` +
            `resent ${p.resent}; chats not as expected: ${p.faults.length}`,
        );
        for (const f of p.faults.slice(0, 5)) ctx.log(`  ${f}`);
        ctx.log(`  Redis commands per update: ${redisPerUpdate(p)}`);
      }
      // What a handler costs doing nothing (its blocking reads, lock renewals, pollers): paid once per process.
      const idle0 = handlers.map((h) => h.cpuSeconds());
      await sleep(3000);
      const idleMs = handlers.map((h, i) => ((h.cpuSeconds() - idle0[i]!) * 1000) / 3).map((ms) => ms.toFixed(0));
      ctx.log(`idle handlers: ${idleMs.join(', ')} CPU-ms/s`);
      for (const s of [...stack.services, ...handlers])
        if (s.errors) ctx.log(`${s.name} logged ${s.errors} errors, last: ${s.lastErrors.at(-1)}`);
      const perCpu = (p: Phase) => p.updates / p.cpu;
      const mixNote = `offered ${rate}/s from ${chats} chats, ${BURST} updates a burst; ${STEPS.length} kinds of step`;
      return [
        {
          suite: this.name,
          metric: 'updates handled per handler CPU-second, 1 handler',
          value: perCpu(one),
          unit: '/s',
          note: `${one.cpu.toFixed(2)} CPU-s for ${one.updates} updates; ${mixNote}`,
        },
        {
          suite: this.name,
          metric: 'updates handled per handler CPU-second, 2 handlers',
          value: perCpu(two),
          unit: '/s',
          baseline: perCpu(one),
          goal: '≥ 90% of 1 handler',
          note: `${two.cpu.toFixed(2)} CPU-s for ${two.updates} updates (both handlers); idle, each handler uses ${idleMs.join(' and ')} CPU-ms/s; Redis commands per update ${redisPerUpdate(one).split(' ')[0]} with one, ${redisPerUpdate(two).split(' ')[0]} with two`,
        },
        {
          suite: this.name,
          metric: `updates handled per handler CPU-second, 1 handler at ${rate / 2}/s`,
          value: perCpu(half),
          unit: '/s',
          note: `the load each of two handlers gets; 2 handlers reach ${((perCpu(two) / perCpu(half)) * 100).toFixed(0)}% of this`,
        },
        { suite: this.name, metric: 'updates handled/s, 1 handler', value: one.updates / one.seconds, unit: '/s' },
        {
          suite: this.name,
          metric: 'updates handled/s, 2 handlers',
          value: two.updates / two.seconds,
          unit: '/s',
          note: 'on 2 cores shared with the webhook, sheets, assistant, Redis and the load',
        },
        {
          suite: this.name,
          metric: 'chats answered out of order, twice or not at all',
          value: one.faults.length + half.faults.length + two.faults.length,
          unit: '',
          goal: '= 0',
          note: `${one.checked + half.updates + two.checked} updates in ${5 * chats} chats, warm-ups included; ${one.resent + half.resent + two.resent} re-sent after a non-200`,
        },
      ];
    } finally {
      await stack?.stop();
      await botApi.close();
      await redis.stop();
    }
  },
};
export default suite;
