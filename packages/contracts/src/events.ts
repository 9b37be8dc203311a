import { z } from 'zod';
import { Role, TicketStatus, UserStatus } from './domain.ts';

/**
 * Change events the sheets service emits (from a manager's edit in the Sheet, or from a bot action) and the gateway
 * consumes through the cursor feed `events.pull` / `events.ack`. Delivered at least once: handlers are idempotent.
 */
export const ChangeEventPayloads = {
  /** A user row's status changed (allow-list approval, block, unblock). */
  'user.status_changed': z.object({
    userId: z.string(),
    telegramId: z.number().nullable(),
    from: UserStatus.or(z.literal('')),
    to: UserStatus,
    by: z.enum(['sheet', 'staff']),
  }),
  /** A user row's role changed. */
  'user.role_changed': z.object({
    userId: z.string(),
    telegramId: z.number().nullable(),
    from: Role.or(z.literal('')),
    to: Role,
  }),
  /** A person was erased at their own request (/forget): the gateway drops sessions and the assistant's memory. */
  'user.forgotten': z.object({ userId: z.string(), telegramId: z.number() }),
  /** A user asked to be let in under `access_policy=allowlist` (a pending row was written). */
  'user.pending': z.object({ userId: z.string(), telegramId: z.number(), name: z.string() }),
  /** A ticket's status or answer changed (in the Sheet, or by staff in Telegram). */
  'ticket.changed': z.object({
    ticketId: z.string(),
    telegramId: z.number(),
    status: TicketStatus.optional(),
    answer: z.string().optional(),
    by: z.enum(['sheet', 'staff']),
  }),
  /** A ticket was created (the gateway posts it to the staff chat). */
  'ticket.created': z.object({ ticketId: z.string(), telegramId: z.number() }),
  /** A promotion became live (status active and within its dates) or changed while live. */
  'promotion.activated': z.object({ promotionId: z.string() }),
  'promotion.changed': z.object({ promotionId: z.string() }),
  /** A broadcast row became `scheduled` (or was rescheduled), or was cancelled, in the Sheet. */
  'broadcast.scheduled': z.object({ broadcastId: z.string(), scheduledAt: z.string() }),
  'broadcast.cancelled': z.object({ broadcastId: z.string() }),
  /** A participation was recorded (the gateway tells the staff chat). */
  'participation.created': z.object({ participationId: z.string(), promotionId: z.string(), telegramId: z.number() }),
  /**
   * A manager typed a value its column does not allow (a typo in a status, a date that is not a date): the row is not
   * applied until it is corrected; staff are told once per bad cell.
   */
  'sheet.bad_value': z.object({
    tab: z.string(),
    id: z.string(),
    column: z.string(),
    value: z.string(),
    problem: z.string(),
  }),
} as const;

export type ChangeEventType = keyof typeof ChangeEventPayloads;
export type ChangeEventPayload<T extends ChangeEventType> = z.infer<(typeof ChangeEventPayloads)[T]>;
