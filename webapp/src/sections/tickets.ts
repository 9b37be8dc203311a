import { errorText } from '../api.ts';
import { fill, h, shortDate } from '../dom.ts';
import { draftArea } from '../draft.ts';
import { hasText, t } from '../i18n.ts';
import { confirmClosing, haptic, setBackButton, setMainButton } from '../telegram.ts';
import { loadOrShowError, showLoadError } from './load.ts';
import type { Nav, Section } from './nav.ts';

type S = Parameters<Section>[0];
const statusText = (status: string) => {
  const key = `status.${status}`;
  return hasText(key) ? t(key) : status;
};

/** My requests; `id` opens a thread, `new` the form. Unsaved text asks Telegram to confirm closing. */
export const ticketsSection: Section = async (s, root, nav, params) => {
  setMainButton(null);
  confirmClosing(false);
  const id = params.get('id');
  if (params.has('new')) return form(s, root, nav, params.get('text') ?? '');
  if (id) return thread(s, root, nav, id);
  setBackButton(() => nav.home());
  try {
    const { items } = await s.api.tickets.list.query();
    fill(
      root,
      h(
        'button',
        { id: 'new-request', class: 'button', onclick: () => nav.go('requests', { new: '1' }) },
        t('requests.new'),
      ),
      ...(items.length
        ? items.map((r) =>
            h(
              'article',
              {
                class: 'card request',
                'data-id': r.id,
                role: 'button',
                tabindex: 0,
                onclick: () => nav.go('requests', { id: r.id }),
              },
              h('h3', {}, `${r.id} · ${r.category}`),
              h('p', { class: 'hint' }, `${statusText(r.status)} · ${shortDate(r.createdAt, s.lang)}`),
              h('p', { class: 'clamp' }, r.text),
            ),
          )
        : [h('p', { class: 'hint' }, t('requests.empty'))]),
    );
  } catch (error) {
    showLoadError(root, error);
  }
};

async function form(s: S, root: HTMLElement, nav: Nav, text: string): Promise<void> {
  setBackButton(() => nav.go('requests'));
  const categories = await s.api.tickets.categories.query().catch(() => [] as string[]);
  const select = h('select', { id: 'request-category' }, ...categories.map((c) => h('option', { value: c }, c)));
  const error = h('p', { class: 'error', role: 'alert' });
  const area = draftArea(
    { id: 'request-text', placeholder: t('requests.text') },
    t('requests.send'),
    async (text) => {
      const created = await s.api.tickets.create.mutate({ category: select.value, text });
      nav.go('requests', { id: created.id });
    },
    (e) => (error.textContent = errorText(e)),
  );
  if (text) {
    area.value = text;
    // As if typed: the MainButton and the closing confirmation follow the text.
    area.dispatchEvent(new Event('input'));
  }
  fill(
    root,
    h('h2', {}, t('requests.new')),
    h('label', {}, t('requests.category'), select),
    h('label', {}, t('requests.text'), area),
    error,
  );
}

async function thread(s: S, root: HTMLElement, nav: Nav, id: string): Promise<void> {
  setBackButton(() => nav.go('requests'));
  const r = await loadOrShowError(root, () => s.api.tickets.get.query({ id }));
  if (r === undefined) return;
  const error = h('p', { class: 'error', role: 'alert' });
  const area = draftArea(
    { id: 'reply-text', placeholder: t('requests.reply') },
    t('requests.reply'),
    async (text) => {
      await s.api.tickets.reply.mutate({ id, text });
      nav.go('requests', { id });
    },
    (e) => (error.textContent = errorText(e)),
  );
  const close = async () => {
    try {
      await s.api.tickets.close.mutate({ id });
      haptic('success');
      nav.go('requests', { id });
    } catch (e) {
      error.textContent = errorText(e);
    }
  };
  fill(
    root,
    h('h2', {}, `${r.id} · ${r.category}`),
    h('p', { id: 'request-status', class: 'hint' }, statusText(r.status)),
    h(
      'ol',
      { id: 'thread', class: 'thread' },
      ...r.messages.map((m) =>
        m.transcript
          ? h('li', { class: 'msg user transcript-msg' }, h('b', {}, t('requests.transcript')), transcript(m.text))
          : h(
              'li',
              { class: `msg ${m.author}` },
              h('b', {}, m.author === 'user' ? t('requests.you') : t('requests.staff')),
              h('p', {}, m.text),
            ),
      ),
    ),
    r.status !== 'closed' && area,
    error,
    r.status !== 'closed' &&
      h('button', { class: 'button secondary', onclick: () => void close() }, t('requests.close')),
  );
}

/** The assistant conversation (`👤 question` / `🤖 answer` paragraphs) with each turn's speaker named. */
function transcript(text: string): HTMLElement {
  return h(
    'ol',
    { class: 'transcript' },
    ...text.split(/\n\n(?=👤 |🤖 )/u).map((turn) => {
      const who = turn.startsWith('👤 ') ? t('requests.you') : turn.startsWith('🤖 ') ? t('requests.assistant') : '';
      return h('li', {}, who && h('b', {}, `${who}: `), who ? turn.slice(3) : turn);
    }),
  );
}
