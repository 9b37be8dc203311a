import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startStack } from '@mb/gateway/stack';
import { createServiceClient } from '@mb/service-kit';
import type { SheetsRouter } from '@mb/sheets/router-type';
import { TEST_INTERNAL_TOKEN } from '@mb/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../src/rule-files.ts';

// `npm run backup` while the services run and write, `npm run restore` into a fresh stack: every user, request and
// message acknowledged before the backup began is there, and the restored files pass PRAGMA integrity_check.
const run = promisify(execFile);
const script = `${ROOT_DIR}scripts/backup.ts`;
const paths = (dir: string) => ({
  SHEETS_DB_PATH: join(dir, 'workbook.sqlite'),
  GATEWAY_DB_PATH: join(dir, 'gateway.sqlite'),
  ASSISTANT_DB_PATH: join(dir, 'assistant.sqlite'),
});
const backupCli = (command: 'backup' | 'restore', target: string, dataDir: string) =>
  run(process.execPath, [script, command, target], {
    env: { PATH: process.env['PATH'] ?? '', ...paths(dataDir) },
    encoding: 'utf8',
  });

describe('backup under load, restore into a fresh stack', () => {
  const dirs: string[] = [];
  const tempDir = (name: string) => {
    const d = mkdtempSync(join(tmpdir(), `mb-${name}-`));
    dirs.push(d);
    return d;
  };
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('keeps everything acknowledged before the backup', async () => {
    const liveDir = tempDir('live');
    const live = await startStack({ dir: liveDir });
    // Anyone who signs in is a client at once (the default allowlist would leave them pending, unable to write).
    live.sheets.wb.update('Settings', 'access_policy', { value: 'open' }, { by: 'sheet' });
    const sheets = createServiceClient<SheetsRouter>({
      target: 'sheets',
      url: live.sheetsUrl,
      token: TEST_INTERNAL_TOKEN,
    });
    type Ack = { telegramId: number; ticketId?: string; message?: string };
    const acked: Ack[] = [];
    let stop = false;
    let firstAcks: () => void = () => undefined;
    const enough = new Promise<void>((resolve) => {
      firstAcks = resolve;
    });
    // Four writers, each signing users in, opening a request and adding a message, as fast as sheets answers.
    const writer = async (w: number) => {
      for (let i = 0; !stop; i++) {
        const telegramId = 700_000_000 + w * 100_000 + i;
        await sheets.users.signIn.mutate({
          telegramId,
          phone: `+7900${String(w)}${String(i).padStart(6, '0')}`,
          name: `Load ${w}-${i}`,
          language: 'ru',
        });
        const ack: Ack = { telegramId };
        acked.push(ack);
        const ticket = await sheets.tickets.create.mutate({
          telegramId,
          category: 'Вопрос',
          text: `request ${w}-${i}`,
        });
        ack.ticketId = ticket.id;
        await sheets.tickets.addMessage.mutate({
          ticketId: ticket.id,
          telegramId,
          as: 'user',
          text: `message ${w}-${i}`,
        });
        ack.message = `message ${w}-${i}`;
        if (acked.length >= 40) firstAcks();
      }
    };
    const writers = [0, 1, 2, 3].map(writer);
    // A writer's failure ends the test at once (not after the backup).
    const failed = Promise.race(writers.map((p) => p.then(() => new Promise<never>(() => undefined))));
    void failed.catch(() => {
      stop = true;
    });
    await Promise.race([enough, failed]);
    // What was acknowledged when the backup began (copied: the writers go on while it runs).
    const before = acked.map((a) => ({ ...a }));
    const backupDir = tempDir('backups');
    const { stdout } = await backupCli('backup', backupDir, liveDir);
    const during = acked.length;
    stop = true;
    await Promise.all(writers);
    await live.close();
    expect(stdout).toMatch(/backup: \d+ databases in /);
    expect(acked.length, 'the writers kept writing while the backup ran').toBeGreaterThanOrEqual(during);
    const [taken] = readdirSync(backupDir);
    expect(readdirSync(join(backupDir, taken!)).sort()).toEqual(['gateway', 'manifest.json', 'sheets']);

    const freshDir = tempDir('fresh');
    const restored = await backupCli('restore', backupDir, freshDir);
    expect(restored.stdout).toContain('(integrity ok)');
    expect(existsSync(paths(freshDir).SHEETS_DB_PATH)).toBe(true);

    const fresh = await startStack({ dir: freshDir });
    try {
      const client = createServiceClient<SheetsRouter>({
        target: 'sheets',
        url: fresh.sheetsUrl,
        token: TEST_INTERNAL_TOKEN,
      });
      const missing: string[] = [];
      for (const a of before) {
        const user = await client.users.byTelegramId.query({ telegramId: a.telegramId });
        if (!user) missing.push(`user ${a.telegramId}`);
        if (!a.ticketId) continue;
        const ticket = await client.tickets.get.query({ ticketId: a.ticketId });
        const texts = JSON.stringify(ticket);
        if (!texts.includes(`request `)) missing.push(`request ${a.ticketId}`);
        if (a.message && !texts.includes(a.message)) missing.push(`message ${a.message}`);
      }
      expect(missing).toEqual([]);
      expect(before.length).toBeGreaterThanOrEqual(40);
    } finally {
      await fresh.close();
    }
  }, 60_000);

  it('refuses to restore over a database in use', async () => {
    const liveDir = tempDir('inuse');
    const live = await startStack({ dir: liveDir });
    try {
      const backupDir = tempDir('backups2');
      await backupCli('backup', backupDir, liveDir);
      // The running sheets service writes: its -wal file is not empty.
      const sheets = createServiceClient<SheetsRouter>({
        target: 'sheets',
        url: live.sheetsUrl,
        token: TEST_INTERNAL_TOKEN,
      });
      await sheets.users.signIn.mutate({ telegramId: 7001, phone: '+79005550001', name: 'In use', language: 'ru' });
      const error = await backupCli('restore', backupDir, liveDir).then(
        () => '',
        (e: { stderr: string }) => e.stderr,
      );
      expect(error).toMatch(/non-empty -wal file: is \w+ still running\? Stop it first/);
    } finally {
      await live.close();
    }
  });
});
