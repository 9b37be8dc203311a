import { defineConfig } from 'vitest/config';

// The real-scrape test waits for Prometheus to scrape twice; the rest are quick.
export default defineConfig({ test: { testTimeout: 60_000, hookTimeout: 60_000 } });
