import type { Channel } from '@parley/contract';
import type { Selectable } from 'kysely';
import type { Conversation } from '../../domain/conversation.js';
import type { Tx } from '../db.js';
import { prepared } from '../prepared.js';
import type { ConsumersTable } from '../schema.js';
import { toConversation } from './conversations.repo.js';
import { parseJson } from './json.js';

export type CustomVariables = Record<string, string | number | boolean>;

export interface ConsumerRecord {
  id: string;
  accountId: string;
  channel: Channel;
  channelId: string | null;
  externalId: string | null;
  name: string;
  customVariables: CustomVariables;
  lastAgentId: string | null;
  createdAt: number;
}

/** A row as stored; the shape is defined once, in storage/schema.ts. */
type Row = Selectable<ConsumersTable>;

const toConsumer = (r: Row): ConsumerRecord => ({
  id: r.id,
  accountId: r.account_id,
  channel: r.channel as Channel,
  channelId: r.channel_id,
  externalId: r.external_id,
  name: r.name,
  customVariables: parseJson(r.custom_variables, {}),
  lastAgentId: r.last_agent_id,
  createdAt: r.created_at,
});

export async function insertConsumer(tx: Tx, c: ConsumerRecord): Promise<void> {
  await tx
    .insertInto('consumers')
    .values({
      id: c.id,
      account_id: c.accountId,
      channel: c.channel,
      channel_id: c.channelId,
      external_id: c.externalId,
      name: c.name,
      custom_variables: JSON.stringify(c.customVariables),
      last_agent_id: c.lastAgentId,
      created_at: c.createdAt,
      erased_at: null,
    })
    .execute();
}

const consumerById = prepared((db, p: { accountId: string; id: string }) =>
  db.selectFrom('consumers').selectAll().where('account_id', '=', p.accountId).where('id', '=', p.id),
);

export async function findConsumer(tx: Tx, accountId: string, id: string): Promise<ConsumerRecord | undefined> {
  const r = (await consumerById(tx, { accountId, id })).rows[0];
  return r ? toConsumer(r) : undefined;
}

export async function findConsumerByExternalId(
  tx: Tx,
  accountId: string,
  channel: Channel,
  channelId: string | null,
  externalId: string,
): Promise<ConsumerRecord | undefined> {
  let q = tx.selectFrom('consumers').selectAll().where('account_id', '=', accountId).where('channel', '=', channel).where('external_id', '=', externalId);
  q = channelId === null ? q.where('channel_id', 'is', null) : q.where('channel_id', '=', channelId);
  const r = await q.executeTakeFirst();
  return r ? toConsumer(r) : undefined;
}

export async function updateConsumer(tx: Tx, c: ConsumerRecord): Promise<void> {
  await tx
    .updateTable('consumers')
    .set({ name: c.name, custom_variables: JSON.stringify(c.customVariables), last_agent_id: c.lastAgentId })
    .where('account_id', '=', c.accountId)
    .where('id', '=', c.id)
    .execute();
}

/** The language the consumer's widget speaks (null: none given, the account's default applies). */
export async function setConsumerLanguage(tx: Tx, accountId: string, consumerId: string, language: string | null): Promise<void> {
  await tx.updateTable('consumers').set({ language }).where('account_id', '=', accountId).where('id', '=', consumerId).execute();
}

export async function findConsumerLanguage(tx: Tx, accountId: string, consumerId: string): Promise<string | null> {
  const row = await tx.selectFrom('consumers').select('language').where('account_id', '=', accountId).where('id', '=', consumerId).executeTakeFirst();
  return row?.language ?? null;
}

export async function setConsumerLastAgent(tx: Tx, accountId: string, consumerId: string, agentId: string): Promise<void> {
  await tx.updateTable('consumers').set({ last_agent_id: agentId }).where('account_id', '=', accountId).where('id', '=', consumerId).execute();
}

/** A consumer's conversations created since `since`, newest first (at most `limit`). */
export async function listConversationsOfConsumer(tx: Tx, accountId: string, consumerId: string, since: number, limit: number): Promise<Conversation[]> {
  const rows = await tx
    .selectFrom('conversations')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('consumer_id', '=', consumerId)
    .where('created_at', '>=', since)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map(toConversation);
}
