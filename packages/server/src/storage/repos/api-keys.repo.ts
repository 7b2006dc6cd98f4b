import type { Tx } from '../db.js';
import { parseJson } from './json.js';

export interface ApiKeyRecord {
  id: string;
  accountId: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdBy: string;
  createdAt: number;
  revokedAt: number | null;
  /** A bot's own key (it acts as that bot); null for the keys of the API keys screen. */
  botId: string | null;
}

type Row = {
  id: string;
  account_id: string;
  name: string;
  prefix: string;
  scopes: string;
  created_by: string;
  created_at: number;
  revoked_at: number | null;
  bot_id: string | null;
};

const toRecord = (r: Row): ApiKeyRecord => ({
  id: r.id,
  accountId: r.account_id,
  name: r.name,
  prefix: r.prefix,
  scopes: parseJson<string[]>(r.scopes, []),
  createdBy: r.created_by,
  createdAt: r.created_at,
  revokedAt: r.revoked_at,
  botId: r.bot_id,
});

const COLUMNS = ['id', 'account_id', 'name', 'prefix', 'scopes', 'created_by', 'created_at', 'revoked_at', 'bot_id'] as const;

export async function insertApiKey(tx: Tx, k: Omit<ApiKeyRecord, 'revokedAt' | 'botId'> & { keyHash: string; botId?: string | null }): Promise<void> {
  await tx
    .insertInto('api_keys')
    .values({
      id: k.id,
      account_id: k.accountId,
      name: k.name,
      prefix: k.prefix,
      key_hash: k.keyHash,
      scopes: JSON.stringify(k.scopes),
      created_by: k.createdBy,
      created_at: k.createdAt,
      revoked_at: null,
      bot_id: k.botId ?? null,
    })
    .execute();
}

/** A live (not revoked) key by its hash. */
export async function findLiveApiKeyByHash(tx: Tx, hash: string): Promise<ApiKeyRecord | undefined> {
  const r = await tx.selectFrom('api_keys').select(COLUMNS).where('key_hash', '=', hash).where('revoked_at', 'is', null).executeTakeFirst();
  return r ? toRecord(r) : undefined;
}

/** A key of the API keys screen (a bot's key is the bot's: managed with the bot, not here). */
export async function findApiKey(tx: Tx, accountId: string, id: string): Promise<ApiKeyRecord | undefined> {
  const r = await tx
    .selectFrom('api_keys')
    .select(COLUMNS)
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .where('bot_id', 'is', null)
    .executeTakeFirst();
  return r ? toRecord(r) : undefined;
}

/** The account's keys, newest first, after the keyset position `[createdAt, id]`. */
export async function listApiKeys(tx: Tx, accountId: string, opts: { after?: [number, string] | undefined; limit: number }): Promise<ApiKeyRecord[]> {
  let q = tx.selectFrom('api_keys').select(COLUMNS).where('account_id', '=', accountId).where('bot_id', 'is', null);
  if (opts.after) {
    const [at, id] = opts.after;
    q = q.where((eb) => eb.or([eb('created_at', '<', at), eb.and([eb('created_at', '=', at), eb('id', '<', id)])]));
  }
  const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(opts.limit).execute();
  return rows.map(toRecord);
}

export async function revokeApiKey(tx: Tx, accountId: string, id: string, now: number): Promise<boolean> {
  const r = await tx
    .updateTable('api_keys')
    .set({ revoked_at: now })
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Revoke a bot's key (the bot was deleted). */
export async function revokeBotKeys(tx: Tx, accountId: string, botId: string, now: number): Promise<void> {
  await tx
    .updateTable('api_keys')
    .set({ revoked_at: now })
    .where('account_id', '=', accountId)
    .where('bot_id', '=', botId)
    .where('revoked_at', 'is', null)
    .execute();
}
