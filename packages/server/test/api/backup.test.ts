import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupDataDir, CliError, restoreDataDir } from '../../src/cli/backup.js';
import { openDatabase } from '../../src/storage/db.js';
import { multipart, PNG } from '../factories/files.js';
import { http, login, makeAccount } from '../factories/index.js';
import { startTestApp, type TestApp } from '../harness.js';

/**
 * `parley backup` while the server takes messages, then `parley restore`: every message
 * acknowledged before the backup began is in the restored database, with the uploaded files and the
 * key file. The embedded (SQLite) default only: PostgreSQL is backed up with pg_dump.
 */
describe('backup and restore (SQLite data folder)', () => {
  let t: TestApp;
  let root: string;
  let data: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'parley-backup-'));
    data = join(root, 'data');
    t = await startTestApp('sqlite', { sqlitePath: join(data, 'parley.db'), filesDir: join(data, 'files') });
  });
  afterAll(async () => {
    await t?.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('a backup taken under load holds every acknowledged message, the files and the key file; restore refuses a non-empty folder without --force', async () => {
    const acc = await makeAccount(t);
    await acc.agent('ann', { skills: ['Sales'] });
    const jo = await acc.consumer({ name: 'Jo' });
    const c = await jo.open({ skill: 'Sales', text: 'first' });
    const body = multipart([{ name: 'file', value: PNG, filename: 'photo.png', contentType: 'image/png' }]);
    const up = await t.app.inject({
      method: 'POST',
      url: `/api/v1/consumer/conversations/${c.id}/messages`,
      headers: { authorization: `Bearer ${jo.token}`, 'content-type': body.contentType },
      payload: body.payload,
    });
    expect(up.statusCode, up.body).toBe(201);
    const fileId = up.json().file.id as string;
    // the master key file the database was opened with (made at its first open, 0600)
    const masterKey = await readFile(join(data, 'secret.key'), 'utf8');

    // Writers keep sending while the backup runs; each acknowledged id is noted with when it was acknowledged.
    const acked: { id: string; at: number }[] = [];
    let stop = false;
    const writer = async (n: number) => {
      for (let i = 0; !stop; i++) {
        const res = await jo.send(c.id, `w${n} message ${i}`, randomUUID());
        if (res.statusCode === 201 || res.statusCode === 200) acked.push({ id: res.json().id, at: performance.now() });
      }
    };
    const writers = [writer(1), writer(2)];
    while (acked.length < 50) await new Promise((res) => setImmediate(res));
    const began = performance.now();
    const before = acked.filter((a) => a.at <= began).map((a) => a.id);
    const out = join(root, 'backups', 'parley.tar');
    const manifest = await backupDataDir(data, out);
    stop = true;
    await Promise.all(writers);
    expect(manifest).toMatchObject({ format: 'parley-backup', version: 1, extraFiles: ['secret.key'] });
    expect(manifest.lastMigration).toMatch(/^2026_/);
    expect(before.length).toBeGreaterThanOrEqual(50);

    // A folder with something in it is refused without --force, and left as it was.
    const target = join(root, 'restored');
    await mkdir(target);
    await writeFile(join(target, 'notes.txt'), 'mine');
    await expect(restoreDataDir(out, target)).rejects.toThrow(CliError);
    await expect(restoreDataDir(out, target)).rejects.toThrow(/not empty/);
    expect(await readFile(join(target, 'notes.txt'), 'utf8')).toBe('mine');
    expect(existsSync(join(target, 'parley.db'))).toBe(false);

    // A stale WAL in the target must not survive --force.
    await writeFile(join(target, 'parley.db-wal'), 'garbage');
    const restored = await restoreDataDir(out, target, { force: true });
    expect(restored.dataDir).toBe(target);
    expect(existsSync(join(target, 'parley.db-wal'))).toBe(false);
    expect(await readFile(join(target, 'secret.key'), 'utf8')).toBe(masterKey);
    expect((await stat(join(target, 'secret.key'))).mode & 0o777).toBe(0o600);

    // opening checks the restored key against the restored data keys (a wrong one is refused)
    const db = await openDatabase({ sqlitePath: join(target, 'parley.db') });
    try {
      const ids = new Set((await db.kysely.selectFrom('messages').select('id').where('conversation_id', '=', c.id).execute()).map((m) => m.id));
      const missing = before.filter((id) => !ids.has(id));
      expect(missing).toEqual([]);
      const file = await db.kysely.selectFrom('files').selectAll().where('id', '=', fileId).executeTakeFirstOrThrow();
      expect(await readFile(join(target, 'files', ...file.storage_key.split('/')))).toEqual(PNG);
    } finally {
      await db.close();
    }
    // The restored folder serves: the manager signs in and reads the conversation and its file.
    const t2 = await startTestApp('sqlite', { sqlitePath: join(target, 'parley.db'), filesDir: join(target, 'files') });
    try {
      const token = await login(t2, acc.accountId, 'boss');
      expect((await http(t2)('GET', `/api/v1/conversations/${c.id}`, { token })).statusCode).toBe(200);
      const download = await http(t2)('GET', `/api/v1/files/${fileId}`, { token });
      expect(download.statusCode).toBe(200);
      expect(download.rawPayload).toEqual(PNG);
    } finally {
      await t2.stop();
    }
  });

  it('refuses what is not a backup, and a data folder without a database', async () => {
    const junk = join(root, 'junk.tar');
    await writeFile(junk, 'not a tar file at all');
    await expect(restoreDataDir(junk, join(root, 'empty-target'))).rejects.toThrow();
    expect(existsSync(join(root, 'empty-target', 'parley.db'))).toBe(false);
    await expect(backupDataDir(join(root, 'nowhere'), join(root, 'x.tar'))).rejects.toThrow(/no database/);
  });
});
