import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, Api, BIN, cliCreateAccount, makeEnv, type ServerProcess, startServer } from './support.js';

/**
 * The built `parley` commands against a running server: `parley backup` (its own process) while
 * consumers keep writing, then `parley restore` into a new folder and a server started on it.
 * Every message the server acknowledged before the backup started is in the restored copy.
 * Also `parley retention run --dry-run`, and restore's refusal of a non-empty folder.
 */

const run = (args: string[], env: Record<string, string> = {}) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: { ...process.env, DATABASE_URL: '', LOG_LEVEL: 'warn', ...env }, timeout: 60_000 },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    ),
  );

describe('parley backup / restore / retention run (built CLI, SQLite)', () => {
  const servers: ServerProcess[] = [];
  const root = mkdtempSync(join(tmpdir(), 'parley-backup-e2e-'));
  afterAll(async () => {
    for (const s of servers) await s.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('backs up a serving instance under load and restores every acknowledged message', async () => {
    const env = await makeEnv('sqlite');
    const { accountId } = await cliCreateAccount(env);
    const server = await startServer(env);
    servers.push(server);
    const api = new Api(() => server.url);
    const consumers = await Promise.all([1, 2, 3].map((i) => api.consumerSession(accountId, `Writer ${i}`)));
    const conversations = await Promise.all(
      consumers.map((c) => api.ok<{ id: string }>('POST', '/api/v1/consumer/conversations', { token: c.consumerToken, body: { text: 'hello' } }, [201])),
    );

    const acked: { id: string; at: number }[] = [];
    let stop = false;
    const writer = async (i: number) => {
      const c = consumers[i];
      const conv = conversations[i];
      if (!c || !conv) return;
      for (let n = 0; !stop; n++) {
        const r = await api.req<{ id: string }>('POST', `/api/v1/consumer/conversations/${conv.id}/messages`, {
          token: c.consumerToken,
          body: { text: `writer ${i} #${n}`, clientMessageId: randomUUID() },
        });
        if (r.status === 201) acked.push({ id: r.json.id, at: performance.now() });
      }
    };
    const writers = [0, 1, 2].map(writer);
    while (acked.length < 60) await new Promise((res) => setTimeout(res, 5));
    const began = performance.now();
    const before = acked.filter((a) => a.at <= began).map((a) => a.id);
    const out = join(root, 'parley.tar');
    const backup = await run(['backup', '--data', env.dataDir, '--out', out]);
    const afterBackup = acked.length;
    // Writers keep going a little after the backup too.
    while (acked.length < afterBackup + 10) await new Promise((res) => setTimeout(res, 5));
    stop = true;
    await Promise.all(writers);
    expect(backup.code, backup.stderr).toBe(0);
    expect(JSON.parse(backup.stdout)).toMatchObject({ format: 'parley-backup', version: 1 });
    expect(before.length).toBeGreaterThanOrEqual(60);

    // The audit log of the account says so.
    const live = new SQLite(join(env.dataDir, 'parley.db'), { readonly: true });
    const entries = live.prepare("select actor_type from audit_log where account_id = ? and action = 'backup.created'").all(accountId);
    live.close();
    expect(entries).toEqual([{ actor_type: 'system' }]);

    // Restore: a folder with something in it is refused; an empty one is filled; a server runs on it.
    const busy = join(root, 'busy');
    mkdirSync(busy);
    writeFileSync(join(busy, 'keep.txt'), 'mine');
    const refused = await run(['restore', '--in', out, '--data', busy]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('not empty');
    const target = join(root, 'restored');
    const restored = await run(['restore', '--in', out, '--data', target]);
    expect(restored.code, restored.stderr).toBe(0);

    const copy = new SQLite(join(target, 'parley.db'), { readonly: true });
    const ids = new Set((copy.prepare('select id from messages').all() as { id: string }[]).map((m) => m.id));
    copy.close();
    expect(before.filter((id) => !ids.has(id))).toEqual([]);

    const second = await startServer({ dataDir: target, databaseUrl: undefined }, { name: 'restored' });
    servers.push(second);
    const api2 = new Api(() => second.url);
    const token = await api2.login(accountId, 'boss', ADMIN_PASSWORD);
    const transcript = await api2.ok<{ items: { id: string }[] }>('GET', `/api/v1/conversations/${conversations[0]?.id}/messages?limit=200`, { token });
    expect(transcript.items.length).toBeGreaterThan(1);

    // Retention, dry run: nothing is old enough; nothing changes.
    const dry = await run(['retention', 'run', '--data', target, '--now', '2030-01-01T00:00:00Z', '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(JSON.parse(dry.stdout.trim().split('\n')[0] ?? '{}')).toMatchObject({ accountId, dryRun: true, conversations: 0 });
    const bad = await run(['retention', 'run', '--data', target, '--now', 'yesterday']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--now');
    await env.destroy();
  }, 180_000);
});
