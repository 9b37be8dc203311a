import { BroadcastStatus, type RawRow } from '@mb/contracts';
import { transaction } from '../../store/db.ts';
import type { Workbook } from '../../store/workbook.ts';
import { recipientsFor } from './opt-outs.ts';

/** A broadcast's life: a Broadcasts row made, started (its recipients fixed), progress written back, done or cancelled. */

export type Broadcast = {
  id: string;
  text: string;
  imageUrl: string;
  segment: string;
  scheduledAt: string;
  status: (typeof BroadcastStatus.options)[number];
  sent: number;
  failed: number;
  blocked: number;
  createdBy: string;
};
export type RecipientOutcome = 'sent' | 'failed' | 'blocked' | 'unknown' | 'retry' | 'release';
export type Claimed = {
  broadcastId: string;
  telegramId: number;
  language: string;
  text: string;
  imageUrl: string;
  createdBy: string;
};
export type Progress = {
  pending: number;
  sending: number;
  sent: number;
  failed: number;
  blocked: number;
  unknown: number;
  cancelled: number;
};

export class BroadcastError extends Error {
  override readonly name = 'BroadcastError';
  readonly broadcastId: string;
  readonly reason: 'not_found' | 'not_startable' | 'finished';
  constructor(broadcastId: string, reason: BroadcastError['reason']) {
    super(`broadcast ${broadcastId}: ${reason}`);
    this.broadcastId = broadcastId;
    this.reason = reason;
  }
}

/** How often a running broadcast's sent/failed/blocked cells are written back (each write goes through the outbox). */
const PROGRESS_EVERY_MS = 2000;

const int = (v: string) => (/^\d+$/.test(v.trim()) ? Number(v) : 0);

export function toBroadcast(row: RawRow<'Broadcasts'>): Broadcast {
  const status = BroadcastStatus.safeParse(row.status.trim().toLowerCase());
  return {
    id: row.id,
    text: row.text,
    imageUrl: row.image_url.trim(),
    segment: row.segment.trim() || 'all',
    scheduledAt: row.scheduled_at.trim(),
    status: status.success ? status.data : 'draft',
    sent: int(row.sent),
    failed: int(row.failed),
    blocked: int(row.blocked),
    createdBy: row.created_by,
  };
}

export function getBroadcast(wb: Workbook, id: string): Broadcast | null {
  const row = wb.get('Broadcasts', id);
  return row ? toBroadcast(row) : null;
}

export type NewBroadcast = {
  text: string;
  imageUrl?: string;
  segment: string;
  scheduledAt?: string;
  createdBy: string;
  start: 'now' | 'schedule' | 'draft';
};

/** Writes a Broadcasts row (queued for the Sheet); `start: 'now'` also snapshots its recipients and starts it. */
export function createBroadcast(wb: Workbook, input: NewBroadcast, now = new Date()): Broadcast {
  return transaction(wb.db, () => {
    const status = input.start === 'schedule' ? 'scheduled' : 'draft';
    const row = wb.insert('Broadcasts', {
      id: wb.nextId('B'),
      text: input.text,
      image_url: input.imageUrl ?? '',
      segment: input.segment,
      scheduled_at: input.scheduledAt ?? '',
      status,
      sent: '0',
      failed: '0',
      blocked: '0',
      created_by: input.createdBy,
    });
    if (input.start === 'now') startBroadcast(wb, row.id, now);
    return getBroadcast(wb, row.id)!;
  });
}

/**
 * Starts a draft or scheduled broadcast: its recipients are fixed now (one row each, state pending) and its status
 * becomes `sending`. Starting one that is already sending is a no-op (`started: false`), so replicas may race for it.
 */
export function startBroadcast(wb: Workbook, id: string, now = new Date()): { started: boolean; recipients: number } {
  return transaction(wb.db, () => {
    const b = getBroadcast(wb, id);
    if (!b) throw new BroadcastError(id, 'not_found');
    if (b.status === 'sending') return { started: false, recipients: countRecipients(wb, id) };
    if (b.status !== 'draft' && b.status !== 'scheduled') throw new BroadcastError(id, 'not_startable');
    const insert = wb.db.prepare(
      `INSERT OR IGNORE INTO broadcast_recipients(broadcast_id, telegram_id, language, state) VALUES (?, ?, ?, 'pending')`,
    );
    const list = recipientsFor(wb, b.segment);
    for (const r of list) insert.run(id, r.telegramId, r.language);
    wb.db
      .prepare('INSERT OR IGNORE INTO broadcast_runs(broadcast_id, started_at) VALUES (?, ?)')
      .run(id, now.toISOString());
    wb.update('Broadcasts', id, { status: 'sending', sent: '0', failed: '0', blocked: '0' });
    if (list.length === 0) finishIfComplete(wb, id);
    return { started: true, recipients: list.length };
  });
}

