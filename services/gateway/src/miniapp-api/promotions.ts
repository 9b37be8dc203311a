import { isWebLink, type Promotion, type User } from '@mb/contracts';
import type { Clients } from '../clients/index.ts';
import { fromServiceError, MiniAppError } from './errors.ts';

/** A promotion as the Mini App shows it; `joined` says whether this user already takes part. */
export type PromotionView = Pick<
  Promotion,
  'id' | 'title' | 'description' | 'imageUrl' | 'startsAt' | 'endsAt' | 'cta' | 'linkUrl'
> & { joined: boolean };

const view = (p: Promotion, joined: Set<string>): PromotionView => ({
  id: p.id,
  title: p.title,
  description: p.description,
  imageUrl: p.imageUrl,
  startsAt: p.startsAt,
  endsAt: p.endsAt,
  cta: p.cta,
  // Only an http(s) link ever reaches the Mini App; whatever else a manager typed is dropped here (issue 18).
  linkUrl: isWebLink(p.linkUrl) ? p.linkUrl.trim() : '',
  joined: joined.has(p.id),
});

async function joinedIds(clients: Clients, account: User | null, telegramId: number): Promise<Set<string>> {
  if (!account) return new Set();
  const mine = await clients.sheets.participations.mine
    .query({ telegramId })
    .catch((e: unknown) => fromServiceError(e));
  return new Set(mine.map((p) => p.promotionId));
}

/** Live promotions the user may see (only the public ones before signing in), soonest ending first. */
export async function listPromotions(
  clients: Clients,
  account: User | null,
  telegramId: number,
): Promise<PromotionView[]> {
  const [list, joined] = await Promise.all([
    clients.sheets.catalog.promotions
      .query({ segment: account?.segment ?? null })
      .catch((e: unknown) => fromServiceError(e)),
    joinedIds(clients, account, telegramId),
  ]);
  return list.map((p) => view(p, joined));
}

/** One promotion, only if it is live and visible to the user: drafts and other segments' promotions are "not found". */
export async function getPromotion(
  clients: Clients,
  account: User | null,
  telegramId: number,
  id: string,
): Promise<PromotionView> {
  const found = (await listPromotions(clients, account, telegramId)).find((p) => p.id === id);
  if (!found) throw new MiniAppError('promotion_not_found');
  return found;
}

/** Takes part in a promotion (idempotent: a second call answers `created: false`); durable when it returns. */
export async function participate(
  clients: Clients,
  telegramId: number,
  promotionId: string,
): Promise<{ created: boolean; promotionId: string }> {
  try {
    const { created } = await clients.sheets.participations.create.mutate({ telegramId, promotionId });
    return { created, promotionId };
  } catch (error) {
    const reason = error instanceof Error ? error.message : '';
    if (reason === 'not_live' || reason === 'link_only') throw new MiniAppError(`promotion_${reason}`);
    return fromServiceError(error, {
      NOT_FOUND: 'promotion_not_found',
      // Not visible to this user answers exactly like not found: a client cannot learn what exists.
      PRECONDITION_FAILED: 'promotion_not_found',
      FORBIDDEN: 'not_signed_in',
    });
  }
}

/** The user's participations with the promotion titles, newest first. */
export async function myParticipations(
  clients: Clients,
  telegramId: number,
): Promise<Array<{ promotionId: string; title: string; createdAt: string; status: string }>> {
  const [mine, all] = await Promise.all([
    clients.sheets.participations.mine.query({ telegramId }),
    clients.sheets.catalog.allPromotions.query(),
  ]).catch((e: unknown) => fromServiceError(e));
  const titles = new Map(all.map((p) => [p.id, p.title]));
  return mine.map((p) => ({
    promotionId: p.promotionId,
    title: titles.get(p.promotionId) ?? p.promotionId,
    createdAt: p.createdAt,
    status: p.status,
  }));
}
