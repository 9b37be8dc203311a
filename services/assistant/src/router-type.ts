/** What callers of the assistant service import (as types only). */
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { AssistantRouter } from './router.ts';

export type { AssistantRouter };
export type AssistantInputs = inferRouterInputs<AssistantRouter>;
export type AssistantOutputs = inferRouterOutputs<AssistantRouter>;
