import { errorText, type PromotionView } from './api.ts';
import { fill, h, shortDate } from './dom.ts';
import { t } from './i18n.ts';
import { marketingSwitch } from './marketing-switch.ts';
import { type Session, startSession } from './shell.ts';
import { haptic, openBot, setBackButton, setMainButton } from './telegram.ts';

const root = document.getElementById('app')!;

/** The sign-in state: who the user is, or a button to the bot to sign in. */
function hero(s: Session): HTMLElement {
  const name = s.me.account?.name || s.me.user.firstName;
  return h(
    'header',
    { class: 'hero' },
    h('h1', { id: 'greeting' }, t('hello', { name })),
    h('p', { id: 'sign-in-state' }, s.me.account ? t('signedIn', { name: s.me.account.name }) : t('signedOut')),
    h(
      'div',
      { class: 'cta-slot' },
      !s.me.account &&
        h('button', { id: 'open-bot', class: 'button', onclick: () => openBot(s.me.botUsername) }, t('openBot')),
    ),
  );
}

function actions(s: Session): HTMLElement {
  const link = (section: string, key: Parameters<typeof t>[0]) =>
    h('a', { class: 'action', href: `./menu.html?s=${section}`, onclick: () => haptic('tap') }, t(key));
  return h(
    'nav',
    { class: 'actions' },
    link('promotions', 'action.promotions'),
    s.me.account && link('requests', 'action.requests'),
    s.me.account && link('assistant', 'action.assistant'),
    s.me.staff && link('staff', 'action.staff'),
  );
}

function highlight(p: PromotionView, lang: string): HTMLElement {
  return h(
    'a',
    { class: 'card promo', href: `./menu.html?s=promotions&id=${encodeURIComponent(p.id)}`, 'data-id': p.id },
    h('h3', {}, p.title),
    h(
      'p',
      { class: 'hint' },
      p.endsAt ? t('promotions.until', { date: shortDate(p.endsAt, lang) }) : t('promotions.always'),
    ),
  );
}

async function main(): Promise<void> {
  const s = await startSession(root);
  if (!s) return;
  document.title = t('title.home');
  setBackButton(null);
  setMainButton(null);
  const highlights = h(
    'section',
    { class: 'highlights' },
    h('h2', {}, t('home.highlights'), ' ', h('a', { class: 'more', href: './menu.html?s=promotions' }, t('home.all'))),
  );
  const myData =
    s.me.account &&
    h(
      'a',
      { id: 'my-data-link', class: 'more', href: './menu.html?s=mydata', onclick: () => haptic('tap') },
      t('mydata.title'),
    );
  fill(root, hero(s), actions(s), s.me.account && marketingSwitch(s), highlights, myData);
  try {
    const list = await s.api.promotions.list.query();
    highlights.append(
      ...(list.length
        ? list.slice(0, 3).map((p) => highlight(p, s.lang))
        : [h('p', { class: 'hint' }, t('promotions.empty'))]),
    );
  } catch (error) {
    highlights.append(h('p', { class: 'error' }, errorText(error)));
  }
}

void main();
