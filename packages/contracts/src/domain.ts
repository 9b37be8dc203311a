import { z } from 'zod';

/** yes/no cells accept yes/no, да/нет, true/false (any case); empty is "no". */
export const yesNo = z
  .string()
  .transform((v) => v.trim().toLowerCase())
  .refine(
    (v) => ['', 'yes', 'no', 'да', 'нет', 'true', 'false', '1', '0'].includes(v),
    'expected yes/no, да/нет or true/false',
  )
  .transform((v) => ['yes', 'да', 'true', '1'].includes(v));

export const isoDate = z
  .string()
  .trim()
  .refine((v) => v === '' || !Number.isNaN(Date.parse(v)), 'expected an ISO 8601 date');

export const Role = z.enum(['client', 'manager', 'admin']);
export type Role = z.infer<typeof Role>;
/** `deleted`: the person asked to be forgotten (/forget); the row stays for counts, without phone, name or Telegram id. */
export const UserStatus = z.enum(['active', 'pending', 'blocked', 'deleted']);
export type UserStatus = z.infer<typeof UserStatus>;
export const PromotionStatus = z.enum(['draft', 'active', 'archived']);
export const Cta = z.enum(['participate', 'link']);
export const TicketStatus = z.enum(['new', 'in_progress', 'answered', 'closed']);
export type TicketStatus = z.infer<typeof TicketStatus>;
export const BroadcastStatus = z.enum(['draft', 'scheduled', 'sending', 'done', 'failed', 'cancelled']);
export const UnansweredStatus = z.enum(['new', 'added_to_faq', 'ignored']);
export const Language = z.enum(['ru', 'en']);
export type Language = z.infer<typeof Language>;

/** A Telegram user or chat id: an integer that fits in 52 bits, carried as a number. */
export const TelegramId = z.number().int().safe();

export const User = z.object({
  id: z.string(),
  telegramId: TelegramId.nullable(),
  phone: z.string(),
  name: z.string(),
  role: Role,
  segment: z.string(),
  status: UserStatus,
  language: Language,
  registeredAt: z.string(),
  lastSeenAt: z.string(),
  blockedBot: z.boolean(),
  /** When the person shared their contact after being told how it is processed (ISO 8601), or '' before that. */
  consentAt: z.string(),
});
export type User = z.infer<typeof User>;

export const Promotion = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  imageUrl: z.string(),
  startsAt: z.string(),
  endsAt: z.string(),
  segment: z.string(),
  status: PromotionStatus,
  cta: Cta,
  linkUrl: z.string(),
  notify: z.boolean(),
  announcedAt: z.string(),
});
export type Promotion = z.infer<typeof Promotion>;

export const FaqEntry = z.object({
  id: z.string(),
  question: z.string(),
  answer: z.string(),
  tags: z.array(z.string()),
  active: z.boolean(),
});
export type FaqEntry = z.infer<typeof FaqEntry>;

export const Settings = z.object({
  welcomeText: z.string(),
  staffChatId: TelegramId.nullable(),
  accessPolicy: z.enum(['allowlist', 'open']),
  ticketCategories: z.array(z.string()),
  assistantPrompt: z.string(),
  assistantDailyQuota: z.number().int().nonnegative(),
  assistantDailyTokenBudget: z.number().int().nonnegative(),
  /** `privacy_policy_url`: the personal-data policy shown by /start before the contact button ('' when not set). */
  privacyPolicyUrl: z.string(),
  /** `privacy_text`: the company's own wording of that notice, replacing the bot's default ('' when not set). */
  privacyText: z.string(),
});
export type Settings = z.infer<typeof Settings>;

export const Participation = z.object({
  id: z.string(),
  promotionId: z.string(),
  telegramId: TelegramId,
  name: z.string(),
  phone: z.string(),
  createdAt: z.string(),
  status: z.string(),
});
export type Participation = z.infer<typeof Participation>;

/** What the assistant answered, and from which FAQ entries or promotions. */
export const AssistantSource = z.object({ kind: z.enum(['faq', 'promotion']), id: z.string(), title: z.string() });
export type AssistantSource = z.infer<typeof AssistantSource>;
export const AssistantAnswer = z.object({
  text: z.string(),
  sources: z.array(AssistantSource),
  mode: z.enum(['llm', 'retrieval']),
  answered: z.boolean(),
});
export type AssistantAnswer = z.infer<typeof AssistantAnswer>;

/** A photo, file, audio, video or voice note on a request message, carried by Telegram file_id (the Sheet gets a marker such as `[фото]`). */
export const TicketAttachment = z.object({
  kind: z.enum(['photo', 'document', 'audio', 'video', 'voice']),
  fileId: z.string().min(1).max(256),
});
export type TicketAttachment = z.infer<typeof TicketAttachment>;
export const TicketMessage = z.object({
  id: z.string(),
  ticketId: z.string(),
  author: z.enum(['user', 'staff']),
  authorName: z.string(),
  text: z.string(),
  createdAt: z.string(),
  attachments: z.array(TicketAttachment),
});
export type TicketMessage = z.infer<typeof TicketMessage>;
export const Ticket = z.object({
  id: z.string(),
  telegramId: TelegramId,
  name: z.string(),
  category: z.string(),
  text: z.string(),
  status: TicketStatus,
  assignee: z.string(),
  answer: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  rating: z.number().int().min(1).max(5).nullable(),
});
export type Ticket = z.infer<typeof Ticket>;

/** The author name of the assistant conversation attached to a request made from it (a TicketMessage of the user). */
export const ASSISTANT_TRANSCRIPT_AUTHOR = 'Переписка с помощником';
