import type { AssistantSource, Language } from '@mb/contracts';
import type { Logger } from '@mb/service-kit';
import type { Knowledge } from './knowledge.ts';
import type { Answerer } from './llm/answerer.ts';
import { type LlmClient, LlmError, type LlmFailure } from './llm/llm-client.ts';
import { buildPrompt, extractCitations, NO_ANSWER } from './llm/prompt.ts';
import type { AssistantMetrics } from './metrics.ts';
import type { Hit, LexicalHit, Retriever } from './retrieval/index.ts';
import type { SemanticIndex } from './retrieval/semantic.ts';
import type { MemoryStore, UsageStore } from './store/stores.ts';

export type AskInput = { telegramId: number; segment: string | null; question: string; language: Language };
export type Outcome = 'llm' | 'fallback' | 'refused' | 'quota';
export type FallbackReason = 'no_key' | 'budget' | LlmFailure;

/** The final answer. `text` is empty when nothing was answered: the chat words the refusal in the user's language. */
export type AskResult = {
  outcome: Outcome;
  mode: 'llm' | 'retrieval';
  answered: boolean;
  text: string;
  sources: AssistantSource[];
  /** Offer "Create a request": nothing in the FAQ or promotions answered. */
  handoff: boolean;
  fallbackReason?: FallbackReason;
  /** For `refused`: why. */
  refusal?: 'too_long';
  /** For `quota`: the daily limit of questions; for `refused`: the longest question allowed (characters). */
  limit?: number;
};
export type AskEvent = { type: 'delta'; text: string } | { type: 'final'; result: AskResult };

export type AskerDeps = {
  knowledge: Knowledge;
  fallback: Answerer;
  llm: LlmClient | undefined;
  memory: MemoryStore;
  usage: UsageStore;
  metrics: AssistantMetrics;
  logger: Logger;
  /** Records an unanswered question for managers (sheets `unanswered.record`). */
  recordUnanswered: (question: string) => Promise<void>;
  maxQuestionChars: number;
  /** The whole model answer, retries included. */
  deadlineMs: number;
  /** Embedding search, when the provider offers embeddings: widens the model's context beyond lexical matches. */
  semantic?: SemanticIndex;
  /** BM25 score below which a document is not given to the model as context. */
  minContextScore?: number;
};

const CONTEXT_SIZE = 6;

/**
 * Answers one question as a stream: text deltas while the model writes, then the final result. Applies, in order,
 * the input bound (refused), the user's daily quota (quota), retrieval over the FAQ and the promotions the user's
 * segment may see, the global token budget, then the model within `deadlineMs`; any failure of the model gives the
 * retrieval answer instead (fallback). The final result replaces whatever deltas were shown.
 */
