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

/**
 * Why a row read from the Sheet cannot be applied (junk in a date or enum cell, an unreadable id), or null when it
 * can. `row` is the replica's row with the Sheet's cells laid over it, so the whole row is checked as the product reads it.
 */
export function rowProblem(tab: TabName, row: Record<string, string>): string | null {
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
    return error instanceof z.ZodError
      ? error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')
      : String(error);
  }
}
