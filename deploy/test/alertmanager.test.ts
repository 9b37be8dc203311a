import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BotApiCall, BotApiDouble } from '@mb/testing/bot-api-double';
import { freePort } from '@mb/testing/ports';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEPLOY_DIR } from '../src/rule-files.ts';

// Debian's Alertmanager (installed by scripts/system-deps.sh) started with the project's configuration through the
// container's own entry point (deploy/alertmanager/start.sh, the token from a file); only the Telegram API URL and the
// chat id are changed, to reach a Bot API double.
const AM_DIR = `${DEPLOY_DIR}alertmanager/`;
const TOKEN = '7000000001:alerts-test-token_AAAAAAAAAAAAAAAAAAA';
const CHAT = -1009876543210;

const alert = (alertname: string, labels: Record<string, string>, endsAt?: Date) => ({
  labels: { alertname, ...labels },
  annotations: {
    summary: `${labels['job']} on ${labels['job']}:8081 is down`,
    description: `Prometheus could not scrape ${labels['job']} for 2 minutes (up = 0 < 1).`,
    runbook_url: `docs/runbook.md#${alertname.toLowerCase()}`,
  },
  // No startsAt: "now", so the group waits (group_wait) and the inhibiting alert is known before anything is sent.
  ...(endsAt ? { endsAt: endsAt.toISOString() } : {}),
});

describe('Alertmanager with the project configuration', () => {
  const bot = new BotApiDouble();
  let dir = '';
  let am: ChildProcess | undefined;
  let base = '';
  const sent = (): BotApiCall[] => bot.callsTo('sendMessage');
  const post = async (alerts: unknown[]) => {
    const res = await fetch(`${base}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(alerts),
    });
    expect(res.status).toBe(200);
  };

  beforeAll(async () => {
    await bot.start();
    dir = mkdtempSync(join(tmpdir(), 'mb-alertmanager-'));
    cpSync(AM_DIR, join(dir, 'config'), { recursive: true });
    const configPath = join(dir, 'config/alertmanager.yml');
    const original = readFileSync(configPath, 'utf8');
    const config = original
      .replace(/^(\s+telegram_api_url:) .*$/m, `$1 ${bot.url}`)
      .replaceAll(/^(\s+chat_id:) -?\d+$/gm, `$1 ${CHAT}`);
    // Exactly the two settings differ from the project's file.
    const changed = original.split('\n').filter((line, i) => line !== config.split('\n')[i]);
    expect(changed.map((l) => l.trim().split(':')[0])).toEqual(['telegram_api_url', 'chat_id', 'chat_id']);
    writeFileSync(configPath, config);
    writeFileSync(join(dir, 'token'), `${TOKEN}\n`);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    am = spawn(
      'sh',
      [
        join(dir, 'config/start.sh'),
        `--storage.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--cluster.listen-address=',
        '--log.level=warn',
      ],
      {
        env: {
          PATH: process.env['PATH'] ?? '',
          ALERTMANAGER_CONFIG: configPath,
          ALERTMANAGER_RENDERED: join(dir, 'rendered.yml'),
          ALERTMANAGER_TELEGRAM_TOKEN_FILE: join(dir, 'token'),
          ALERTMANAGER_BIN: 'prometheus-alertmanager',
        },
        stdio: ['ignore', 'inherit', 'inherit'],
      },
    );
    const exited = new Promise<never>((_, reject) =>
      am!.once('exit', (code) => reject(new Error(`alertmanager exited with ${code}`))),
    );
    const ready = (async () => {
      for (;;) {
        const ok = await fetch(`${base}/-/ready`).then(
          (r) => r.ok,
          () => false,
        );
        if (ok) return;
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    await Promise.race([ready, exited]);
  });

  afterAll(async () => {
    if (am?.exitCode === null) {
      const gone = new Promise((resolve) => am!.once('exit', resolve));
      am.kill('SIGTERM');
      await gone;
    }
    await bot.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('passes amtool check-config', () => {
    const out = execFileSync('amtool', ['check-config', `${AM_DIR}alertmanager.yml`], { encoding: 'utf8' });
    expect(out).toContain('SUCCESS');
    expect(out).toMatch(/2 receivers/);
  });

  it('refuses to start without the token file', () => {
    let message = '';
    try {
      execFileSync('sh', [`${AM_DIR}start.sh`], {
        env: { PATH: process.env['PATH'] ?? '', ALERTMANAGER_TELEGRAM_TOKEN_FILE: join(tmpdir(), 'no-such-token') },
        stdio: 'pipe',
      });
    } catch (error) {
      message = String((error as { stderr: Buffer }).stderr);
    }
    expect(message).toContain('no bot token in');
  });

  it('pages the ops chat for a firing page alert, with the template, and again when it resolves', async () => {
    const firing = alert('ServiceDown', { severity: 'page', job: 'sheets', instance: 'sheets:8081' });
    // What ServiceDown causes: silenced while it fires (inhibition on the same job).
    const caused = alert('SheetsSyncStale', { severity: 'page', job: 'sheets' });
    await post([firing]);
    await post([caused]);
    await bot.waitFor(() => sent().length >= 1, 60_000, 'the firing page');
    const page = sent()[0]!;
    expect(page.token).toBe(TOKEN);
    expect(Number(page.payload['chat_id'])).toBe(CHAT);
    expect(page.payload['parse_mode']).toBe('HTML');
    const text = String(page.payload['text']);
    expect(text).toContain('FIRING');
    expect(text).toContain('ServiceDown');
    expect(text).toContain('<b>sheets on sheets:8081 is down</b>');
    expect(text).toContain('(up = 0 &lt; 1)'); // the values, escaped for HTML
    expect(text).toContain('Runbook: docs/runbook.md#servicedown');

    const listed = (await (await fetch(`${base}/api/v2/alerts?inhibited=true`)).json()) as Array<{
      labels: { alertname: string };
      status: { inhibitedBy: string[] };
    }>;
    const stale = listed.find((a) => a.labels.alertname === 'SheetsSyncStale');
    expect(stale?.status.inhibitedBy.length).toBe(1);

    await post([alert('ServiceDown', firing.labels, new Date()), alert('SheetsSyncStale', caused.labels, new Date())]);
    await bot.waitFor(
      () => sent().some((c) => String(c.payload['text']).includes('RESOLVED')),
      90_000,
      'the resolution',
    );
    const resolved = String(sent().find((c) => String(c.payload['text']).includes('RESOLVED'))!.payload['text']);
    expect(resolved).toContain('ServiceDown');
    expect(resolved).toContain('resolved');
  }, 120_000);
});
