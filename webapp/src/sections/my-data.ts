import { errorText } from '../api.ts';
import { fill, h, shortDate } from '../dom.ts';
import { hasText, type TextKey, t } from '../i18n.ts';
import { confirmClosing, haptic, setBackButton, setMainButton } from '../telegram.ts';
import { loadOrShowError } from './load.ts';
import type { Section } from './nav.ts';

/** "My data": what the bot stores about the user, and deleting it after a confirmation (the same as /mydata, /forget). */
export const myDataSection: Section = async (s, root, nav) => {
  setBackButton(() => nav.home());
  setMainButton(null);
  confirmClosing(false);
  const data = await loadOrShowError(root, () => s.api.privacy.myData.query());
  if (data === undefined) return;
  const date = (iso: string) => (iso ? shortDate(iso, s.lang) : '—');
  const word = (prefix: string, value: string) => {
    const key = `${prefix}.${value}`;
    return hasText(key) ? t(key) : value;
  };
  const rows: Array<[TextKey, string]> = [
    ['mydata.name', data.name || '—'],
    ['mydata.phone', data.phone || '—'],
    ['mydata.segment', data.segment || '—'],
    ['mydata.language', word('mydata.lang', data.language)],
    ['mydata.role', word('mydata.roleName', data.role)],
    ['mydata.registered', date(data.registeredAt)],
    ['mydata.lastSeen', date(data.lastSeenAt)],
    ['mydata.consent', data.consentAt ? date(data.consentAt) : t('mydata.noConsent')],
    ['mydata.requests', String(data.requests)],
    ['mydata.participations', String(data.participations)],
  ];
  const error = h('p', { class: 'error', role: 'alert' });
  const confirmBox = h('div', { id: 'forget-confirm-box', class: 'card', hidden: true });
  const askToConfirm = () => {
    haptic('tap');
    fill(
      confirmBox,
      h('p', {}, t('mydata.confirmText')),
      h(
        'button',
        { id: 'forget-confirm', type: 'button', class: 'button danger', onclick: () => void forget() },
        t('mydata.confirm'),
      ),
      h(
        'button',
        { id: 'forget-cancel', type: 'button', class: 'button secondary', onclick: () => (confirmBox.hidden = true) },
        t('mydata.cancel'),
      ),
    );
    confirmBox.hidden = false;
    confirmBox.scrollIntoView({ block: 'nearest' });
  };
  const forget = async () => {
    try {
      await s.api.privacy.forget.mutate({ confirm: true });
      haptic('success');
      setBackButton(null);
      fill(root, h('p', { id: 'forgotten', class: 'ok' }, t('mydata.forgotten')));
    } catch (e) {
      haptic('error');
      error.textContent = errorText(e);
    }
  };
  fill(
    root,
    h('h2', {}, t('mydata.title')),
    h(
      'dl',
      { id: 'my-data', class: 'facts' },
      ...rows.flatMap(([key, value]) => [h('dt', {}, t(key)), h('dd', { 'data-key': key }, value)]),
    ),
    h('p', { class: 'hint' }, t('mydata.why')),
    h('button', { id: 'forget', type: 'button', class: 'button danger', onclick: askToConfirm }, t('mydata.delete')),
    confirmBox,
    error,
  );
};
