import type { AssistantSource, Language, User } from '@mb/contracts';
import type { Clients } from '../clients/index.ts';
import type { MiniAppUser } from './auth.ts';
import { fromServiceError, MiniAppError, type MiniAppReason } from './errors.ts';

/** The language the Mini App answers in: the account's, else the Telegram client's (English or Russian). */
export function languageOf(user: MiniAppUser, account: User | null): Language {
  if (account?.language === 'en' || account?.language === 'ru') return account.language;
  return user.languageCode?.startsWith('en') ? 'en' : 'ru';
}

/** What the Mini App shows of an answer. `text` is empty when nothing answered: the page words that and offers a request. */
export type AnswerView = { text: string; sources: AssistantSource[]; answered: boolean; handoff: boolean };
/** The streamed answer: text deltas, then the final answer (its text replaces the deltas), or a refusal reason. */
export type AnswerChunk =
  | { type: 'delta'; text: string }
  | ({ type: 'final' } & AnswerView)
  | { type: 'error'; reason: MiniAppReason };

type AskResultLike = AnswerView & { outcome: string };
const refusal = (r: AskResultLike): MiniAppReason | null =>
  r.outcome === 'quota' ? 'assistant_quota' : r.outcome === 'refused' ? 'bad_input' : null;
const view = (r: AskResultLike): AnswerView => ({
  text: r.text,
  sources: r.sources,
  answered: r.answered,
  handoff: r.handoff,
});
const SERVICE_REASONS = {
  TOO_MANY_REQUESTS: 'assistant_quota',
  PAYLOAD_TOO_LARGE: 'bad_input',
  BAD_REQUEST: 'bad_input',
} as const;

const askInput = (user: MiniAppUser, account: User, question: string) => ({
  telegramId: user.id,
  segment: account.segment,
  question,
  language: languageOf(user, account),
});

/** Asks the assistant on behalf of a signed-in user and returns the whole answer. */
export async function askAssistant(
  clients: Clients,
  user: MiniAppUser,
  account: User,
  question: string,
): Promise<AnswerView> {
  const result = await clients.assistant.ask
    .mutate(askInput(user, account, question))
    .catch((e: unknown) => fromServiceError(e, SERVICE_REASONS));
  const reason = refusal(result);
  if (reason) throw new MiniAppError(reason);
  return view(result);
}

/**
 * The same, streamed as the assistant writes it. A refusal arrives as an `error` chunk (the stream has already started,
 * so it cannot become an HTTP status); an assistant that is down fails the call before the stream starts.
 */
export async function* askAssistantStream(
  clients: Clients,
  user: MiniAppUser,
  account: User,
  question: string,
  signal?: AbortSignal,
): AsyncGenerator<AnswerChunk> {
  const stream = await clients.assistant.askStream
    .mutate(askInput(user, account, question), { context: { stream: true }, ...(signal ? { signal } : {}) })
    .catch((e: unknown) => fromServiceError(e, SERVICE_REASONS));
  for await (const event of stream) {
    if (event.type === 'delta') {
      yield { type: 'delta', text: event.text };
      continue;
    }
    const reason = refusal(event.result);
    yield reason ? { type: 'error', reason } : { type: 'final', ...view(event.result) };
    return;
  }
}
