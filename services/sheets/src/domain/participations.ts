import type { Participation, User } from '@mb/contracts';
import { transaction } from '../store/db.ts';
import { toParticipation } from '../store/mappers.ts';
import type { Workbook } from '../store/workbook.ts';
import { type Catalog, isLive, visibleTo } from './catalog.ts';

export class PromotionUnavailableError extends Error {
  override readonly name = 'PromotionUnavailableError';
  readonly promotionId: string;
  readonly reason: 'not_found' | 'not_live' | 'not_visible' | 'link_only';
  constructor(promotionId: string, reason: PromotionUnavailableError['reason']) {
    super(`promotion ${promotionId} is unavailable: ${reason}`);
    this.promotionId = promotionId;
    this.reason = reason;
  }
}

/**
 * Records a user's participation once per promotion. Durable (committed, and queued for the Sheet) when this returns;
 * a second call returns the existing row with `created: false`.
 */
export function participate(
  wb: Workbook,
  catalog: Catalog,
  user: User,
  promotionId: string,
  now = new Date(),
): { created: boolean; participation: Participation } {
  const promotion = catalog.promotion(promotionId);
  if (!promotion) throw new PromotionUnavailableError(promotionId, 'not_found');
  if (!isLive(promotion, now)) throw new PromotionUnavailableError(promotionId, 'not_live');
  if (!visibleTo(promotion, user.segment)) throw new PromotionUnavailableError(promotionId, 'not_visible');
  if (promotion.cta !== 'participate') throw new PromotionUnavailableError(promotionId, 'link_only');
  const telegramId = String(user.telegramId);
  return transaction(wb.db, () => {
    const existing = wb.find('Participations', { promotion_id: promotionId, telegram_id: telegramId })[0];
    if (existing) return { created: false, participation: toParticipation(existing) };
    const row = wb.insert('Participations', {
      id: wb.nextId('PR'),
      promotion_id: promotionId,
      telegram_id: telegramId,
      name: user.name,
      phone: user.phone,
      created_at: now.toISOString(),
      status: 'new',
    });
    wb.emit('participation.created', { participationId: row.id, promotionId, telegramId: user.telegramId });
    return { created: true, participation: toParticipation(row) };
  });
}

export function participationsOf(wb: Workbook, telegramId: number): Participation[] {
  return wb
    .find('Participations', { telegram_id: String(telegramId) }, { orderBy: 'created_at DESC' })
    .map(toParticipation);
}
