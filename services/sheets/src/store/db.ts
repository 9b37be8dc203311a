import type { DatabaseSync } from 'node:sqlite';
import { TAB_NAMES, TABS } from '@mb/contracts';
import { type Migration, openSqlite } from '@mb/service-kit';

/** Runs `fn` in one transaction (nested calls join the outer one): service-kit's, re-exported for the store's users. */
export { transaction } from '@mb/service-kit';

/** Columns kept beside each tab's own: when the row last changed here, and by whom (`bot` or `sheet`). */
const MIGRATIONS: Migration[] = [
  (db) => {
    for (const tab of TAB_NAMES) {
      const { key, columns } = TABS[tab];
      const cols = columns.map((c) => (c === key ? `"${c}" TEXT PRIMARY KEY` : `"${c}" TEXT NOT NULL DEFAULT ''`));
      db.exec(
        `CREATE TABLE "${tab}" (${cols.join(', ')}, _updated_at TEXT NOT NULL DEFAULT '', _updated_by TEXT NOT NULL DEFAULT 'bot')`,
      );
    }
    db.exec(`
      CREATE INDEX users_telegram_id ON "Users"(telegram_id);
      CREATE INDEX users_phone ON "Users"(phone);
      CREATE UNIQUE INDEX participations_once ON "Participations"(promotion_id, telegram_id);
      CREATE INDEX tickets_telegram_id ON "Tickets"(telegram_id);
      CREATE INDEX ticket_messages_ticket ON "TicketMessages"(ticket_id);
      -- Writes waiting to reach the Sheet: one row per changed row (insert) or set of bot-owned cells (update).
      CREATE TABLE outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        tab TEXT NOT NULL, row_id TEXT NOT NULL, kind TEXT NOT NULL CHECK (kind IN ('insert', 'update')),
        columns TEXT NOT NULL, created_at TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT
      );
      -- Change events for the gateway, read by cursor (seq); consumers' cursors are kept here so either side may restart.
      CREATE TABLE events (seq INTEGER PRIMARY KEY AUTOINCREMENT, type TEXT NOT NULL, payload TEXT NOT NULL, created_at TEXT NOT NULL);
      CREATE TABLE event_cursors (consumer TEXT PRIMARY KEY, seq INTEGER NOT NULL);
      CREATE TABLE sequences (name TEXT PRIMARY KEY, next INTEGER NOT NULL);
    `);
  },
  // Deep-link starts (`/start promo_x`) for attribution: bot-owned, not a Sheet tab; the latest unconsumed one opens after sign-in.
  (db) => {
    db.exec(`
      CREATE TABLE start_payloads (
        id INTEGER PRIMARY KEY AUTOINCREMENT, telegram_id INTEGER NOT NULL, payload TEXT NOT NULL, created_at TEXT NOT NULL, consumed_at TEXT
      );
      CREATE INDEX start_payloads_user ON start_payloads(telegram_id, consumed_at);
    `);
  },
  // Photos and files of request messages, by Telegram file_id: bot-owned, never sent to the Sheet (it gets a marker).
  (db) => {
    db.exec(`
      CREATE TABLE ticket_attachments (
        message_id TEXT NOT NULL, position INTEGER NOT NULL, kind TEXT NOT NULL CHECK (kind IN ('photo', 'document')),
        file_id TEXT NOT NULL, PRIMARY KEY (message_id, position)
      );
    `);
  },
  // Broadcasts: one row per recipient (the durable exactly-once state), marketing opt-outs, deep-link conversions.
  (db) => {
    db.exec(`
      CREATE TABLE broadcast_recipients (
        broadcast_id TEXT NOT NULL, telegram_id INTEGER NOT NULL, language TEXT NOT NULL DEFAULT 'ru',
        state TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'sent', 'failed', 'blocked', 'unknown', 'cancelled')),
        attempts INTEGER NOT NULL DEFAULT 0, worker TEXT, claimed_at INTEGER, finished_at INTEGER, error TEXT,
        PRIMARY KEY (broadcast_id, telegram_id)
      );
      CREATE INDEX broadcast_recipients_next ON broadcast_recipients(broadcast_id, state, attempts, telegram_id);
      CREATE TABLE broadcast_runs (broadcast_id TEXT PRIMARY KEY, started_at TEXT NOT NULL, progress_written_at INTEGER NOT NULL DEFAULT 0);
      CREATE TABLE marketing_optout (telegram_id INTEGER PRIMARY KEY, opted_out_at TEXT NOT NULL);
      CREATE TABLE broadcast_conversions (
        broadcast_id TEXT NOT NULL, telegram_id INTEGER NOT NULL, promotion_id TEXT NOT NULL, at TEXT NOT NULL,
        PRIMARY KEY (broadcast_id, telegram_id)
      );
    `);
  },
  // Requests in Telegram, shared by every gateway replica (bot-owned, not Sheet tabs): where each request lives in the
  // staff chat, which messages belong to it, and what its user was last told.
  (db) => {
    db.exec(`
      CREATE TABLE ticket_places (ticket_id TEXT PRIMARY KEY, chat_id INTEGER NOT NULL, thread_id INTEGER, card_message_id INTEGER);
      CREATE UNIQUE INDEX ticket_places_thread ON ticket_places(chat_id, thread_id);
      CREATE TABLE ticket_message_links (chat_id INTEGER NOT NULL, message_id INTEGER NOT NULL, ticket_id TEXT NOT NULL, PRIMARY KEY (chat_id, message_id)) WITHOUT ROWID;
      CREATE TABLE ticket_notices (ticket_id TEXT PRIMARY KEY, status TEXT NOT NULL, answer TEXT NOT NULL);
    `);
  },
  // Google Sheets sync: what each row's managers' cells last held in the Sheet (to tell a manager's edit from a
  // bot write still on its way, durably across restarts), and small sync state (e.g. which promotions were live).
  (db) => {
    db.exec(`
      CREATE TABLE sheet_rows (tab TEXT NOT NULL, id TEXT NOT NULL, cells TEXT NOT NULL, PRIMARY KEY (tab, id)) WITHOUT ROWID;
      CREATE TABLE sync_state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE INDEX outbox_row ON outbox(tab, row_id);
    `);
  },
  // Personal data: Users.consent_at (when the contact was shared after the notice; a workbook made by the first
  // migration since the column joined the layout has it already), and /forget requests, kept until every step is done.
  (db) => {
    const users = db.prepare(`PRAGMA table_info("Users")`).all() as Array<{ name: string }>;
    if (!users.some((c) => c.name === 'consent_at'))
      db.exec(`ALTER TABLE "Users" ADD COLUMN consent_at TEXT NOT NULL DEFAULT ''`);
    db.exec(`
      CREATE TABLE forget_requests (
        telegram_id INTEGER PRIMARY KEY, user_id TEXT NOT NULL, requested_at TEXT NOT NULL, done_at TEXT
      );
    `);
  },
  // Staff-chat messages with Approve/Deny for a pending user, so a decision (in the Sheet too) takes their buttons away.
  (db) => {
    db.exec(`
      CREATE TABLE approval_notices (
        user_id TEXT NOT NULL, chat_id INTEGER NOT NULL, message_id INTEGER NOT NULL, text TEXT NOT NULL,
        PRIMARY KEY (user_id, chat_id, message_id)
      ) WITHOUT ROWID;
    `);
  },
  // Rows taken out of the Google Sheet by the archive (`npm run sheets -- archive`): SQLite keeps them; the sync must
  // neither treat their absence from the Sheet as a deletion nor write them back.
  (db) => {
    db.exec(`
      CREATE TABLE archived_rows (tab TEXT NOT NULL, id TEXT NOT NULL, archived_at TEXT NOT NULL, PRIMARY KEY (tab, id)) WITHOUT ROWID;
    `);
  },
  // Request attachments may also be audio, video and voice notes (what clients send outside a request): the kind's
  // CHECK widened, the rows kept.
  (db) => {
    db.exec(`
      CREATE TABLE ticket_attachments_new (
        message_id TEXT NOT NULL, position INTEGER NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('photo', 'document', 'audio', 'video', 'voice')),
        file_id TEXT NOT NULL, PRIMARY KEY (message_id, position)
      );
      INSERT INTO ticket_attachments_new SELECT message_id, position, kind, file_id FROM ticket_attachments;
      DROP TABLE ticket_attachments;
      ALTER TABLE ticket_attachments_new RENAME TO ticket_attachments;
    `);
  },
  // Which staff-chat message each staff answer was written as (bot-owned): a manager editing it corrects the answer.
  (db) => {
    db.exec(`
      CREATE TABLE ticket_message_sources (
        chat_id INTEGER NOT NULL, message_id INTEGER NOT NULL, ticket_message_id TEXT NOT NULL, PRIMARY KEY (chat_id, message_id)
      ) WITHOUT ROWID;
    `);
  },
];

/** Opens (creating if needed) the workbook and brings its schema up to date. */
export function openDatabase(path: string): DatabaseSync {
  return openSqlite(path, { migrations: MIGRATIONS });
}
