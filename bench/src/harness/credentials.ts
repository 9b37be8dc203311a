/** Credentials of the benchmarked stack: made up, valid in form, known to the load generator and the doubles. */
export const BENCH_TOKEN = '123456789:AAbench-token-for-the-bot-api-double';
export const BENCH_SECRET = 'bench-webhook-secret-0123456789abcdef';
export const BENCH_INTERNAL_TOKEN = 'bench-internal-token-0123456789-abcdef';
