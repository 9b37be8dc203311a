import { resolve } from 'node:path';
import { defineConfig } from 'vite';

// Multi-page build served by the gateway under /app/.
export default defineConfig({
  base: '/app/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    rollupOptions: {
      input: { index: resolve(import.meta.dirname, 'index.html'), menu: resolve(import.meta.dirname, 'menu.html') },
    },
  },
});
