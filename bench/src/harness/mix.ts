import { readFileSync } from 'node:fs';
import http from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BotApiCall } from '@mb/testing/bot-api-double';
import type { TestUser } from '@mb/testing/updates';
import { UpdateFactory } from './updates.ts';

type Button = { text?: string; callback_data?: string };
type Made = { body: string; queryId?: string };
/** One step of a scenario: the update a user sends, given the inline keyboard of the last message the bot sent them. */
type Step = (u: TestUser, f: UpdateFactory, keyboard: Button[][] | undefined) => Made;

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const labels = new Map<string, Map<string, string>>();
/** A button label as the user sees it, read from the gateway's locale files so wording changes do not break the mix. */
export function label(lang: string, key: string): string {
  let map = labels.get(lang);
  if (!map) {
    map = new Map();
    for (const line of readFileSync(join(root, `services/gateway/locales/${lang}.ftl`), 'utf8').split('\n')) {
      const m = /^([a-z0-9-]+) = (.+)$/.exec(line);
      if (m) map.set(m[1]!, m[2]!);
    }
    labels.set(lang, map);
  }
  const text = map.get(key);
  if (!text) throw new Error(`services/gateway/locales/${lang}.ftl has no ${key}`);
  return text;
}
const lang = (u: TestUser) => (u.language_code === 'en' ? 'en' : 'ru');
const text =
  (t: string | ((u: TestUser) => string)): Step =>
  (u, f) =>
    f.text(u, typeof t === 'string' ? t : t(u));
const tap =
  (data: string | ((kb: Button[][] | undefined) => string)): Step =>
  (u, f, kb) =>
    f.callback(u, typeof data === 'string' ? data : data(kb), 1000);
const firstButton = (re: RegExp, fallback: string) => (kb: Button[][] | undefined) =>
  kb?.flat().find((b) => b.callback_data && re.test(b.callback_data))?.callback_data ?? fallback;

/** What simulated users do, and how often (weights). Each step waits for the bot's answer before the next. */
export const SCENARIOS: Record<string, { weight: number; steps: Step[] }> = {
  start: { weight: 10, steps: [text('/start')] },
  'menu-promotions': {
    weight: 30,
    steps: [text((u) => label(lang(u), 'menu-promotions')), tap('pr:p:1'), tap('pr:p:2')],
  },
  participate: { weight: 20, steps: [text('/promotions'), tap(firstButton(/^pr:[jh]:/, 'pr:p:1'))] },
  'new-request': {
    weight: 15,
    steps: [
      text('/new'),
      tap('rq:c:0'),
      text('Не пришла скидка по акции «Большая распродажа», заказ 12345'),
      tap('rq:done'),
      tap('rq:send'),
    ],
  },
  'my-requests': { weight: 10, steps: [text((u) => label(lang(u), 'menu-my-requests'))] },
  help: { weight: 5, steps: [text('/help')] },
  assistant: {
    weight: 15,
    steps: [text((u) => (lang(u) === 'en' ? 'How much is delivery?' : 'Сколько стоит доставка?'))],
  },
};

const REPLY_METHODS = new Set([
  'sendMessage',
  'sendPhoto',
  'editMessageText',
  'editMessageMedia',
  'editMessageReplyMarkup',
  'answerCallbackQuery',
  'sendMessageDraft',
]);

type UserState = { user: TestUser; scenario: string; step: number; readyAt: number };

export type MixResult = {
  sent: number;
  /** Arrivals not sent because the webhook had 2 s of arrivals unanswered already (the system is overloaded). */
  shed: number;
  answered: number;
  lost: number;
  non2xx: number;
  seconds: number;
  rate: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  byScenario: Record<string, { answered: number; p99Ms: number }>;
  scenarios: string[];
};

const percentile = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN;

/**
 * Simulated users against the webhook, open loop: `rate` updates a second are posted (40 keep-alive connections, as
 * Telegram), each from a user who is not waiting for an answer; latency is from posting the update to the first Bot
 * API call addressed to that user (the reply, the edited card, or the answered button). Each user then thinks for
 * `thinkMs` and takes the next step of their scenario.
 */
export class MixDriver {
  private readonly states: UserState[];
  private readonly idle: number[];
  private readonly outstanding = new Map<number, { at: number; scenario: string; index: number }>();
  private readonly queryOwner = new Map<string, number>();
  private readonly keyboards = new Map<number, Button[][]>();
  private readonly factory = new UpdateFactory(700_000_000);
  private readonly byId = new Map<number, number>();
  private latencies: Array<{ scenario: string; ms: number }> = [];
  private recording = false;
  private readonly weighted: string[];
  private readonly thinkMs: number;

