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
/** A lexical hit also says how much of the question the document covers (0–1): see `Retriever.search`. */
export type LexicalHit = Hit & { coverage: number };

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

  /**
   * Each distinct query term with the vocabulary terms it stands for (an exact match at weight 1, close ones by
   * trigram similarity ≥ 0.45 or a long enough prefix) and its idf: that of its best match, or that of a term no
   * document has when nothing matches (an unknown word is the most telling part of a question).
   */
  private expand(query: string): Array<{ idf: number; matches: Map<string, number> }> {
    const out: Array<{ idf: number; matches: Map<string, number> }> = [];
    for (const term of new Set(tokens(query))) {
      const matches = new Map<string, number>();
      if (this.vocabulary.has(term)) matches.set(term, 1);
      else {
        const grams = trigrams(term);
        for (const [candidate, candidateGrams] of this.vocabulary) {
          // A prefix ("промо" of "промокод") is close when it is most of the word; "cat" is not "catalog".
          const [short, long] = term.length <= candidate.length ? [term, candidate] : [candidate, term];
          const prefix = short.length >= 4 && long.startsWith(short) && short.length / long.length >= 0.5;
          const sim = prefix ? 0.8 : similarity(grams, candidateGrams);
          if (sim >= 0.45 && Math.min(term.length, candidate.length) >= 3) matches.set(candidate, sim);
        }
      }
      let best: string | undefined;
      for (const [candidate, sim] of matches) if (best === undefined || sim > matches.get(best)!) best = candidate;
      out.push({ idf: this.idf(best === undefined ? 0 : (this.df.get(best) ?? 0)), matches });
    }
    return out;
  }

  private idf(df: number): number {
    return Math.log(1 + (this.indexed.length - df + 0.5) / (df + 0.5));
  }

  /**
   * The best `limit` documents by BM25, each with its coverage: the share of the question's idf weight whose terms
   * the document contains (fuzzy matches at their similarity). A document sharing one common word with a question
   * made mostly of words it lacks ("номер лицензии ЦБ" vs "change your phone number") scores on BM25 but covers little.
   */
  search(query: string, limit = 3): LexicalHit[] {
    const terms = this.expand(query);
    const q = new Map<string, number>();
    for (const { matches } of terms)
      for (const [candidate, sim] of matches) q.set(candidate, Math.max(q.get(candidate) ?? 0, sim));
    const totalIdf = terms.reduce((s, t) => s + t.idf, 0);
    const k1 = 1.2;
    const b = 0.75;
    const hits: LexicalHit[] = [];
    for (const d of this.indexed) {
      let score = 0;
      for (const [term, weight] of q) {
        const tf = d.terms.get(term);
        if (!tf) continue;
        const idf = this.idf(this.df.get(term) ?? 0);
        score += weight * idf * ((tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * d.length) / this.avgLength)));
      }
      if (score <= 0) continue;
      let covered = 0;
      for (const t of terms) {
        let best = 0;
        for (const [candidate, sim] of t.matches) if (sim > best && d.terms.has(candidate)) best = sim;
        covered += t.idf * best;
      }
      hits.push({ doc: d.doc, score, coverage: totalIdf > 0 ? covered / totalIdf : 0 });
    }
    return hits.sort((a, b2) => b2.score - a.score).slice(0, limit);
  }
}
