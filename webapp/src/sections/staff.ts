import { errorText } from '../api.ts';
import { fill, h } from '../dom.ts';
import { draftArea } from '../draft.ts';
import { t } from '../i18n.ts';
import { setBackButton, setMainButton } from '../telegram.ts';
import type { Section } from './nav.ts';

type S = Parameters<Section>[0];

/** Managers only (the server checks the role on every call): open requests, participations per promotion, a broadcast. */
export const staffSection: Section = async (s, root, nav) => {
  setBackButton(() => nav.home());
  setMainButton(null);
  try {
    const counts = await s.api.staff.counts.query();
    fill(
      root,
      h('p', { id: 'open-requests', class: 'card' }, t('staff.openRequests', counts.openRequests)),
      h('h2', {}, t('staff.participations')),
      counts.participations.length
        ? h(
            'table',
            { id: 'participation-counts' },
            ...counts.participations.map((p) =>
              h('tr', {}, h('td', {}, p.title), h('td', { class: 'num' }, String(p.count))),
            ),
          )
        : h('p', { class: 'hint' }, t('staff.none')),
      broadcastForm(s),
    );
  } catch (error) {
    fill(root, h('p', { class: 'error' }, errorText(error)));
  }
};

/** The broadcast goes out now to the segment's users; Telegram's MainButton sends it once there is text. */
function broadcastForm(s: S): HTMLElement {
  const segment = h('input', {
    id: 'broadcast-segment',
    type: 'text',
    value: 'all',
    maxlength: 200,
    autocomplete: 'off',
  });
  const audience = h('p', { id: 'broadcast-audience', class: 'hint' }, '\u00a0');
  const status = h('p', { id: 'broadcast-status', role: 'status' });
  const countAudience = async () => {
    try {
      audience.textContent = t('broadcast.audience', await s.api.staff.audience.query({ segment: segment.value }));
    } catch (error) {
      audience.textContent = errorText(error);
    }
  };
  const area = draftArea(
    { id: 'broadcast-text', placeholder: t('broadcast.text'), rows: 4, maxlength: 4096 },
    t('broadcast.send'),
    async (text) => {
      const b = await s.api.staff.broadcast.mutate({ segment: segment.value, text });
      area.value = '';
      status.className = 'ok';
      status.textContent = t('broadcast.started', { id: b.id });
    },
    (error) => {
      status.className = 'error';
      status.textContent = errorText(error);
    },
  );
  segment.addEventListener('change', () => void countAudience());
  void countAudience();
  return h(
    'form',
    { id: 'broadcast', onsubmit: (e: Event) => e.preventDefault() },
    h('h2', {}, t('broadcast.title')),
    h('label', {}, t('broadcast.segment'), segment),
    audience,
    h('label', {}, t('broadcast.text'), area),
    status,
  );
}
