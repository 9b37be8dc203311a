import type { ChangeEventPayload, ChangeEventType } from '@mb/contracts';
import type { Logger } from '@mb/service-kit';
import type { Api } from 'grammy';
import type { SheetsClient } from '../clients/index.ts';

/** What an event handler may use: the Bot API, sheets, translations by locale, the staff chat. */
export type EventDeps = {
  api: Api;
  sheets: SheetsClient;
  logger: Logger;
  /** Text from the locale files for a given locale (`ru`, `en`). */
  t: (locale: string, key: string, vars?: Record<string, string | number>) => string;
  publicUrl: string;
  /** The staff group, or null (then staff notices are only logged). */
  staffChat: () => Promise<number | null>;
};

/** Handles one event; delivery is at least once, so a handler must be safe to run twice. */
export type EventHandler<T extends ChangeEventType> = (
  payload: ChangeEventPayload<T>,
  deps: EventDeps,
) => Promise<void>;

/** One handler per event type; a type without one is acknowledged and skipped. */
export type EventHandlers = { [T in ChangeEventType]?: EventHandler<T> };
