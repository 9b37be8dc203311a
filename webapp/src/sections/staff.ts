import { errorText } from '../api.ts';
import { fill, h } from '../dom.ts';
import { t } from '../i18n.ts';
import { setBackButton, setMainButton } from '../telegram.ts';
import type { Section } from './nav.ts';

/** Managers only (the server checks the role on every call): open requests and participations per promotion. */
export const staffSection: Section = async (s, root, nav) => {
  setBackButton(() => nav.home());
  setMainButton(null);
  try {
    const counts = await s.api.staff.counts.query();
    fill(root, 
      h('p', { id: 'open-requests', class: 'card' }, t('staff.openRequests', counts.openRequests)),
      h('h2', {}, t('staff.participations')),
      counts.participations.length
        ? h('table', { id: 'participation-counts' }, ...counts.participations.map((p) => h('tr', {}, h('td', {}, p.title), h('td', { class: 'num' }, String(p.count)))))
        : h('p', { class: 'hint' }, t('staff.none')),
    );
  } catch (error) {
    fill(root, h('p', { class: 'error' }, errorText(error)));
  }
};
