import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Kysely } from 'kysely';
import type { DB } from './schema.js';

/**
 * Secrets at rest (API.md "Enterprise controls"): AES-256-GCM from Node's crypto, as an envelope.
 *
 * - The **master key** (32 bytes) is PARLEY_SECRET_KEY (base64), or, without it, the key file in the
 *   data folder (`secret.key`, created once with mode 0600; back it up with the database). It is
 *   never stored in the database; `masterId` is a fingerprint of it.
 * - Each **scope** (an account id; `_server` for installation-wide keys) has a random data key,
 *   stored in `data_keys` only wrapped by the master key (AAD: the scope). While the master key is
 *   rotated a scope may have a row per master key (PARLEY_SECRET_KEY_PREVIOUS, `parley secrets rotate`).
 * - A **sealed value** is `enc:v1:` + base64url(iv ‖ tag ‖ ciphertext), encrypted with the scope's
 *   data key; its AAD is `scope:purpose` (e.g. `acc-1:channels.credentials`), so a value copied to
 *   another column or account does not decrypt.
 *
 * Repos seal on write and open on read through the keyring bound to their `tx` (`keyringOf`):
 * `openDatabase` binds it to the Kysely instance and to every transaction it runs.
 */

export const SEALED_PREFIX = 'enc:v1:';
export const SERVER_SCOPE = '_server';

/** The master keys the process holds: the current one, and the one before it while rotating. */
export interface MasterKeys {
  current: Buffer;
  previous?: Buffer | undefined;
}

/** Thrown when the database's secrets cannot be read with the master key given: the server must not start. */
export class SecretKeyError extends Error {
  override name = 'SecretKeyError';
}

export const masterIdOf = (key: Buffer): string => createHash('sha256').update('parley-master-key-id\0').update(key).digest('hex').slice(0, 16);

/** A master key from its base64 form (PARLEY_SECRET_KEY): exactly 32 bytes. */
export function parseMasterKey(text: string, name = 'PARLEY_SECRET_KEY'): Buffer {
  const trimmed = text.trim();
  const key = Buffer.from(trimmed, 'base64');
  if (key.length !== 32 || !/^[A-Za-z0-9+/_-]+=*$/.test(trimmed)) {
    throw new SecretKeyError(`${name} must be 32 bytes in base64 (e.g. the output of: openssl rand -base64 32)`);
  }
  return key;
}

export const newMasterKey = (): Buffer => randomBytes(32);

/** Read the key file, or undefined when there is none. */
export function readKeyFile(path: string): Buffer | undefined {
  if (!existsSync(path)) return undefined;
  return parseMasterKey(readFileSync(path, 'utf8'), `the key file ${path}`);
}

/** Write a key file readable by its owner only (0600). */
export function writeKeyFile(path: string, key: Buffer): void {
  writeFileSync(path, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'w' });
  chmodSync(path, 0o600);
}

function encrypt(key: Buffer, plaintext: Buffer, aad: string): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), ct]);
}

function decrypt(key: Buffer, blob: Buffer, aad: string): Buffer {
  if (blob.length < 28) throw new Error('sealed value too short');
  const decipher = createDecipheriv('aes-256-gcm', key, blob.subarray(0, 12));
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(blob.subarray(12, 28));
  return Buffer.concat([decipher.update(blob.subarray(28)), decipher.final()]);
}

const wrapAad = (scope: string) => `parley-data-key:${scope}`;

type Db = Kysely<DB>;

export interface Keyring {
  readonly masterId: string;
  readonly previousId: string | undefined;
  /** Encrypt `plaintext` under the scope's data key (the scope must have one: `ensureScope`). */
  seal(tx: Db, scope: string, purpose: string, plaintext: string): Promise<string>;
  /** Decrypt a sealed value; a value that is not sealed (written before encryption) is returned as it is. */
  open(tx: Db, scope: string, purpose: string, stored: string): Promise<string>;
  /**
   * Give the scope a data key if it has none, in `db` (e.g. the transaction creating the account).
   * It always asks the database (a key made in a transaction that rolled back is not trusted).
   */
  ensureScope(db: Db, scope: string, now: number): Promise<void>;
  /** Forget unwrapped data keys (after a rotation elsewhere). */
  forget(): void;
}

