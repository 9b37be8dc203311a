import { BroadcastStatus, isoDate, type RawRow, type TabName, TicketStatus, UnansweredStatus } from '@mb/contracts';
import { z } from 'zod';
import { toFaq, toPromotion, toUser } from '../store/mappers.ts';

const lowerEnum = (values: readonly string[]) =>
  z
    .string()
    .transform((v) => v.trim().toLowerCase().replaceAll(' ', '_'))
    .pipe(z.enum(['', ...values] as [string, ...string[]]));

const broadcastCells = z.object({ status: lowerEnum(BroadcastStatus.options), scheduled_at: isoDate });
const ticketCells = z.object({ status: lowerEnum(TicketStatus.options) });
const unansweredCells = z.object({ status: lowerEnum(UnansweredStatus.options) });

/** One cell whose value its column does not allow (a typo in a status, a date that is not a date). */
export type BadCell = { column: string; value: string };

/**
 * Why a row read from the Sheet cannot be applied (junk in a date or enum cell, an unreadable id) and which cells are
 * at fault, or null when it can. `row` is the replica's row with the Sheet's cells laid over it, so the whole row is
 * checked as the product reads it.
 */
export function rowProblem(tab: TabName, row: Record<string, string>): { problem: string; cells: BadCell[] } | null {
  try {
    switch (tab) {
      case 'Users':
        toUser(row as RawRow<'Users'>);
        break;
      case 'Promotions':
        toPromotion(row as RawRow<'Promotions'>);
        break;
      case 'FAQ':
        toFaq(row as RawRow<'FAQ'>);
        break;
      case 'Tickets':
        ticketCells.parse(row);
        break;
      case 'Broadcasts':
        broadcastCells.parse(row);
        break;
      case 'Unanswered':
        unansweredCells.parse(row);
        break;
      default:
        break;
    }
    return null;
  } catch (error) {
    if (!(error instanceof z.ZodError)) return { problem: String(error), cells: [] };
    const columns = [...new Set(error.issues.map((i) => String(i.path[0] ?? '')).filter((c) => c in row))];
    return {
      problem: error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
      cells: columns.map((column) => ({ column, value: row[column] ?? '' })),
    };
  }
}
