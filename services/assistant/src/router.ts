import { Language, TelegramId } from '@mb/contracts';
import { internalProcedure, router } from '@mb/service-kit';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import type { AskEvent, Asker, AskResult } from './ask.ts';
import { KnowledgeUnavailableError } from './knowledge.ts';
import type { MemoryStore } from './store/stores.ts';

export type AssistantDeps = { asker: Asker; memory: MemoryStore };

/** Telegram's own limit on a message; longer questions are refused by the assistant's own, lower bound. */
export const MAX_QUESTION_LENGTH = 4096;

const AskInput = z.object({
  telegramId: TelegramId,
  segment: z.string().max(100).nullable().default(null),
  question: z.string().trim().min(1).max(MAX_QUESTION_LENGTH),
  language: Language.default('ru'),
});

export const createAssistantRouter = ({ asker, memory }: AssistantDeps) =>
  router({
    ping: internalProcedure.query(() => ({ ok: true as const })),
    /**
     * The whole answer at once (same rules as `askStream`). A used-up daily quota is TOO_MANY_REQUESTS, an over-long
     * question PAYLOAD_TOO_LARGE; an unanswered question is a result with `answered: false` and `handoff: true`.
     */
    ask: internalProcedure.input(AskInput).mutation(async ({ input, signal }): Promise<AskResult> => {
      for await (const event of unavailableAsTrpc(asker.ask(input, signal))) {
        if (event.type !== 'final') continue;
        if (event.result.outcome === 'quota')
          throw new TRPCError({
            code: 'TOO_MANY_REQUESTS',
            message: `daily quota of ${event.result.limit} questions used up`,
          });
        if (event.result.outcome === 'refused')
          throw new TRPCError({ code: 'PAYLOAD_TOO_LARGE', message: 'the question is too long' });
        return event.result;
      }
      throw new Error('the answer ended without a result');
    }),
    /**
     * The answer as a stream of text deltas then one `final` event. Call with `{ context: { stream: true } }`
     * (httpBatchStreamLink). The final text replaces the deltas (it may be the retrieval answer after a model failure).
     */
    askStream: internalProcedure.input(AskInput).mutation(async function* ({
      input,
      signal,
    }): AsyncGenerator<AskEvent> {
      yield* unavailableAsTrpc(asker.ask(input, signal));
    }),
    /** Forgets the user's conversation (`/reset`). */
    reset: internalProcedure
      .input(z.object({ telegramId: TelegramId }))
      .mutation(async ({ input }) => ({ forgotten: await memory.reset(input.telegramId) })),
    /** The user's recent turns, oldest first, for a hand-off to a human. */
    transcript: internalProcedure.input(z.object({ telegramId: TelegramId })).query(async ({ input }) =>
      (await memory.recent(input.telegramId)).map((t) => ({
        role: t.role,
        text: t.text,
        at: new Date(t.at).toISOString(),
      })),
    ),
  });

/** Sheets down with nothing cached: SERVICE_UNAVAILABLE for the caller (the chat says "try again in a minute"). */
async function* unavailableAsTrpc(events: AsyncGenerator<AskEvent>): AsyncGenerator<AskEvent> {
  try {
    yield* events;
  } catch (error) {
    if (error instanceof KnowledgeUnavailableError)
      throw new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: error.message, cause: error });
    throw error;
  }
}

export type AssistantRouter = ReturnType<typeof createAssistantRouter>;
