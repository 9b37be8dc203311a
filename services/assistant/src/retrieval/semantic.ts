import { createHash } from 'node:crypto';
import OpenAI, { APIError } from 'openai';
import type { Document, Hit } from './index.ts';

export type SemanticOptions = {
  apiKey: string;
  baseURL?: string;
  model: string;
  /** One try, this long: the embeddings only add to the lexical context, they must not delay the answer. */
  timeoutMs: number;
  /** Cosine similarity from which a document joins the context. */
  minSimilarity?: number;
  onUsage?: (model: string, tokens: number) => void;
  onResult?: (result: 'ok' | 'error' | 'unsupported') => void;
};

/** A provider that answered 4xx to embeddings (no such model or endpoint) is not asked again for this long. */
const UNSUPPORTED_BACKOFF_MS = 10 * 60_000;
const ERROR_BACKOFF_MS = 30_000;
/** Document vectors kept (~6 KB each as float32 at 1,536 dimensions): far more than the FAQ and promotions hold. */
const MAX_CACHED = 2000;

/**
 * Embedding search over the same documents as the lexical retriever, used when the provider offers embeddings
 * (OpenAI does; many compatible servers do). Document vectors are cached by content, so after the first question only
 * the question is embedded. Any failure returns no hits: retrieval is lexical always, semantic when it can.
 */
export class SemanticIndex {
  private readonly client: OpenAI;
  private readonly opts: SemanticOptions;
  private readonly vectors = new Map<string, Float32Array>();
  private pausedUntil = 0;

  constructor(opts: SemanticOptions) {
    this.opts = opts;
    this.client = new OpenAI({
      apiKey: opts.apiKey,
      ...(opts.baseURL ? { baseURL: opts.baseURL } : {}),
      timeout: opts.timeoutMs,
      maxRetries: 0,
      logLevel: 'off',
    });
  }

  async search(question: string, docs: Document[], limit: number, signal?: AbortSignal): Promise<Hit[]> {
    if (Date.now() < this.pausedUntil || docs.length === 0) return [];
    const keyOf = (d: Document) =>
      createHash('sha256').update(`${this.opts.model}\n${d.title}\n${d.body}`).digest('base64url');
    const missing = docs.filter((d) => !this.vectors.has(keyOf(d)));
    try {
      const response = await this.client.embeddings.create(
        {
          model: this.opts.model,
          input: [question, ...missing.map((d) => `${d.title}\n${d.body}`)],
          encoding_format: 'float',
        },
        signal ? { signal } : {},
      );
      this.opts.onUsage?.(this.opts.model, response.usage?.total_tokens ?? 0);
      const byIndex = new Map(response.data.map((e) => [e.index, e.embedding]));
      const query = byIndex.get(0);
      if (!query) throw new Error('no embedding for the question');
      if (this.vectors.size + missing.length > MAX_CACHED) this.vectors.clear();
      missing.forEach((d, i) => {
        const v = byIndex.get(i + 1);
        if (v) this.vectors.set(keyOf(d), Float32Array.from(v));
      });
      this.opts.onResult?.('ok');
      const min = this.opts.minSimilarity ?? 0.35;
      return docs
        .map((doc) => ({ doc, score: cosine(query, this.vectors.get(keyOf(doc)) ?? EMPTY) }))
        .filter((h) => h.score >= min)
        .sort((a, b) => b.score - a.score)
        .slice(0, limit);
    } catch (error) {
      const unsupported =
        error instanceof APIError &&
        error.status !== undefined &&
        error.status >= 400 &&
        error.status < 500 &&
        error.status !== 429;
      this.pausedUntil = Date.now() + (unsupported ? UNSUPPORTED_BACKOFF_MS : ERROR_BACKOFF_MS);
      this.opts.onResult?.(unsupported ? 'unsupported' : 'error');
      return [];
    }
  }
}

const EMPTY = new Float32Array(0);

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length === 0 || a.length !== b.length) return 0;
  let dot = 0,
    na = 0,
    nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}
