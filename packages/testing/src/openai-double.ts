import http from 'node:http';
import { listen } from '@mb/service-kit';
import { closeServer } from './close-server.ts';

export type OpenAiApi = 'responses' | 'chat' | 'embeddings';
export type OpenAiRequest = {
  api: OpenAiApi;
  path: string;
  body: Record<string, unknown>;
  headers: http.IncomingHttpHeaders;
  at: number;
};

/**
 * What the double does with one request. `text` answers (streamed in `chunks` pieces when the request asks for a
 * stream; `delayMs` between chunks); `status` answers an error (429 with `retryAfter` seconds, 500…); `hang` never
 * answers (or stops after `chunksFirst` pieces of `text`); `malformed` streams a chunk that is not JSON.
 */
export type OpenAiBehaviour =
  | { kind: 'text'; text: string; chunks?: number; delayMs?: number; usage?: { input: number; output: number } }
  | { kind: 'status'; status: number; retryAfter?: number; message?: string }
  | { kind: 'hang'; text?: string; chunksFirst?: number }
  | { kind: 'malformed'; textFirst?: string };

/** The default answer when nothing is scripted: a function of the request (e.g. cite the first id it was given). */
export type OpenAiResponder = (request: OpenAiRequest) => OpenAiBehaviour;
/** An embedding for a text; the default hashes character trigrams into 64 dimensions (similar spelling, similar vector). */
export type Embedder = (text: string) => number[];

export function trigramEmbedding(text: string): number[] {
  const v = new Array<number>(64).fill(0);
  const s = ` ${text.toLowerCase()} `;
  for (let i = 0; i + 3 <= s.length; i++) {
    let h = 0;
    for (const ch of s.slice(i, i + 3)) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
    v[h % 64]! += 1;
  }
  return v;
}

/**
 * An OpenAI-compatible server on real HTTP for the official SDK (`baseURL`): the Responses API (`POST /v1/responses`)
 * and Chat Completions (`POST /v1/chat/completions`), plain JSON or SSE streaming with the event shapes the SDK parses.
 * Scriptable per request (`next()` queues behaviours, used first come first served; then the responder); every request
 * is recorded so tests can check what reached the prompt.
 */
