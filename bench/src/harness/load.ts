import autocannon, { type Result } from 'autocannon';

export type LoadFigures = {
  /** Acknowledged (2xx) updates per second over the run. */
  rate: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  sent: number;
  ok: number;
  non2xx: number;
  errors: number;
  seconds: number;
};

/**
 * Posts a fresh body from `nextBody` on every request, over `connections` keep-alive connections, for `seconds`
 * (autocannon, programmatic; closed loop: each connection sends its next update when the last one was answered).
 */
export async function postLoad(opts: {
  url: string;
  secret: string;
  connections: number;
  seconds: number;
  nextBody: () => string;
}): Promise<LoadFigures> {
  const result: Result = await autocannon({
    url: opts.url,
    connections: opts.connections,
    duration: opts.seconds,
    timeout: 10,
    headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': opts.secret },
    requests: [{ method: 'POST', setupRequest: (req) => ({ ...req, body: opts.nextBody() }) }],
  });
  const ok = result['2xx'];
  return {
    rate: ok / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    sent: result.requests.sent,
    ok,
    non2xx: result.non2xx,
    errors: result.errors,
    seconds: result.duration,
  };
}
