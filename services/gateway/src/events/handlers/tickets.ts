import type { Ticket } from '@mb/contracts';
import type { TicketDesk } from '../../tickets/desk.ts';
import { nullUnlessUnavailable } from '../../webhook/retry.ts';
import type { EventHandlers } from '../types.ts';

/**
 * Request events. `ticket.created` (from the bot, the Mini App or the assistant's hand-off) puts the request into
 * the staff chat, once per request whoever created it. `ticket.changed` by 'sheet' (a manager edited status or
 * answer in the Tickets tab) tells the user, once per distinct (status, answer): the events are delivered at least
 * once, and the gateway also tells the user itself for changes staff make in Telegram.
 */
export function ticketHandlers(desk: TicketDesk): EventHandlers {
  return {
    'ticket.created': async ({ ticketId }) => {
      desk.open(ticketId);
    },
    'ticket.changed': async ({ ticketId, by }, deps) => {
      if (by !== 'sheet') return;
      // The row as it is now: a later edit supersedes this event's values (its own event then finds nothing new).
      // Sheets unreachable: the handler fails and the event is retried; only sheets' own answer means "gone".
      const ticket = (await deps.sheets.tickets.get.query({ ticketId }).catch(nullUnlessUnavailable)) as Ticket | null;
      if (!ticket) return;
      const user = await deps.sheets.users.byTelegramId.query({ telegramId: ticket.telegramId });
      const last = await desk.links.lastNotice(ticket.id);
      if (last && last.status === ticket.status && last.answer === ticket.answer) return;
      const closedNow = ticket.status === 'closed' && last?.status !== 'closed';
      // An answer typed in the Sheet is news when the user has not been sent it (by staff in Telegram or a notice).
      const newAnswer = ticket.answer !== '' && ticket.answer !== (last?.answer ?? '');
      await desk.notifyStatus(deps.api, ticket, user?.language ?? 'ru', newAnswer);
      // the staff topic shows the answer typed in the Sheet as part of the thread, once per answer
      if (newAnswer)
        desk.notice(
          ticket.id,
          'staff-sheet-answer',
          { id: ticket.id, text: ticket.answer },
          `sheet-answer:${ticket.id}:${ticket.answer}`,
        );
      await desk.links.recordNotice(ticket.id, ticket.status, ticket.answer);
      if (closedNow) desk.resolution.observe(Math.max(0, (Date.now() - Date.parse(ticket.createdAt)) / 1000));
      desk.retitle(ticket.id);
    },
    /** A manager typed a value its column does not allow: staff are told once per bad cell (the row is not applied). */
    'sheet.bad_value': async ({ tab, id, column, value }) => {
      desk.notice(
        tab === 'Tickets' ? id : null,
        'staff-sheet-bad-value',
        { tab, id, column, value: value.slice(0, 100) },
        `bad-value:${tab}:${id}:${column}:${value}`,
      );
    },
  };
}
