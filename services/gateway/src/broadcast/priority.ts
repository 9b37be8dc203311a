import type { Transformer } from 'grammy';
import type { RateGate } from './rate-gate.ts';

/** Bot API methods that put a message into a chat: each counts against Telegram's limits. */
const SENDS = new Set([
  'sendMessage',
  'sendPhoto',
  'sendDocument',
  'sendVideo',
  'sendAnimation',
  'sendAudio',
  'sendVoice',
  'sendVideoNote',
  'sendMediaGroup',
  'sendContact',
  'sendLocation',
  'sendVenue',
  'sendPoll',
  'sendDice',
  'sendSticker',
  'sendInvoice',
  'copyMessage',
  'copyMessages',
  'forwardMessage',
  'forwardMessages',
]);

/**
 * Interactive replies take their slot of the shared budget at once (never waiting), so a running broadcast, which
 * waits for free slots, yields to them: replies go first and the total stays within the limit. If the gate cannot be
 * reached (Redis down), the reply goes anyway.
 */
export function interactivePriority(gate: RateGate): Transformer {
  return async (prev, method, payload, signal) => {
    const chatId = (payload as { chat_id?: unknown } | undefined)?.chat_id;
    if (!SENDS.has(method) || typeof chatId !== 'number') return prev(method, payload, signal);
    const slot = await gate.takeInteractive(chatId).catch(() => undefined);
    try {
      return await prev(method, payload, signal);
    } finally {
      await slot?.release().catch(() => undefined);
    }
  };
}
