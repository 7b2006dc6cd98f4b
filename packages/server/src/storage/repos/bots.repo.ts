import type { Selectable } from 'kysely';
import type { Tx } from '../db.js';
import type { BotsTable } from '../schema.js';
import { openSecret, sealSecret } from '../secrets.js';
import { parseJson } from './json.js';

/** A bot (API.md "Bots"): where its turns go, the skills whose new conversations it takes, its reply time. */
export interface BotRecord {
  id: string;
  accountId: string;
  name: string;
  url: string;
  skillIds: string[];
  timeoutSec: number;
  /** whsec_…: signs the bot.message deliveries (sealed at rest). */
  secret: string;
  keyPrefix: string;
  createdBy: string;
  createdAt: number;
  updatedAt: number;
  /** Deleted bots stay (their name in transcripts and reports) but take and get nothing. */
  deletedAt: number | null;
}

type Row = Selectable<BotsTable>;

const SECRET = 'bots.secret';

const toRecord = async (tx: Tx, r: Row): Promise<BotRecord> => ({
  id: r.id,
  accountId: r.account_id,
  name: r.name,
  url: r.url,
  skillIds: parseJson<string[]>(r.skill_ids, []),
  timeoutSec: Number(r.timeout_sec),
  secret: await openSecret(tx, r.account_id, SECRET, r.secret),
  keyPrefix: r.key_prefix,
  createdBy: r.created_by,
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
  deletedAt: r.deleted_at === null ? null : Number(r.deleted_at),
});

const toRow = async (tx: Tx, b: BotRecord): Promise<Row> => ({
  id: b.id,
  account_id: b.accountId,
  name: b.name,
  url: b.url,
  skill_ids: JSON.stringify(b.skillIds),
  timeout_sec: b.timeoutSec,
  secret: await sealSecret(tx, b.accountId, SECRET, b.secret),
  key_prefix: b.keyPrefix,
  created_by: b.createdBy,
  created_at: b.createdAt,
  updated_at: b.updatedAt,
  deleted_at: b.deletedAt,
});

export async function insertBot(tx: Tx, b: BotRecord): Promise<void> {
  await tx
    .insertInto('bots')
    .values(await toRow(tx, b))
    .execute();
}

export async function updateBot(tx: Tx, b: BotRecord): Promise<void> {
  const { id, account_id, created_at, ...rest } = await toRow(tx, b);
  await tx.updateTable('bots').set(rest).where('id', '=', id).where('account_id', '=', account_id).execute();
}

/** A live bot (`withDeleted`: a deleted one too). */
export async function findBot(tx: Tx, accountId: string, id: string, opts: { withDeleted?: boolean } = {}): Promise<BotRecord | undefined> {
  let q = tx.selectFrom('bots').selectAll().where('account_id', '=', accountId).where('id', '=', id);
  if (!opts.withDeleted) q = q.where('deleted_at', 'is', null);
  const r = await q.executeTakeFirst();
  return r ? toRecord(tx, r) : undefined;
}

/** The account's live bots, newest first, after the keyset position `[createdAt, id]`. */
export async function listBots(tx: Tx, accountId: string, opts: { after?: [number, string] | undefined; limit: number }): Promise<BotRecord[]> {
  let q = tx.selectFrom('bots').selectAll().where('account_id', '=', accountId).where('deleted_at', 'is', null);
  if (opts.after) {
    const [at, id] = opts.after;
    q = q.where((eb) => eb.or([eb('created_at', '<', at), eb.and([eb('created_at', '=', at), eb('id', '<', id)])]));
  }
  const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(opts.limit).execute();
  return Promise.all(rows.map((r) => toRecord(tx, r)));
}

/** Every live bot of the account (a handful: read whole, the skill match is done by the caller). */
export async function listLiveBots(tx: Tx, accountId: string): Promise<BotRecord[]> {
  const rows = await tx.selectFrom('bots').selectAll().where('account_id', '=', accountId).where('deleted_at', 'is', null).orderBy('created_at').execute();
  return Promise.all(rows.map((r) => toRecord(tx, r)));
}

/** Bots' names by id, deleted ones included (transcripts, notes, reports). */
export async function botNames(tx: Tx, accountId: string, ids: readonly string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const rows = await tx
    .selectFrom('bots')
    .select(['id', 'name'])
    .where('account_id', '=', accountId)
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}
