import { type Language, type Settings, type User, type UserStatus, yesNo } from '@mb/contracts';
import { transaction } from '../store/db.ts';
import { toUser } from '../store/mappers.ts';
import type { Workbook } from '../store/workbook.ts';

/** The user row linked to a Telegram account, if any (a row that cannot be read counts as none). */
export function userByTelegramId(wb: Workbook, telegramId: number): User | null {
  const row = wb.find('Users', { telegram_id: String(telegramId) })[0];
  if (!row) return null;
  try {
    return toUser(row);
  } catch {
    return null;
  }
}

/**
 * A phone as comparable digits (country code first), reading the forms managers type: `8 (903) 555-01-01`,
 * `+7 903 555-01-02`, `79035550104`, `9035550105`. Without a country code a number is taken as Russian (the
 * default region), as the gateway's E.164 normalisation does.
 */
export function phoneKey(raw: string): string {
  const digits = raw.replace(/\D/g, '');
  if (raw.trim().startsWith('+')) return digits;
  if (digits.length === 11 && digits.startsWith('8')) return `7${digits.slice(1)}`;
  if (digits.length === 10) return `7${digits}`;
  return digits;
}

/** `phoneKey` in SQL, for the forms made of digits, spaces, `+ ( ) - .` (what managers type); an index is built on it. */
const DIGITS = `replace(replace(replace(replace(replace(replace(trim(phone), ' ', ''), '-', ''), '(', ''), ')', ''), '.', ''), '+', '')`;
const PHONE_KEY_SQL = `(CASE WHEN substr(trim(phone), 1, 1) = '+' THEN ${DIGITS} WHEN length(${DIGITS}) = 11 AND substr(${DIGITS}, 1, 1) = '8' THEN '7' || substr(${DIGITS}, 2) WHEN length(${DIGITS}) = 10 THEN '7' || ${DIGITS} ELSE ${DIGITS} END)`;
/** Phones with any other character; a partial index keeps them at hand. */
const ODD_PHONE_SQL = `phone GLOB '*[^0-9 +().-]*'`;
const indexed = new WeakSet<object>();

/**
 * The Users row whose phone is this E.164 number, whatever form the manager typed. An expression index on the
 * comparable digits answers in one lookup (built on first use: `IF NOT EXISTS`, built-in functions only, so any SQLite
 * client can still write the table); the few rows with other characters (a non-breaking space, a slash) are checked
 * one by one with `phoneKey`.
 */
export function userIdByPhone(wb: Workbook, e164: string): string | null {
  const key = phoneKey(e164);
  if (key.length < 8) return null;
  if (!indexed.has(wb.db)) {
    wb.db.exec(`CREATE INDEX IF NOT EXISTS users_phone_key ON "Users"(${PHONE_KEY_SQL});
      CREATE INDEX IF NOT EXISTS users_phone_odd ON "Users"(phone) WHERE ${ODD_PHONE_SQL};`);
    indexed.add(wb.db);
  }
  const hit = wb.db.prepare(`SELECT id FROM "Users" WHERE ${PHONE_KEY_SQL} = ? ORDER BY rowid LIMIT 1`).get(key) as
    | { id: string }
    | undefined;
  if (hit) return hit.id;
  const odd = wb.db.prepare(`SELECT id, phone FROM "Users" WHERE ${ODD_PHONE_SQL}`).all() as Array<{
    id: string;
    phone: string;
  }>;
  return odd.find((row) => phoneKey(row.phone) === key)?.id ?? null;
}

export type SignInInput = { telegramId: number; phone: string; name: string; language: Language };
/**
 * `signed_in`: active row found (or already linked); `registered`: unknown phone under `access_policy=open`;
 * `pending_created`: unknown phone under `allowlist` (a pending row and a `user.pending` event);
 * `pending`: the row is waiting for approval; `blocked`: the row is blocked.
 */
export type SignInOutcome = 'signed_in' | 'registered' | 'pending_created' | 'pending' | 'blocked';

