import { z } from 'zod';
import { askAssistant, askAssistantStream, languageOf } from './assistant.ts';
import { forgetMe, myData } from './privacy.ts';
import { getPromotion, listPromotions, myParticipations, participate } from './promotions.ts';
import { getSettings, setMarketing } from './settings.ts';
import { broadcastAudience, staffCounts, startBroadcast } from './staff.ts';
import { closeTicket, createTicket, myTickets, replyToTicket, ticketCategories, ticketThread } from './tickets.ts';
import { accountProcedure, router, signedInProcedure, staffProcedure, userProcedure } from './trpc.ts';

const PromotionId = z.object({ id: z.string().trim().min(1).max(100) });
const Segment = z.string().trim().min(1).max(200).default('all');
const TicketId = z.object({ id: z.string().regex(/^T-\d{1,9}$/, 'expected a request id like T-1001') });
const TicketText = z.string().trim().min(1, 'the text is empty').max(4000, 'at most 4000 characters');
export const MAX_QUESTION_LENGTH = 2000;
const Question = z.object({
  question: z
    .string()
    .trim()
    .min(1, 'the question is empty')
    .max(MAX_QUESTION_LENGTH, `at most ${MAX_QUESTION_LENGTH} characters`),
});

/** Support requests (обращения; "tickets" in the code, as in the Sheet's Tickets tab). */
const ticketsRouter = router({
  categories: userProcedure.query(({ ctx }) => ticketCategories(ctx.clients)),
  list: accountProcedure
    .input(
      z
        .object({ limit: z.number().int().min(1).max(50).default(20), offset: z.number().int().min(0).default(0) })
        .default({ limit: 20, offset: 0 }),
    )
    .query(({ ctx, input }) => myTickets(ctx.clients, ctx.user.id, input)),
  get: accountProcedure.input(TicketId).query(({ ctx, input }) => ticketThread(ctx.clients, ctx.user.id, input.id)),
  create: signedInProcedure
    .input(z.object({ category: z.string().trim().min(1).max(100), text: TicketText }))
    .mutation(({ ctx, input }) => createTicket(ctx.clients, ctx.user.id, input)),
  reply: signedInProcedure
    .input(TicketId.extend({ text: TicketText }))
    .mutation(({ ctx, input }) => replyToTicket(ctx.clients, ctx.user.id, input.id, input.text)),
  close: signedInProcedure
    .input(TicketId)
    .mutation(({ ctx, input }) => closeTicket(ctx.clients, ctx.user.id, input.id)),
});

export const miniAppRouter = router({
  /** Who is asking, whether they have signed in in the chat, and where the bot is. */
  me: userProcedure.query(({ ctx }) => ({
    user: ctx.user,
    language: languageOf(ctx.user, ctx.account),
    botUsername: ctx.botUsername,
    account: ctx.account
      ? { name: ctx.account.name, role: ctx.account.role, segment: ctx.account.segment, language: ctx.account.language }
      : null,
    staff: ctx.account !== null && ctx.account.role !== 'client',
  })),
  promotions: router({
    /** Live promotions for the user's segment; public ones when not signed in. */
    list: userProcedure.query(({ ctx }) => listPromotions(ctx.clients, ctx.account, ctx.user.id)),
    get: userProcedure
      .input(PromotionId)
      .query(({ ctx, input }) => getPromotion(ctx.clients, ctx.account, ctx.user.id, input.id)),
    participate: signedInProcedure
      .input(PromotionId)
      .mutation(({ ctx, input }) => participate(ctx.clients, ctx.user.id, input.id)),
  }),
  participations: router({
    mine: accountProcedure.query(({ ctx }) => myParticipations(ctx.clients, ctx.user.id)),
  }),
  tickets: ticketsRouter,
  /** The same procedures under their first name, for a Mini App page loaded before the rename (kept one release). */
  requests: ticketsRouter,
  assistant: router({
    /** The whole answer at once. */
    ask: signedInProcedure
      .input(Question)
      .mutation(({ ctx, input }) => askAssistant(ctx.clients, ctx.user, ctx.account, input.question)),
    /** The answer as it is written (JSON lines; the webapp calls it through httpBatchStreamLink). */
    askStream: signedInProcedure
      .input(Question)
      .mutation(({ ctx, input, signal }) =>
        askAssistantStream(ctx.clients, ctx.user, ctx.account, input.question, signal),
      ),
  }),
  settings: router({
    /** The user's own settings (signed-in users). */
    get: accountProcedure.query(({ ctx }) => getSettings(ctx.clients, ctx.user.id)),
    /** News and promotions on or off; needs fresh initData like every change. */
    setMarketing: signedInProcedure
      .input(z.object({ marketing: z.boolean() }))
      .mutation(({ ctx, input }) => setMarketing(ctx.clients, ctx.user.id, input.marketing)),
  }),
  privacy: router({
    /** What is stored about the user (signed-in users). */
    myData: accountProcedure.query(({ ctx }) => myData(ctx.clients, ctx.user.id)),
    /** Erases the user; `confirm: true` says the user confirmed on the screen. Needs fresh initData. */
    forget: signedInProcedure
      .input(z.object({ confirm: z.literal(true) }))
      .mutation(({ ctx }) => forgetMe(ctx.clients, ctx.user.id)),
  }),
  staff: router({
    counts: staffProcedure.query(({ ctx }) => staffCounts(ctx.clients)),
    audience: staffProcedure
      .input(z.object({ segment: Segment }))
      .query(({ ctx, input }) => broadcastAudience(ctx.clients, input.segment)),
    broadcast: staffProcedure
      .input(
        z.object({
          segment: Segment,
          text: z.string().trim().min(1, 'the text is empty').max(4096, 'at most 4096 characters'),
        }),
      )
      .mutation(({ ctx, input }) => startBroadcast(ctx.clients, ctx.user.id, input)),
  }),
});

export type MiniAppRouter = typeof miniAppRouter;
