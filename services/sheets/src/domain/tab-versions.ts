import type { DatabaseSync, StatementSync } from 'node:sqlite';

/**
 * Whether a small managers' tab (Promotions, Settings, FAQ) changed since it was last read, so its parsed rows can be
 * kept between calls instead of parsing the whole tab for every menu tap. Temporary triggers on this connection count
 * every write to the tab, whatever wrote it (the workbook, the sync, plain SQL); `PRAGMA data_version` moves when
 * another connection (a CLI, a test's own handle) commits. One instance per database handle.
 */
export class TabVersions {
  private readonly db: DatabaseSync;
  private readonly writes = new Map<string, number>();
  private readonly watched = new Set<string>();
  private readonly dataVersion: StatementSync;

  private constructor(db: DatabaseSync) {
    this.db = db;
    db.function('mb_tab_written', { deterministic: false, directOnly: false }, (tab) => {
      const name = String(tab);
      this.writes.set(name, (this.writes.get(name) ?? 0) + 1);
      return null;
    });
    this.dataVersion = db.prepare('PRAGMA data_version');
  }

  private static readonly byDb = new WeakMap<DatabaseSync, TabVersions>();
  static of(db: DatabaseSync): TabVersions {
    let versions = TabVersions.byDb.get(db);
    if (!versions) TabVersions.byDb.set(db, (versions = new TabVersions(db)));
    return versions;
  }

  /**
   * The tab's current version, or null when it must not be cached: inside an open transaction the rows read may
   * still be rolled back.
   */
  version(tab: string): string | null {
    if (this.db.isTransaction) return null;
    if (!this.watched.has(tab)) this.watch(tab);
    const { data_version } = this.dataVersion.get() as { data_version: number };
    return `${data_version}:${this.writes.get(tab) ?? 0}`;
  }

  private watch(tab: string): void {
    for (const op of ['INSERT', 'UPDATE', 'DELETE']) {
      this.db.exec(
        `CREATE TEMP TRIGGER IF NOT EXISTS "mb_written_${tab}_${op}" AFTER ${op} ON main."${tab}" BEGIN SELECT mb_tab_written('${tab}'); END`,
      );
    }
    this.watched.add(tab);
  }
}

/** The value `read()` gave for the tab's current version, read again only after the tab changed. */
export class TabCache<T> {
  private readonly versions: TabVersions;
  private readonly tab: string;
  private readonly read: () => T;
  private entry: { version: string; value: T } | null = null;
  constructor(versions: TabVersions, tab: string, read: () => T) {
    this.versions = versions;
    this.tab = tab;
    this.read = read;
  }

  get(): T {
    const version = this.versions.version(this.tab);
    if (version !== null && this.entry?.version === version) return this.entry.value;
    const value = deepFreeze(this.read());
    // A write between the version read and the rows read only makes the next call read again.
    if (version !== null) this.entry = { version, value };
    return value;
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