export function createKeyring(keys: MasterKeys): Keyring {
  const held = new Map<string, Buffer>([[masterIdOf(keys.current), keys.current]]);
  if (keys.previous) held.set(masterIdOf(keys.previous), keys.previous);
  const masterId = masterIdOf(keys.current);
  const previousId = keys.previous ? masterIdOf(keys.previous) : undefined;
  const cache = new Map<string, Buffer>();

  const load = async (tx: Db, scope: string, fresh = false): Promise<Buffer | undefined> => {
    const cached = fresh ? undefined : cache.get(scope);
    if (cached) return cached;
    const rows = await tx.selectFrom('data_keys').select(['master_id', 'wrapped']).where('scope', '=', scope).execute();
    // the current key's row first
    rows.sort((a, b) => Number(b.master_id === masterId) - Number(a.master_id === masterId));
    for (const r of rows) {
      const master = held.get(r.master_id);
      if (!master) continue;
      const key = decrypt(master, Buffer.from(r.wrapped, 'base64'), wrapAad(scope));
      cache.set(scope, key);
      return key;
    }
    if (rows.length)
      throw new SecretKeyError(
        `the data key of ${scope} is wrapped by master key ${rows.map((r) => r.master_id).join(', ')}, which this server does not hold (this key: ${masterId})`,
      );
    return undefined;
  };

  const need = async (tx: Db, scope: string): Promise<Buffer> => {
    const key = await load(tx, scope);
    if (!key) throw new Error(`no data key for ${scope} (ensureScope was not called)`);
    return key;
  };

  return {
    masterId,
    previousId,
    async seal(tx, scope, purpose, plaintext) {
      const key = await need(tx, scope);
      return SEALED_PREFIX + encrypt(key, Buffer.from(plaintext, 'utf8'), `${scope}:${purpose}`).toString('base64url');
    },
    async open(tx, scope, purpose, stored) {
      if (!stored.startsWith(SEALED_PREFIX)) return stored;
      const key = await need(tx, scope);
      try {
        return decrypt(key, Buffer.from(stored.slice(SEALED_PREFIX.length), 'base64url'), `${scope}:${purpose}`).toString('utf8');
      } catch {
        throw new SecretKeyError(`a stored secret (${purpose} of ${scope}) does not decrypt: it was altered, or sealed under another data key`);
      }
    },
    async ensureScope(db, scope, now) {
      if (await load(db, scope, true)) return;
      const dataKey = randomBytes(32);
      const rows = [...held.entries()].map(([id, master]) => ({
        scope,
        master_id: id,
        wrapped: encrypt(master, dataKey, wrapAad(scope)).toString('base64'),
        created_at: now,
      }));
      await db
        .insertInto('data_keys')
        .values(rows)
        .onConflict((oc) => oc.columns(['scope', 'master_id']).doNothing())
        .execute();
      // Another node may have made the scope's key first: use whichever is stored.
      if (!(await load(db, scope, true))) throw new Error(`the data key of ${scope} was not stored`);
    },
    forget() {
      cache.clear();
    },
  };
}

// ------------------------------------------------------------------ binding a keyring to a database handle

const bound = new WeakMap<object, Keyring>();

/** Bind `keyring` to a Kysely instance or transaction (db.ts does it for every transaction it runs). */
export function bindKeyring<T extends object>(handle: T, keyring: Keyring): T {
  bound.set(handle, keyring);
  return handle;
}

/** The keyring of the database `tx` belongs to. */
export function keyringOf(tx: object): Keyring {
  const k = bound.get(tx);
  if (!k) throw new Error('no keyring bound to this database handle (open it through openDatabase)');
  return k;
}

export const sealSecret = (tx: Db, scope: string, purpose: string, plaintext: string) => keyringOf(tx).seal(tx, scope, purpose, plaintext);
export const openSecret = (tx: Db, scope: string, purpose: string, stored: string) => keyringOf(tx).open(tx, scope, purpose, stored);

// ------------------------------------------------------------------ start-up: check the key, encrypt what is still in clear

