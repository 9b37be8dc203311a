import { transaction } from '../../store/db.ts';
import type { Workbook } from '../../store/workbook.ts';
import { setBlockedBot } from '../users.ts';
import { type Claimed, getBroadcast, type RecipientOutcome, writeProgress } from './lifecycle.ts';

/** The recipient queue: one row per recipient, claimed by one worker at a time, its outcome recorded exactly once. */

const MAX_ATTEMPTS = 5;

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
