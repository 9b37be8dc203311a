import { readdirSync, readFileSync } from 'node:fs';
import { validateWorkflow } from '@action-validator/core';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT_DIR } from '../src/rule-files.ts';

// The CI workflow, checked against GitHub's workflow schema (@action-validator/core) and the project's rules.
const DIR = `${ROOT_DIR}.github/workflows/`;
const files = readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f));
type Step = { uses?: string; run?: string; env?: Record<string, string>; with?: Record<string, unknown> };
type Job = { needs?: string | string[]; if?: string; steps: Step[]; permissions?: Record<string, string> };
type Workflow = { on: Record<string, unknown>; jobs: Record<string, Job> };
const ci = parse(readFileSync(`${DIR}ci.yml`, 'utf8')) as Workflow;

describe('.github/workflows', () => {
  it('is valid against the workflow schema', () => {
    expect(files).toContain('ci.yml');
    for (const f of files) {
      const state = validateWorkflow(readFileSync(`${DIR}${f}`, 'utf8'));
      expect(state.errors, f).toEqual([]);
    }
    // The validator does find mistakes (a job without runs-on, an unknown trigger).
    expect(validateWorkflow('on: { pussh: {} }\njobs: { a: { steps: [{ run: x }] } }\n').errors.length).toBeGreaterThan(
      0,
    );
  });

  it('runs npm ci && npm test on every push', () => {
    expect(ci.on).toHaveProperty('push');
    const runs = ci.jobs['test']!.steps.map((s) => s.run ?? '');
    expect(runs).toContain('npm ci && npm test');
  });

  it('on a tag builds and pushes the three images, then deploys over SSH with compose pull && up -d', () => {
    expect((ci.on['push'] as { tags: string[] }).tags).toEqual(['v*']);
    const images = ci.jobs['images']!;
    expect(images.if).toContain("startsWith(github.ref, 'refs/tags/v')");
    expect(images.needs).toBe('test');
    expect(images.permissions?.['packages']).toBe('write');
    const build = images.steps.find((s) => s.uses?.startsWith('docker/build-push-action@'))!;
    expect(build.with).toMatchObject({ push: true, target: '${{ matrix.service }}' });
    const deploy = ci.jobs['deploy']!;
    expect(deploy.needs).toBe('images');
    const script = deploy.steps.map((s) => s.run ?? '').join('\n');
    expect(script).toMatch(/docker compose pull\b[^;]*;\s*docker compose up -d/);
    expect(script).toContain('ssh ');
  });

  it('names its secrets and holds none: every secret comes from ${{ secrets.NAME }}', () => {
    for (const f of files) {
      const text = readFileSync(`${DIR}${f}`, 'utf8');
      expect(text, f).not.toMatch(/-----BEGIN|ghp_|github_pat_|\b\d{8,10}:[\w-]{30,}/);
      const env = Object.values(parse(text).jobs as Record<string, Job>).flatMap((j) =>
        j.steps.flatMap((s) => Object.entries(s.env ?? {})),
      );
      for (const [name, value] of env)
        if (/KEY|TOKEN|PASSWORD|HOST|USER|KNOWN_HOSTS/.test(name))
          expect(value, name).toMatch(/^\$\{\{ secrets\.\w+ \}\}$/);
    }
    const names = [...readFileSync(`${DIR}ci.yml`, 'utf8').matchAll(/secrets\.(\w+)/g)].map((m) => m[1]);
    expect(new Set(names)).toEqual(
      new Set(['GITHUB_TOKEN', 'DEPLOY_HOST', 'DEPLOY_USER', 'DEPLOY_SSH_KEY', 'DEPLOY_KNOWN_HOSTS']),
    );
  });

  it('pins every action to a major version', () => {
    const uses = Object.values(ci.jobs).flatMap((j) => j.steps.flatMap((s) => (s.uses ? [s.uses] : [])));
    expect(uses.length).toBeGreaterThan(3);
    for (const u of uses) expect(u).toMatch(/^[\w-]+\/[\w-]+@v\d+$/);
  });
});
