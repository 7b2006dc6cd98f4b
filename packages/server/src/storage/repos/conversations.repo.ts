import { createHash } from 'node:crypto';
import type { Channel, ConversationState, SenderType } from '@parley/contract';
import type { QueryResult, Selectable, SelectQueryBuilder } from 'kysely';
import type { Awaiting, BotStatus, ClosedBy, Conversation, RoutingDecision } from '../../domain/conversation.js';
import type { Dialect, Tx } from '../db.js';
import { forUpdate } from '../dialects/lock.js';
import { prepared } from '../prepared.js';
import type { ConversationsTable, DB } from '../schema.js';
import { containsText } from '../text-search.js';
import { parseJson } from './json.js';

type Row = Selectable<ConversationsTable>;

export function toConversation(r: Row): Conversation {
  return {
    id: r.id,
    accountId: r.account_id,
    consumerId: r.consumer_id,
    channel: r.channel as Channel,
    channelId: r.channel_id,
    skillId: r.skill_id,
    state: r.state as ConversationState,
    agentId: r.agent_id,
    lastAgentId: r.last_agent_id,
    awaiting: r.awaiting as Awaiting,
    awaitingSince: r.awaiting_since,
    priority: r.priority,
    urgent: r.urgent === 1,
    firstTime: r.first_time === 1,
    slaDueAt: r.sla_due_at,
    manualSlaAt: r.manual_sla_at,
    actionable: r.actionable === 1,
    closedBy: r.closed_by as ClosedBy | null,
    closedById: r.closed_by_id,
    closedByName: r.closed_by_name,
    closedAt: r.closed_at,
    dismissed: r.dismissed === 1,
    createdAt: r.created_at,
    queuedAt: r.queued_at,
    assignedAt: r.assigned_at,
    lastSeq: r.last_seq,
    lastMessage:
      r.last_message_text !== null && r.last_message_at !== null
        ? {
            text: r.last_message_text,
            senderType: (r.last_message_sender ?? 'consumer') as SenderType,
            senderId: r.last_message_sender_id,
            senderName: r.last_message_sender_name,
            at: r.last_message_at,
          }
        : null,
    agentUnread: r.agent_unread,
    firstResponseAt: r.first_response_at,
    firstResponseAgentId: r.first_response_agent_id,
    routing: parseJson<RoutingDecision | null>(r.routing, null),
    targetAgentId: r.target_agent_id,
    offeredAt: r.offered_at,
    offerExcluded: parseJson<string[]>(r.offer_excluded, []),
    botId: r.bot_id,
    botStatus: r.bot_status as BotStatus | null,
    botTimeoutSec: r.bot_timeout_sec === null ? null : Number(r.bot_timeout_sec),
    updatedAt: r.updated_at,
  };
}

export function toRow(c: Conversation): Row {
  return {
    id: c.id,
    account_id: c.accountId,
    consumer_id: c.consumerId,
    channel: c.channel,
    channel_id: c.channelId,
    skill_id: c.skillId,
    state: c.state,
    agent_id: c.agentId,
    last_agent_id: c.lastAgentId,
    awaiting: c.awaiting,
    awaiting_since: c.awaitingSince,
    priority: c.priority,
    urgent: c.urgent ? 1 : 0,
    first_time: c.firstTime ? 1 : 0,
    sla_due_at: c.slaDueAt,
    manual_sla_at: c.manualSlaAt,
    actionable: c.actionable ? 1 : 0,
    closed_by: c.closedBy,
    closed_by_id: c.closedById,
    closed_by_name: c.closedByName,
    closed_at: c.closedAt,
    dismissed: c.dismissed ? 1 : 0,
    created_at: c.createdAt,
    queued_at: c.queuedAt,
    assigned_at: c.assignedAt,
    last_seq: c.lastSeq,
    last_message_text: c.lastMessage?.text ?? null,
    last_message_sender: c.lastMessage?.senderType ?? null,
    last_message_sender_id: c.lastMessage?.senderId ?? null,
    last_message_sender_name: c.lastMessage?.senderName ?? null,
    last_message_at: c.lastMessage?.at ?? null,
    agent_unread: c.agentUnread,
    first_response_at: c.firstResponseAt,
    first_response_agent_id: c.firstResponseAgentId,
    routing: c.routing ? JSON.stringify(c.routing) : null,
    routing_key: c.routing ? routingKey(c.routing) : null,
    target_agent_id: c.targetAgentId,
    offered_at: c.offeredAt,
    offer_excluded: JSON.stringify(c.offerExcluded),
    bot_id: c.botId,
    bot_status: c.botStatus,
    bot_timeout_sec: c.botTimeoutSec,
    updated_at: c.updatedAt,
  };
}

