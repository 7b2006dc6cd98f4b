import { type ConsumerConversation, cleanDisplayName, MAX_CUSTOM_VARIABLES, type Message } from '@parley/contract';
import { errors as joseErrors, jwtVerify } from 'jose';
import { toConsumerView } from '../domain/conversation.js';
import { DomainError, invalid, notFound } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import type { Tx } from '../storage/db.js';
import { type Account, findAccount } from '../storage/repos/accounts.repo.js';
import {
  type ConsumerRecord,
  type CustomVariables,
  findConsumerByExternalId,
  insertConsumer,
  listConversationsOfConsumer,
  setConsumerLanguage,
  updateConsumer,
} from '../storage/repos/consumers.repo.js';
import { listMessages, toWireMessage } from '../storage/repos/messages.repo.js';
import { insertConsumerSession } from '../storage/repos/tokens.repo.js';
import { findUser } from '../storage/repos/users.repo.js';
import type { Deps } from './context.js';
import { withSenderNames } from './message-wire.js';
import type { ConsumerPrincipal } from './principal.js';
import { hashToken, newToken } from './tokens.js';

export const CONSUMER_TOKEN_TTL_MS = 90 * 24 * 3600_000;
const DAY = 24 * 3600_000;

/** What a brand-signed identity token says about its consumer. */
export interface VerifiedIdentity {
  externalId: string;
  name: string | undefined;
}

/**
 * Verifies a brand-signed identity token: an HS256 JWT whose key is the account's identity
 * secret (its UTF-8 bytes, as most JWT libraries use a string secret). `sub` is the brand's own
 * id for the person; `name` is optional; `exp`/`nbf` are checked when present. Anything else
 * (bad signature, other algorithm, expired, no `sub`) → 401.
 */
export async function verifyIdentityToken(account: Account, token: string, now: number): Promise<VerifiedIdentity> {
  try {
    const { payload } = await jwtVerify(token, new TextEncoder().encode(account.identitySecret), {
      algorithms: ['HS256'],
      currentDate: new Date(now),
      clockTolerance: 30,
    });
    const sub = payload.sub;
    if (typeof sub !== 'string' || sub.length === 0 || sub.length > 200) throw new DomainError('unauthorized', 'identity token: sub is required');
    // The same rule as every display name: one line, no bidi control or zero-width characters.
    const cleaned = typeof payload.name === 'string' ? cleanDisplayName(payload.name).slice(0, 120).trim() : '';
    const name = cleaned || undefined;
    return { externalId: sub, name };
  } catch (err) {
    if (err instanceof DomainError) throw err;
    const detail = err instanceof joseErrors.JWTExpired ? 'identity token expired' : 'identity token is not valid for this account';
    throw new DomainError('unauthorized', detail);
  }
}

/**
 * A web consumer session and a bearer token for the consumer API. Without an identity token each
 * session is a new anonymous consumer; with one, the consumer is found (or made) by the token's
 * `sub`, so the same person gets the same consumer, and their history, on every device.
 */
export async function createConsumerSession(
  deps: Deps,
  input: {
    accountId: string;
    channelId?: string | undefined;
    name?: string | undefined;
    identityToken?: string | undefined;
    customVariables?: CustomVariables | undefined;
    language?: string | undefined;
  },
): Promise<{ consumerToken: string; consumerId: string }> {
  if (input.channelId) throw invalid('channelId: no such web channel', 'channelId');
  const now = deps.clock.now();
  const consumerToken = newToken('cst');
  const consumerId = await deps.db.transaction(async (tx) => {
    const account = await findAccount(tx, input.accountId);
    if (!account) throw notFound('account');
    const identity = input.identityToken ? await verifyIdentityToken(account, input.identityToken, now) : undefined;
    const consumer = identity ? await identifiedConsumer(tx, account, identity, input, now) : await anonymousConsumer(tx, account, input, now);
    // The widget's language: automatic messages and surveys come in it (a new session may bring another).
    if (input.language) await setConsumerLanguage(tx, input.accountId, consumer.id, input.language);
    await insertConsumerSession(tx, {
      hash: hashToken(consumerToken),
      accountId: input.accountId,
      consumerId: consumer.id,
      createdAt: now,
      expiresAt: now + CONSUMER_TOKEN_TTL_MS,
    });
    return consumer.id;
  });
  return { consumerToken, consumerId };
}

