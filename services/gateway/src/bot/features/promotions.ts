import { Composer, InlineKeyboard } from 'grammy';
import type { Promotion } from '@mb/contracts';
import type { BotContext } from '../context.ts';

export const promotionsFeature = new Composer<BotContext>();
const privateChat = promotionsFeature.chatType('private');

const PAGE = 'pr:p:';

function card(ctx: BotContext, p: Promotion, page: number, pages: number) {
  const text = [`<b>${escapeHtml(p.title)}</b>`, ctx.t('promotion-dates', { from: p.startsAt || '…', to: p.endsAt || '…' }), '', escapeHtml(p.description)].join('\n');
  const keyboard = new InlineKeyboard();
  if (p.cta === 'link' && p.linkUrl) keyboard.url(ctx.t('promotion-open-link'), p.linkUrl);
  else keyboard.text(ctx.t('promotion-participate'), `pr:j:${p.id}`);
  keyboard.row();
  if (page > 0) keyboard.text(ctx.t('button-prev'), `${PAGE}${page - 1}`);
  if (page < pages - 1) keyboard.text(ctx.t('button-next'), `${PAGE}${page + 1}`);
  return { text: `${ctx.t('promotions-header', { page: page + 1, pages })}\n\n${text}`, keyboard };
}

export function escapeHtml(s: string): string {
  return s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

async function showPage(ctx: BotContext, page: number, edit: boolean) {
  const list = await ctx.deps.sheets.catalog.promotions.query({ segment: ctx.account?.status === 'active' ? ctx.account.segment : null });
  if (list.length === 0) return ctx.reply(ctx.t('promotions-empty'));
  const index = Math.min(Math.max(page, 0), list.length - 1);
  const { text, keyboard } = card(ctx, list[index]!, index, list.length);
  if (edit) return ctx.editMessageText(text, { parse_mode: 'HTML', reply_markup: keyboard });
  return ctx.reply(text, { parse_mode: 'HTML', reply_markup: keyboard });
}

privateChat.command('promotions', (ctx) => showPage(ctx, 0, false));
privateChat.hears([/^🎁/], (ctx) => showPage(ctx, 0, false));
privateChat.callbackQuery(/^pr:p:(\d{1,4})$/, async (ctx) => {
  await ctx.answerCallbackQuery();
  await showPage(ctx, Number(ctx.match[1]), true);
});
