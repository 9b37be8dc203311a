import { defineConfig } from 'vitest/config';

// The browser tests build the app and start the whole stack: one file at a time, generous timeouts.
export default defineConfig({
  test: { include: ['test/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 120_000, fileParallelism: false },
});
