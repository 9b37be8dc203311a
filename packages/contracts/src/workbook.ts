/** The Promotions columns managers write: all but `announced_at`, which the bot fills when it announces one. */
const PROMOTION_MANAGED = [
  'id',
  'title',
  'description',
  'image_url',
  'starts_at',
  'ends_at',
  'segment',
  'status',
  'cta',
  'link_url',
  'notify',
] as const;

/**
 * The workbook's layout: one tab per entity, the first row is the header, every row has a stable `id`
 * (Settings is keyed by `key`). This is the single source for the SQLite schema, the Sheets sync and the CLI.
 */
export const TABS = {
  Users: {
    key: 'id',
    columns: [
      'id',
      'telegram_id',
      'phone',
      'name',
      'role',
      'segment',
      'status',
      'language',
      'registered_at',
      'last_seen_at',
      'blocked_bot',
      // Appended last (after the first release): an existing tab gets it at its end, never moved.
      'consent_at',
    ],
    managed: ['phone', 'name', 'role', 'segment', 'status'],
  },
  Promotions: {
    key: 'id',
    columns: [...PROMOTION_MANAGED, 'announced_at'],
    managed: PROMOTION_MANAGED,
  },
  Participations: {
    key: 'id',
    columns: ['id', 'promotion_id', 'telegram_id', 'name', 'phone', 'created_at', 'status'],
    managed: ['status'],
  },
  Tickets: {
    key: 'id',
    columns: [
      'id',
      'telegram_id',
      'name',
      'category',
      'text',
      'status',
      'assignee',
      'answer',
      'created_at',
      'updated_at',
      'rating',
    ],
    managed: ['status', 'assignee', 'answer'],
  },
  TicketMessages: {
    key: 'id',
    columns: ['id', 'ticket_id', 'author', 'author_name', 'text', 'created_at'],
    managed: [],
  },
  FAQ: {
    key: 'id',
    columns: ['id', 'question', 'answer', 'tags', 'active'],
    managed: ['id', 'question', 'answer', 'tags', 'active'],
  },
  Broadcasts: {
    key: 'id',
    columns: [
      'id',
      'text',
      'image_url',
      'segment',
      'scheduled_at',
      'status',
      'sent',
      'failed',
      'blocked',
      'created_by',
    ],
    managed: ['text', 'image_url', 'segment', 'scheduled_at', 'status'],
  },
  Unanswered: {
    key: 'id',
    columns: ['id', 'question', 'count', 'first_asked_at', 'last_asked_at', 'status'],
    managed: ['status'],
  },
  Settings: {
    key: 'key',
    columns: ['key', 'value'],
    managed: ['key', 'value'],
  },
} as const satisfies Record<string, { key: string; columns: readonly string[]; managed: readonly string[] }>;

export type TabName = keyof typeof TABS;
export const TAB_NAMES = Object.keys(TABS) as TabName[];
export type ColumnOf<T extends TabName> = (typeof TABS)[T]['columns'][number];
/** A row as stored: every cell is text, as in the Sheet. Typed views are parsed from it. */
export type RawRow<T extends TabName> = { [K in ColumnOf<T>]: string };
