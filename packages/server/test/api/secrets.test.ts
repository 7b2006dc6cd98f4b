import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type ParleyApp } from '../../src/app.js';
import { rotateSecrets } from '../../src/cli/secrets.js';
import { loadConfig } from '../../src/config.js';
import { FakeClock } from '../../src/domain/clock.js';
import { type Database, dropPgSchema, openDatabase, type SecretsOption } from '../../src/storage/db.js';
import { findAccount } from '../../src/storage/repos/accounts.repo.js';
import { findServerKey } from '../../src/storage/repos/files.repo.js';
import { saveSsoClientSecret } from '../../src/storage/repos/sso.repo.js';
import { masterIdOf, parseMasterKey, SECRET_COLUMNS } from '../../src/storage/secrets.js';
import { type AccountHandle, http, makeAccount } from '../factories/index.js';
import { dialects, pgUrl, TEST_OUTBOUND_ALLOW, type TestApp } from '../harness.js';

const key = () => randomBytes(32).toString('base64');

/** An app over an already open database, as makeAccount and http() want it. */
async function appOver(db: Database, filesDir: string): Promise<TestApp> {
  const clock = new FakeClock(Date.UTC(2026, 11, 3, 9));
  const app: ParleyApp = await buildApp({ db, clock, timers: 'manual', filesDir, outboundAllow: TEST_OUTBOUND_ALLOW });
  return { ...app, db, clock, url: '', listen: async () => '', advance: async () => undefined, stop: () => app.close() };
}

/** Every bytes of the SQLite database on disk: the main file, the WAL and its index. */
function databaseBytes(dir: string): Buffer {
  return Buffer.concat(['parley.db', 'parley.db-wal', 'parley.db-shm'].filter((f) => existsSync(join(dir, f))).map((f) => readFileSync(join(dir, f))));
}

