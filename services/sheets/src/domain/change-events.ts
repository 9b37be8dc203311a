import {
  type ChangeEventPayload,
  type ChangeEventType,
  type RawRow,
  Role,
  type TabName,
  TicketStatus,
} from '@mb/contracts';
import { toPromotion } from '../store/mappers.ts';
import { isLive } from './catalog.ts';

export type PendingEvent = { [T in ChangeEventType]: { type: T; payload: ChangeEventPayload<T> } }[ChangeEventType];

const telegramId = (v: string | undefined): number | null => (v && /^-?\d+$/.test(v.trim()) ? Number(v.trim()) : null);
const live = (row: RawRow<'Promotions'> | undefined, now: Date): boolean => {
  if (!row) return false;
  try {
    return isLive(toPromotion(row), now);
  } catch {
    return false;
  }
};

/**
 * The change events a manager's change to a row means (a Sheet pull, or an edit of the local workbook when no
 * Sheet is configured). `before` is undefined for a row the manager added. Pure: the caller stores the events in the
 * same transaction as the change.
 */
export function eventsForManagerChange(
  tab: TabName,
  before: Record<string, string> | undefined,
  after: Record<string, string>,
  now = new Date(),
): PendingEvent[] {
  const events: PendingEvent[] = [];
  const changed = (column: string) => (before?.[column] ?? '').trim() !== (after[column] ?? '').trim();
  /** The column changed to one of `values` (any case): to which, and from which ('' when it was none of them). */
  const changedTo = <V extends string>(column: string, values: readonly V[]) => {
    const isValue = (v: string): v is V => (values as readonly string[]).includes(v);
    const to = after[column]?.trim().toLowerCase() ?? '';
    const from = before?.[column]?.trim().toLowerCase() ?? '';
    return changed(column) && isValue(to) ? { from: isValue(from) ? from : ('' as const), to } : undefined;
  };
  switch (tab) {
    case 'Users': {
      const user = { userId: after['id']!, telegramId: telegramId(after['telegram_id']) };
      const status = changedTo('status', ['active', 'pending', 'blocked'] as const);
      if (status) events.push({ type: 'user.status_changed', payload: { ...user, ...status, by: 'sheet' } });
      const role = before && changedTo('role', Role.options);
      if (role) events.push({ type: 'user.role_changed', payload: { ...user, ...role } });
      break;
    }
    case 'Tickets': {
      const id = telegramId(after['telegram_id']);
      if (!before || id === null || (!changed('status') && !changed('answer'))) break;
      const payload: ChangeEventPayload<'ticket.changed'> = { ticketId: after['id']!, telegramId: id, by: 'sheet' };
      const status = changedTo('status', TicketStatus.options);
      if (status) payload.status = status.to;
      if (changed('answer') && after['answer']?.trim()) payload.answer = after['answer'].trim();
      if (payload.status || payload.answer) events.push({ type: 'ticket.changed', payload });
      break;
    }
    case 'Promotions': {
      const wasLive = live(before as RawRow<'Promotions'> | undefined, now);
      const isNowLive = live(after as RawRow<'Promotions'>, now);
      if (isNowLive && !wasLive) events.push({ type: 'promotion.activated', payload: { promotionId: after['id']! } });
      else if (
        isNowLive &&
        ['title', 'description', 'image_url', 'starts_at', 'ends_at', 'segment', 'cta', 'link_url'].some(changed)
      ) {
        events.push({ type: 'promotion.changed', payload: { promotionId: after['id']! } });
      }
      break;
    }
    case 'Broadcasts': {
      const status = after['status']?.trim().toLowerCase();
      if (status === 'scheduled' && (changed('status') || changed('scheduled_at'))) {
        events.push({
          type: 'broadcast.scheduled',
          payload: { broadcastId: after['id']!, scheduledAt: after['scheduled_at']?.trim() ?? '' },
        });
      }
      if (status === 'cancelled' && changed('status'))
        events.push({ type: 'broadcast.cancelled', payload: { broadcastId: after['id']! } });
      break;
    }
    default:
      break;
  }
  return events;
}
