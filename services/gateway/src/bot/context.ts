import type { I18nFlavor } from '@grammyjs/i18n';
import type { User } from '@mb/contracts';
import type { Logger } from '@mb/service-kit';
import type { Context } from 'grammy';
import type { AssistantChatDeps } from '../assistant-chat/index.ts';
import type { BroadcastBotDeps } from '../broadcast/deps.ts';
import type { Clients } from '../clients/index.ts';
import type { TicketsDeps } from '../tickets/index.ts';
import type { FunnelMetrics } from './funnel-metrics.ts';

/** What every handler can use, injected once by createBot. */
export type BotDeps = Clients & {
  logger: Logger;
  publicUrl: string;
  staffChatOverride?: number;
  funnel?: FunnelMetrics;
  broadcast?: BroadcastBotDeps;
  tickets?: TicketsDeps;
  assistantChat?: AssistantChatDeps;
};

export type BotContext = Context &
  I18nFlavor & {
    deps: BotDeps;
    /** The signed-in user's row, loaded fresh for every update (so a block or role change applies at once). */
    account: User | null;
  };