export class OpenAiDouble {
  readonly requests: OpenAiRequest[] = [];
  private readonly queue: OpenAiBehaviour[] = [];
  private responder: OpenAiResponder = () => ({ kind: 'text', text: 'OK' });
  private embedder: Embedder = trigramEmbedding;
  /** Answer embeddings with this status instead (e.g. 404: a server without embeddings). */
  embeddingStatus: number | undefined;
  private server?: http.Server;
  private readonly hanging = new Set<http.ServerResponse>();
  url = '';

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    const port = await listen(this.server, 0, '127.0.0.1');
    this.url = `http://127.0.0.1:${port}/v1`;
    return this;
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    await closeServer(this.server);
  }

  /** Queues behaviours for the next requests, in order. */
  next(...behaviours: OpenAiBehaviour[]): void {
    this.queue.push(...behaviours);
  }

  respond(fn: OpenAiResponder): void {
    this.responder = fn;
  }

  embed(fn: Embedder): void {
    this.embedder = fn;
  }

  /** Everything the model was given in a request, as one string (instructions, messages, input). */
  static promptOf(request: OpenAiRequest): string {
    return JSON.stringify([
      request.body['instructions'] ?? '',
      request.body['input'] ?? '',
      request.body['messages'] ?? '',
    ]);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const path = req.url?.split('?')[0] ?? '';
    const api: OpenAiApi | undefined = path.endsWith('/responses')
      ? 'responses'
      : path.endsWith('/chat/completions')
        ? 'chat'
        : path.endsWith('/embeddings')
          ? 'embeddings'
          : undefined;
    if (req.method !== 'POST' || !api)
      return json(res, 404, { error: { message: `no route ${req.method} ${path}`, type: 'invalid_request_error' } });
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
    } catch {
      return json(res, 400, { error: { message: 'body is not JSON', type: 'invalid_request_error' } });
    }
    const request: OpenAiRequest = { api, path, body, headers: req.headers, at: Date.now() };
    this.requests.push(request);
    if (api === 'embeddings') return this.embeddings(res, request);
    const behaviour = this.queue.shift() ?? this.responder(request);
    const model = String(body['model'] ?? 'unknown');
    const stream = body['stream'] === true;
    switch (behaviour.kind) {
      case 'status': {
        const headers: Record<string, string> =
          behaviour.retryAfter !== undefined ? { 'retry-after': String(behaviour.retryAfter) } : {};
        const type = behaviour.status === 429 ? 'rate_limit_exceeded' : 'server_error';
        return json(
          res,
          behaviour.status,
          { error: { message: behaviour.message ?? `scripted ${behaviour.status}`, type, code: type } },
          headers,
        );
      }
      case 'hang': {
        this.hanging.add(res);
        res.on('close', () => this.hanging.delete(res));
        if (!stream || !behaviour.text) return;
        const pieces = split(behaviour.text, 4).slice(0, behaviour.chunksFirst ?? 1);
        startSse(res);
        for (const piece of pieces)
          res.write(sse(api === 'responses' ? responsesDelta(piece) : chatDelta(model, piece)));
        return;
      }
      case 'malformed': {
        if (!stream) {
          res.writeHead(200, { 'content-type': 'application/json' }).end('{"id": "broken", "output": [');
          return;
        }
        startSse(res);
        if (behaviour.textFirst)
          res.write(
            sse(api === 'responses' ? responsesDelta(behaviour.textFirst) : chatDelta(model, behaviour.textFirst)),
          );
        res.end('data: {"type": "response.output_text.delta", "delta": "unterminated\n\n');
        return;
      }
      case 'text': {
        const usage = behaviour.usage ?? {
          input: Math.ceil(OpenAiDouble.promptOf(request).length / 4),
          output: Math.ceil(behaviour.text.length / 4),
        };
        if (!stream)
          return json(
            res,
            200,
            api === 'responses'
              ? responsesObject(model, behaviour.text, usage)
              : chatObject(model, behaviour.text, usage),
          );
        startSse(res);
        for (const piece of split(behaviour.text, behaviour.chunks ?? 5)) {
          res.write(sse(api === 'responses' ? responsesDelta(piece) : chatDelta(model, piece)));
          if (behaviour.delayMs) await new Promise((r) => setTimeout(r, behaviour.delayMs));
        }
        if (api === 'responses') {
          res.write(
            sse({
              type: 'response.output_text.done',
              item_id: 'msg_1',
              output_index: 0,
              content_index: 0,
              text: behaviour.text,
              sequence_number: 90,
            }),
          );
          res.end(
            sse({
              type: 'response.completed',
              sequence_number: 99,
              response: responsesObject(model, behaviour.text, usage),
            }),
          );
        } else {
          res.write(sse({ ...chatChunkBase(model), choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }));
          if ((body['stream_options'] as { include_usage?: boolean } | undefined)?.include_usage)
            res.write(sse({ ...chatChunkBase(model), choices: [], usage: chatUsage(usage) }));
          res.end('data: [DONE]\n\n');
        }
        return;
      }
    }
  }

  private embeddings(res: http.ServerResponse, request: OpenAiRequest): void {
    if (this.embeddingStatus) {
      json(res, this.embeddingStatus, {
        error: { message: 'embeddings are not available', type: 'invalid_request_error' },
      });
      return;
    }
    const raw = request.body['input'];
    const inputs = Array.isArray(raw) ? raw.map(String) : [String(raw ?? '')];
    const data = inputs.map((text, index) => ({ object: 'embedding', index, embedding: this.embedder(text) }));
    const tokens = inputs.reduce((n, t) => n + Math.ceil(t.length / 4), 0);
    json(res, 200, {
      object: 'list',
      data,
      model: String(request.body['model'] ?? 'unknown'),
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    });
  }
}

function json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

function startSse(res: http.ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  res.flushHeaders();
}

const sse = (data: Record<string, unknown>) =>
  `${typeof data['type'] === 'string' ? `event: ${data['type']}\n` : ''}data: ${JSON.stringify(data)}\n\n`;

/** `text` cut into `n` pieces of about equal length (at least one character each). */
function split(text: string, n: number): string[] {
  const size = Math.max(1, Math.ceil(text.length / Math.max(1, n)));
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out.length ? out : [''];
}

let sequence = 0;
const responsesDelta = (delta: string) => ({
  type: 'response.output_text.delta',
  item_id: 'msg_1',
  output_index: 0,
  content_index: 0,
  delta,
  logprobs: [],
  sequence_number: ++sequence,
});

function responsesObject(model: string, text: string, usage: { input: number; output: number }) {
  return {
    id: 'resp_double',
    object: 'response',
    created_at: Math.floor(Date.now() / 1000),
    status: 'completed',
    model,
    output: [
      {
        type: 'message',
        id: 'msg_1',
        status: 'completed',
        role: 'assistant',
        content: [{ type: 'output_text', text, annotations: [] }],
      },
    ],
    usage: {
      input_tokens: usage.input,
      output_tokens: usage.output,
      total_tokens: usage.input + usage.output,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens_details: { reasoning_tokens: 0 },
    },
  };
}

const chatUsage = (usage: { input: number; output: number }) => ({
  prompt_tokens: usage.input,
  completion_tokens: usage.output,
  total_tokens: usage.input + usage.output,
});
const chatChunkBase = (model: string) => ({
  id: 'chatcmpl-double',
  object: 'chat.completion.chunk',
  created: Math.floor(Date.now() / 1000),
  model,
});
const chatDelta = (model: string, content: string) => ({
  ...chatChunkBase(model),
  choices: [{ index: 0, delta: { content }, finish_reason: null }],
});

function chatObject(model: string, text: string, usage: { input: number; output: number }) {
  return {
    id: 'chatcmpl-double',
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
    usage: chatUsage(usage),
  };
}