const keys = new WeakMap<RoutingDecision, string>();

/** A digest of a routing decision without its time: equal keys mean the same recorded reason. */
export function routingKey(d: RoutingDecision): string {
  let k = keys.get(d);
  if (k === undefined) {
    const parts = [d.outcome, d.rule, d.agentId, d.candidates.map((c) => [c.agentId, c.status, c.load, c.capacity, c.eligible, c.why])];
    k = createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 22);
    keys.set(d, k);
  }
  return k;
}

export async function insertConversation(tx: Tx, c: Conversation): Promise<void> {
  await tx.insertInto('conversations').values(toRow(c)).execute();
}

/**
 * Write the row; with `expectedState`, only if the stored state is still that (a guarded update).
 * Given the row as it was read (`prev`), only changed columns are written, so indexes on
 * untouched columns are left alone.
 */
export async function saveConversation(tx: Tx, c: Conversation, expectedState?: ConversationState, prev?: Conversation): Promise<boolean> {
  // The recorded routing decision is the bulky part of a row: serialised only when it changed.
  const sameRouting = prev !== undefined && prev.routing === c.routing;
  const { id, account_id, ...rest } = toRow(sameRouting ? { ...c, routing: null } : c);
  let set: Partial<typeof rest> = rest;
  if (prev) {
    const before = toRow(sameRouting ? { ...prev, routing: null } : prev) as Record<string, unknown>;
    set = Object.fromEntries(Object.entries(rest).filter(([k, v]) => before[k] !== v));
    if (Object.keys(set).length === 0) set = { updated_at: rest.updated_at };
  }
  const cols = Object.keys(set).sort() as (keyof typeof rest)[];
  const update = conversationUpdate(cols, expectedState !== undefined);
  const args: Record<string, unknown> = { account_id, id, expected_state: expectedState };
  for (const k of cols) args[k] = set[k];
  const r = await update(tx, args);
  return Number(r.numAffectedRows) === 1;
}

type Update = (tx: Tx, args: Record<string, unknown>) => Promise<QueryResult<unknown>>;
const updates = new Map<string, Update>();

/** A prepared UPDATE of these columns (optionally guarded by the stored state); one per column set. */
function conversationUpdate(cols: string[], guarded: boolean): Update {
  const key = `${guarded ? 'g' : ''}:${cols.join(',')}`;
  let u = updates.get(key);
  if (!u) {
    u = prepared((db, p: Record<string, unknown>) => {
      let q = db
        .updateTable('conversations')
        .set(Object.fromEntries(cols.map((c) => [c, p[c]])))
        .where('account_id', '=', p.account_id as string)
        .where('id', '=', p.id as string);
      if (guarded) q = q.where('state', '=', p.expected_state as string);
      return q;
    });
    if (updates.size < 500) updates.set(key, u);
  }
  return u;
}

export async function findConversation(tx: Tx, accountId: string, id: string): Promise<Conversation | undefined> {
  const r = (await byId(tx, { accountId, id })).rows[0];
  return r ? toConversation(r) : undefined;
}

/** Every conversation column but `routing` (the recorded reason can be large — tens of kB with many agents; `routing_key` stands for it). */
const LIGHT_COLUMNS = [
  'id',
  'account_id',
  'consumer_id',
  'channel',
  'channel_id',
  'skill_id',
  'state',
  'agent_id',
  'last_agent_id',
  'awaiting',
  'awaiting_since',
  'priority',
  'urgent',
  'first_time',
  'sla_due_at',
  'manual_sla_at',
  'actionable',
  'closed_by',
  'closed_by_id',
  'closed_by_name',
  'closed_at',
  'dismissed',
  'created_at',
  'queued_at',
  'assigned_at',
  'last_seq',
  'last_message_text',
  'last_message_sender',
  'last_message_sender_id',
  'last_message_sender_name',
  'last_message_at',
  'agent_unread',
  'first_response_at',
  'first_response_agent_id',
  'routing_key',
  'target_agent_id',
  'offered_at',
  'offer_excluded',
  'updated_at',
  'bot_id',
  'bot_status',
  'bot_timeout_sec',
] as const satisfies readonly (keyof Row)[];

