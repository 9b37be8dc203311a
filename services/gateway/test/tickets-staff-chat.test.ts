import { BotApiDouble, recordWaits, tooManyRequests } from '@mb/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  bystander,
  client,
  groupButton,
  groupReply,
  manager,
  STAFF_CHAT,
  staffChatIs,
  startTicketsStack,
  type TicketsStack,
  topicText,
} from './tickets-setup.ts';

let api: BotApiDouble;
let stack: TicketsStack;

beforeAll(async () => {
  api = await new BotApiDouble().start();
});
afterAll(async () => {
  await api.close();
});
afterEach(async () => {
  await stack.close();
  api.calls.length = 0;
});

const staffCalls = (method: string) => api.callsTo(method).filter((c) => Number(c.payload['chat_id']) === STAFF_CHAT);
const staffTexts = () => staffCalls('sendMessage').map((c) => String(c.payload['text']));
/** A request created through sheets, as the Mini App or the assistant's hand-off would; the event feed brings it to staff. */
const createTicket = (text: string, telegramId = client.id) =>
  stack.gateway.clients.sheets.tickets.create.mutate({ telegramId, category: 'Вопрос', text });
const cardOf = (ticketId: string) =>
  staffCalls('sendMessage').find((c) => String(c.payload['text']).startsWith(`Обращение ${ticketId} ·`));

