import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';

/** An internal call took longer than its bound (the whole answer, body included). */
export class CallTimeoutError extends Error {
  override readonly name = 'TimeoutError';
  readonly timeoutMs: number;
  constructor(timeoutMs: number) {
    super(`no complete answer within ${timeoutMs} ms`);
    this.timeoutMs = timeoutMs;
  }
}

/** What tRPC's httpLink reads of an answer: `ok`, `status` and the JSON body (read whole before the promise settles). */
export type KeepAliveResponse = {
  readonly ok: boolean;
  readonly status: number;
  json(): Promise<unknown>;
  text(): Promise<string>;
};
export type KeepAliveInit = {
  method?: string;
  headers?: RequestInit['headers'] | [string, string][];
  body?: unknown;
  signal?: AbortSignal | null;
};
export type KeepAliveFetch = (input: string | URL | Request, init?: KeepAliveInit) => Promise<KeepAliveResponse>;

/**
 * A small fetch for service-to-service JSON calls on node:http with a keep-alive agent. The WHATWG fetch of Node
 * (undici) builds Request/Response/Headers objects, web streams and, with `AbortSignal.timeout`, a timer per call
 * that still fires seconds later; on the handler path that was a large share of the gateway's CPU per update.
 * Here one timer per call bounds the whole answer (body included) and is cleared when it is complete; the caller's
 * signal aborts the request. Bodies are strings (JSON) or Node streams (grammY's multipart uploads, sent chunked);
 * tRPC's streamed answers keep using the global fetch.
 */
export function createKeepAliveFetch(opts: { timeoutMs: number }): KeepAliveFetch {
  // A bounded pool per peer: under load requests wait for one of 64 sockets instead of opening hundreds.
  const agents = {
    http: new http.Agent({ keepAlive: true, maxSockets: 64 }),
    https: new https.Agent({ keepAlive: true, maxSockets: 64 }),
  };
  return (input, init = {}) =>
    new Promise<KeepAliveResponse>((resolve, reject) => {
      const url = input instanceof URL ? input : new URL(typeof input === 'string' ? input : input.url);
      const body = typeof init.body === 'string' ? init.body : undefined;
      const stream = isNodeStream(init.body) ? init.body : undefined;
      if (init.body != null && body === undefined && !stream) {
        reject(new TypeError('keep-alive fetch sends string or stream bodies only'));
        return;
      }
      const headers = plainHeaders(init.headers);
      if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
      const signal = init.signal ?? undefined;
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const secure = url.protocol === 'https:';
      let settled = false;
      const finish = (error: unknown, response?: KeepAliveResponse) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (response) resolve(response);
        else {
          req.destroy();
          reject(error);
        }
      };
      const onAbort = () => finish(signal?.reason ?? new Error('aborted'));
      const req = (secure ? https : http).request(
        url,
        { method: init.method ?? 'GET', headers, agent: secure ? agents.https : agents.http },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', (error) => finish(error));
          res.on('close', () => {
            if (!res.complete) finish(new Error('the connection closed before the answer was complete'));
          });
          res.on('end', () => {
            const text = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
            const status = res.statusCode ?? 0;
            finish(undefined, {
              ok: status >= 200 && status < 300,
              status,
              text: () => Promise.resolve(text),
              json: () => new Promise((ok) => ok(JSON.parse(text))),
            });
          });
        },
      );
      const timer = setTimeout(() => finish(new CallTimeoutError(opts.timeoutMs)), opts.timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      req.on('error', (error) => finish(error));
      if (stream) {
        stream.once('error', (error) => finish(error));
        stream.pipe(req);
      } else req.end(body);
    });
}

function plainHeaders(init: KeepAliveInit['headers']): Record<string, string> {
  if (!init) return {};
  if (init instanceof Headers || Array.isArray(init)) return Object.fromEntries(init);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(init)) if (v !== undefined) out[k] = v;
  return out;
}

const isNodeStream = (body: unknown): body is Readable =>
  typeof body === 'object' &&
  body !== null &&
  typeof (body as Readable).pipe === 'function' &&
  typeof (body as Readable).on === 'function';
