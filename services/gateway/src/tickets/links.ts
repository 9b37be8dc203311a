import type { SheetsClient } from '../clients/index.ts';

export type StaffPlace = { ticketId: string; chatId: number; threadId: number | null; cardMessageId: number | null };

/**
 * Which Telegram messages belong to which request, where each request lives in the staff chat, and what its user was
 * last told: kept in sheets (bot-owned tables), so every gateway replica sees the same answers.
 */
export class TicketLinks {
  private readonly sheets: SheetsClient;
  constructor(sheets: SheetsClient) {
    this.sheets = sheets;
  }

  place(ticketId: string): Promise<StaffPlace | null> {
    return this.sheets.tickets.place.query({ ticketId });
  }

  async savePlace(p: StaffPlace): Promise<void> {
    await this.sheets.tickets.savePlace.mutate(p);
  }

  /** Remembers that these messages (in the staff chat or the user's chat) belong to the request. */
  async link(ticketId: string, chatId: number, ...messageIds: number[]): Promise<void> {
    if (messageIds.length > 0) await this.sheets.tickets.linkMessages.mutate({ ticketId, chatId, messageIds });
  }

  /** The request a message is about: the message it replies to, else its forum topic. */
  async ticketOf(chatId: number, replyTo: number | undefined, threadId?: number): Promise<string | null> {
    if (replyTo === undefined && threadId === undefined) return null;
    return (
      await this.sheets.tickets.ticketOfMessage.query({
        chatId,
        ...(replyTo !== undefined ? { replyTo } : {}),
        ...(threadId !== undefined ? { threadId } : {}),
      })
    ).ticketId;
  }

  lastNotice(ticketId: string): Promise<{ status: string; answer: string } | null> {
    return this.sheets.tickets.lastNotice.query({ ticketId });
  }

  async wasNotified(ticketId: string, status: string, answer: string): Promise<boolean> {
    const last = await this.lastNotice(ticketId);
    return last !== null && last.status === status && last.answer === answer;
  }

  async recordNotice(ticketId: string, status: string, answer: string): Promise<void> {
    await this.sheets.tickets.recordNotice.mutate({ ticketId, status, answer });
  }
}
