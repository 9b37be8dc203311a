import {
  type ColumnOf,
  Cta,
  FaqEntry,
  isoDate,
  Language,
  type Participation,
  type Promotion,
  PromotionStatus,
  type RawRow,
  Role,
  type Settings,
  TABS,
  type TabName,
  type User,
  UserStatus,
  yesNo,
} from '@mb/contracts';
import { z } from 'zod';

/** A row that could not be read: which tab and id, and what is wrong with it, for logs, metrics and /readyz. */
export type BadRow = { tab: string; id: string; problem: string };

type CamelCase<S extends string> = S extends `${infer Head}_${infer Tail}`
  ? `${Head}${Capitalize<CamelCase<Tail>>}`
  : S;

/** A row's cells of the tab's columns under the domain's names: the Sheet's `telegram_id` is the field `telegramId`. */
const fieldsOf = <T extends TabName, R extends Record<ColumnOf<T>, unknown>>(tab: T, row: R) =>
  Object.fromEntries(
    TABS[tab].columns.map((column: ColumnOf<T>) => [
      column.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()),
      row[column],
    ]),
  ) as { [K in ColumnOf<T> as CamelCase<K>]: R[K] };

const telegramIdCell = z
  .string()
  .trim()
  .refine((v) => v === '' || /^-?\d{1,16}$/.test(v), 'expected a Telegram id')
  .transform((v) => (v === '' ? null : Number(v)));

const lower = <T extends z.ZodType<unknown, string>>(schema: T) =>
  z
    .string()
    .transform((v) => v.trim().toLowerCase())
    .pipe(schema);

const UserRow = z.object({
  id: z.string(),
  telegram_id: telegramIdCell,
  phone: z.string().trim(),
  name: z.string().trim(),
  role: lower(Role.or(z.literal('').transform(() => 'client' as const))),
  segment: z
    .string()
    .trim()
    .transform((v) => v || 'all'),
  status: lower(UserStatus.or(z.literal('').transform(() => 'active' as const))),
  language: lower(Language.or(z.string().transform(() => 'ru' as const))),
  registered_at: z.string(),
  last_seen_at: z.string(),
  blocked_bot: yesNo,
  consent_at: z.string().trim(),
});

export const toUser = (row: RawRow<'Users'>): User => fieldsOf('Users', UserRow.parse(row));

const PromotionRow = z.object({
  id: z.string().trim().min(1),
  title: z.string().trim().min(1, 'title is empty'),
  description: z.string(),
  image_url: z.string().trim(),
  starts_at: isoDate,
  ends_at: isoDate,
  segment: z
    .string()
    .trim()
    .transform((v) => v || 'all'),
  status: lower(PromotionStatus),
  cta: lower(Cta.or(z.literal('').transform(() => 'participate' as const))),
  link_url: z.string().trim(),
  notify: yesNo,
  announced_at: z.string(),
});

export const toPromotion = (row: RawRow<'Promotions'>): Promotion => fieldsOf('Promotions', PromotionRow.parse(row));

export function toFaq(row: RawRow<'FAQ'>): FaqEntry {
  return FaqEntry.parse({
    id: row.id.trim(),
    question: row.question.trim(),
    answer: row.answer.trim(),
    tags: row.tags
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean),
    active: row.active.trim() === '' ? true : yesNo.parse(row.active),
  });
}

export const toParticipation = (row: RawRow<'Participations'>): Participation => ({
  ...fieldsOf('Participations', row),
  telegramId: Number(row.telegram_id),
});

/** Parses rows, skipping (and reporting) the ones that are not readable. */
export function parseRows<R extends { id?: string; key?: string }, T>(
  tab: string,
  rows: R[],
  parse: (row: R) => T,
  bad: BadRow[],
): T[] {
  const out: T[] = [];
  for (const row of rows) {
    try {
      out.push(parse(row));
    } catch (error) {
      const problem =
        error instanceof z.ZodError
          ? error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')
          : String(error);
      bad.push({ tab, id: row.id ?? row.key ?? '', problem });
    }
  }
  return out;
}

export const DEFAULT_SETTINGS: Settings = {
  welcomeText: 'Здравствуйте! Это бот компании: акции, обращения и ответы на вопросы.',
  staffChatId: null,
  accessPolicy: 'allowlist',
  ticketCategories: ['Вопрос', 'Проблема', 'Предложение'],
  assistantPrompt: 'Ты помощник компании. Отвечай только по данным из контекста.',
  assistantDailyQuota: 30,
  assistantDailyTokenBudget: 200_000,
  privacyPolicyUrl: '',
  privacyText: '',
};

/** Settings from key/value rows; a bad or missing value falls back to the default and is reported. */
export function toSettings(rows: RawRow<'Settings'>[], bad: BadRow[]): Settings {
  const map = new Map(rows.map((r) => [r.key.trim(), r.value.trim()]));
  const s: Settings = { ...DEFAULT_SETTINGS };
  const report = (key: string, problem: string) => bad.push({ tab: 'Settings', id: key, problem });
  const text = (key: string) => map.get(key);
  const int = (key: string, fallback: number) => {
    const v = map.get(key);
    if (v === undefined || v === '') return fallback;
    if (!/^\d+$/.test(v)) {
      report(key, `expected a whole number, got ${JSON.stringify(v)}`);
      return fallback;
    }
    return Number(v);
  };
  s.welcomeText = text('welcome_text') || s.welcomeText;
  const staff = text('staff_chat_id');
  if (staff) {
    if (/^-?\d{1,16}$/.test(staff)) s.staffChatId = Number(staff);
    else report('staff_chat_id', 'expected a Telegram chat id');
  }
  const policy = text('access_policy')?.toLowerCase();
  if (policy === 'open' || policy === 'allowlist') s.accessPolicy = policy;
  else if (policy) report('access_policy', 'expected allowlist or open');
  const categories = text('ticket_categories');
  if (categories)
    s.ticketCategories = categories
      .split(',')
      .map((c) => c.trim())
      .filter(Boolean);
  s.assistantPrompt = text('assistant_prompt') || s.assistantPrompt;
  s.assistantDailyQuota = int('assistant_daily_quota', s.assistantDailyQuota);
  s.assistantDailyTokenBudget = int('assistant_daily_token_budget', s.assistantDailyTokenBudget);
  const policyUrl = text('privacy_policy_url');
  if (policyUrl) {
    if (/^https:\/\/[^\s]+$/.test(policyUrl)) s.privacyPolicyUrl = policyUrl;
    else report('privacy_policy_url', 'expected an https:// link');
  }
  s.privacyText = text('privacy_text') ?? '';
  return s;
}
