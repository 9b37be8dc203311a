import type { AssistantAnswer, Language } from '@mb/contracts';
import type { LexicalHit } from '../retrieval/index.ts';

export type AnswerRequest = { question: string; language: Language; hits: LexicalHit[] };

/** One interface for every way of answering: the offline retrieval answerer here, an LLM in its own module. */
export interface Answerer {
  readonly mode: AssistantAnswer['mode'];
  answer(request: AnswerRequest): Promise<AssistantAnswer>;
}

/** Below this BM25 score the best hit is treated as not answering the question. */
export const MIN_SCORE = 1.6;

/**
 * Below this coverage (the share of the question's idf weight the document contains) a hit is treated as sharing a
 * word rather than answering: "номер лицензии ЦБ?" covers 0.20 of the phone-number entry. Measured on the labelled
 * set (services/assistant/eval, `npm run bench -- assistant-quality` prints the sweep): at 0.45, 95% of off-topic
 * questions are handed off and 19% of answerable ones too (a hand-off to a person, never a wrong answer); at 0.40,
 * 88% and 11%. Only the offline answer uses it: with a model, the model judges its context.
 */
export const MIN_COVERAGE = 0.45;

const TEXTS = { ru: { also: 'См. также' }, en: { also: 'See also' } };

/**
 * Answers with the best FAQ entry or promotion itself, citing its id; no model involved. When nothing is relevant the
 * text is empty and `answered` false: the caller (the chat) says "I don't know" in the user's language.
 */
export class RetrievalAnswerer implements Answerer {
  readonly mode = 'retrieval' as const;
  private readonly minCoverage: number;

  /** `minCoverage` other than MIN_COVERAGE only to measure the trade-off (eval). */
  constructor(opts: { minCoverage?: number } = {}) {
    this.minCoverage = opts.minCoverage ?? MIN_COVERAGE;
  }

  async answer({ language, hits }: AnswerRequest): Promise<AssistantAnswer> {
    const relevant = hits.filter((h) => h.score >= MIN_SCORE && h.coverage >= this.minCoverage);
    const best = relevant[0];
    if (!best) return { text: '', sources: [], mode: this.mode, answered: false };
    const lines = [best.doc.kind === 'faq' ? best.doc.body : `${best.doc.title}: ${best.doc.body}`];
    const second = relevant[1];
    if (second && second.score >= best.score * 0.8) lines.push(`${TEXTS[language].also}: ${second.doc.title}`);
    const sources = relevant
      .slice(0, second && second.score >= best.score * 0.8 ? 2 : 1)
      .map((h) => ({ kind: h.doc.kind, id: h.doc.id, title: h.doc.title }));
    return { text: lines.join('\n\n'), sources, mode: this.mode, answered: true };
  }
}
