/** The metric names a PromQL expression reads from the services (`gateway_…`, `sheets_…`, `assistant_…`, `process_…`, `nodejs_…`), without duplicates. */
export function metricNames(expr: string): string[] {
  const code = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""').replace(/\{[^}]*\}/g, '{}');
  return [...new Set(code.match(/\b(?:gateway|sheets|assistant|process|nodejs)_[A-Za-z0-9_]+/g) ?? [])];
}

/** Names a scrape of `/metrics` exposes: every family from `# TYPE`, plus a histogram's `_bucket`, `_count`, `_sum`. */
export function exposedNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const m of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    const [, name, type] = m as unknown as [string, string, string];
    names.add(name);
    if (type === 'histogram') for (const s of ['_bucket', '_count', '_sum']) names.add(name + s);
    if (type === 'summary') for (const s of ['_count', '_sum']) names.add(name + s);
  }
  return names;
}
