import { router, userProcedure } from './trpc.ts';

export const miniAppRouter = router({
  /** Who is asking, and whether they have signed in in the chat. */
  me: userProcedure.query(({ ctx }) => ({
    user: ctx.user,
    account: ctx.account ? { name: ctx.account.name, role: ctx.account.role, segment: ctx.account.segment, language: ctx.account.language } : null,
  })),
  promotions: router({
    /** Live promotions for the user's segment; public ones when not signed in. */
    list: userProcedure.query(({ ctx }) => ctx.clients.sheets.catalog.promotions.query({ segment: ctx.account?.segment ?? null })),
  }),
});

export type MiniAppRouter = typeof miniAppRouter;
