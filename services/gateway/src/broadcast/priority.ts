import { MESSAGE_SENDING_METHODS } from '@mb/contracts/telegram';
import type { Transformer } from 'grammy';
import type { RateGate } from './rate-gate.ts';

/**
 * Interactive replies take their slot of the shared budget at once (never waiting), so a running broadcast, which
 * waits for free slots, yields to them: replies go first and the total stays within the limit. If the gate cannot be
 * reached (Redis down), the reply goes anyway.
 */
export function interactivePriority(gate: RateGate): Transformer {
  return async (prev, method, payload, signal) => {
    const chatId = (payload as { chat_id?: unknown } | undefined)?.chat_id;
    if (!MESSAGE_SENDING_METHODS.has(method) || typeof chatId !== 'number') return prev(method, payload, signal);
    const slot = await gate.takeInteractive(chatId).catch(() => undefined);
    try {
      return await prev(method, payload, signal);
    } finally {
      await slot?.release().catch(() => undefined);
    }
  };
}
