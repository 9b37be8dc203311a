import type { FaqEntry, Promotion } from '@mb/contracts';
import { similarity, tokens, trigrams } from './text.ts';

export type Document = {
  kind: 'faq' | 'promotion';
  id: string;
  title: string;
  body: string;
  fields: Array<{ text: string; weight: number }>;
};
export type Hit = { doc: Document; score: number };

export function documentsFrom(faq: FaqEntry[], promotions: Promotion[]): Document[] {
  return [
    ...faq.map<Document>((f) => ({
      kind: 'faq',
      id: f.id,
      title: f.question,
      body: f.answer,
      fields: [
        { text: f.question, weight: 2 },
        { text: f.tags.join(' '), weight: 2 },
        { text: f.answer, weight: 0.6 },
      ],
    })),
    ...promotions.map<Document>((p) => ({
      kind: 'promotion',
      id: p.id,
      title: p.title,
      body: `${p.description} (${p.startsAt} — ${p.endsAt})`,
      fields: [
        { text: p.title, weight: 2 },
        { text: p.description, weight: 0.8 },
      ],
    })),
  ];
}

type Indexed = { doc: Document; terms: Map<string, number>; length: number };

/**
 * BM25 over stemmed terms, weighted by field, with fuzzy term matching by character trigrams so that a misspelt
 * word still finds its term (at a discount). Built per call: the corpus is tens of rows, not thousands.
 */
export class Retriever {
  readonly documents: Document[];
  private readonly indexed: Indexed[];
  private readonly df = new Map<string, number>();
  private readonly vocabulary = new Map<string, Set<string>>();
  private readonly avgLength: number;

  constructor(docs: Document[]) {
    this.documents = docs;
    this.indexed = docs.map((doc) => {
      const terms = new Map<string, number>();
      let length = 0;
      for (const field of doc.fields) {
        for (const term of tokens(field.text)) {
          terms.set(term, (terms.get(term) ?? 0) + field.weight);
          length += field.weight;
        }
      }
      for (const term of terms.keys()) {
        this.df.set(term, (this.df.get(term) ?? 0) + 1);
        if (!this.vocabulary.has(term)) this.vocabulary.set(term, trigrams(term));
      }
      return { doc, terms, length };
    });
    this.avgLength = this.indexed.reduce((s, d) => s + d.length, 0) / (this.indexed.length || 1);
  }

  /** Query terms expanded to close vocabulary terms (exact match weight 1, fuzzy by similarity ≥ 0.45). */
  private expand(query: string): Map<string, number> {
    const expanded = new Map<string, number>();
    for (const term of tokens(query)) {
      if (this.vocabulary.has(term)) {
        expanded.set(term, Math.max(expanded.get(term) ?? 0, 1));
        continue;
      }
      const grams = trigrams(term);
      for (const [candidate, candidateGrams] of this.vocabulary) {
        // A prefix ("промо" of "промокод") is close when it is most of the word; "cat" is not "catalog".
        const [short, long] = term.length <= candidate.length ? [term, candidate] : [candidate, term];
        const prefix = short.length >= 4 && long.startsWith(short) && short.length / long.length >= 0.5;
        const sim = prefix ? 0.8 : similarity(grams, candidateGrams);
        if (sim >= 0.45 && Math.min(term.length, candidate.length) >= 3)
          expanded.set(candidate, Math.max(expanded.get(candidate) ?? 0, sim));
      }
    }
    return expanded;
  }

  search(query: string, limit = 3): Hit[] {
    const q = this.expand(query);
    const n = this.indexed.length;
    const k1 = 1.2;
    const b = 0.75;
    const hits: Hit[] = [];
    for (const d of this.indexed) {
      let score = 0;
      for (const [term, weight] of q) {
        const tf = d.terms.get(term);
        if (!tf) continue;
        const df = this.df.get(term) ?? 0;
        const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
        score += weight * idf * ((tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * d.length) / this.avgLength)));
      }
      if (score > 0) hits.push({ doc: d.doc, score });
    }
    return hits.sort((a, b2) => b2.score - a.score).slice(0, limit);
  }
}
