import { errorText } from '../api.ts';
import { fill, h } from '../dom.ts';
import { t } from '../i18n.ts';
import { confirmClosing, haptic, mainButtonAction, setBackButton, setMainButton } from '../telegram.ts';
import { showLoadError } from './load.ts';
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
      h('p', { id: 'open-requests', class: 'card' }, t('staff.openTickets', counts.openTickets)),
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
    showLoadError(root, error);
  }
};

/**
 * The broadcast form. Telegram's MainButton first shows a preview (the text as recipients will see it) and how many
 * users the segment reaches now; only the second press, "Confirm: send to N", starts it. Editing the text or the
 * segment goes back to the first step.
 */
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
  const area = h('textarea', { id: 'broadcast-text', placeholder: t('broadcast.text'), rows: 4, maxlength: 4096 });
  const preview = h('div', { id: 'broadcast-preview', hidden: true });
  const failed = (error: unknown) => {
    status.className = 'error';
    status.textContent = errorText(error);
  };
  const countAudience = async () => {
    try {
      audience.textContent = t('broadcast.audience', await s.api.staff.audience.query({ segment: segment.value }));
    } catch (error) {
      audience.textContent = errorText(error);
    }
  };
  /** Back to writing: no preview, the MainButton offers the preview while there is text. */
  const edit = () => {
    preview.hidden = true;
    preview.replaceChildren();
    const has = area.value.trim().length > 0;
    confirmClosing(has);
    setMainButton(has ? { text: t('broadcast.send'), onClick: () => void showPreview() } : null);
  };
  const showPreview = async () => {
    haptic('tap');
    const text = area.value;
    let count: number;
    try {
      ({ count } = await s.api.staff.audience.query({ segment: segment.value }));
    } catch (error) {
      return failed(error);
    }
    status.textContent = '';
    fill(
      preview,
      h('h3', {}, t('broadcast.preview')),
      h('div', { class: 'card preview-text' }, text),
      h('p', { id: 'broadcast-recipients' }, t('broadcast.recipients', { count, segment: segment.value })),
      h(
        'button',
        { id: 'broadcast-edit', type: 'button', class: 'button secondary', onclick: edit },
        t('broadcast.edit'),
      ),
    );
    preview.hidden = false;
    preview.scrollIntoView({ block: 'nearest' });
    mainButtonAction(
      t('broadcast.confirm', { count }),
      async () => {
        const b = await s.api.staff.broadcast.mutate({ segment: segment.value, text });
        area.value = '';
        edit();
        status.className = 'ok';
        status.textContent = t('broadcast.started', { id: b.id });
      },
      failed,
    );
  };
  area.addEventListener('input', edit);
  segment.addEventListener('change', () => {
    edit();
    void countAudience();
  });
  void countAudience();
  return h(
    'form',
    { id: 'broadcast', onsubmit: (e: Event) => e.preventDefault() },
    h('h2', {}, t('broadcast.title')),
    h('label', {}, t('broadcast.segment'), segment),
    audience,
    h('label', {}, t('broadcast.text'), area),
    preview,
    status,
  );
}
