/** Reads one un-labelled (or summed over labels) sample from a service's Prometheus text at `url`/metrics. */
export async function scrape(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  let sum = 0;
  let found = false;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name} `) || line.startsWith(`${name}{`)) {
      sum += Number(line.slice(line.lastIndexOf(' ') + 1));
      found = true;
    }
  }
  return found ? sum : NaN;
}

/** Polls until `gateway_updates_queued` is 0 (every acknowledged update handled) or `timeoutMs` passes. */
export async function waitDrained(
  gatewayUrl: string,
  timeoutMs: number,
): Promise<{ drained: boolean; seconds: number; left: number }> {
  const started = Date.now();
  let left = NaN;
  while (Date.now() - started < timeoutMs) {
    left = await scrape(gatewayUrl, 'gateway_updates_queued');
    if (left === 0) return { drained: true, seconds: (Date.now() - started) / 1000, left };
    await new Promise((r) => setTimeout(r, 250));
  }
  return { drained: false, seconds: (Date.now() - started) / 1000, left };
}