describe('secrets at rest on SQLite (the embedded default)', () => {
  let dir: string;
  const path = () => join(dir, 'parley.db');
  const keyFile = () => join(dir, 'secret.key');
  const secrets: string[] = [];
  let acc: AccountHandle;
  let identitySecret: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'parley-secrets-'));
    const db = await openDatabase({ sqlitePath: path() });
    const t = await appOver(db, join(dir, 'files'));
    acc = await makeAccount(t, { skills: ['Support'] });
    const r = http(t);
    const as = { token: acc.manager.token };
    const sms = await r('POST', '/api/v1/channels', {
      ...as,
      body: {
        type: 'sms',
        name: 'SMS',
        skillId: acc.skills.Support,
        providerBaseUrl: 'http://127.0.0.1:9',
        credentials: { accountSid: 'AC0123456789abcdef0123456789abcdef', from: '+15557654321', authToken: 'twilio-token-in-clear-0001' },
      },
    });
    expect(sms.statusCode, sms.body).toBe(201);
    const messenger = await r('POST', '/api/v1/channels', {
      ...as,
      body: {
        type: 'messenger',
        name: 'Messenger',
        skillId: acc.skills.Support,
        providerBaseUrl: 'http://127.0.0.1:9',
        credentials: {
          appSecret: 'meta-app-secret-in-clear-0002',
          pageAccessToken: 'EAAB-page-token-in-clear-0003',
          verifyToken: 'verify-token-in-clear-0004',
        },
      },
    });
    expect(messenger.statusCode, messenger.body).toBe(201);
    const webhook = (await r('POST', '/api/v1/channels', { ...as, body: { type: 'webhook', name: 'Hook', skillId: acc.skills.Support } })).json();
    const { privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    const crm = await r('PATCH', '/api/v1/account/settings', {
      ...as,
      body: { crm: { salesforce: { consumerKey: 'ck', username: 'sf@brand.test', privateKey } } },
    });
    expect(crm.statusCode, crm.body).toBe(200);
    await db.transaction((tx) => saveSsoClientSecret(tx, acc.accountId, 'oidc', 'oidc-client-secret-in-clear-0005', Date.now()));
    identitySecret = (await r('GET', '/api/v1/account/identity-secret', as)).json().secret;
    const fileLinks = await findServerKey(db.kysely, 'file_links');
    secrets.push(
      'twilio-token-in-clear-0001',
      'meta-app-secret-in-clear-0002',
      'EAAB-page-token-in-clear-0003',
      'verify-token-in-clear-0004',
      'oidc-client-secret-in-clear-0005',
      sms.json().secret,
      messenger.json().secret,
      webhook.secret,
      identitySecret,
      String(fileLinks),
      // the PEM body, line by line (any 64-character line of it would be a leak)
      ...privateKey.split('\n').filter((l) => l.length === 64),
    );
    await t.stop();
    await db.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('creates the key file once, readable by its owner only', () => {
    expect(statSync(keyFile()).mode & 0o777).toBe(0o600);
    expect(parseMasterKey(readFileSync(keyFile(), 'utf8'))).toHaveLength(32);
  });

  it('the database file holds no secret in clear', () => {
    const bytes = databaseBytes(dir);
    expect(bytes.length).toBeGreaterThan(10_000);
    for (const s of secrets) {
      expect(s.length, 'a secret worth looking for').toBeGreaterThanOrEqual(16);
      expect(bytes.includes(Buffer.from(s, 'utf8')), `"${s.slice(0, 12)}…" is in the database file`).toBe(false);
    }
  });

  it('reopened with its key file, every secret reads back; a secret written in clear before is encrypted at start', async () => {
    let db = await openDatabase({ sqlitePath: path() });
    expect((await findAccount(db.kysely, acc.accountId))?.identitySecret).toBe(identitySecret);
    // a row from before encryption (an upgrade): in clear until the next start
    await db.kysely.updateTable('accounts').set({ identity_secret: 'legacy-identity-secret-in-clear' }).where('id', '=', acc.accountId).execute();
    await db.close();
    db = await openDatabase({ sqlitePath: path() });
    const row = await db.kysely.selectFrom('accounts').select('identity_secret').where('id', '=', acc.accountId).executeTakeFirstOrThrow();
    expect(row.identity_secret).toMatch(/^enc:v1:/);
    expect((await findAccount(db.kysely, acc.accountId))?.identitySecret).toBe('legacy-identity-secret-in-clear');
    // every secret column is sealed
    for (const c of SECRET_COLUMNS) {
      // biome-ignore lint/suspicious/noExplicitAny: the columns come from the list under test
      const rows = await (db.kysely as any).selectFrom(c.table).select(c.column).execute();
      for (const r of rows) expect(String(r[c.column]), `${c.table}.${c.column}`).toMatch(/^enc:v1:/);
    }
    identitySecret = 'legacy-identity-secret-in-clear';
    await db.close();
  });

  it('a wrong master key, or a missing one, is refused with a clear message, and no new key file is made', async () => {
    await expect(openDatabase({ sqlitePath: path(), secrets: { secretKey: key() } })).rejects.toThrow(
      /master key does not match this database.*PARLEY_SECRET_KEY/,
    );
    await expect(openDatabase({ sqlitePath: path(), secrets: { secretKey: 'c2hvcnQ=' } })).rejects.toThrow(/PARLEY_SECRET_KEY must be 32 bytes in base64/);
    renameSync(keyFile(), `${keyFile()}.away`);
    try {
      await expect(openDatabase({ sqlitePath: path() })).rejects.toThrow(/master key is missing.*secret\.key/);
      expect(existsSync(keyFile())).toBe(false);
    } finally {
      renameSync(`${keyFile()}.away`, keyFile());
    }
    // an altered sealed value does not decrypt into something else
    const db = await openDatabase({ sqlitePath: path() });
    const row = await db.kysely.selectFrom('accounts').select('identity_secret').where('id', '=', acc.accountId).executeTakeFirstOrThrow();
    const at = 20; // a byte of the IV: the authentication fails
    const flipped = `${row.identity_secret.slice(0, at)}${row.identity_secret[at] === 'A' ? 'B' : 'A'}${row.identity_secret.slice(at + 1)}`;
    await db.kysely.updateTable('accounts').set({ identity_secret: flipped }).where('id', '=', acc.accountId).execute();
    await expect(findAccount(db.kysely, acc.accountId)).rejects.toThrow(/does not decrypt/);
    await db.kysely.updateTable('accounts').set({ identity_secret: row.identity_secret }).where('id', '=', acc.accountId).execute();
    await db.close();
  });

  it('`parley secrets rotate --generate` re-wraps under a new key file while the old key keeps working, then drops the old wrappings', async () => {
    const oldKey = readFileSync(keyFile(), 'utf8').trim();
    const lines: string[] = [];
    // a server still running with the old key only (it read the key file at its start)
    const running = await openDatabase({ sqlitePath: path(), secrets: { secretKey: oldKey } });
    running.secrets.forget();

    await rotateSecrets(loadConfig({ data: dir }, {}), { generate: true }, (l) => lines.push(l));
    const newKey = readFileSync(keyFile(), 'utf8').trim();
    expect(newKey).not.toBe(oldKey);
    expect(readFileSync(`${keyFile()}.previous`, 'utf8').trim()).toBe(oldKey);
    expect(statSync(keyFile()).mode & 0o777).toBe(0o600);
    expect(lines.join('\n')).toMatch(/wrapped under master key .* kept while it is configured/s);
    // no downtime: the running server still reads its secrets
    expect((await findAccount(running.kysely, acc.accountId))?.identitySecret).toBe(identitySecret);
    await running.close();

    // restarted, it opens with secret.key (and secret.key.previous)
    let db = await openDatabase({ sqlitePath: path() });
    expect((await findAccount(db.kysely, acc.accountId))?.identitySecret).toBe(identitySecret);
    const ids = new Set((await db.kysely.selectFrom('data_keys').select('master_id').execute()).map((r) => r.master_id));
    expect(ids).toEqual(new Set([masterIdOf(parseMasterKey(newKey)), masterIdOf(parseMasterKey(oldKey))]));
    await db.close();

    // finished: without the previous key, the old wrappings go
    unlinkSync(`${keyFile()}.previous`);
    await rotateSecrets(loadConfig({ data: dir }, {}), { generate: false }, (l) => lines.push(l));
    expect(lines.at(-1)).toMatch(/[1-9]\d* wrappings under other master keys dropped/);
    db = await openDatabase({ sqlitePath: path() });
    expect((await findAccount(db.kysely, acc.accountId))?.identitySecret).toBe(identitySecret);
    expect(new Set((await db.kysely.selectFrom('data_keys').select('master_id').execute()).map((r) => r.master_id))).toEqual(
      new Set([masterIdOf(parseMasterKey(newKey))]),
    );
    await db.close();
    await expect(openDatabase({ sqlitePath: path(), secrets: { secretKey: oldKey } })).rejects.toThrow(/does not match/);
    // the bytes still hold no secret
    for (const s of secrets) expect(databaseBytes(dir).includes(Buffer.from(s, 'utf8'))).toBe(false);
  });

  it('rotation with PARLEY_SECRET_KEY and PARLEY_SECRET_KEY_PREVIOUS (the cluster way)', async () => {
    const current = readFileSync(keyFile(), 'utf8').trim();
    const next = key();
    const lines: string[] = [];
    await rotateSecrets(loadConfig({ data: dir }, { PARLEY_SECRET_KEY: next, PARLEY_SECRET_KEY_PREVIOUS: current }), { generate: false }, (l) => lines.push(l));
    // both keys read while nodes move over
    for (const k of [current, next]) {
      const db = await openDatabase({ sqlitePath: path(), secrets: { secretKey: k } });
      expect((await findAccount(db.kysely, acc.accountId))?.identitySecret).toBe(identitySecret);
      await db.close();
    }
    await rotateSecrets(loadConfig({ data: dir }, { PARLEY_SECRET_KEY: next }), { generate: false }, (l) => lines.push(l));
    await expect(openDatabase({ sqlitePath: path(), secrets: { secretKey: current } })).rejects.toThrow(/does not match/);
    const db = await openDatabase({ sqlitePath: path(), secrets: { secretKey: next } });
    expect((await findAccount(db.kysely, acc.accountId))?.identitySecret).toBe(identitySecret);
    await db.close();
    await expect(rotateSecrets(loadConfig({ data: dir }, { PARLEY_SECRET_KEY: current }), { generate: false }, () => undefined)).rejects.toThrow(
      /does not match/,
    );
  });
});

