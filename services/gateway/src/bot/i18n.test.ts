import { describe, expect, it } from 'vitest';
import { botI18n, createI18n } from './i18n.ts';
import { menuLabels } from './menu-labels.ts';

describe('i18n with memoized bundle matching', () => {
  it('translates each locale as before, again and again, and falls back to Russian for an unknown locale', () => {
    const i18n = createI18n();
    for (let i = 0; i < 3; i++) {
      expect(i18n.t('ru', 'menu-promotions')).toBe('🎁 Акции');
      expect(i18n.t('en', 'menu-promotions')).toBe('🎁 Promotions');
      expect(i18n.t('de', 'menu-promotions')).toBe('🎁 Акции');
    }
  });

  it('matches the bundles of a locale once (the memo is in place), and a locale loaded later is used at once', () => {
    const i18n = createI18n();
    const fluent = i18n.fluent as unknown as { matchBundles(locales: string[]): Set<unknown> };
    expect(fluent.matchBundles(['en'])).toBe(fluent.matchBundles(['en']));
    expect(i18n.t('uz', 'menu-promotions')).toBe('🎁 Акции');
    i18n.loadLocaleSync('uz', { source: 'menu-promotions = 🎁 Aksiyalar' });
    expect(i18n.t('uz', 'menu-promotions')).toBe('🎁 Aksiyalar');
    expect(i18n.t('en', 'menu-promotions')).toBe('🎁 Promotions');
  });

  it('is one I18n per thread: the menu labels are read from the one the app uses', () => {
    expect(botI18n()).toBe(botI18n());
    botI18n().loadLocaleSync('uz', { source: 'menu-promotions = 🎁 Aksiyalar' });
    expect([...menuLabels('menu-promotions')].sort()).toEqual(['🎁 Aksiyalar', '🎁 Promotions', '🎁 Акции']);
  });
});
