import { readFileSync } from 'node:fs';
import type { FaqEntry, Language, Promotion } from '@mb/contracts';
import { MIN_COVERAGE, RetrievalAnswerer } from '../src/llm/answerer.ts';
import { documentsFrom, Retriever } from '../src/retrieval/index.ts';

/** `expect` empty: nothing answers the question (off-topic); the right response is "I don't know" and the hand-off. */
export type LabelledQuestion = { q: string; lang: Language; segment: string | null; expect: string[] };
export type QualityReport = {
  answerable: number;
  offTopic: number;
  /** Share of answerable questions whose first retrieved document is one that answers them. */
  hitAt1: number;
  hitAt3: number;
  /** Share of answerable questions the offline answerer answered with a right source first. */
  answeredRight: number;
  /** Share of off-topic questions the offline answerer handed off ("I don't know" + request): its precision there. */
  offTopicHandedOff: number;
  /** Share of answerable questions handed off (the price of the threshold: a person answers instead). */
  answerableHandedOff: number;
  /** The coverage threshold the figures above are for. */
  minCoverage: number;
  /** The same three shares at other coverage thresholds: how the threshold was chosen. */
  sweep: Array<{ minCoverage: number; offTopicHandedOff: number; answerableHandedOff: number; answeredRight: number }>;
  misses: Array<{ q: string; expect: string[]; got: string[] }>;
};

export function loadQuestions(): LabelledQuestion[] {
  const file = new URL('./questions.json', import.meta.url);
  return (JSON.parse(readFileSync(file, 'utf8')) as { questions: LabelledQuestion[] }).questions;
}

const SWEEP = [0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6];

/**
 * Scores the offline answerer (lexical retrieval + RetrievalAnswerer) on the labelled set, over the FAQ and the
 * promotions each question's segment may see (`promotionsFor`), at the production coverage threshold and at the
 * thresholds of the sweep.
 */
export async function evaluate(
  questions: LabelledQuestion[],
  faq: FaqEntry[],
  promotionsFor: (segment: string | null) => Promotion[],
): Promise<QualityReport> {
  const retrievers = new Map<string, Retriever>();
  const retrieverFor = (segment: string | null) => {
    const key = segment ?? '';
    let r = retrievers.get(key);
    if (!r) retrievers.set(key, (r = new Retriever(documentsFrom(faq, promotionsFor(segment)))));
    return r;
  };
  const share = (n: number, of: number) => (of === 0 ? 0 : n / of);
  const answerable = questions.filter((q) => q.expect.length > 0);
  const offTopic = questions.filter((q) => q.expect.length === 0);

  const searched = questions.map((item) => ({ item, hits: retrieverFor(item.segment).search(item.q, 5) }));
  let at1 = 0;
  let at3 = 0;
  const misses: QualityReport['misses'] = [];
  for (const { item, hits } of searched) {
    if (item.expect.length === 0) continue;
    const ids = hits.map((h) => h.doc.id);
    if (item.expect.includes(ids[0] ?? '')) at1++;
    if (ids.slice(0, 3).some((id) => item.expect.includes(id))) at3++;
    else misses.push({ q: item.q, expect: item.expect, got: ids.slice(0, 3) });
  }

  async function at(minCoverage: number) {
    const answerer = new RetrievalAnswerer({ minCoverage });
    let right = 0;
    let answerableHandedOff = 0;
    let offTopicHandedOff = 0;
    const wrong: QualityReport['misses'] = [];
    for (const { item, hits } of searched) {
      const answer = await answerer.answer({ question: item.q, language: item.lang, hits });
      if (item.expect.length === 0) {
        if (!answer.answered) offTopicHandedOff++;
        else wrong.push({ q: item.q, expect: [], got: answer.sources.map((s) => s.id) });
      } else if (!answer.answered) answerableHandedOff++;
      else if (item.expect.includes(answer.sources[0]?.id ?? '')) right++;
    }
    return {
      minCoverage,
      offTopicHandedOff: share(offTopicHandedOff, offTopic.length),
      answerableHandedOff: share(answerableHandedOff, answerable.length),
      answeredRight: share(right, answerable.length),
      wrong,
    };
  }

  const chosen = await at(MIN_COVERAGE);
  const sweep = [];
  for (const t of SWEEP) {
    const { wrong: _, ...row } = await at(t);
    sweep.push(row);
  }
  return {
    answerable: answerable.length,
    offTopic: offTopic.length,
    hitAt1: share(at1, answerable.length),
    hitAt3: share(at3, answerable.length),
    answeredRight: chosen.answeredRight,
    offTopicHandedOff: chosen.offTopicHandedOff,
    answerableHandedOff: chosen.answerableHandedOff,
    minCoverage: MIN_COVERAGE,
    sweep,
    misses: [...misses, ...chosen.wrong],
  };
}
