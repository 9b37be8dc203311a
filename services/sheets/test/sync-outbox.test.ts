import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { startSheets, stopSheets, until, useSyncedSheets } from './sync-harness.ts';

// Time compressed: a "minute" of quota is 200 ms, flushes every 10 ms, a call times out after 300 ms.
const LOOPS = { pullIntervalMs: 150, flushIntervalMs: 10, timeoutMs: 300 };
const t = useSyncedSheets({ start: false });

describe('the outbox reaches the Sheet exactly once', { timeout: 90_000 }, () => {
  it('lands 1,000 bot writes through a 429 storm, an outage, lost responses and a restart: every row once, every update applied', async () => {
    t.double.quota = { reads: 3, writes: 2, windowMs: 200 };
    t.app = await startSheets(t.dir, t.double, LOOPS);
    t.app.sync.start();
    const expected: string[] = [];
    for (let batch = 0; batch < 20; batch++) {
      for (let i = 0; i < 50; i++) {
        const n = batch * 50 + i;
        const id = `M-${n}`;
        t.app.wb.insert('TicketMessages', {
          id,
          ticket_id: `T-${n % 40}`,
          author: 'user',
          author_name: 'Anna',
          text: `message ${n}`,
          created_at: new Date().toISOString(),
        });
        expected.push(id);
        if (n % 40 === 0)
          t.app.wb.insert('Tickets', { id: `T-${n}`, telegram_id: '42', name: 'Anna', text: 'help', status: 'new' });
        if (n % 40 === 5) t.app.wb.update('Tickets', `T-${n - 5}`, { updated_at: `u-${n}`, rating: '5' });
      }
      if (batch === 4) t.double.down = true; // an outage
      if (batch === 8) t.double.down = false;
      if (batch === 10) t.double.hang = { ms: 400, when: 'after' }; // writes land, answers are lost
      if (batch === 13) t.double.hang = null;
      if (batch === 14) {
        expect(t.app.wb.outboxDepth().pending).toBeGreaterThan(0);
        await stopSheets(t.app); // a restart in the middle, with writes still queued
        t.app = await startSheets(t.dir, t.double, LOOPS);
        t.app.sync.start();
      }
      await sleep(40);
    }
    await until(() => t.app.wb.outboxDepth().pending === 0, 'the outbox to drain', 60_000);

    const ids = t.double.records('TicketMessages').map((r) => r['id']);
    expect(ids).toHaveLength(1000);
    expect(new Set(ids).size).toBe(1000);
    expect(new Set(ids)).toEqual(new Set(expected));
    const tickets = t.double.records('Tickets');
    expect(tickets).toHaveLength(25);
    for (const t of tickets)
      expect(t).toMatchObject({ rating: '5', updated_at: `u-${Number(t['id']!.slice(2)) + 5}`, status: 'new' });
    expect(t.double.count(undefined, 429)).toBeGreaterThan(0);
    expect(t.double.count(undefined, 503)).toBeGreaterThan(0);
    // batched: far fewer write calls than writes
    expect(t.double.count('spreadsheets.batchUpdate', 200)).toBeLessThan(200);
  });

  it('does not append a row twice when an append landed but its answer was lost', async () => {
    t.app = await startSheets(t.dir, t.double, { timeoutMs: 200 });
    t.app.wb.insert('TicketMessages', { id: 'M-1', ticket_id: 'T-1', author: 'user', text: 'hello' });
    await t.app.sync.pullNow();
    t.double.hang = { ms: 400, when: 'after', only: 'spreadsheets.batchUpdate' };
    await expect(t.app.sync.flushNow()).rejects.toThrow(/spreadsheets.batchUpdate/);
    t.double.hang = null;
    expect(t.double.records('TicketMessages')).toHaveLength(1); // it landed
    expect(t.app.wb.outboxDepth().pending).toBe(1); // but the service cannot know
    await t.app.sync.flushNow();
    expect(t.double.records('TicketMessages')).toEqual([expect.objectContaining({ id: 'M-1', text: 'hello' })]);
    expect(t.app.wb.outboxDepth().pending).toBe(0);
  });

  it('keeps within its call budget however many writes arrive, and reports quota errors in its metrics', async () => {
    t.double.quota = { reads: 4, writes: 1, windowMs: 60_000 };
    t.app = await startSheets(t.dir, t.double);
    for (let i = 0; i < 300; i++)
      t.app.wb.insert('TicketMessages', { id: `M-${i}`, ticket_id: 'T-1', author: 'user', text: `m${i}` });
    await t.app.sync.pullNow();
    await t.app.sync.flushNow(); // one read, one write: all 300 rows (the pull: tab ids, headers, columns)
    expect(t.double.records('TicketMessages')).toHaveLength(300);
    t.app.wb.insert('TicketMessages', { id: 'M-300', ticket_id: 'T-1', author: 'user', text: 'late' });
    await expect(t.app.sync.flushNow()).rejects.toThrow(/429/);
    const metrics = await (await fetch(`${t.app.url}/metrics`)).text();
    expect(metrics).toMatch(/sheets_google_requests_total\{[^}]*method="values.batchGet"[^}]*status="200"[^}]*\} 3/);
    expect(metrics).toMatch(/sheets_google_requests_total\{[^}]*method="spreadsheets.get"[^}]*status="200"[^}]*\} 1/);
    expect(metrics).toMatch(
      /sheets_google_requests_total\{[^}]*method="spreadsheets.batchUpdate"[^}]*status="200"[^}]*\} 1/,
    );
    expect(metrics).toMatch(/sheets_google_quota_errors_total\{[^}]*\} 1/);
    expect(metrics).toMatch(/sheets_outbox_pending_rows\{[^}]*\} 1/);
    expect(metrics).toMatch(/sheets_write_lag_seconds_count\{[^}]*\} 300/);
    expect(metrics).toMatch(/sheets_rows\{[^}]*tab="TicketMessages"[^}]*\} 0/);
    expect(metrics).toMatch(/sheets_outbox_oldest_age_seconds/);
    expect(metrics).toMatch(/sheets_pull_last_success_timestamp_seconds\{[^}]*\} \d{10}/);
  });
});