async function anonymousConsumer(
  tx: Tx,
  account: Account,
  input: { name?: string | undefined; customVariables?: CustomVariables | undefined },
  now: number,
): Promise<ConsumerRecord> {
  const c: ConsumerRecord = {
    id: newId(),
    accountId: account.id,
    channel: 'web',
    channelId: null,
    externalId: null,
    name: input.name ?? 'Visitor',
    customVariables: input.customVariables ?? {},
    lastAgentId: null,
    createdAt: now,
  };
  await insertConsumer(tx, c);
  return c;
}

/** Find-or-create by (account, web, sub); the token's `name` (else the given one) and new custom variables update it. */
async function identifiedConsumer(
  tx: Tx,
  account: Account,
  identity: VerifiedIdentity,
  input: { name?: string | undefined; customVariables?: CustomVariables | undefined },
  now: number,
): Promise<ConsumerRecord> {
  const name = identity.name ?? input.name;
  const existing = await findConsumerByExternalId(tx, account.id, 'web', null, identity.externalId);
  if (existing) {
    const customVariables = { ...existing.customVariables, ...input.customVariables };
    // The limit holds for what is stored, not only for one request: sessions cannot add up past it
    // (a consumer stored with more before the limit existed may still sign in, without adding keys).
    const added = Object.keys(input.customVariables ?? {}).filter((k) => !Object.hasOwn(existing.customVariables, k));
    if (added.length > 0 && Object.keys(customVariables).length > MAX_CUSTOM_VARIABLES) {
      throw invalid(
        `at most ${MAX_CUSTOM_VARIABLES} custom variables (this consumer already has ${Object.keys(existing.customVariables).length})`,
        'body.customVariables',
      );
    }
    const next = { ...existing, name: name ?? existing.name, customVariables };
    if (next.name !== existing.name || JSON.stringify(next.customVariables) !== JSON.stringify(existing.customVariables)) await updateConsumer(tx, next);
    return next;
  }
  const c: ConsumerRecord = {
    id: newId(),
    accountId: account.id,
    channel: 'web',
    channelId: null,
    externalId: identity.externalId,
    name: name ?? 'Visitor',
    customVariables: input.customVariables ?? {},
    lastAgentId: null,
    createdAt: now,
  };
  await insertConsumer(tx, c);
  return c;
}

export interface ConsumerHistory {
  /** Oldest first; the last one may still be open. */
  conversations: ConsumerConversation[];
  messages: Message[];
}

/** The consumer's own conversations (the newest `limit`, within the account's history window) with their messages. */
export async function consumerHistory(deps: Deps, p: ConsumerPrincipal, limit: number): Promise<ConsumerHistory> {
  const tx = deps.db.kysely;
  const account = await findAccount(tx, p.accountId);
  if (!account) throw notFound('account');
  const since = deps.clock.now() - account.settings.historyMonths * 31 * DAY;
  const conversations = (await listConversationsOfConsumer(tx, p.accountId, p.consumerId, since, limit)).reverse();
  const agents = new Map<string, { id: string; displayName: string } | null>();
  const views: ConsumerConversation[] = [];
  for (const c of conversations) {
    let agent: { id: string; displayName: string } | null = null;
    const agentId = c.state === 'open' ? c.agentId : c.state === 'closed' ? c.lastAgentId : null;
    if (agentId) {
      if (!agents.has(agentId)) {
        const u = await findUser(tx, p.accountId, agentId);
        agents.set(agentId, u ? { id: u.id, displayName: u.displayName } : null);
      }
      agent = agents.get(agentId) ?? null;
    }
    views.push(toConsumerView(c, agent));
  }
  const order = new Map(conversations.map((c, i) => [c.id, i]));
  const messages = await listMessages(
    tx,
    p.accountId,
    conversations.map((c) => c.id),
  );
  messages.sort((a, b) => (order.get(a.conversationId) ?? 0) - (order.get(b.conversationId) ?? 0) || a.seq - b.seq);
  return { conversations: views, messages: await withSenderNames(tx, p.accountId, messages.map(toWireMessage)) };
}