type ById = { accountId: string; id: string };
/** One conversation by id: all columns or all but `routing`; with `FOR UPDATE` for PostgreSQL's row lock. */
const whereId = <Q extends SelectQueryBuilder<DB, 'conversations', object>>(q: Q, p: ById) =>
  q.where('account_id', '=', p.accountId).where('id', '=', p.id) as Q;
const byId = prepared((db, p: ById) => whereId(db.selectFrom('conversations').selectAll(), p));
const byIdForUpdate = prepared((db, p: ById) => whereId(db.selectFrom('conversations').selectAll(), p).forUpdate());
const lightById = prepared((db, p: ById) => whereId(db.selectFrom('conversations').select(LIGHT_COLUMNS), p));
const lightByIdForUpdate = prepared((db, p: ById) => whereId(db.selectFrom('conversations').select(LIGHT_COLUMNS), p).forUpdate());

/**
 * `lockConversation` without the recorded routing decision (its `routing` is null): for changes
 * that never touch it, such as a new message. Saving the result leaves the stored decision as is.
 */
export async function lockConversationLight(tx: Tx, dialect: Dialect, accountId: string, id: string): Promise<Conversation | undefined> {
  const r = (await (dialect === 'postgres' ? lightByIdForUpdate : lightById)(tx, { accountId, id })).rows[0];
  return r ? toConversation({ ...r, routing: null }) : undefined;
}

/** Read a conversation for change: row-locked on PostgreSQL until the transaction ends. */
export async function lockConversation(tx: Tx, dialect: Dialect, accountId: string, id: string): Promise<Conversation | undefined> {
  // SQLite has one writer at a time (the whole transaction is serialised): no row lock there.
  const r = (await (dialect === 'postgres' ? byIdForUpdate : byId)(tx, { accountId, id })).rows[0];
  return r ? toConversation(r) : undefined;
}

/** The conversations a bot has now (open with it, no agent). */
export async function listConversationIdsWithBot(tx: Tx, accountId: string, botId: string): Promise<string[]> {
  const rows = await tx
    .selectFrom('conversations')
    .select('id')
    .where('account_id', '=', accountId)
    .where('bot_id', '=', botId)
    .where('bot_status', '=', 'handling')
    .where('state', '=', 'open')
    .where('agent_id', 'is', null)
    .execute();
  return rows.map((r) => r.id);
}

/** The ids of an agent's conversations in `state` (ringing to them, or open with them), oldest first. */
export async function listConversationIdsOfAgent(tx: Tx, accountId: string, agentId: string, state: 'ringing' | 'open'): Promise<string[]> {
  const rows = await tx
    .selectFrom('conversations')
    .select('id')
    .where('account_id', '=', accountId)
    .where('agent_id', '=', agentId)
    .where('state', '=', state)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => r.id);
}

export async function findOpenConversationOfConsumer(tx: Tx, accountId: string, consumerId: string): Promise<Conversation | undefined> {
  const r = await tx
    .selectFrom('conversations')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('consumer_id', '=', consumerId)
    .where('state', '!=', 'closed')
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
  return r ? toConversation(r) : undefined;
}

/**
 * One batch of a sweep over the account's conversations that are not closed (of one skill when
 * `skillId` is given): up to `limit` ids in id order after `after`.
 */
export async function listUnclosedConversationIds(
  tx: Tx,
  accountId: string,
  o: { skillId: string | null; after: string | null; limit: number },
): Promise<string[]> {
  let q = tx.selectFrom('conversations').select('id').where('account_id', '=', accountId).where('state', 'in', ['queued', 'ringing', 'open']);
  if (o.skillId !== null) q = q.where('skill_id', '=', o.skillId);
  if (o.after !== null) q = q.where('id', '>', o.after);
  return (await q.orderBy('id').limit(o.limit).execute()).map((r) => r.id);
}

