import { createHash } from 'node:crypto';
import type { RawRow } from '@mb/contracts';
import { transaction } from '../store/db.ts';
import type { Workbook } from '../store/workbook.ts';

export type UnansweredQuestion = {
  id: string;
  question: string;
  count: number;
  firstAskedAt: string;
  lastAskedAt: string;
  status: string;
};

/** Longest question kept in the Sheet; the rest is cut with an ellipsis. */
export const MAX_STORED_QUESTION = 500;

/** The form two askings of one question share: lowercase, ё folded, punctuation and extra spaces dropped. */
export function normaliseQuestion(question: string): string {
  return question
    .toLowerCase()
    .replaceAll('ё', 'е')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** Long digit runs (phone, card and order numbers) masked, so personal data typed into a question does not reach the Sheet. */
export function maskDigits(question: string): string {
  return question.replace(/\+?\d[\d\s()-]{5,}\d/g, (run) => (run.replace(/\D/g, '').length >= 7 ? '[…]' : run));
}

/**
 * Counts one asking of a question nothing answered: a new row (status `new`) the first time, otherwise count + 1 and
 * `last_asked_at`. The row id is a hash of the normalised question, so rewordings by case or punctuation share a row.
 * The manager's `status` is never touched.
 */
export function recordUnanswered(wb: Workbook, question: string, now = new Date()): UnansweredQuestion {
  const masked = maskDigits(question.trim().replace(/\s+/g, ' '));
  const normal = normaliseQuestion(masked);
  const id = `UQ-${createHash('sha256')
    .update(normal || masked)
    .digest('hex')
    .slice(0, 10)}`;
  const at = now.toISOString();
  return transaction(wb.db, () => {
    const existing = wb.get('Unanswered', id);
    if (!existing) {
      const text = masked.length > MAX_STORED_QUESTION ? `${masked.slice(0, MAX_STORED_QUESTION - 1)}…` : masked;
      return toUnanswered(
        wb.insert('Unanswered', {
          id,
          question: text,
          count: '1',
          first_asked_at: at,
          last_asked_at: at,
          status: 'new',
        }),
      );
    }
    const count = (Number.parseInt(existing.count, 10) || 0) + 1;
    return toUnanswered(wb.update('Unanswered', id, { count: String(count), last_asked_at: at }));
  });
}

/** Unanswered questions, most asked first. */
export function listUnanswered(wb: Workbook, opts: { status?: string; limit: number }): UnansweredQuestion[] {
  const rows = wb.find('Unanswered', opts.status ? { status: opts.status } : {}, {
    orderBy: 'CAST(count AS INTEGER) DESC, last_asked_at DESC',
    limit: opts.limit,
  });
  return rows.map(toUnanswered);
}

function toUnanswered(row: RawRow<'Unanswered'>): UnansweredQuestion {
  return {
    id: row.id,
    question: row.question,
    count: Number.parseInt(row.count, 10) || 0,
    firstAskedAt: row.first_asked_at,
    lastAskedAt: row.last_asked_at,
    status: row.status.trim().toLowerCase() || 'new',
  };
}