/**
 * Where the secrets are: each column, the scope of its row, and its purpose (the AAD). Every
 * repo that reads or writes one of these seals and opens it with the same scope and purpose.
 */
interface SecretColumn {
  table: 'accounts' | 'channels' | 'crm_credentials' | 'server_keys' | 'sso_credentials' | 'sso_flows' | 'webhooks';
  column: string;
  /** The column(s) that identify the row. */
  key: string[];
  /** The column holding the scope (the account id); none: the server scope. */
  scope: string | null;
  purpose: string;
}

export const SECRET_COLUMNS: SecretColumn[] = [
  { table: 'accounts', column: 'identity_secret', key: ['id'], scope: 'id', purpose: 'accounts.identity_secret' },
  { table: 'channels', column: 'secret', key: ['id'], scope: 'account_id', purpose: 'channels.secret' },
  { table: 'channels', column: 'credentials', key: ['id'], scope: 'account_id', purpose: 'channels.credentials' },
  { table: 'crm_credentials', column: 'private_key', key: ['account_id', 'provider'], scope: 'account_id', purpose: 'crm_credentials.private_key' },
  { table: 'sso_credentials', column: 'client_secret', key: ['account_id', 'provider'], scope: 'account_id', purpose: 'sso_credentials.client_secret' },
  { table: 'sso_flows', column: 'code_verifier', key: ['state'], scope: 'account_id', purpose: 'sso_flows.code_verifier' },
  { table: 'server_keys', column: 'value', key: ['name'], scope: null, purpose: 'server_keys.value' },
  { table: 'webhooks', column: 'secret', key: ['id'], scope: 'account_id', purpose: 'webhooks.secret' },
  { table: 'webhooks', column: 'previous_secret', key: ['id'], scope: 'account_id', purpose: 'webhooks.previous_secret' },
];

async function tableExists(db: Db, table: string): Promise<boolean> {
  const tables = await db.introspection.getTables();
  return tables.some((t) => t.name === table);
}

/**
 * At start-up, after the migrations: refuse a master key that cannot read the stored data keys
 * (SecretKeyError with what to do), give every account (and the server scope) a data key, make
 * every data key readable under the current master key when the previous one is held too, and
 * encrypt any secret still stored in clear (rows written before encryption existed).
 */
export async function prepareSecrets(db: Db, keyring: Keyring, keys: MasterKeys, now: number): Promise<void> {
  await assertMasterKey(db, keys);
  const accounts = await db.selectFrom('accounts').select('id').execute();
  for (const scope of [SERVER_SCOPE, ...accounts.map((a) => a.id)]) await keyring.ensureScope(db, scope, now);
  if (keys.previous) await rewrap(db, keys, now, { dropOthers: false });
  // biome-ignore lint/suspicious/noExplicitAny: the columns are listed above, checked against the schema by the tests
  const any = db as unknown as Kysely<any>;
  for (const c of SECRET_COLUMNS) {
    if (!(await tableExists(db, c.table))) continue;
    const rows = await any
      .selectFrom(c.table)
      .select([...new Set([...c.key, c.column, ...(c.scope ? [c.scope] : [])])])
      .where(c.column, 'is not', null)
      .where(c.column, 'not like', `${SEALED_PREFIX}%`)
      .execute();
    for (const r of rows) {
      const scope = c.scope ? String(r[c.scope]) : SERVER_SCOPE;
      await keyring.ensureScope(db, scope, now);
      const sealed = await keyring.seal(db, scope, c.purpose, String(r[c.column]));
      let q = any.updateTable(c.table).set({ [c.column]: sealed });
      for (const k of c.key) q = q.where(k, '=', r[k]);
      await q.execute();
    }
  }
}