const countRecipients = (wb: Workbook, id: string) =>
  (wb.db.prepare('SELECT count(*) AS n FROM broadcast_recipients WHERE broadcast_id = ?').get(id) as { n: number }).n;

/** Starts every `scheduled` broadcast whose time has come; returns their ids. */
export function startDue(wb: Workbook, now = new Date()): string[] {
  const started: string[] = [];
  for (const row of wb.find('Broadcasts')) {
    const b = toBroadcast(row);
    if (b.status !== 'scheduled') continue;
    const at = b.scheduledAt === '' ? 0 : Date.parse(b.scheduledAt);
    if (Number.isNaN(at) || at > now.getTime()) continue;
    if (startBroadcast(wb, b.id, now).started) started.push(b.id);
  }
  return started;
}

/** Broadcasts currently sending (what a sender works on). */
export function sendingBroadcasts(wb: Workbook): string[] {
  return wb.find('Broadcasts', { status: 'sending' }).map((r) => r.id);
}

export function progressOf(wb: Workbook, id: string): Progress {
  const p: Progress = { pending: 0, sending: 0, sent: 0, failed: 0, blocked: 0, unknown: 0, cancelled: 0 };
  const rows = wb.db
    .prepare('SELECT state, count(*) AS n FROM broadcast_recipients WHERE broadcast_id = ? GROUP BY state')
    .all(id) as Array<{ state: keyof Progress; n: number }>;
  for (const r of rows) p[r.state] = r.n;
  return p;
}

/** Writes sent/failed/blocked to the Broadcasts row (throttled unless `force`) and finishes it when no one is left. */
export function writeProgress(wb: Workbook, id: string, now: number, force: boolean): void {
  const run = wb.db.prepare('SELECT progress_written_at FROM broadcast_runs WHERE broadcast_id = ?').get(id) as
    | { progress_written_at: number }
    | undefined;
  const p = progressOf(wb, id);
  const complete = p.pending === 0 && p.sending === 0;
  if (!force && !complete && run && now - run.progress_written_at < PROGRESS_EVERY_MS) return;
  wb.db.prepare('UPDATE broadcast_runs SET progress_written_at = ? WHERE broadcast_id = ?').run(now, id);
  const b = getBroadcast(wb, id);
  if (!b) return;
  const patch: Partial<RawRow<'Broadcasts'>> = {
    sent: String(p.sent),
    failed: String(p.failed + p.unknown),
    blocked: String(p.blocked),
  };
  if (complete && b.status === 'sending') patch.status = 'done';
  if (
    patch.sent !== String(b.sent) ||
    patch.failed !== String(b.failed) ||
    patch.blocked !== String(b.blocked) ||
    patch.status
  )
    wb.update('Broadcasts', id, patch);
}

const finishIfComplete = (wb: Workbook, id: string) => writeProgress(wb, id, Date.now(), true);

/** Cancels a broadcast: no new message is sent; ones already in flight are still recorded. Idempotent. */
export function cancelBroadcast(wb: Workbook, id: string, now = Date.now()): Broadcast {
  return transaction(wb.db, () => {
    const b = getBroadcast(wb, id);
    if (!b) throw new BroadcastError(id, 'not_found');
    if (b.status === 'done' || b.status === 'failed') throw new BroadcastError(id, 'finished');
    wb.db
      .prepare(
        `UPDATE broadcast_recipients SET state = 'cancelled', finished_at = ? WHERE broadcast_id = ? AND state = 'pending'`,
      )
      .run(now, id);
    if (b.status !== 'cancelled') wb.update('Broadcasts', id, { status: 'cancelled' });
    writeProgress(wb, id, now, true);
    return getBroadcast(wb, id)!;
  });
}
