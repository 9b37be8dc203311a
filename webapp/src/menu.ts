import { h } from './dom.ts';
import { type TextKey, t } from './i18n.ts';
import { assistantSection } from './sections/assistant.ts';
import { myDataSection } from './sections/my-data.ts';
import type { Nav, Section, SectionName } from './sections/nav.ts';
import { promotionsSection } from './sections/promotions.ts';
import { staffSection } from './sections/staff.ts';
import { ticketsSection } from './sections/tickets.ts';
import { startSession } from './shell.ts';
import { confirmClosing, haptic } from './telegram.ts';

const root = document.getElementById('app')!;
const SECTIONS: Record<SectionName, { section: Section; label: TextKey }> = {
  promotions: { section: promotionsSection, label: 'tab.promotions' },
  requests: { section: ticketsSection, label: 'tab.requests' },
  assistant: { section: assistantSection, label: 'tab.assistant' },
  staff: { section: staffSection, label: 'tab.staff' },
  mydata: { section: myDataSection, label: 'mydata.title' },
};

async function main(): Promise<void> {
  const s = await startSession(root);
  if (!s) return;
  document.title = t('title.menu');
  const allowed: SectionName[] = [
    'promotions',
    ...(s.me.account ? (['requests', 'assistant'] as const) : []),
    ...(s.me.staff ? (['staff'] as const) : []),
  ];
  // Reached from the home page, not a tab: four tabs are what a 360-px screen holds.
  const reachable: SectionName[] = [...allowed, ...(s.me.account ? (['mydata'] as const) : [])];
  const tabs = h('nav', { class: 'tabs', role: 'tablist' });
  const content = h('section', { id: 'section', class: 'section' });
  root.replaceChildren(tabs, content);

  const show = (name: SectionName, params: URLSearchParams) => {
    tabs.replaceChildren(
      ...allowed.map((n) =>
        h(
          'button',
          {
            role: 'tab',
            'data-section': n,
            'aria-selected': String(n === name),
            onclick: () => (haptic('tap'), nav.go(n)),
          },
          t(SECTIONS[n].label),
        ),
      ),
    );
    content.dataset['section'] = name;
    content.replaceChildren(h('p', { class: 'hint' }, t('loading')));
    void SECTIONS[name].section(s, content, nav, params);
  };
  const nav: Nav = {
    go(name, params = {}) {
      const query = new URLSearchParams({ s: name, ...params });
      history.replaceState(null, '', `?${query}`);
      show(name, query);
    },
    home() {
      confirmClosing(false);
      location.href = './index.html';
    },
  };
  const params = new URLSearchParams(location.search);
  const wanted = params.get('s') as SectionName | null;
  show(wanted && reachable.includes(wanted) ? wanted : 'promotions', params);
}

void main();