/** The consumer's most recent conversation, open or closed. */
export async function findLatestConversationOfConsumer(tx: Tx, accountId: string, consumerId: string): Promise<Conversation | undefined> {
  const r = await tx
    .selectFrom('conversations')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('consumer_id', '=', consumerId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  return r ? toConversation(r) : undefined;
}

export async function countConsumerConversations(tx: Tx, accountId: string, consumerId: string): Promise<number> {
  const r = await tx
    .selectFrom('conversations')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('account_id', '=', accountId)
    .where('consumer_id', '=', consumerId)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Earlier conversations of the same consumer, oldest first, within the history window. */
export async function listPreviousConversations(tx: Tx, c: Conversation, since: number): Promise<Conversation[]> {
  const rows = await tx
    .selectFrom('conversations')
    .selectAll()
    .where('account_id', '=', c.accountId)
    .where('consumer_id', '=', c.consumerId)
    .where((eb) => eb.or([eb('created_at', '<', c.createdAt), eb.and([eb('created_at', '=', c.createdAt), eb('id', '<', c.id)])]))
    .where('created_at', '>=', since)
    .orderBy('created_at', 'asc')
    .orderBy('id', 'asc')
    .execute();
  return rows.map(toConversation);
}

/** Conversations in an agent's Active list: assigned or ringing to them, and closed ones they handled, not dismissed. */
export async function listActiveForAgent(
  tx: Tx,
  accountId: string,
  agentId: string,
  closedSince: number,
): Promise<{ conversation: Conversation; consumerName: string }[]> {
  // Two index-backed queries (conversations_agent, conversations_last_agent) rather than one OR.
  const base = () =>
    tx
      .selectFrom('conversations')
      .innerJoin('consumers', 'consumers.id', 'conversations.consumer_id')
      .selectAll('conversations')
      .select('consumers.name as consumer_name')
      .where('conversations.account_id', '=', accountId);
  const working = await base().where('conversations.agent_id', '=', agentId).where('conversations.state', 'in', ['open', 'ringing']).execute();
  const closed = await base()
    .where('conversations.last_agent_id', '=', agentId)
    .where('conversations.closed_at', '>', closedSince)
    .where('conversations.state', '=', 'closed')
    .where('conversations.dismissed', '=', 0)
    .execute();
  return [...working, ...closed].map((r) => ({ conversation: toConversation(r), consumerName: r.consumer_name }));
}

/** Where a page of the queue ended: the next page starts after this conversation in queue order. */
export interface QueueCursor {
  priority: number;
  queuedAt: number;
  id: string;
}

/**
 * One page of the account's queued conversations in queue order: priority (higher first), then
 * waiting time, then id; after `cursor` when given. The recorded routing reason is not read (its
 * `routing` is null here): `routingKey` is its digest. Locked (FOR UPDATE on PostgreSQL): routing
 * writes these rows back, so a message committed between this read and that write would otherwise
 * be overwritten (stale last_seq → duplicate seq).
 */
export async function listQueued(
  tx: Tx,
  dialect: Dialect,
  accountId: string,
  limit: number,
  cursor?: QueueCursor,
): Promise<{ conversation: Conversation; routingKey: string | null }[]> {
  let q = tx
    .selectFrom('conversations')
    .select(LIGHT_COLUMNS)
    .where('account_id', '=', accountId)
    .where('state', '=', 'queued')
    .orderBy('priority', 'desc')
    .orderBy('queued_at', 'asc')
    .orderBy('id', 'asc')
    .limit(limit);
  if (cursor) {
    const { priority, queuedAt, id } = cursor;
    q = q.where((eb) =>
      eb.or([
        eb('priority', '<', priority),
        eb.and([eb('priority', '=', priority), eb('queued_at', '>', queuedAt)]),
        eb.and([eb('priority', '=', priority), eb('queued_at', '=', queuedAt), eb('id', '>', id)]),
      ]),
    );
  }
  const rows = await forUpdate(q, dialect).execute();
  return rows.map((r) => ({ conversation: toConversation({ ...r, routing: null }), routingKey: r.routing_key }));
}

/** Place in its skill's queue (1-based) for a queued conversation. */
export async function queuePosition(tx: Tx, c: Conversation): Promise<number> {
  let q = tx
    .selectFrom('conversations')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('account_id', '=', c.accountId)
    .where('state', '=', 'queued')
    .where((eb) =>
      eb.or([
        eb('priority', '>', c.priority),
        eb.and([eb('priority', '=', c.priority), eb('queued_at', '<', c.queuedAt ?? 0)]),
        eb.and([eb('priority', '=', c.priority), eb('queued_at', '=', c.queuedAt ?? 0), eb('id', '<', c.id)]),
      ]),
    );
  q = c.skillId === null ? q.where('skill_id', 'is', null) : q.where('skill_id', '=', c.skillId);
  const r = await q.executeTakeFirstOrThrow();
  return Number(r.n) + 1;
}

/**
 * Per agent, the open and ringing conversations (`count`) and how many of them are idle: awaiting
 * the consumer since before `idleBefore` with no manual SLA (`idle`), for load computation.
 */
export async function listAgentWork(tx: Tx, accountId: string, agentIds: string[], idleBefore: number): Promise<Map<string, { count: number; idle: number }>> {
  const work = new Map<string, { count: number; idle: number }>();
  if (!agentIds.length) return work;
  const rows = await tx
    .selectFrom('conversations')
    .select((eb) => [
      'agent_id',
      eb.fn.countAll<number>().as('n'),
      eb.fn
        .sum<number>(
          eb
            .case()
            .when(eb.and([eb('awaiting', '=', 'consumer'), eb('manual_sla_at', 'is', null), eb('awaiting_since', '<=', idleBefore)]))
            .then(1)
            .else(0)
            .end(),
        )
        .as('idle'),
    ])
    .where('account_id', '=', accountId)
    .where('agent_id', 'in', agentIds)
    .where('state', 'in', ['open', 'ringing'])
    .groupBy('agent_id')
    .execute();
  for (const r of rows) if (r.agent_id !== null) work.set(r.agent_id, { count: Number(r.n), idle: Number(r.idle ?? 0) });
  return work;
}

export interface ConversationListFilter {
  accountId: string;
  from: number;
  to: number;
  /** Restrict to these skills, plus conversations the user handled; null = everything (managers). */
  skillIds: string[] | null;
  userId: string;
  q?: string | undefined;
  /** Supervision filters: the states (any of), the agent who has it (or last had it, once closed), the skill, a label. */
  state?: readonly ConversationState[] | undefined;
  agentId?: string | undefined;
  skillId?: string | undefined;
  labelId?: string | undefined;
  cursor?: { createdAt: number; id: string } | undefined;
  limit: number;
}

/** The All tab: newest first, keyset-paginated on (created_at, id). */
export async function listConversations(tx: Tx, f: ConversationListFilter): Promise<{ conversation: Conversation; consumerName: string }[]> {
  let q = tx
    .selectFrom('conversations')
    .innerJoin('consumers', 'consumers.id', 'conversations.consumer_id')
    .selectAll('conversations')
    .select('consumers.name as consumer_name')
    .where('conversations.account_id', '=', f.accountId)
    .where('conversations.created_at', '>=', f.from)
    .where('conversations.created_at', '<', f.to);
  if (f.skillIds !== null) {
    const skills = f.skillIds;
    q = q.where((eb) =>
      eb.or([
        ...(skills.length ? [eb('conversations.skill_id', 'in', skills)] : []),
        eb('conversations.agent_id', '=', f.userId),
        eb('conversations.last_agent_id', '=', f.userId),
      ]),
    );
  }
  if (f.q?.trim()) q = q.where((eb) => containsText(eb, ['consumers.name', 'conversations.last_message_text'], f.q) ?? eb.val(true));
  if (f.state?.length) q = q.where('conversations.state', 'in', f.state);
  if (f.skillId) q = q.where('conversations.skill_id', '=', f.skillId);
  const agentId = f.agentId;
  if (agentId) {
    q = q.where((eb) =>
      eb.or([eb('conversations.agent_id', '=', agentId), eb.and([eb('conversations.state', '=', 'closed'), eb('conversations.last_agent_id', '=', agentId)])]),
    );
  }
  const labelId = f.labelId;
  if (labelId) {
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('conversation_labels')
          .select('conversation_labels.label_id')
          .whereRef('conversation_labels.conversation_id', '=', 'conversations.id')
          .where('conversation_labels.label_id', '=', labelId),
      ),
    );
  }
  if (f.cursor) {
    const { createdAt, id } = f.cursor;
    // The plain bound makes the index range start at the cursor (the OR alone is only a filter,
    // which would read every newer conversation again on each page).
    q = q
      .where('conversations.created_at', '<=', createdAt)
      .where((eb) =>
        eb.or([eb('conversations.created_at', '<', createdAt), eb.and([eb('conversations.created_at', '=', createdAt), eb('conversations.id', '<', id)])]),
      );
  }
  const rows = await q.orderBy('conversations.created_at', 'desc').orderBy('conversations.id', 'desc').limit(f.limit).execute();
  return rows.map((r) => ({ conversation: toConversation(r), consumerName: r.consumer_name }));
}
