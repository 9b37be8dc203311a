import { MESSAGE_SENDING_METHODS } from '@mb/contracts/telegram';
import { type BotApiCall, type BotApiDouble, tooManyRequests } from './bot-api-double.ts';

export type TelegramLimitsOptions = {
  /** Messages accepted in any one second overall (Telegram: about 30). */
  perSecond?: number;
  /** Least gap between two messages to one chat (Telegram: 1 s; short bursts are tolerated there, not here). */
  perChatMs?: number;
  /** Users who blocked the bot: 403 Forbidden. */
  blocked?: Iterable<number>;
};

/**
 * Telegram's sending limits, enforced on a BotApiDouble: beyond `perSecond` messages in a sliding second, or a second
 * message to a chat within `perChatMs`, the answer is 429 with `retry_after`; a blocked user's chat answers 403.
 * Only accepted messages count as delivered (`delivered`), so a test can check each recipient got a message exactly once.
 */
export class TelegramLimits {
  readonly perSecond: number;
  readonly perChatMs: number;
  readonly blocked: Set<number>;
  /** Messages accepted per chat. */
  readonly delivered = new Map<number, number>();
  /** Accepted message times (ms), for the effective rate. */
  readonly acceptedAt: number[] = [];
  tooManyRequests = 0;
  /** 429s by cause: the overall window, or a chat's gap. */
  readonly tooManyBy = { global: 0, chat: 0 };
  /** Called for each 429, with its cause. */
  onRejected?: (call: BotApiCall, cause: 'global' | 'chat') => void;
  forbidden = 0;
  /** Called for each accepted message before it is answered (e.g. to kill the sender at the worst moment). */
  onAccepted?: (call: BotApiCall, count: number) => void;
  private window: number[] = [];
  private readonly lastByChat = new Map<number, number>();

  constructor(opts: TelegramLimitsOptions = {}) {
    this.perSecond = opts.perSecond ?? 30;
    this.perChatMs = opts.perChatMs ?? 1000;
    this.blocked = new Set(opts.blocked ?? []);
  }

  install(api: BotApiDouble): this {
    api.script((call) => this.check(call));
    return this;
  }

  get total(): number {
    return this.acceptedAt.length;
  }

  /** The most messages accepted within any one second. */
  maxInAnySecond(): number {
    let max = 0;
    for (let i = 0, j = 0; i < this.acceptedAt.length; i++) {
      while (this.acceptedAt[i]! - this.acceptedAt[j]! >= 1000) j++;
      max = Math.max(max, i - j + 1);
    }
    return max;
  }

  private check(call: BotApiCall): { status: number; body: unknown } | undefined {
    if (!MESSAGE_SENDING_METHODS.has(call.method)) return undefined;
    const chat = Number(call.payload['chat_id']);
    const now = Date.now();
    if (this.blocked.has(chat)) {
      this.forbidden++;
      return {
        status: 403,
        body: { ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' },
      };
    }
    this.window = this.window.filter((t) => t > now - 1000);
    const last = this.lastByChat.get(chat);
    if (this.window.length >= this.perSecond || (last !== undefined && now - last < this.perChatMs)) {
      const cause = this.window.length >= this.perSecond ? 'global' : 'chat';
      this.tooManyRequests++;
      this.tooManyBy[cause]++;
      this.onRejected?.(call, cause);
      return tooManyRequests(1);
    }
    this.window.push(now);
    this.lastByChat.set(chat, now);
    this.acceptedAt.push(now);
    this.delivered.set(chat, (this.delivered.get(chat) ?? 0) + 1);
    this.onAccepted?.(call, this.acceptedAt.length);
    return undefined;
  }
}
