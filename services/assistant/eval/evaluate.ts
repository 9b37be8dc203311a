import { readFileSync } from 'node:fs';
import type { FaqEntry, Language, Promotion } from '@mb/contracts';
import { RetrievalAnswerer } from '../src/llm/answerer.ts';
import { documentsFrom, Retriever } from '../src/retrieval/index.ts';

export type LabelledQuestion = { q: string; lang: Language; segment: string | null; expect: string[] };
export type QualityReport = {
  answerable: number;
  unanswerable: number;
  /** Share of answerable questions whose first retrieved document is one that answers them. */
  hitAt1: number;
  hitAt3: number;
  /** Share of answerable questions the offline answerer answered with a right source first. */
  answeredRight: number;
  /** Share of unanswerable questions the offline answerer handed off ("I don't know" + request). */
  handedOff: number;
  /** Share of answerable questions wrongly handed off. */
  wronglyHandedOff: number;
  misses: Array<{ q: string; expect: string[]; got: string[] }>;
};

export function loadQuestions(): LabelledQuestion[] {
  const file = new URL('./questions.json', import.meta.url);
  return (JSON.parse(readFileSync(file, 'utf8')) as { questions: LabelledQuestion[] }).questions;
}

/**
 * Scores the offline answerer (lexical retrieval + RetrievalAnswerer) on the labelled set, over the FAQ and the
 * promotions each question's segment may see (`promotionsFor`).
 */
export async function evaluate(
  questions: LabelledQuestion[],
  faq: FaqEntry[],
  promotionsFor: (segment: string | null) => Promotion[],
): Promise<QualityReport> {
  const answerer = new RetrievalAnswerer();
  const retrievers = new Map<string, Retriever>();
  const retrieverFor = (segment: string | null) => {
    const key = segment ?? '';
    let r = retrievers.get(key);
    if (!r) retrievers.set(key, (r = new Retriever(documentsFrom(faq, promotionsFor(segment)))));
    return r;
  };
  let at1 = 0,
    at3 = 0,
    right = 0,
    wrongHandoff = 0,
    handedOff = 0,
    answerable = 0,
    unanswerable = 0;
  const misses: QualityReport['misses'] = [];
  for (const item of questions) {
    const hits = retrieverFor(item.segment).search(item.q, 5);
    const answer = await answerer.answer({ question: item.q, language: item.lang, hits });
    const ids = hits.map((h) => h.doc.id);
    if (item.expect.length === 0) {
      unanswerable++;
      if (!answer.answered) handedOff++;
      else misses.push({ q: item.q, expect: [], got: answer.sources.map((s) => s.id) });
      continue;
    }
    answerable++;
    const good = (id: string | undefined) => id !== undefined && item.expect.includes(id);
    if (good(ids[0])) at1++;
    if (ids.slice(0, 3).some(good)) at3++;
    else misses.push({ q: item.q, expect: item.expect, got: ids.slice(0, 3) });
    if (answer.answered && good(answer.sources[0]?.id)) right++;
    if (!answer.answered) wrongHandoff++;
  }
  const share = (n: number, of: number) => (of === 0 ? 0 : n / of);
  return {
    answerable,
    unanswerable,
    hitAt1: share(at1, answerable),
    hitAt3: share(at3, answerable),
    answeredRight: share(right, answerable),
    handedOff: share(handedOff, unanswerable),
    wronglyHandedOff: share(wrongHandoff, answerable),
    misses,
  };
}
