import { BroadcastStatus, type RawRow, yesNo } from '@mb/contracts';
import { transaction } from '../store/db.ts';
import { toPromotion } from '../store/mappers.ts';
import type { Workbook } from '../store/workbook.ts';
import { isLive } from './catalog.ts';
import { setBlockedBot } from './users.ts';

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
const MAX_ATTEMPTS = 5;

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

/** As for promotions: a broadcast to `all` reaches everyone; one to a segment (or a comma-separated list) only its users. */
const segmentMatches = (broadcastSegment: string, userSegment: string) => {
  const wanted = broadcastSegment
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  return wanted.length === 0 || wanted.includes('all') || wanted.includes(userSegment.trim().toLowerCase() || 'all');
};

/**
 * Who a broadcast to `segment` reaches: signed-in users (a Telegram id, status active) who have not blocked the bot
 * and have not opted out of marketing messages. Pending and blocked users are never included.
 */
export function recipientsFor(wb: Workbook, segment: string): Array<{ telegramId: number; language: string }> {
  const optedOut = new Set(
    (wb.db.prepare('SELECT telegram_id FROM marketing_optout').all() as Array<{ telegram_id: number }>).map(
      (r) => r.telegram_id,
    ),
  );
  // Row by row (iterate, not all): with 200,000 users a whole-tab array of row objects is tens of MB of heap.
  const rows = wb.db
    .prepare(`SELECT telegram_id, segment, status, language, blocked_bot FROM "Users" WHERE telegram_id != ''`)
    .iterate() as Iterable<Pick<RawRow<'Users'>, 'telegram_id' | 'segment' | 'status' | 'language' | 'blocked_bot'>>;
  const out = new Map<number, string>();
  for (const r of rows) {
    const id = Number(r.telegram_id);
    if (!Number.isSafeInteger(id) || optedOut.has(id)) continue;
    if ((r.status.trim().toLowerCase() || 'active') !== 'active') continue;
    if (yesNo.safeParse(r.blocked_bot).data === true) continue;
    if (!segmentMatches(segment, r.segment)) continue;
    out.set(id, r.language.trim().toLowerCase() === 'en' ? 'en' : 'ru');
  }
  return [...out].map(([telegramId, language]) => ({ telegramId, language }));
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

/**
 * Claims the next pending recipient for `worker` (pending → sending, committed before the message is sent), or null
 * when the broadcast is not sending or has no one left. One recipient per claim keeps the uncertain window to the
 * messages actually in flight.
 */
export function claimNext(wb: Workbook, id: string, worker: string, now = Date.now()): Claimed | null {
  return transaction(wb.db, () => {
    const b = getBroadcast(wb, id);
    if (b?.status !== 'sending') return null;
    // A claim of this worker still open was never received by it (a lost answer): hand that one out again.
    const open = wb.db
      .prepare(
        `SELECT telegram_id, language FROM broadcast_recipients WHERE broadcast_id = ? AND state = 'sending' AND worker = ?`,
      )
      .get(id, worker) as { telegram_id: number; language: string } | undefined;
    const row =
      open ??
      (wb.db
        .prepare(
          `UPDATE broadcast_recipients SET state = 'sending', worker = ?, claimed_at = ?, attempts = attempts + 1
         WHERE broadcast_id = ? AND telegram_id = (SELECT telegram_id FROM broadcast_recipients WHERE broadcast_id = ? AND state = 'pending' ORDER BY attempts, telegram_id LIMIT 1)
         RETURNING telegram_id, language`,
        )
        .get(worker, now, id, id) as { telegram_id: number; language: string } | undefined);
    if (!row) return null;
    return {
      broadcastId: id,
      telegramId: row.telegram_id,
      language: row.language,
      text: b.text,
      imageUrl: b.imageUrl,
      createdBy: b.createdBy,
    };
  });
}

/**
 * Records what happened to a claimed recipient. `retry` (a 429) puts it back to pending; `blocked` (a 403) also marks
 * the user's row blocked_bot, so later broadcasts skip them. Only the worker holding the claim may record it.
 */
export function recordOutcome(
  wb: Workbook,
  id: string,
  telegramId: number,
  worker: string,
  outcome: RecipientOutcome,
  error?: string,
  now = Date.now(),
): { recorded: boolean } {
  return transaction(wb.db, () => {
    const attempts =
      (
        wb.db
          .prepare('SELECT attempts FROM broadcast_recipients WHERE broadcast_id = ? AND telegram_id = ?')
          .get(id, telegramId) as { attempts: number } | undefined
      )?.attempts ?? 0;
    // A recipient refused with 429 again and again is given up rather than retried forever.
    const state =
      outcome === 'release'
        ? 'pending'
        : outcome === 'retry'
          ? attempts >= MAX_ATTEMPTS
            ? 'failed'
            : 'pending'
          : outcome;
    const changed = wb.db
      .prepare(`UPDATE broadcast_recipients SET state = ?, finished_at = ?, error = ?, worker = CASE WHEN ? = 'pending' THEN NULL ELSE worker END,
         attempts = CASE WHEN ? THEN max(0, attempts - 1) ELSE attempts END WHERE broadcast_id = ? AND telegram_id = ? AND state = 'sending' AND worker = ?`)
      .run(
        state,
        state === 'pending' ? null : now,
        error ?? null,
        state,
        outcome === 'release' ? 1 : 0,
        id,
        telegramId,
        worker,
      ).changes;
    if (Number(changed) === 0) return { recorded: false };
    if (outcome === 'blocked') setBlockedBot(wb, telegramId, true);
    writeProgress(wb, id, now, false);
    return { recorded: true };
  });
}

/** One round trip per message: the previous message's outcome, and (unless stopping) the next recipient claimed. */
export function recordAndClaim(
  wb: Workbook,
  id: string,
  worker: string,
  record: { telegramId: number; outcome: RecipientOutcome; error?: string } | undefined,
  claim: boolean,
): { recorded: boolean; next: Claimed | null } {
  return transaction(wb.db, () => {
    const recorded = record
      ? recordOutcome(wb, id, record.telegramId, worker, record.outcome, record.error).recorded
      : false;
    return { recorded, next: claim ? claimNext(wb, id, worker) : null };
  });
}

/**
 * A worker's claims that never got an outcome. With `worker` (it restarted): the claims it knows it never tried to send
 * (not in `attempted`, from its local journal) go back to pending; the ones it had handed to Telegram become `unknown`
 * and are not sent again — whether Telegram delivered them cannot be known (at most once for those; see
 * docs/scaling.md). Without `worker`: claims of any worker older than `leaseMs` become `unknown` (a replica that never
 * came back; its journal is out of reach, so every claim counts as attempted).
 */
export function resolveStaleClaims(
  wb: Workbook,
  opts: { worker?: string; leaseMs?: number; attempted?: Array<{ broadcastId: string; telegramId: number }> },
  now = Date.now(),
): { unknown: number; released: number } {
  return transaction(wb.db, () => {
    const rows = (
      opts.worker !== undefined
        ? wb.db
            .prepare(
              `SELECT broadcast_id, telegram_id FROM broadcast_recipients WHERE state = 'sending' AND (worker = ? OR substr(worker, 1, ?) = ?)`,
            )
            .all(opts.worker, opts.worker.length + 1, `${opts.worker}/`)
        : wb.db
            .prepare(
              `SELECT broadcast_id, telegram_id FROM broadcast_recipients WHERE state = 'sending' AND claimed_at < ?`,
            )
            .all(now - (opts.leaseMs ?? 120_000))
    ) as Array<{ broadcast_id: string; telegram_id: number }>;
    const attempted = new Set((opts.attempted ?? []).map((a) => `${a.broadcastId}|${a.telegramId}`));
    const toUnknown = wb.db.prepare(
      `UPDATE broadcast_recipients SET state = 'unknown', finished_at = ?, error = ? WHERE broadcast_id = ? AND telegram_id = ? AND state = 'sending'`,
    );
    const toPending = wb.db.prepare(
      `UPDATE broadcast_recipients SET state = 'pending', worker = NULL WHERE broadcast_id = ? AND telegram_id = ? AND state = 'sending'`,
    );
    let unknown = 0;
    for (const r of rows) {
      if (opts.worker !== undefined && !attempted.has(`${r.broadcast_id}|${r.telegram_id}`)) {
        toPending.run(r.broadcast_id, r.telegram_id);
        continue;
      }
      toUnknown.run(
        now,
        opts.worker !== undefined ? 'worker restarted mid-send' : 'claim expired',
        r.broadcast_id,
        r.telegram_id,
      );
      unknown++;
    }
    for (const b of new Set(rows.map((r) => r.broadcast_id))) writeProgress(wb, b, now, false);
    return { unknown, released: rows.length - unknown };
  });
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
function writeProgress(wb: Workbook, id: string, now: number, force: boolean): void {
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

/**
 * Announces a promotion once: if it has notify=yes and no announced_at yet, records announced_at and starts a broadcast
 * of its title and description to its segment. A second call (a repeated event, another replica) does nothing.
 */
export function announcePromotion(wb: Workbook, promotionId: string, now = new Date()): { broadcastId: string | null } {
  return transaction(wb.db, () => {
    const row = wb.get('Promotions', promotionId);
    if (!row) return { broadcastId: null };
    const p = toPromotion(row);
    if (!p.notify || p.announcedAt !== '' || !isLive(p, now)) return { broadcastId: null };
    wb.update('Promotions', promotionId, { announced_at: now.toISOString() });
    const text = p.description ? `${p.title}\n\n${p.description}` : p.title;
    const b = createBroadcast(
      wb,
      { text, imageUrl: p.imageUrl, segment: p.segment, createdBy: `promotion:${p.id}`, start: 'now' },
      now,
    );
    return { broadcastId: b.id };
  });
}

/** Announces every live promotion with notify=yes not announced yet (a start date reached without any edit emits no event). */
export function announceDue(wb: Workbook, now = new Date()): string[] {
  const ids = wb.db.prepare(`SELECT id FROM "Promotions" WHERE announced_at = '' AND status != ''`).all() as Array<{
    id: string;
  }>;
  const started: string[] = [];
  for (const { id } of ids) {
    try {
      const { broadcastId } = announcePromotion(wb, id, now);
      if (broadcastId) started.push(broadcastId);
    } catch {
      // An unreadable promotion row is reported by the catalog; it is simply not announced.
    }
  }
  return started;
}

export function setMarketingOptOut(
  wb: Workbook,
  telegramId: number,
  optedOut: boolean,
  now = new Date(),
): { optedOut: boolean } {
  if (optedOut)
    wb.db
      .prepare('INSERT OR IGNORE INTO marketing_optout(telegram_id, opted_out_at) VALUES (?, ?)')
      .run(telegramId, now.toISOString());
  else wb.db.prepare('DELETE FROM marketing_optout WHERE telegram_id = ?').run(telegramId);
  return { optedOut };
}

export function isOptedOut(wb: Workbook, telegramId: number): boolean {
  return wb.db.prepare('SELECT 1 FROM marketing_optout WHERE telegram_id = ?').get(telegramId) !== undefined;
}

/** Counts a user's arrival through a broadcast's deep link, once per broadcast and user. */
export function recordConversion(
  wb: Workbook,
  broadcastId: string,
  telegramId: number,
  promotionId: string,
  now = new Date(),
): { counted: boolean } {
  if (!wb.get('Broadcasts', broadcastId)) return { counted: false };
  const r = wb.db
    .prepare(
      'INSERT OR IGNORE INTO broadcast_conversions(broadcast_id, telegram_id, promotion_id, at) VALUES (?, ?, ?, ?)',
    )
    .run(broadcastId, telegramId, promotionId, now.toISOString());
  return { counted: Number(r.changes) === 1 };
}

export function conversionsOf(wb: Workbook, broadcastId: string): number {
  return (
    wb.db.prepare('SELECT count(*) AS n FROM broadcast_conversions WHERE broadcast_id = ?').get(broadcastId) as {
      n: number;
    }
  ).n;
}
