import './style.css';
import { type Api, createApi, errorText, type Me } from './api.ts';
import { h } from './dom.ts';
import { bothLanguages, type Lang, setLanguage, t } from './i18n.ts';
import { startTelegram } from './telegram.ts';

export type Session = { api: Api; me: Me; lang: Lang; root: HTMLElement };

/** The page in a full-screen message: outside Telegram, or when Telegram's launch data is refused. */
export function showScreen(root: HTMLElement, id: string, title: string, text: string, ...more: HTMLElement[]): void {
  root.replaceChildren(h('section', { id, class: 'screen' }, h('h1', {}, title), h('p', {}, text), ...more));
}

/**
 * Starts a page: reads Telegram's launch parameters (or explains how to open the app), asks the API who the user is,
 * and sets the language. Returns null when the page can go no further (the screen says why).
 */
export async function startSession(root: HTMLElement): Promise<Session | null> {
  const launch = startTelegram();
  setLanguage(launch?.languageCode ?? navigator.language);
  if (!launch) {
    root.classList.add('ready');
    // Outside Telegram nobody says which language the user reads: both, Russian first.
    const [title, en] = [bothLanguages('outside.title'), bothLanguages('outside.text')];
    showScreen(root, 'outside', title[0], en[0], h('h2', { lang: 'en' }, title[1]), h('p', { lang: 'en' }, en[1]));
    return null;
  }
  void launch.viewportReady.then(() => root.classList.add('ready'));
  const api = createApi(launch.initData);
  try {
    const me = await api.me.query();
    return { api, me, lang: setLanguage(me.language), root };
  } catch (error) {
    showScreen(root, 'error-screen', t('error.title'), errorText(error));
    return null;
  }
}
