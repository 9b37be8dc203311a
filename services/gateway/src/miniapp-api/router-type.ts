/** What the webapp imports (as types only). */
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { MiniAppRouter } from './router.ts';

export type { MiniAppRouter };
export type MiniAppInputs = inferRouterInputs<MiniAppRouter>;
export type MiniAppOutputs = inferRouterOutputs<MiniAppRouter>;
