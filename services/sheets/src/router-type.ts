/** What callers of the sheets service import (as types only). */
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { SheetsRouter } from './router/index.ts';

export type { SheetsRouter };
export type SheetsInputs = inferRouterInputs<SheetsRouter>;
export type SheetsOutputs = inferRouterOutputs<SheetsRouter>;