export class UserRowUnreadableError extends Error {
  override readonly name = 'UserRowUnreadableError';
  readonly userId: string;
  constructor(userId: string, options?: { cause?: unknown }) {
    super(`Users row ${userId} cannot be read`, options);
    this.userId = userId;
  }
}

function read(wb: Workbook, id: string): User {
  const row = wb.get('Users', id);
  if (!row) throw new UserRowUnreadableError(id);
  try {
    return toUser(row);
  } catch (error) {
    throw new UserRowUnreadableError(id, { cause: error });
  }
}

/** A `deleted` row is never found by phone (its phone is cleared); one a manager refilled by hand stays closed. */
const statusOutcome = (s: UserStatus): SignInOutcome =>
  s === 'active' ? 'signed_in' : s === 'deleted' ? 'blocked' : s;

/**
 * Signs a Telegram account in by its own phone (the gateway checked the contact is the sender's). Links the row
 * (`telegram_id`, `language`, `last_seen_at`; through the outbox) or creates one according to the access policy.
 * Sharing the contact after /start's notice is the consent to process it: `consent_at` is set when it is empty.
 */
export function signIn(
  wb: Workbook,
  settings: Settings,
  input: SignInInput,
  now = new Date(),
): { outcome: SignInOutcome; user: User } {
  const at = now.toISOString();
  return transaction(wb.db, () => {
    const id = userIdByPhone(wb, input.phone);
    if (id) {
      const other = wb.find('Users', { telegram_id: String(input.telegramId) }).filter((r) => r.id !== id);
      // The account moves to the row of the phone it proved to own.
      for (const r of other) wb.update('Users', r.id, { telegram_id: '' });
      const consent = wb.get('Users', id)?.consent_at ? {} : { consent_at: at };
      wb.update('Users', id, {
        telegram_id: String(input.telegramId),
        language: input.language,
        last_seen_at: at,
        ...consent,
      });
      const user = read(wb, id);
      return { outcome: statusOutcome(user.status), user };
    }
    const open = settings.accessPolicy === 'open';
    const row = wb.insert('Users', {
      id: wb.nextId('U'),
      telegram_id: String(input.telegramId),
      phone: input.phone,
      name: input.name,
      role: 'client',
      segment: 'all',
      status: open ? 'active' : 'pending',
      language: input.language,
      registered_at: at,
      last_seen_at: at,
      blocked_bot: 'no',
      consent_at: at,
    });
    if (!open) wb.emit('user.pending', { userId: row.id, telegramId: input.telegramId, name: input.name });
    return { outcome: open ? 'registered' : 'pending_created', user: read(wb, row.id) };
  });
}

export class NotStaffError extends Error {
  override readonly name = 'NotStaffError';
  constructor() {
    super('only an active manager or admin may do this');
  }
}

const isStaff = (u: User | null): u is User =>
  !!u && u.status === 'active' && (u.role === 'manager' || u.role === 'admin');

/** A manager's decision in Telegram (approve: active; deny or block: blocked). Emits `user.status_changed` once. */
export function setStatusByStaff(
  wb: Workbook,
  actorTelegramId: number,
  userId: string,
  status: UserStatus,
): { changed: boolean; user: User; actor: User } {
  return transaction(wb.db, () => {
    const actor = userByTelegramId(wb, actorTelegramId);
    if (!isStaff(actor)) throw new NotStaffError();
    const before = read(wb, userId);
    if (before.status === status) return { changed: false, user: before, actor };
    wb.update('Users', userId, { status });
    wb.emit('user.status_changed', {
      userId,
      telegramId: before.telegramId,
      from: before.status,
      to: status,
      by: 'staff',
    });
    return { changed: true, user: read(wb, userId), actor };
  });
}

/**
 * The one rule for "the user blocked the bot": marks (or clears) `blocked_bot` on every row of the account. A cell
 * already saying so in any spelling the Sheet accepts (yes/да/true/1, no/нет/false/0, empty for no) is left as the
 * manager wrote it; anything else is written as `yes`/`no`. Idempotent: false when nothing changed or no row is linked.
 * Used by replies and notifications (users.setBlockedBot) and by broadcasts (recording a `blocked` outcome).
 */
