import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type Advisory, auditLockfile, type Lockfile, packageName } from '../src/audit-lockfile.ts';
import { ROOT_DIR } from '../src/rule-files.ts';

const advisories = (
  JSON.parse(readFileSync(`${ROOT_DIR}deploy/security/advisories.json`, 'utf8')) as { advisories: Advisory[] }
).advisories;
const entry = (version: string) => ({
  version,
  resolved: `https://registry.npmjs.org/x/-/x-${version}.tgz`,
  integrity: 'sha512-abc',
});

describe('offline lockfile audit (issue 18 finding 7)', () => {
  it('passes the repository lockfile', () => {
    const lock = JSON.parse(readFileSync(`${ROOT_DIR}package-lock.json`, 'utf8')) as Lockfile;
    expect(auditLockfile(lock, advisories)).toEqual([]);
  });

  it('finds a listed advisory at any depth, and only in the vulnerable range', () => {
    const lock: Lockfile = {
      lockfileVersion: 3,
      packages: {
        '': {},
        'services/gateway': { link: true },
        'node_modules/ws': entry('8.17.0'),
        'node_modules/a/node_modules/cross-spawn': entry('7.0.3'),
        'node_modules/b/node_modules/ws': entry('8.18.0'),
      },
    };
    expect(auditLockfile(lock, advisories).map((f) => f.path)).toEqual([
      'node_modules/ws',
      'node_modules/a/node_modules/cross-spawn',
    ]);
  });

  it('refuses packages from git, a tarball URL or plain http, and weak integrity', () => {
    const lock: Lockfile = {
      lockfileVersion: 3,
      packages: {
        'node_modules/from-git': {
          version: 'git+ssh://git@github.com/x/y.git#abc',
          resolved: 'git+ssh://git@github.com/x/y.git#abc',
        },
        'node_modules/over-http': { ...entry('1.0.0'), resolved: 'http://registry.npmjs.org/x/-/x-1.0.0.tgz' },
        'node_modules/sha1': { ...entry('1.0.0'), integrity: 'sha1-abc' },
        'node_modules/plain': { version: '1.0.0' },
      },
    };
    expect(auditLockfile(lock, advisories).map((f) => `${f.path}: ${f.problem.split(':')[0]}`)).toEqual([
      'node_modules/from-git: not from https',
      'node_modules/from-git: not a registry version',
      'node_modules/over-http: not from https',
      'node_modules/sha1: integrity weaker than sha512',
    ]);
  });

  it('names packages by their lockfile path', () => {
    expect(packageName('node_modules/@trpc/server')).toBe('@trpc/server');
    expect(packageName('node_modules/a/node_modules/@s/b')).toBe('@s/b');
    expect(packageName('services/gateway')).toBeNull();
  });
});
