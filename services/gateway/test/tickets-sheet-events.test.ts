import type { RawRow } from '@mb/contracts';
import { describe, expect, it } from 'vitest';
import { eventsHandled } from './events-handled.ts';
import { client, STAFF_CHAT, useTicketsStack } from './tickets-setup.ts';

const env = useTicketsStack({ forum: true });

/** A manager's edit of the Tickets tab as the sheets sync applies it: the cells change (by 'sheet') and the event is emitted. */
function editInSheet(ticketId: string, patch: Partial<RawRow<'Tickets'>>, emitTimes = 1) {
  const { wb } = env.stack.sheets;
  const row = wb.update('Tickets', ticketId, patch, { by: 'sheet' });
  for (let i = 0; i < emitTimes; i++) {
    wb.emit('ticket.changed', {
      ticketId,
      telegramId: Number(row.telegram_id),
      by: 'sheet',
      ...(patch.status ? { status: patch.status } : {}),
      ...(patch.answer ? { answer: patch.answer } : {}),
    });
  }
}
const noticesTo = (ticketId: string) =>
  env.api.textsTo(client.id).filter((t) => t.startsWith(`Обращение ${ticketId}:`));
const settle = () => eventsHandled(env.stack);

describe('a request changed in the Sheet', () => {
  it('reaches the user once, even when the change happened while the gateway was down and the event came twice', async () => {
    const ticket = await env.stack.gateway.clients.sheets.tickets.create.mutate({
      telegramId: client.id,
      category: 'Вопрос',
      text: 'Сколько идёт доставка?',
    });
    await env.api.waitFor(() => env.api.callsTo('createForumTopic').length === 1, 5000, 'the topic');
    await env.stack.stopGateway();

    editInSheet(ticket.id, { status: 'answered', answer: 'Обычно 2–5 рабочих дней.' }, 2);
    expect(noticesTo(ticket.id)).toHaveLength(0);

    await env.stack.startGateway();
    await env.api.waitFor(() => noticesTo(ticket.id).length > 0, 5000, 'the notification after the restart');
    await settle();
    expect(noticesTo(ticket.id)).toEqual([`Обращение ${ticket.id}: 💬 есть ответ\n\nОтвет: Обычно 2–5 рабочих дней.`]);
    // The staff topic follows the status too.
    await env.api.waitFor(
      () => env.api.callsTo('editForumTopic').some((c) => String(c.payload['name']).includes('💬 есть ответ')),
      5000,
      'the topic rename',
    );

    // Another restart replays nothing: the feed's cursor moved, and the notice is remembered.
    await env.stack.stopGateway();
    await env.stack.startGateway();
    await settle();
    expect(noticesTo(ticket.id)).toHaveLength(1);
  });

  it('tells a later close with a rating request, and ignores an edit that changes nothing the user sees', async () => {
    const ticket = await env.stack.gateway.clients.sheets.tickets.create.mutate({
      telegramId: client.id,
      category: 'Проблема',
      text: 'Сломалась кофемашина',
    });
    editInSheet(ticket.id, { status: 'in_progress', assignee: 'Иван Поддержкин' });
    await env.api.waitFor(() => noticesTo(ticket.id).length === 1, 5000, 'in progress');
    editInSheet(ticket.id, { assignee: 'Мария Менеджерова' });
    editInSheet(ticket.id, { status: 'closed' });
    await env.api.waitFor(() => noticesTo(ticket.id).length === 2, 5000, 'closed');
    await settle();
    expect(noticesTo(ticket.id)).toEqual([`Обращение ${ticket.id}: 🛠 в работе`, `Обращение ${ticket.id}: ✅ закрыто`]);
    expect(env.api.textsTo(client.id).at(-1)).toBe('Оцените, пожалуйста, как мы помогли: 1 — плохо, 5 — отлично.');
    expect(env.api.textsTo(STAFF_CHAT).some((t) => t.includes(ticket.id))).toBe(true);
    expect(await env.stack.metrics()).toMatch(/gateway_ticket_resolution_seconds_count\{[^}]*\} 1\n/);
  });

  it('sends an answer typed in the Sheet without a status change, and does not repeat it with the next status', async () => {
    const ticket = await env.stack.gateway.clients.sheets.tickets.create.mutate({
      telegramId: client.id,
      category: 'Вопрос',
      text: 'Есть ли шоурум?',
    });
    editInSheet(ticket.id, { answer: 'Да: Москва, ул. Примерная, 1.' });
    await env.api.waitFor(() => noticesTo(ticket.id).length === 1, 5000, 'the answer');
    editInSheet(ticket.id, { status: 'closed' });
    await env.api.waitFor(() => noticesTo(ticket.id).length === 2, 5000, 'the close');
    expect(noticesTo(ticket.id)).toEqual([
      `Обращение ${ticket.id}: 🆕 новое\n\nОтвет: Да: Москва, ул. Примерная, 1.`,
      `Обращение ${ticket.id}: ✅ закрыто`,
    ]);
  });

  it('shows an answer typed in the Sheet in the staff topic, and tells staff once about a bad value a manager typed', async () => {
    const ticket = await env.stack.gateway.clients.sheets.tickets.create.mutate({
      telegramId: client.id,
      category: 'Вопрос',
      text: 'Есть ли доставка в Казань?',
    });
    editInSheet(ticket.id, { answer: 'Да, 3 дня.' }, 2);
    const staffSaw = () => env.api.textsTo(STAFF_CHAT).filter((t) => t.includes('введённый в таблице: Да, 3 дня.'));
    await env.api.waitFor(() => staffSaw().length === 1, 5000, 'the answer in the staff topic');
    const { wb } = env.stack.sheets;
    const bad = {
      tab: 'Tickets',
      id: ticket.id,
      column: 'status',
      value: 'в работе!!',
      problem: 'status: not allowed',
    };
    wb.emit('sheet.bad_value', bad);
    wb.emit('sheet.bad_value', bad); // delivered twice (at least once): queued once
    const warned = () => env.api.textsTo(STAFF_CHAT).filter((t) => t.includes('«в работе!!» не подходит'));
    await env.api.waitFor(() => warned().length === 1, 5000, 'the bad value notice');
    await settle();
    expect(warned()).toEqual([
      `⚠️ В таблице, вкладка Tickets, строка ${ticket.id}, столбец status: значение «в работе!!» не подходит. Строка не применяется, пока его не исправят.`,
    ]);
    expect(staffSaw()).toHaveLength(1);
  });
});