export function setBlockedBot(wb: Workbook, telegramId: number, blocked: boolean): boolean {
  return transaction(wb.db, () => {
    let changed = false;
    for (const row of wb.find('Users', { telegram_id: String(telegramId) })) {
      if (yesNo.safeParse(row.blocked_bot).data === blocked) continue;
      wb.update('Users', row.id, { blocked_bot: blocked ? 'yes' : 'no' });
      changed = true;
    }
    return changed;
  });
}

const SEEN_EVERY_MS = 3_600_000;

/** Refreshes `last_seen_at` at most hourly, so activity does not turn into a stream of Sheet writes. */
export function markSeen(wb: Workbook, telegramId: number, now = new Date()): boolean {
  const row = wb.find('Users', { telegram_id: String(telegramId) })[0];
  if (!row) return false;
  const last = Date.parse(row.last_seen_at);
  if (!Number.isNaN(last) && now.getTime() - last < SEEN_EVERY_MS) return false;
  wb.update('Users', row.id, { last_seen_at: now.toISOString() });
  return true;
}

/** Rows waiting for approval, oldest first (for the staff's /pending). */
export function pendingUsers(wb: Workbook, limit = 20): User[] {
  return wb.find('Users', { status: 'pending' }, { orderBy: 'registered_at, id', limit }).flatMap((r) => {
    try {
      return [toUser(r)];
    } catch {
      return [];
    }
  });
}

/**
 * Deep-link starts (`/start promo_x`), kept for attribution in a bot-owned table (not a Sheet tab). The latest
 * unconsumed one is opened once the user has signed in.
 */
export function recordStart(wb: Workbook, telegramId: number, payload: string, now = new Date()): void {
  wb.db
    .prepare('INSERT INTO start_payloads(telegram_id, payload, created_at) VALUES (?, ?, ?)')
    .run(telegramId, payload, now.toISOString());
}

export function takeStart(wb: Workbook, telegramId: number): string | null {
  return transaction(wb.db, () => {
    const row = wb.db
      .prepare(
        'SELECT id, payload FROM start_payloads WHERE telegram_id = ? AND consumed_at IS NULL ORDER BY id DESC LIMIT 1',
      )
      .get(telegramId) as { id: number; payload: string } | undefined;
    if (!row) return null;
    wb.db
      .prepare('UPDATE start_payloads SET consumed_at = ? WHERE telegram_id = ? AND consumed_at IS NULL')
      .run(new Date().toISOString(), telegramId);
    return row.payload;
  });
}

/** How many starts each payload brought (attribution report). */
export function startCounts(wb: Workbook): Array<{ payload: string; starts: number; users: number }> {
  return wb.db
    .prepare(
      'SELECT payload, count(*) AS starts, count(DISTINCT telegram_id) AS users FROM start_payloads GROUP BY payload ORDER BY starts DESC',
    )
    .all() as Array<{ payload: string; starts: number; users: number }>;
}

export type ApprovalNotice = { chatId: number; messageId: number; text: string };

/** A staff-chat message offering Approve/Deny for a pending user (its text, to append the decision to later). */
export function recordApprovalNotice(wb: Workbook, userId: string, notice: ApprovalNotice): void {
  wb.db
    .prepare('INSERT OR REPLACE INTO approval_notices(user_id, chat_id, message_id, text) VALUES (?, ?, ?, ?)')
    .run(userId, notice.chatId, notice.messageId, notice.text);
}

/** The user's Approve/Deny messages, forgotten by this call (the caller takes their buttons away once). */
export function takeApprovalNotices(wb: Workbook, userId: string): ApprovalNotice[] {
  return transaction(wb.db, () => {
    const rows = wb.db
      .prepare('SELECT chat_id, message_id, text FROM approval_notices WHERE user_id = ?')
      .all(userId) as Array<{ chat_id: number; message_id: number; text: string }>;
    wb.db.prepare('DELETE FROM approval_notices WHERE user_id = ?').run(userId);
    return rows.map((r) => ({ chatId: r.chat_id, messageId: r.message_id, text: r.text }));
  });
}