export function createAsker(deps: AskerDeps) {
  const minContextScore = deps.minContextScore ?? 0.5;

  /** A question not answered at all (too long, or over the daily quota): counted, no text, no hand-off offered. */
  function turnedAway(why: Pick<AskResult, 'refusal' | 'limit'> & { outcome: 'refused' | 'quota' }): AskEvent {
    deps.metrics.requests.inc({ outcome: why.outcome });
    return final({ mode: 'retrieval', answered: false, text: '', sources: [], handoff: false, ...why });
  }

  async function* ask(input: AskInput, signal?: AbortSignal): AsyncGenerator<AskEvent> {
    const question = input.question.trim();
    if (question.length > deps.maxQuestionChars) {
      yield turnedAway({ outcome: 'refused', refusal: 'too_long', limit: deps.maxQuestionChars });
      return;
    }
    const settings = await deps.knowledge.settings();
    if (!(await deps.usage.tryTakeMessage(input.telegramId, settings.assistantDailyQuota))) {
      yield turnedAway({ outcome: 'quota', limit: settings.assistantDailyQuota });
      return;
    }
    const history = await deps.memory.recent(input.telegramId);
    const { retriever, direct, context } = await retrieve(
      input,
      question,
      history.filter((t) => t.role === 'user').at(-1)?.text,
    );
    let hits = context;

    let result: AskResult | undefined;
    let reason: FallbackReason | undefined;
    if (!deps.llm) reason = 'no_key';
    else if ((await deps.usage.tokensToday()) >= settings.assistantDailyTokenBudget) reason = 'budget';
    else if ((hits = await widen(context, question, retriever, signal)).length === 0) result = unanswered('llm');
    else {
      const prompt = buildPrompt({
        systemPrompt: settings.assistantPrompt,
        language: input.language,
        question,
        hits,
        history,
      });
      try {
        const gen = streamModel(deps.llm, prompt, hits, signal);
        let step = await gen.next();
        while (!step.done) {
          yield { type: 'delta', text: step.value };
          step = await gen.next();
        }
        result = step.value;
      } catch (error) {
        if (!(error instanceof LlmError)) throw error;
        reason = error.reason;
        // Only the error's kind: a message from the provider or a broken stream chunk may quote the conversation.
        const cause = error.cause instanceof Error ? error.cause : undefined;
        const status = (cause as { status?: number } | undefined)?.status;
        deps.logger.warn(
          { reason: error.reason, api: deps.llm.api, cause: cause?.name, status },
          'model failed: answering from retrieval',
        );
      }
    }
    if (!result) {
      deps.metrics.fallbacks.inc({ reason: reason ?? 'no_key' });
      // Without a model, a follow-up cannot be told from a new question: only the question's own hits count.
      const answer = await deps.fallback.answer({ question, language: input.language, hits: direct });
      result = answer.answered
        ? {
            outcome: 'fallback',
            mode: 'retrieval',
            answered: true,
            text: answer.text,
            sources: answer.sources,
            handoff: false,
            fallbackReason: reason ?? 'no_key',
          }
        : { ...unanswered('retrieval'), outcome: 'fallback', fallbackReason: reason ?? 'no_key' };
    }
    deps.metrics.requests.inc({ outcome: result.outcome });
    await deps.memory.remember(input.telegramId, question, result.text);
    if (!result.answered) {
      deps.metrics.unanswered.inc();
      deps.recordUnanswered(question).catch((error: unknown) => {
        deps.metrics.unansweredRecordFailures.inc();
        deps.logger.warn({ err: error }, 'could not record an unanswered question');
      });
    }
    yield final(result);
  }

  /**
   * The question's own hits, and the model's context: for a short follow-up ("а сколько идёт?") the question is also
   * searched together with the previous one.
   */
  async function retrieve(
    input: AskInput,
    question: string,
    previous: string | undefined,
  ): Promise<{ retriever: Retriever; direct: LexicalHit[]; context: Hit[] }> {
    const retriever = await deps.knowledge.retriever(input.segment);
    const direct = retriever.search(question, CONTEXT_SIZE);
    let context: Hit[] = direct.filter((h) => h.score >= minContextScore);
    if (previous && (context.length === 0 || question.split(/\s+/).length <= 4)) {
      const merged = new Map(context.map((h) => [h.doc.id, h]));
      for (const h of retriever.search(`${previous} ${question}`, CONTEXT_SIZE))
        if (h.score >= minContextScore && !merged.has(h.doc.id)) merged.set(h.doc.id, h);
      context = [...merged.values()].slice(0, CONTEXT_SIZE);
    }
    return { retriever, direct, context };
  }

  /** The lexical context plus what embedding search finds (when available); at most two documents more. */
  async function widen(context: Hit[], question: string, retriever: Retriever, signal?: AbortSignal): Promise<Hit[]> {
    if (!deps.semantic) return context;
    const merged = new Map(context.map((h) => [h.doc.id, h]));
    for (const h of await deps.semantic.search(question, retriever.documents, CONTEXT_SIZE, signal))
      if (!merged.has(h.doc.id)) merged.set(h.doc.id, h);
    return [...merged.values()].slice(0, CONTEXT_SIZE + 2);
  }

  /**
   * The model's answer as deltas (held back while it could still be NO_ANSWER), returning the final result. Bounded by
   * the deadline; counts tokens per model.
   */
  async function* streamModel(
    llm: LlmClient,
    prompt: ReturnType<typeof buildPrompt>,
    hits: Hit[],
    outer?: AbortSignal,
  ): AsyncGenerator<string, AskResult> {
    const deadline = AbortSignal.timeout(deps.deadlineMs);
    const signal = outer ? AbortSignal.any([outer, deadline]) : deadline;
    const started = performance.now();
    let text = '';
    let shown = 0;
    let firstToken = true;
    try {
      for await (const event of llm.stream(prompt, signal)) {
        if (event.type === 'delta') {
          if (firstToken) deps.metrics.timeToFirstToken.observe({ api: llm.api }, (performance.now() - started) / 1000);
          firstToken = false;
          text += event.text;
          const head = text.trimStart();
          if (head.length < NO_ANSWER.length && NO_ANSWER.startsWith(head)) continue;
          if (head.startsWith(NO_ANSWER)) continue;
          if (text.length > shown) {
            yield text.slice(shown);
            shown = text.length;
          }
        } else {
          await deps.usage.addTokens(llm.model, event.usage.input, event.usage.output);
          deps.metrics.tokens.inc({ model: llm.model, kind: 'input' }, event.usage.input);
          deps.metrics.tokens.inc({ model: llm.model, kind: 'output' }, event.usage.output);
        }
      }
    } catch (error) {
      deps.metrics.llmDuration.observe({ api: llm.api, result: 'error' }, (performance.now() - started) / 1000);
      if (deadline.aborted && !(error instanceof LlmError && error.reason !== 'timeout'))
        throw new LlmError('timeout', `no answer within ${deps.deadlineMs} ms`, { cause: error });
      throw error;
    }
    deps.metrics.llmDuration.observe({ api: llm.api, result: 'ok' }, (performance.now() - started) / 1000);
    if (text.trim().startsWith(NO_ANSWER)) return unanswered('llm');
    const { text: clean, cited } = extractCitations(text, prompt.contextIds);
    if (clean.length === 0) throw new LlmError('malformed', 'the model answered nothing');
    const byId = new Map(hits.map((h) => [h.doc.id, h.doc]));
    const sources = cited.map((id) => byId.get(id)!).map((d) => ({ kind: d.kind, id: d.id, title: d.title }));
    return { outcome: 'llm', mode: 'llm', answered: true, text: clean, sources, handoff: false };
  }

  return { ask };
}

const final = (result: AskResult): AskEvent => ({ type: 'final', result });
const unanswered = (mode: 'llm' | 'retrieval'): AskResult => ({
  outcome: mode === 'llm' ? 'llm' : 'fallback',
  mode,
  answered: false,
  text: '',
  sources: [],
  handoff: true,
});

export type Asker = ReturnType<typeof createAsker>;
