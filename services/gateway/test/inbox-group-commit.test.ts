import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { openSqlite } from '@mb/service-kit';
import type { Update } from 'grammy/types';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InboxClosedError, SqliteInbox } from '../src/webhook/inbox.ts';

const update = (id: number, text = `hello ${id}`) =>
  ({
    update_id: id,
    message: { message_id: id, date: 1790000000, chat: { id: 42, type: 'private', first_name: 'A' }, text },
  }) as Update;

let dir: string;
let path: string;
const connections: DatabaseSync[] = [];
/** An inbox on its own connection to the file, as each gateway start opens one. */
const openInbox = () => {
  const db = openSqlite(path);
  connections.push(db);
  return new SqliteInbox(db);
};
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mb-inbox-'));
  path = join(dir, 'gateway.sqlite');
});
afterEach(() => {
  for (const db of connections.splice(0)) if (db.isOpen) db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('SqliteInbox group commit', () => {
  it('accepts a burst in one transaction and still tells each repeat apart, within the burst too', async () => {
    const inbox = openInbox();
    const results = await Promise.all([
      inbox.accept(update(1)),
      inbox.accept(update(2)),
      inbox.accept(update(1)),
      inbox.accept(update(3)),
    ]);
    expect(results).toEqual([true, true, false, true]);
    expect(await inbox.accept(update(2))).toBe(false);
    inbox.close();
  });

  it('has the update on disk when accept resolves: another connection sees it as pending', async () => {
    const inbox = openInbox();
    const raw = JSON.stringify(update(10, 'как дела?'));
    expect(await inbox.accept(update(10, 'как дела?'), raw)).toBe(true);
    const other = openInbox();
    expect(other.pending()).toEqual([update(10, 'как дела?')]);
    other.close();
    inbox.close();
  });

  it('forgets the body of a handled update but remembers its id for dedupe', async () => {
    const inbox = openInbox();
    await Promise.all([inbox.accept(update(20)), inbox.accept(update(21))]);
    inbox.done(20);
    expect(inbox.bodies([20, 21]).map((u) => u.update_id)).toEqual([21]);
    expect(await inbox.accept(update(20))).toBe(false);
    inbox.close();
    const reopened = openInbox();
    expect(reopened.pending().map((u) => u.update_id)).toEqual([21]);
    reopened.close();
  });

  it('resumes only what the last run left: an update accepted since the start was handed on already', async () => {
    const last = openInbox();
    await last.accept(update(50));
    last.close();
    const inbox = openInbox();
    // The webhook listens before the start resumes: this one went to the handlers when it was acknowledged.
    expect(await inbox.accept(update(51))).toBe(true);
    expect(inbox.pending().map((u) => u.update_id)).toEqual([50]);
    expect(inbox.pending()).toEqual([]);
    inbox.close();
  });

  it('rejects every update of a transaction that could not commit, so none of them is acknowledged', async () => {
    const inbox = openInbox();
    expect(await inbox.accept(update(30))).toBe(true);
    const saboteur = new DatabaseSync(path);
    saboteur.exec('DROP TABLE updates');
    saboteur.close();
    const results = await Promise.allSettled([inbox.accept(update(31)), inbox.accept(update(32))]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(String((results[0] as PromiseRejectedResult).reason)).toMatch(/no such table/);
    inbox.close();
  });

  it('refuses updates once closed, after committing what was waiting', async () => {
    const inbox = openInbox();
    const waiting = inbox.accept(update(40));
    inbox.close();
    expect(await waiting).toBe(true);
    await expect(inbox.accept(update(41))).rejects.toBeInstanceOf(InboxClosedError);
    const reopened = openInbox();
    expect(reopened.pending().map((u) => u.update_id)).toEqual([40]);
    reopened.close();
  });
});
