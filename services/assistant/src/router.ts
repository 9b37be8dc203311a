import { internalProcedure, router } from '@mb/service-kit';
import { Language, TelegramId } from '@mb/contracts';
import { z } from 'zod';
import type { Answerer } from './llm/answerer.ts';
import type { Knowledge } from './knowledge.ts';

export type AssistantDeps = { knowledge: Knowledge; answerer: Answerer };

export const MAX_QUESTION_LENGTH = 2000;

export const createAssistantRouter = ({ knowledge, answerer }: AssistantDeps) =>
  router({
    ping: internalProcedure.query(() => ({ ok: true as const })),
    /** Answers a question from the FAQ and the live promotions the user may see, with the ids of the sources used. */
    ask: internalProcedure
      .input(
        z.object({
          telegramId: TelegramId.nullable(),
          segment: z.string().max(100).nullable().default(null),
          question: z.string().trim().min(1).max(MAX_QUESTION_LENGTH),
          language: Language.default('ru'),
        }),
      )
      .mutation(async ({ input }) => {
        const retriever = await knowledge.retriever(input.segment);
        const hits = retriever.search(input.question, 5);
        return answerer.answer({ question: input.question, language: input.language, hits });
      }),
  });

export type AssistantRouter = ReturnType<typeof createAssistantRouter>;
