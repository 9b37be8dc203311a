import { isWebLink } from '@mb/contracts/links';
import { errorText, type PromotionView } from '../api.ts';
import { fill, h, shortDate } from '../dom.ts';
import { t } from '../i18n.ts';
import { mainButtonAction, openBot, setBackButton, setMainButton } from '../telegram.ts';
import { loadOrShowError, showLoadError } from './load.ts';
import type { Section } from './nav.ts';

const dates = (p: PromotionView, lang: string) =>
  p.endsAt ? t('promotions.until', { date: shortDate(p.endsAt, lang) }) : t('promotions.always');

/** The catalogue, or one promotion with "take part" on Telegram's MainButton when `id` is given. */
export const promotionsSection: Section = async (s, root, nav, params) => {
  const id = params.get('id');
  setMainButton(null);
  if (id) return detail(s, root, nav, id);
  setBackButton(() => nav.home());
  try {
    const [list, mine] = await Promise.all([
      s.api.promotions.list.query(),
      s.me.account ? s.api.participations.mine.query() : Promise.resolve([]),
    ]);
    fill(
      root,
      ...(list.length
        ? list.map((p) => card(p, s.lang, () => nav.go('promotions', { id: p.id })))
        : [h('p', { class: 'hint' }, t('promotions.empty'))]),
      mine.length > 0 && h('h2', {}, t('promotions.mine')),
      mine.length > 0 &&
        h(
          'ul',
          { id: 'my-participations', class: 'plain' },
          ...mine.map((m) => h('li', {}, `${m.title} · ${shortDate(m.createdAt, s.lang)}`)),
        ),
    );
  } catch (error) {
    showLoadError(root, error);
  }
};

function card(p: PromotionView, lang: string, open: () => void): HTMLElement {
  return h(
    'article',
    {
      class: 'card promo',
      'data-id': p.id,
      tabindex: 0,
      role: 'button',
      onclick: open,
      onkeydown: (e: KeyboardEvent) => e.key === 'Enter' && open(),
    },
    h('h3', {}, p.title),
    h('p', { class: 'hint' }, dates(p, lang), p.joined && ` · ${t('promotions.joined')}`),
    h('p', { class: 'clamp' }, p.description),
  );
}

async function detail(
  s: Parameters<Section>[0],
  root: HTMLElement,
  nav: Parameters<Section>[2],
  id: string,
): Promise<void> {
  setBackButton(() => nav.go('promotions'));
  const p = await loadOrShowError(root, () => s.api.promotions.get.query({ id }));
  if (p === undefined) return;
  const status = h(
    'p',
    { id: 'participation-state', class: p.joined ? 'ok' : 'hint' },
    p.joined ? t('promotions.joined') : '',
  );
  fill(
    root,
    h(
      'article',
      { class: 'card detail', 'data-id': p.id },
      h('h2', {}, p.title),
      h('p', { class: 'hint' }, dates(p, s.lang)),
      h('p', { class: 'text' }, p.description),
    ),
    status,
    p.cta === 'link' &&
      isWebLink(p.linkUrl) &&
      h('a', { class: 'button', href: p.linkUrl, target: '_blank', rel: 'noopener' }, t('promotions.openLink')),
    p.cta === 'participate' &&
      !s.me.account &&
      h('button', { class: 'button', onclick: () => openBot(s.me.botUsername) }, t('openBot')),
  );
  if (p.cta !== 'participate' || !s.me.account || p.joined) return;
  mainButtonAction(
    t('promotions.takePart'),
    async () => {
      await s.api.promotions.participate.mutate({ id: p.id });
      status.className = 'ok';
      status.textContent = t('promotions.joinedNow');
    },
    (error) => {
      status.className = 'error';
      status.textContent = errorText(error);
    },
  );
}
