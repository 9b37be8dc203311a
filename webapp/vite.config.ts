import { resolve } from 'node:path';
import { defineConfig, type HtmlTagDescriptor } from 'vite';

/**
 * The <head> every page shares, before its own title: Telegram's WebView needs the viewport (with the notch) and both
 * colour schemes; the empty icon spares a request for /favicon.ico.
 */
const SHARED_HEAD: HtmlTagDescriptor[] = [
  { tag: 'meta', attrs: { charset: 'UTF-8' }, injectTo: 'head-prepend' },
  {
    tag: 'meta',
    attrs: { name: 'viewport', content: 'width=device-width, initial-scale=1, viewport-fit=cover' },
    injectTo: 'head-prepend',
  },
  { tag: 'meta', attrs: { name: 'color-scheme', content: 'light dark' }, injectTo: 'head-prepend' },
  { tag: 'link', attrs: { rel: 'icon', href: 'data:,' }, injectTo: 'head-prepend' },
];

// Multi-page build served by the gateway under /app/.
export default defineConfig({
  base: '/app/',
  plugins: [{ name: 'shared-head', transformIndexHtml: () => SHARED_HEAD }],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    rollupOptions: {
      input: { index: resolve(import.meta.dirname, 'index.html'), menu: resolve(import.meta.dirname, 'menu.html') },
    },
  },
});
