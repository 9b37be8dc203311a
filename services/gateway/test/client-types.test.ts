import type { Promotion, Settings } from '@mb/contracts';
import { describe, expectTypeOf, it } from 'vitest';
import type { AssistantClient, SheetsClient } from '../src/clients/index.ts';

describe('typed service clients', () => {
  it('are not any: procedures have their inputs and outputs', () => {
    expectTypeOf<SheetsClient>().not.toBeAny();
    expectTypeOf<SheetsClient['catalog']['settings']['query']>().returns.resolves.toEqualTypeOf<Settings>();
    expectTypeOf<SheetsClient['catalog']['promotions']['query']>()
      .parameter(0)
      .toEqualTypeOf<{ segment: string | null }>();
    expectTypeOf<Awaited<ReturnType<SheetsClient['catalog']['promotions']['query']>>>().toEqualTypeOf<Promotion[]>();
    expectTypeOf<AssistantClient>().not.toBeAny();
    expectTypeOf<Awaited<ReturnType<AssistantClient['ask']['mutate']>>['sources']>().items.toHaveProperty('id');
  });
});
