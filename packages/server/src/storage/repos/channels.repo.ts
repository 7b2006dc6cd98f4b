import type { ChannelType } from '@parley/contract';
import type { Selectable } from 'kysely';
import type { Dialect, Tx } from '../db.js';
import { forUpdate } from '../dialects/lock.js';
import { afterPosition } from '../keyset.js';
import type { ChannelsTable } from '../schema.js';
import { openSecret, sealSecret } from '../secrets.js';
import { parseJson } from './json.js';

export interface ChannelRecord {
  id: string;
  accountId: string;
  type: ChannelType;
  name: string;
  skillId: string | null;
  secret: string;
  outboundUrl: string | null;
  providerBaseUrl: string | null;
  credentials: Record<string, string>;
  address: string | null;
  createdAt: number;
  updatedAt: number;
}

/** A row as stored; the shape is defined once, in storage/schema.ts. */
type Row = Selectable<ChannelsTable>;

// Secrets at rest: the channel secret and the credentials (as one JSON text) are sealed under the account's data key.
const SECRET = 'channels.secret';
const CREDENTIALS = 'channels.credentials';

const toChannel = async (tx: Tx, r: Row): Promise<ChannelRecord> => ({
  id: r.id,
  accountId: r.account_id,
  type: r.type as ChannelType,
  name: r.name,
  skillId: r.skill_id,
  secret: await openSecret(tx, r.account_id, SECRET, r.secret),
  outboundUrl: r.outbound_url,
  providerBaseUrl: r.provider_base_url,
  credentials: parseJson(await openSecret(tx, r.account_id, CREDENTIALS, r.credentials), {}),
  address: r.address,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const toRow = async (tx: Tx, c: ChannelRecord): Promise<Row> => ({
  id: c.id,
  account_id: c.accountId,
  type: c.type,
  name: c.name,
  skill_id: c.skillId,
  secret: await sealSecret(tx, c.accountId, SECRET, c.secret),
  outbound_url: c.outboundUrl,
  provider_base_url: c.providerBaseUrl,
  credentials: await sealSecret(tx, c.accountId, CREDENTIALS, JSON.stringify(c.credentials)),
  address: c.address,
  created_at: c.createdAt,
  updated_at: c.updatedAt,
});

export async function insertChannel(tx: Tx, c: ChannelRecord): Promise<void> {
  await tx
    .insertInto('channels')
    .values(await toRow(tx, c))
    .execute();
}

export async function saveChannel(tx: Tx, c: ChannelRecord): Promise<void> {
  const { id, account_id, ...rest } = await toRow(tx, c);
  await tx.updateTable('channels').set(rest).where('account_id', '=', account_id).where('id', '=', id).execute();
}

/** By id alone: the inbound webhook knows only the channel (its signature proves the caller). */
export async function findChannelById(tx: Tx, id: string): Promise<ChannelRecord | undefined> {
  const r = await tx.selectFrom('channels').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? toChannel(tx, r) : undefined;
}

export async function findChannel(tx: Tx, accountId: string, id: string): Promise<ChannelRecord | undefined> {
  const r = await tx.selectFrom('channels').selectAll().where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
  return r ? toChannel(tx, r) : undefined;
}

/** Serialises inbound handling per channel on PostgreSQL (find-or-create of consumers and conversations). */
export async function lockChannel(tx: Tx, dialect: Dialect, id: string): Promise<ChannelRecord | undefined> {
  const r = await forUpdate(tx.selectFrom('channels').selectAll().where('id', '=', id), dialect).executeTakeFirst();
  return r ? toChannel(tx, r) : undefined;
}

/** The channels of an account, oldest first; with `page`, up to `limit` of them after the position `[createdAt, id]`. */
export async function listChannels(
  tx: Tx,
  accountId: string,
  page?: { after?: readonly [number, string] | undefined; limit: number },
): Promise<ChannelRecord[]> {
  let q = tx.selectFrom('channels').selectAll().where('account_id', '=', accountId);
  const after = page?.after;
  if (after) {
    q = q.where((eb) =>
      afterPosition(eb, [
        { column: 'created_at', direction: 'asc', value: after[0] },
        { column: 'id', direction: 'asc', value: after[1] },
      ]),
    );
  }
  const rows = await q
    .orderBy('created_at')
    .orderBy('id')
    .$if(page !== undefined, (qb) => qb.limit(page?.limit ?? 0))
    .execute();
  return Promise.all(rows.map((r) => toChannel(tx, r)));
}

/**
 * Record a provider event id; false when it was recorded before (a repeat). On PostgreSQL a
 * concurrent insert of the same id waits for the other transaction, so exactly one of them wins.
 */
export async function recordChannelEvent(tx: Tx, e: { channelId: string; eventId: string; accountId: string; at: number }): Promise<boolean> {
  const rows = await tx
    .insertInto('channel_events')
    .values({ channel_id: e.channelId, event_id: e.eventId, account_id: e.accountId, created_at: e.at })
    .onConflict((oc) => oc.columns(['channel_id', 'event_id']).doNothing())
    .returning('event_id')
    .execute();
  return rows.length === 1;
}

/** True when the provider event id was stored before (a cheap look before fetching a repeat's media; recordChannelEvent decides). */
export async function hasChannelEvent(tx: Tx, channelId: string, eventId: string): Promise<boolean> {
  const r = await tx.selectFrom('channel_events').select('event_id').where('channel_id', '=', channelId).where('event_id', '=', eventId).executeTakeFirst();
  return r !== undefined;
}
