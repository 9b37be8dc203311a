import { errorText } from './api.ts';
import { h } from './dom.ts';
import { t } from './i18n.ts';
import type { Session } from './shell.ts';
import { haptic } from './telegram.ts';

/**
 * The "news and promotions" switch of a signed-in user: the same opt-out as `/stop` and `/start_news` in the chat.
 * Its space is fixed from the first paint (the state only ticks the box), so nothing moves when the setting arrives.
 */
export function marketingSwitch(s: Session): HTMLElement {
  const box = h('input', {
    id: 'marketing',
    type: 'checkbox',
    role: 'switch',
    disabled: true,
    'aria-describedby': 'marketing-state',
  });
  const note = h('p', { id: 'marketing-state', class: 'hint' }, t('settings.marketingHint'));
  const show = (marketing: boolean) => {
    box.checked = marketing;
    box.disabled = false;
    note.className = 'hint';
    note.textContent = t('settings.marketingHint');
  };
  const fail = (error: unknown, previous: boolean | null) => {
    if (previous !== null) box.checked = previous;
    box.disabled = previous === null;
    note.className = 'error';
    note.textContent = errorText(error);
  };
  s.api.settings.get.query().then(
    (v) => show(v.marketing),
    (e: unknown) => fail(e, null),
  );
  box.addEventListener('change', () => {
    const wanted = box.checked;
    haptic('tap');
    box.disabled = true;
    s.api.settings.setMarketing.mutate({ marketing: wanted }).then(
      (v) => {
        show(v.marketing);
        haptic('success');
      },
      (e: unknown) => {
        haptic('error');
        fail(e, !wanted);
      },
    );
  });
  return h(
    'section',
    { class: 'settings' },
    h('label', { class: 'switch', for: 'marketing' }, h('span', {}, t('settings.marketing')), box),
    note,
  );
}
