import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../src/rule-files.ts';

/** Whether git would ignore `path` (the file need not exist). */
function gitIgnores(path: string): boolean {
  try {
    execFileSync('git', ['check-ignore', '--no-index', '-q', path], { cwd: ROOT_DIR });
    return true;
  } catch {
    return false;
  }
}

// docs/deploy.md has operators create `.env` and `secrets/` in the checkout: neither may reach git or an image.
const SECRET_PATHS = ['.env', '.env.production', 'secrets/google-service-account.json'];

describe('secrets next to the repository', () => {
  it('are ignored by git', () => {
    for (const path of SECRET_PATHS) expect(gitIgnores(path), path).toBe(true);
    expect(gitIgnores('services/gateway/src/env.ts'), 'sources are not ignored').toBe(false);
  });

  it('are kept out of the Docker build context', () => {
    const ignore = readFileSync(`${ROOT_DIR}.dockerignore`, 'utf8').split('\n');
    for (const entry of ['.env', '.env.*', 'secrets', '**/secrets']) expect(ignore).toContain(entry);
  });
});
