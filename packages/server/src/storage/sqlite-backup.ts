import SQLite from 'better-sqlite3';

/**
 * A consistent copy of a SQLite database while other connections keep writing (the server runs):
 * SQLite's online backup (better-sqlite3 `backup()`). The first step only sizes the copy; the
 * second copies every page in one step under one read transaction, so writes from other
 * connections (which would restart a page-by-page backup) cannot restart it, and in WAL mode they
 * are not blocked while it runs. Returns the number of pages copied.
 */
export async function snapshotSqlite(source: string, target: string): Promise<number> {
  const db = new SQLite(source, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    const r = await db.backup(target, { progress: () => 0x7fffffff });
    return r.totalPages;
  } finally {
    db.close();
  }
}

/** What a copied database holds: the last migration applied, and whether SQLite finds it sound. */
export function inspectSqlite(path: string): { lastMigration: string | null; integrity: string } {
  const db = new SQLite(path, { fileMustExist: true, readonly: true });
  try {
    const integrity = String(db.pragma('integrity_check', { simple: true }));
    const hasMigrations = db.prepare("select 1 from sqlite_master where type = 'table' and name = 'kysely_migration'").get();
    const last = hasMigrations ? (db.prepare('select name from kysely_migration order by name desc limit 1').get() as { name: string } | undefined) : undefined;
    return { lastMigration: last?.name ?? null, integrity };
  } finally {
    db.close();
  }
}
