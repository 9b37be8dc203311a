import type { AssistantAnswer, Language, User } from '@mb/contracts';
import type { Clients } from '../clients/index.ts';
import type { MiniAppUser } from './auth.ts';
import { fromServiceError } from './errors.ts';

/** The language the Mini App answers in: the account's, else the Telegram client's (English or Russian). */
export function languageOf(user: MiniAppUser, account: User | null): Language {
  if (account?.language === 'en' || account?.language === 'ru') return account.language;
  return user.languageCode?.startsWith('en') ? 'en' : 'ru';
}

/** Asks the assistant on behalf of a signed-in user; a quota refusal and an absent assistant get their own reasons. */
export async function askAssistant(clients: Clients, user: MiniAppUser, account: User, question: string): Promise<Pick<AssistantAnswer, 'text' | 'sources' | 'answered'>> {
  try {
    const answer = await clients.assistant.ask.mutate({ telegramId: user.id, segment: account.segment, question, language: languageOf(user, account) });
    return { text: answer.text, sources: answer.sources, answered: answer.answered };
  } catch (error) {
    return fromServiceError(error, { TOO_MANY_REQUESTS: 'assistant_quota' });
  }
}