  constructor(users: TestUser[], thinkMs = 1000) {
    this.thinkMs = thinkMs;
    this.weighted = Object.entries(SCENARIOS).flatMap(([name, s]) => Array<string>(s.weight).fill(name));
    this.states = users.map((user, i) => ({
      user,
      scenario: this.weighted[(i * 7919) % this.weighted.length]!,
      step: 0,
      readyAt: 0,
    }));
    users.forEach((u, i) => this.byId.set(u.id, i));
    this.idle = users.map((_, i) => i);
  }

  /** Give this to the Bot API double: it sees every call the gateway makes. */
  readonly onCall = (call: BotApiCall): void => {
    if (!REPLY_METHODS.has(call.method)) return;
    const p = call.payload;
    let chatId: number | undefined;
    if (call.method === 'answerCallbackQuery') {
      chatId = this.queryOwner.get(String(p['callback_query_id']));
      this.queryOwner.delete(String(p['callback_query_id']));
    } else chatId = Number(p['chat_id']);
    if (chatId === undefined) return;
    const markup = p['reply_markup'] as { inline_keyboard?: Button[][] } | undefined;
    if (markup?.inline_keyboard) this.keyboards.set(chatId, markup.inline_keyboard);
    const pending = this.outstanding.get(chatId);
    if (!pending) return;
    this.outstanding.delete(chatId);
    if (this.recording) this.latencies.push({ scenario: pending.scenario, ms: performance.now() - pending.at });
    const s = this.states[pending.index]!;
    s.readyAt = performance.now() + this.thinkMs;
    this.idle.push(pending.index);
  };

  async run(opts: { url: string; secret: string; rate: number; seconds: number; record: boolean }): Promise<MixResult> {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 40 });
    const target = new URL(opts.url);
    let sent = 0;
    let shed = 0;
    let arrivals = 0;
    let non2xx = 0;
    // Open loop, but bounded: an overloaded webhook must not turn a 30-second run into minutes of client-side queue.
    const maxInflight = Math.max(100, opts.rate * 2);
    this.latencies = [];
    this.recording = opts.record;
    const started = performance.now();
    const post = async (body: string) => {
      const status = await postUpdate(agent, target, opts.secret, body);
      if (status < 200 || status >= 300) non2xx++;
    };
    const inflight = new Set<Promise<void>>();
    await new Promise<void>((finish) => {
      const timer = setInterval(() => {
        const now = performance.now();
        if (now - started >= opts.seconds * 1000) {
          clearInterval(timer);
          finish();
          return;
        }
        const due = Math.floor(((now - started) / 1000) * opts.rate) - arrivals;
        for (let k = 0; k < due; k++) {
          const index = this.idle[0];
          if (index === undefined || this.states[index]!.readyAt > now) break;
          arrivals++;
          if (inflight.size >= maxInflight) {
            shed++;
            continue;
          }
          this.idle.shift();
          const s = this.states[index]!;
          const scenario = SCENARIOS[s.scenario]!;
          const made = scenario.steps[s.step]!(s.user, this.factory, this.keyboards.get(s.user.id));
          if (made.queryId) this.queryOwner.set(made.queryId, s.user.id);
          this.outstanding.set(s.user.id, { at: performance.now(), scenario: s.scenario, index });
          s.step++;
          if (s.step >= scenario.steps.length) {
            s.step = 0;
            s.scenario = this.weighted[Math.floor(Math.random() * this.weighted.length)]!;
          }
          sent++;
          const p = post(made.body);
          inflight.add(p);
          void p.then(() => inflight.delete(p));
        }
      }, 5);
    });
    const seconds = (performance.now() - started) / 1000;
    const deadline = performance.now() + 10_000;
    while (inflight.size > 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    while (this.outstanding.size > 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const lost = this.outstanding.size;
    // Users still waiting are given up on: they start their next scenario.
    for (const [, o] of this.outstanding) this.idle.push(o.index);
    this.outstanding.clear();
    agent.destroy();
    const all = this.latencies.map((l) => l.ms).sort((a, b) => a - b);
    const byScenario: MixResult['byScenario'] = {};
    for (const name of Object.keys(SCENARIOS)) {
      const ms = this.latencies
        .filter((l) => l.scenario === name)
        .map((l) => l.ms)
        .sort((a, b) => a - b);
      byScenario[name] = { answered: ms.length, p99Ms: percentile(ms, 99) };
    }
    return {
      sent,
      shed,
      answered: all.length,
      lost,
      non2xx,
      seconds,
      rate: all.length / seconds,
      p50Ms: percentile(all, 50),
      p99Ms: percentile(all, 99),
      maxMs: all.at(-1) ?? NaN,
      byScenario,
      scenarios: Object.keys(SCENARIOS),
    };
  }
}

/** POSTs one update body to the webhook at `target` with the secret header; resolves with the status, 0 on an error. */
export function postUpdate(agent: http.Agent, target: URL, secret: string, body: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'x-telegram-bot-api-secret-token': secret,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', () => resolve(0));
    req.end(body);
  });
}
