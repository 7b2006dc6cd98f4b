import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import * as tar from 'tar';
import { recordAudit, SYSTEM_ACTOR } from '../services/audit.service.js';
import type { Deps } from '../services/context.js';
import { listAccountIds } from '../storage/repos/retention.repo.js';
import { inspectSqlite, snapshotSqlite } from '../storage/sqlite-backup.js';

/**
 * `parley backup` / `parley restore` for the embedded default (docs/operations.md). A backup is one
 * uncompressed tar archive:
 * - `parley-backup.json` — what it is: format, version, when, the database's last migration;
 * - `parley.db` — the database, copied by SQLite's online backup (consistent while the server runs);
 * - `files/` — the uploaded files' bytes (copied after the database, and a file's bytes are stored
 *   before its row is written, so every file the copied database knows is in the archive);
 * - every other top-level file of the data folder — the secret key file among them (mode kept).
 * The SQLite `-wal`/`-shm` files are never copied: the snapshot is complete without them.
 */

export const MANIFEST = 'parley-backup.json';
const DB_FILE = 'parley.db';
const SKIP = new Set([DB_FILE, `${DB_FILE}-wal`, `${DB_FILE}-shm`, `${DB_FILE}-journal`, 'files']);

export interface BackupManifest {
  format: 'parley-backup';
  version: 1;
  createdAt: string;
  lastMigration: string | null;
  /** Top-level files of the data folder besides the database (e.g. the secret key file). */
  extraFiles: string[];
}

export class CliError extends Error {}

export async function backupDataDir(
  dataDir: string,
  outFile: string,
  now: () => Date = () => new Date(),
): Promise<BackupManifest & { out: string; bytes: number }> {
  const data = resolve(dataDir);
  const out = resolve(outFile);
  if (!existsSync(join(data, DB_FILE))) throw new CliError(`backup: no database at ${join(data, DB_FILE)}`);
  if (out.startsWith(`${data}/`)) throw new CliError('backup: --out must be outside the data folder');
  await mkdir(dirname(out), { recursive: true });
  const stage = await mkdtemp(join(dirname(out), `.${basename(out)}.`));
  const partial = join(dirname(out), `.${basename(out)}.${randomBytes(4).toString('hex')}.part`);
  try {
    await snapshotSqlite(join(data, DB_FILE), join(stage, DB_FILE));
    const { lastMigration, integrity } = inspectSqlite(join(stage, DB_FILE));
    if (integrity !== 'ok') throw new CliError(`backup: the copied database fails its integrity check: ${integrity}`);
    const entries = await readdir(data, { withFileTypes: true });
    const extraFiles = entries.filter((e) => e.isFile() && !SKIP.has(e.name) && !e.name.startsWith('.')).map((e) => e.name);
    const manifest: BackupManifest = { format: 'parley-backup', version: 1, createdAt: now().toISOString(), lastMigration, extraFiles };
    await writeFile(join(stage, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
    await tar.c({ file: partial, cwd: stage, portable: true }, [MANIFEST, DB_FILE]);
    const fromData = [...extraFiles, ...(existsSync(join(data, 'files')) ? ['files'] : [])];
    // Files being written are temporary names (`.<random>.part`): never part of a backup.
    if (fromData.length) await tar.r({ file: partial, cwd: data, portable: true, filter: (p) => !basename(p).endsWith('.part') }, fromData);
    await rename(partial, out);
    return { ...manifest, out, bytes: (await stat(out)).size };
  } finally {
    await rm(stage, { recursive: true, force: true });
    await rm(partial, { force: true });
  }
}

/** Whether a folder is missing or holds nothing. */
async function isEmptyDir(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).length === 0;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw err;
  }
}

/**
 * Restore a backup into `dataDir`. A folder that holds anything is refused unless `force` (then
 * its database, WAL, files and key files are replaced). The archive is unpacked beside the target
 * first and checked (manifest, database integrity); only then is anything in the target touched.
 * Stop the server before restoring.
 */
export async function restoreDataDir(inFile: string, dataDir: string, opts: { force?: boolean } = {}): Promise<BackupManifest & { dataDir: string }> {
  const data = resolve(dataDir);
  const archive = resolve(inFile);
  if (!existsSync(archive)) throw new CliError(`restore: no such file ${archive}`);
  if (!(await isEmptyDir(data)) && !opts.force) throw new CliError(`restore: ${data} is not empty; pass --force to replace what is there`);
  await mkdir(dirname(data), { recursive: true });
  const stage = await mkdtemp(join(dirname(data), `.${basename(data)}.restore.`));
  try {
    await tar.x({ file: archive, cwd: stage, strict: true, preservePaths: false });
    let manifest: BackupManifest;
    try {
      manifest = JSON.parse(await readFile(join(stage, MANIFEST), 'utf8')) as BackupManifest;
    } catch {
      throw new CliError('restore: not a Parley backup (no parley-backup.json)');
    }
    if (manifest.format !== 'parley-backup' || manifest.version !== 1) throw new CliError('restore: not a Parley backup this version can read');
    const plainName = (n: unknown) => typeof n === 'string' && /^[A-Za-z0-9][A-Za-z0-9_.-]{0,200}$/.test(n) && !SKIP.has(n) && n !== MANIFEST;
    if (!Array.isArray(manifest.extraFiles) || !manifest.extraFiles.every(plainName)) throw new CliError('restore: the backup lists files it may not restore');
    if (!existsSync(join(stage, DB_FILE))) throw new CliError('restore: the backup holds no database');
    const { integrity } = inspectSqlite(join(stage, DB_FILE));
    if (integrity !== 'ok') throw new CliError(`restore: the backed-up database fails its integrity check: ${integrity}`);
    await mkdir(data, { recursive: true });
    // --force: what the backup replaces goes first; a stale WAL beside the restored database would corrupt it.
    for (const name of [...SKIP, ...manifest.extraFiles]) await rm(join(data, name), { recursive: true, force: true });
    // Only what the backup holds (opening the copy to check it may leave SQLite's -wal/-shm beside it).
    for (const name of [DB_FILE, 'files', ...manifest.extraFiles]) {
      if (existsSync(join(stage, name))) await rename(join(stage, name), join(data, name));
    }
    return { ...manifest, dataDir: data };
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
}

/** `backup.created` in every account's audit log (actor: system), one transaction per account. */
export async function recordBackupCreated(deps: Deps, b: { file: string; bytes: number; lastMigration: string | null }): Promise<void> {
  const now = deps.clock.now();
  for (const accountId of await listAccountIds(deps.db.kysely)) {
    await deps.db.transaction((tx) =>
      recordAudit(tx, now, {
        accountId,
        ...SYSTEM_ACTOR,
        action: 'backup.created',
        targetType: 'backup',
        targetId: basename(b.file),
        details: { bytes: b.bytes, lastMigration: b.lastMigration },
      }),
    );
  }
}