describe.each(dialects)('secrets at rest: one database, two master keys (%s)', (dialect) => {
  let dir: string;
  let open: (secrets: SecretsOption) => Promise<Database>;
  let destroy: () => Promise<void>;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'parley-secrets-'));
    if (dialect === 'sqlite') {
      open = (secrets) => openDatabase({ sqlitePath: join(dir, 'parley.db'), secrets });
      destroy = async () => rmSync(dir, { recursive: true, force: true });
    } else {
      const url = pgUrl as string;
      const schema = `t_${process.pid}_${randomBytes(4).toString('hex')}`;
      open = (secrets) => openDatabase({ url, pgSchema: schema, poolSize: 2, secrets });
      destroy = async () => {
        await dropPgSchema(url, schema);
        rmSync(dir, { recursive: true, force: true });
      };
    }
  });
  afterAll(async () => destroy());

  it('the server refuses to start with another key, and starts again with the right one', async () => {
    const right = key();
    let db = await open({ secretKey: right });
    const t = await appOver(db, join(dir, 'files'));
    const acc = await makeAccount(t, { skills: [] });
    const secret = (await http(t)('GET', '/api/v1/account/identity-secret', { token: acc.manager.token })).json().secret;
    await t.stop();
    await db.close();
    await expect(open({ secretKey: key() })).rejects.toThrow(/master key does not match this database/);
    if (dialect === 'postgres') await expect(open({})).rejects.toThrow(/PostgreSQL: give the master key/);
    db = await open({ secretKey: right });
    expect((await findAccount(db.kysely, acc.accountId))?.identitySecret).toBe(secret);
    await db.close();
  });
});
