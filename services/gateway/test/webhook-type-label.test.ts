import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from './stack.ts';

// Issue 18 finding 6: the `type` label copied the update's first key from the body (`type="__proto__"` was seen).
let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());

describe('webhook metric labels', () => {
  it('take the update type from a fixed list, anything else counted as `other`', async () => {
    const bodies = [
      '{"update_id":910001,"__proto__":{"polluted":true}}',
      '{"update_id":910002,"zz_made_up_kind":{}}',
      '{"update_id":910003,"constructor":{}}',
      '{"update_id":910004,"poll":{"id":"1"}}',
    ];
    for (const body of bodies) expect((await stack.post(body)).status).toBe(200);
    const metrics = await (await fetch(`${stack.gatewayUrl}/metrics`)).text();
    const types = [...metrics.matchAll(/^gateway_updates_total\{[^}]*type="([^"]*)"[^}]*\} (\d+)/gm)].map((m) => [
      m[1],
      m[2],
    ]);
    expect(Object.fromEntries(types)).toEqual({ other: '3', poll: '1' });
  });
});
