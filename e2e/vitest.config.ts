import { defineConfig } from 'vitest/config';

// Browser tests: one file at a time (2 cores), generous timeouts for Chromium's start.
export default defineConfig({ test: { testTimeout: 60_000, hookTimeout: 60_000, fileParallelism: false } });
