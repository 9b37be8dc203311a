import { createApi, rawInitData } from './api.ts';

type Promo = { id: string; title: string; description: string; startsAt: string; endsAt: string };

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

/** Lists the promotions the signed user may see into `root`; explains itself outside Telegram. */
export async function renderPromotions(root: HTMLElement): Promise<void> {
  const initData = rawInitData();
  if (!initData) {
    root.replaceChildren(el('p', 'Откройте это приложение из чата с ботом в Telegram. / Open this app from the bot chat in Telegram.', 'notice'));
    return;
  }
  try {
    const list: Promo[] = await createApi(initData).promotions.list.query();
    if (list.length === 0) {
      root.replaceChildren(el('p', 'Сейчас нет активных акций.', 'notice'));
      return;
    }
    root.replaceChildren(
      ...list.map((p) => {
        const card = el('article', undefined, 'card');
        card.dataset['id'] = p.id;
        card.append(el('h3', p.title), el('p', `${p.startsAt} — ${p.endsAt}`, 'dates'), el('p', p.description));
        return card;
      }),
    );
  } catch (error) {
    root.replaceChildren(el('p', `Не удалось загрузить акции: ${error instanceof Error ? error.message : String(error)}`, 'error'));
  }
}
