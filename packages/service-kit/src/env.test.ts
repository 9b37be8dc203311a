import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { EnvError, parseEnv, port, url } from './env.ts';

const schema = z.object({ A_PORT: port(8080), B_URL: url('http://x'), C_TOKEN: z.string().min(16) });

describe('parseEnv', () => {
  it('applies defaults and coerces', () => {
    expect(parseEnv('svc', schema, { C_TOKEN: 'x'.repeat(16), A_PORT: '9000' })).toEqual({
      A_PORT: 9000,
      B_URL: 'http://x',
      C_TOKEN: 'x'.repeat(16),
    });
  });

  it('names every bad value at once, hiding secrets', () => {
    try {
      parseEnv('svc', schema, { A_PORT: 'abc', B_URL: 'not a url', C_TOKEN: 'short' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(EnvError);
      const e = error as EnvError;
      expect(e.problems).toHaveLength(3);
      expect(e.message).toContain('A_PORT ("abc")');
      expect(e.message).toContain('B_URL ("not a url")');
      expect(e.message).toContain('C_TOKEN (set (hidden))');
      expect(e.message).not.toContain('short');
    }
  });

  it('treats empty strings as unset', () => {
    expect(parseEnv('svc', schema, { A_PORT: '', C_TOKEN: 'y'.repeat(16) }).A_PORT).toBe(8080);
  });
});
