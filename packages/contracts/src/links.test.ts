import { describe, expect, it } from 'vitest';
import { isWebLink } from './links.ts';

describe('isWebLink (one rule for the bot and the Mini App)', () => {
  it('takes absolute http(s) links', () => {
    for (const ok of ['https://example.com/promo?a=1', 'http://shop.example.ru/', ' https://example.com '])
      expect(isWebLink(ok), ok).toBe(true);
  });

  it('refuses every other scheme, relative paths, credentials and text', () => {
    for (const bad of [
      'javascript:alert(document.cookie)',
      'JAVASCRIPT:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'vbscript:msgbox(1)',
      'tg://resolve?domain=x',
      'file:///etc/passwd',
      '//evil.example/x',
      '/app/',
      'example.com',
      'https://user:pass@example.com/',
      '',
      null,
      undefined,
      `https://example.com/${'a'.repeat(2100)}`,
    ])
      expect(isWebLink(bad), String(bad)).toBe(false);
  });
});