/** The stored data keys must be readable with a key we hold; otherwise a clear refusal. */
async function assertMasterKey(db: Db, keys: MasterKeys): Promise<void> {
  const heldIds = new Set([masterIdOf(keys.current), ...(keys.previous ? [masterIdOf(keys.previous)] : [])]);
  const rows = await db.selectFrom('data_keys').select(['scope', 'master_id']).execute();
  const readable = new Set(rows.filter((r) => heldIds.has(r.master_id)).map((r) => r.scope));
  const unreadable = [...new Set(rows.filter((r) => !readable.has(r.scope)).map((r) => r.scope))];
  if (unreadable.length === 0) return;
  const stored = [...new Set(rows.map((r) => r.master_id))].join(', ');
  throw new SecretKeyError(
    `the master key does not match this database: its secrets are encrypted under master key ${stored}, and the key given is ${[...heldIds].join(', ')} ` +
      `(${unreadable.length} scope(s) unreadable). Set PARLEY_SECRET_KEY to the key this database was encrypted with (or restore the key file ` +
      'secret.key from your backup of the data folder); while rotating, give the old one as PARLEY_SECRET_KEY_PREVIOUS. The server does not start with its secrets unreadable.',
  );
}

/**
 * Make every data key wrapped under the current master key (unwrapping it with the previous one
 * where needed); with `dropOthers`, delete the wrappings under any other master key. Each scope
 * in its own statement: no long lock. Returns how many scopes were re-wrapped and rows dropped.
 */
export async function rewrap(db: Db, keys: MasterKeys, now: number, opts: { dropOthers: boolean }): Promise<{ rewrapped: number; dropped: number }> {
  const currentId = masterIdOf(keys.current);
  const held = new Map<string, Buffer>([[currentId, keys.current]]);
  if (keys.previous) held.set(masterIdOf(keys.previous), keys.previous);
  await assertMasterKey(db, keys);
  const rows = await db.selectFrom('data_keys').selectAll().execute();
  const byScope = new Map<string, typeof rows>();
  for (const r of rows) byScope.set(r.scope, [...(byScope.get(r.scope) ?? []), r]);
  let rewrapped = 0;
  for (const [scope, list] of byScope) {
    if (list.some((r) => r.master_id === currentId)) continue;
    const source = list.find((r) => held.has(r.master_id));
    const master = source && held.get(source.master_id);
    if (!source || !master) continue;
    const dataKey = decrypt(master, Buffer.from(source.wrapped, 'base64'), wrapAad(scope));
    await db
      .insertInto('data_keys')
      .values({ scope, master_id: currentId, wrapped: encrypt(keys.current, dataKey, wrapAad(scope)).toString('base64'), created_at: now })
      .onConflict((oc) => oc.columns(['scope', 'master_id']).doNothing())
      .execute();
    rewrapped++;
  }
  let dropped = 0;
  if (opts.dropOthers) {
    const r = await db.deleteFrom('data_keys').where('master_id', '!=', currentId).executeTakeFirst();
    dropped = Number(r.numDeletedRows);
  }
  return { rewrapped, dropped };
}

/**
 * The master keys to open a database with: PARLEY_SECRET_KEY (and PARLEY_SECRET_KEY_PREVIOUS) when
 * given; otherwise the key file `secret.key` in the data folder (and `secret.key.previous`), created
 * once (0600) when the database holds no secrets yet. A database that holds encrypted data and no
 * key to read it with is refused by `prepareSecrets`.
 */
export function resolveMasterKeys(
  o: { secretKey?: string | undefined; secretKeyPrevious?: string | undefined; keyFile: string },
  hasDataKeys: boolean,
): MasterKeys {
  if (o.secretKey) {
    return {
      current: parseMasterKey(o.secretKey),
      ...(o.secretKeyPrevious && { previous: parseMasterKey(o.secretKeyPrevious, 'PARLEY_SECRET_KEY_PREVIOUS') }),
    };
  }
  let current = readKeyFile(o.keyFile);
  if (!current) {
    if (hasDataKeys) {
      throw new SecretKeyError(
        `the master key is missing: this database holds encrypted secrets, but PARLEY_SECRET_KEY is not set and there is no key file at ${o.keyFile}. ` +
          'Restore secret.key from your backup of the data folder (or set PARLEY_SECRET_KEY). The server does not start with its secrets unreadable.',
      );
    }
    current = newMasterKey();
    writeKeyFile(o.keyFile, current);
  }
  const previous = o.secretKeyPrevious ? parseMasterKey(o.secretKeyPrevious, 'PARLEY_SECRET_KEY_PREVIOUS') : readKeyFile(`${o.keyFile}.previous`);
  return { current, ...(previous && { previous }) };
}