describe('the staff-chat queue', () => {
  it('keeps a topic creation answered with 429 queued and retries it after retry_after, creating one topic', async () => {
    staffChatIs(api, true);
    let refusals = 2;
    api.script((call) => (call.method === 'createForumTopic' && refusals-- > 0 ? tooManyRequests(1) : undefined));
    stack = await startTicketsStack(api);
    // The waits scheduled meanwhile, each with how many topic creations had reached Telegram by then.
    const { waits, stop } = recordWaits(() => staffCalls('createForumTopic').length);
    const ticket = await createTicket('Где мой заказ?');
    await api.waitFor(() => cardOf(ticket.id) !== undefined, 8000, 'the card after the retries').finally(stop);
    expect(staffCalls('createForumTopic')).toHaveLength(3);
    // After each refusal the queue held the job until retry_after (1 s, less the moment it took to get there).
    const holds = (attempt: number) => waits.filter((w) => w.state === attempt && w.ms > 500 && w.ms <= 1000);
    expect(holds(1)).not.toHaveLength(0);
    expect(holds(2)).not.toHaveLength(0);
    expect(cardOf(ticket.id)!.payload['message_thread_id']).toBeGreaterThan(0);
    await vi.waitFor(async () =>
      expect(await stack.metrics()).toMatch(/gateway_staff_queue_jobs\{state="pending"[^}]*\} 0\n/),
    );
    expect(await stack.metrics()).toMatch(/gateway_staff_queue_retries_total\{reason="429"[^}]*\} 2\n/);
  }, 15_000); // the stack starts inside the test, then two retry_after waits of 1 s

  it('in a plain group posts one message per request; a reply to it answers the user, and /take works as a reply', async () => {
    staffChatIs(api, false);
    stack = await startTicketsStack(api);
    const ticket = await createTicket('Как вернуть товар?');
    await api.waitFor(() => cardOf(ticket.id) !== undefined, 5000, 'the card');
    expect(staffCalls('createForumTopic')).toHaveLength(0);
    const cardId = await vi.waitFor(() => cardMessageId(ticket.id));
    await stack.send(groupReply(manager, '/take', cardId));
    expect(stack.sheets.wb.get('Tickets', ticket.id)).toMatchObject({
      status: 'in_progress',
      assignee: 'Мария Менеджерова',
    });
    await stack.send(groupReply(manager, 'Оформите возврат в личном кабинете.', cardId));
    expect(api.textsTo(client.id).at(-1)).toBe(
      `💬 Ответ по обращению ${ticket.id}:\n\nОформите возврат в личном кабинете.`,
    );
    expect(stack.sheets.wb.get('Tickets', ticket.id)?.status).toBe('answered');
    // The card is edited in place to the new status (a plain group has no topic to rename).
    await api.waitFor(
      () => staffCalls('editMessageText').some((c) => String(c.payload['text']).includes('💬 есть ответ')),
      5000,
      'the card edit',
    );
  });

  it("marks a user who blocked the bot and tells staff in the request's topic", async () => {
    staffChatIs(api, true);
    api.script((call) =>
      Number(call.payload['chat_id']) === client.id
        ? { status: 403, body: { ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' } }
        : undefined,
    );
    stack = await startTicketsStack(api);
    const ticket = await createTicket('Жду ответа');
    await api.waitFor(() => cardOf(ticket.id) !== undefined, 5000, 'the card');
    const threadId = Number(cardOf(ticket.id)!.payload['message_thread_id']);
    await stack.send(topicText(manager, threadId, 'Ответ, который не дойдёт'));
    await api.waitFor(() => staffTexts().some((t) => t.includes('заблокировал(а) бота')), 5000, 'the staff notice');
    const notice = staffCalls('sendMessage').find((c) => String(c.payload['text']).includes('заблокировал(а) бота'))!;
    expect(notice.payload).toMatchObject({
      message_thread_id: threadId,
      text: `⚠️ Пётр Клиентов заблокировал(а) бота: сообщение по ${ticket.id} не доставлено.`,
    });
    expect(stack.sheets.wb.find('Users', { telegram_id: String(client.id) })[0]?.blocked_bot).toBe('yes');
    // The answer itself is stored: a manager sees it in the Sheet.
    expect(stack.sheets.wb.get('Tickets', ticket.id)).toMatchObject({
      status: 'answered',
      answer: 'Ответ, который не дойдёт',
    });
  });

  it('lets another gateway replica answer a request another replica posted (the links live in sheets)', async () => {
    staffChatIs(api, true);
    stack = await startTicketsStack(api);
    const ticket = await createTicket('Вопрос для второй реплики');
    await api.waitFor(() => cardOf(ticket.id) !== undefined, 5000, 'the card');
    const threadId = Number(cardOf(ticket.id)!.payload['message_thread_id']);
    const other = await stack.startReplica();
    await other.send(topicText(manager, threadId, 'Ответ со второй реплики'));
    expect(api.textsTo(client.id).at(-1)).toBe(`💬 Ответ по обращению ${ticket.id}:\n\nОтвет со второй реплики`);
    expect(stack.sheets.wb.get('Tickets', ticket.id)?.status).toBe('answered');
  });

  it('posts the assistant transcript of a hand-off request into its topic after the card', async () => {
    staffChatIs(api, true);
    stack = await startTicketsStack(api);
    const ticket = await stack.gateway.clients.sheets.tickets.create.mutate({
      telegramId: client.id,
      category: 'Вопрос',
      text: 'Помощник не нашёл ответа',
      transcript: 'Вы: где мой промокод?\nПомощник: не знаю',
    });
    await api.waitFor(() => staffTexts().some((t) => t.includes('Переписка с помощником')), 5000, 'the transcript');
    const texts = staffTexts();
    expect(texts.findIndex((t) => t.startsWith(`Обращение ${ticket.id}`))).toBeLessThan(
      texts.findIndex((t) => t.includes('Переписка с помощником')),
    );
    expect(texts).toContain('👤 Переписка с помощником: Вы: где мой промокод?\nПомощник: не знаю');
  });

  it('ignores staff-chat talk that belongs to no request, and non-staff talk there too', async () => {
    staffChatIs(api, true);
    stack = await startTicketsStack(api);
    await stack.send(topicText(manager, 424_242, 'Коллеги, кто сегодня дежурит?'));
    await stack.send(topicText(bystander, 424_242, 'Я не менеджер'));
    await stack.send(groupButton(bystander, 'st:t:T-999999'));
    expect(staffCalls('sendMessage')).toHaveLength(0);
    expect(api.callsTo('answerCallbackQuery').at(-1)?.payload).toMatchObject({ show_alert: true });
  });
});

/** The staff-chat message id of a request's card (what a staff member replies to in a plain group). */
async function cardMessageId(ticketId: string): Promise<number> {
  const place = await stack.gateway.desk.links.place(ticketId);
  if (!place?.cardMessageId) throw new Error(`no card for ${ticketId}`);
  return place.cardMessageId;
}
