import type { ActiveItem, ConsumerConversation } from '@parley/contract';
import { type ClosedBy, type Conversation, rowEvent, slaClockAtTransfer, toActiveItem, toConsumerView, unreadForNextAgent } from '../domain/conversation.js';
import { conflict, DomainError, invalid, notFound } from '../domain/errors.js';
import { effectiveSla, slaTargetSec } from '../domain/sla.js';
import type { Tx } from '../storage/db.js';
import { type Account, findAccount } from '../storage/repos/accounts.repo.js';
import { findConsumer, setConsumerLastAgent } from '../storage/repos/consumers.repo.js';
import { findOpenConversationOfConsumer, lockConversation } from '../storage/repos/conversations.repo.js';
import { countUnanswered } from '../storage/repos/messages.repo.js';
import { findSkill } from '../storage/repos/skills.repo.js';
import { findUser } from '../storage/repos/users.repo.js';
import { assertCanAct, assertCanRead } from './access.js';
import { offerSurveyOnChannelIn } from './channel-surveys.service.js';
import { type Deps, emit, inTransaction, type Outbox } from './context.js';
import { persist, settingsFor } from './conversation-timers.js';
import { queueCrmSyncIn } from './crm-sync.service.js';
import type { ConsumerPrincipal, UserPrincipal } from './principal.js';
import { announceAssignment } from './routing.service.js';
import { requestSurveyIn, withdrawSurveyIn } from './surveys.service.js';

async function accountOf(tx: Tx, id: string): Promise<Account> {
  const a = await findAccount(tx, id);
  if (!a) throw notFound('account');
  return a;
}

async function consumerName(tx: Tx, c: Conversation): Promise<string> {
  return (await findConsumer(tx, c.accountId, c.consumerId))?.name ?? 'Visitor';
}

async function userSkills(tx: Tx, p: UserPrincipal | ConsumerPrincipal): Promise<string[]> {
  if (p.kind !== 'user' || p.role === 'manager') return [];
  return (await findUser(tx, p.accountId, p.userId))?.skills ?? [];
}

/** Run `fn` on a locked conversation the principal may act on. */
async function act<T>(
  deps: Deps,
  p: UserPrincipal,
  id: string,
  fn: (ctx: { tx: Tx; out: Outbox; c: Conversation; account: Account; now: number }) => Promise<T>,
): Promise<T> {
  return inTransaction(deps, p.accountId, async (tx, out) => {
    const c = assertCanRead(p, await lockConversation(tx, deps.db.dialect, p.accountId, id), await userSkills(tx, p));
    assertCanAct(p, c);
    return fn({ tx, out, c, account: await accountOf(tx, p.accountId), now: deps.clock.now() });
  });
}

const item = (c: Conversation, name: string, account: Account, now: number): ActiveItem =>
  toActiveItem({ conversation: c, consumerName: name }, account.settings.idleAfterSec, now);

// ---------------------------------------------------------------- close, dismiss, resume

/**
 * Close in the caller's transaction; the conversation stays in its agent's Active list (closed) until
 * dismissed or retention ends. `closer`: the user who closed it (`by: 'agent'`), recorded with their name.
 */
export async function closeIn(
  deps: Deps,
  tx: Tx,
  out: Outbox,
  account: Account,
  c: Conversation,
  by: ClosedBy,
  now: number,
  closer: { id: string; name: string | null } | null = null,
): Promise<Conversation> {
  const next: Conversation = {
    ...c,
    state: 'closed',
    agentId: null,
    lastAgentId: c.state === 'open' ? (c.agentId ?? c.lastAgentId) : c.lastAgentId,
    closedAt: now,
    closedBy: by,
    closedById: closer?.id ?? null,
    closedByName: closer?.name ?? null,
    slaDueAt: null,
    manualSlaAt: null,
    agentUnread: 0,
    targetAgentId: null,
    offeredAt: null,
    offerExcluded: [],
    updatedAt: now,
  };
  await persist(deps, tx, await settingsFor(tx, account, next.skillId), next);
  const name = await consumerName(tx, c);
  if (c.state === 'ringing' && c.agentId) {
    emit(
      out,
      [
        { type: 'offer.withdrawn', data: { id: c.id, reason: 'closed' } },
        { type: 'conversation.removed', data: { id: c.id } },
      ],
      { before: c, conversation: next },
    );
  } else emit(out, [rowEvent(next, name, account.settings.idleAfterSec, now)], { conversation: next });
  emit(out, [{ type: 'conversation.closed', data: toConsumerView(next, null) }], { conversation: next });
  await queueCrmSyncIn(deps, tx, account, next, now);
  const survey = await requestSurveyIn(deps, tx, out, account, next, by, now);
  // channels without a form (SMS, Messenger, webhook) get the first question as a message
  if (survey) return offerSurveyOnChannelIn(deps, tx, out, account, next, survey);
  return next;
}

export async function closeByUser(deps: Deps, p: UserPrincipal, id: string): Promise<ActiveItem> {
  const r = await act(deps, p, id, async ({ tx, out, c, account, now }) => {
    if (c.state === 'closed') throw conflict('the conversation is already closed');
    const name = (await findUser(tx, p.accountId, p.userId))?.displayName ?? null;
    const next = await closeIn(deps, tx, out, account, c, 'agent', now, { id: p.userId, name });
    return item(next, await consumerName(tx, next), account, now);
  });
  deps.kickRouting(p.accountId);
  return r;
}

export async function closeByConsumer(deps: Deps, p: ConsumerPrincipal, id: string): Promise<ConsumerConversation> {
  const r = await inTransaction(deps, p.accountId, async (tx, out) => {
    const c = assertCanRead(p, await lockConversation(tx, deps.db.dialect, p.accountId, id), []);
    if (c.state === 'closed') throw conflict('the conversation is already closed');
    if (c.channel !== 'web') throw new DomainError('forbidden', 'consumers on this channel cannot close conversations');
    const account = await accountOf(tx, p.accountId);
    return toConsumerView(await closeIn(deps, tx, out, account, c, 'consumer', deps.clock.now()), null);
  });
  deps.kickRouting(p.accountId);
  return r;
}

/** Remove a closed conversation from the agent's Active list ("x"). */
export async function dismiss(deps: Deps, p: UserPrincipal, id: string): Promise<void> {
  await inTransaction(deps, p.accountId, async (tx, out) => {
    const c = await lockConversation(tx, deps.db.dialect, p.accountId, id);
    if (!c || (c.lastAgentId !== p.userId && c.agentId !== p.userId)) throw notFound('conversation');
    if (c.state !== 'closed') throw conflict('only closed conversations can be dismissed');
    if (c.dismissed) return;
    await persist(deps, tx, await settingsFor(tx, await accountOf(tx, p.accountId), c.skillId), { ...c, dismissed: true, updatedAt: deps.clock.now() });
    emit(out, [{ type: 'conversation.removed', data: { id: c.id } }], { before: c });
  });
}

/** Reopen a closed conversation and assign it to the resuming agent (the one who last had it, or a manager). */
export async function resume(deps: Deps, p: UserPrincipal, id: string): Promise<ActiveItem> {
  return inTransaction(deps, p.accountId, async (tx, out) => {
    const c = assertCanRead(p, await lockConversation(tx, deps.db.dialect, p.accountId, id), await userSkills(tx, p));
    if (c.state !== 'closed') throw conflict('only closed conversations can be resumed');
    if (p.role !== 'manager' && c.lastAgentId !== p.userId) throw new DomainError('forbidden', 'only the agent who last had it (or a manager) may resume it');
    const newer = await findOpenConversationOfConsumer(tx, p.accountId, c.consumerId);
    if (newer) throw conflict('the consumer has a newer open conversation');
    const account = await accountOf(tx, p.accountId);
    const now = deps.clock.now();
    const skill = c.skillId ? await findSkill(tx, p.accountId, c.skillId) : undefined;
    const target = slaTargetSec(effectiveSla(account.settings, skill?.overrides ?? null), { firstTime: false, urgent: c.urgent });
    const next: Conversation = {
      ...c,
      state: 'open',
      agentId: p.userId,
      lastAgentId: p.userId,
      closedAt: null,
      closedBy: null,
      closedById: null,
      closedByName: null,
      dismissed: false,
      awaiting: 'agent',
      awaitingSince: now,
      slaDueAt: now + target * 1000,
      assignedAt: now,
      routing: { outcome: 'assigned', rule: 'resumed_by_agent', agentId: p.userId, candidates: [], at: now },
      updatedAt: now,
    };
    await persist(deps, tx, await settingsFor(tx, account, next.skillId), next);
    // The conversation goes on: the survey sent at its close no longer applies.
    await withdrawSurveyIn(deps, tx, out, p.accountId, c.id, 'resumed');
    if (c.lastAgentId && c.lastAgentId !== p.userId) emit(out, [{ type: 'conversation.removed', data: { id: c.id } }], { before: c });
    await setConsumerLastAgent(tx, p.accountId, c.consumerId, p.userId);
    emit(out, [rowEvent(next, await consumerName(tx, next), account.settings.idleAfterSec, now)], { conversation: next });
    await announceAssignment(tx, out, next);
    return item(next, await consumerName(tx, next), account, now);
  });
}

// ---------------------------------------------------------------- ring mode

export async function accept(deps: Deps, p: UserPrincipal, id: string): Promise<ActiveItem> {
  return act(deps, p, id, async ({ tx, out, c, account, now }) => {
    if (c.state !== 'ringing' || c.agentId !== p.userId) throw conflict('this conversation is not ringing to you');
    const next: Conversation = {
      ...c,
      state: 'open',
      lastAgentId: p.userId,
      assignedAt: now,
      offeredAt: null,
      offerExcluded: [],
      targetAgentId: null,
      routing: c.routing ? { ...c.routing, outcome: 'assigned' } : null,
      updatedAt: now,
    };
    await persist(deps, tx, await settingsFor(tx, account, next.skillId), next);
    await setConsumerLastAgent(tx, p.accountId, c.consumerId, p.userId);
    emit(out, [rowEvent(next, await consumerName(tx, next), account.settings.idleAfterSec, now)], { conversation: next });
    await announceAssignment(tx, out, next);
    return item(next, await consumerName(tx, next), account, now);
  });
}

/** Withdraw the current offer (decline or missed ring): back to the queue, this agent excluded for the round. */
export async function withdrawOfferIn(
  deps: Deps,
  tx: Tx,
  out: Outbox,
  account: Account,
  c: Conversation,
  reason: 'declined' | 'timeout',
  now: number,
): Promise<void> {
  const agentId = c.agentId;
  const next: Conversation = {
    ...c,
    state: 'queued',
    agentId: null,
    offeredAt: null,
    offerExcluded: agentId && !c.offerExcluded.includes(agentId) ? [...c.offerExcluded, agentId] : c.offerExcluded,
    agentUnread: unreadForNextAgent(c.awaiting, await countUnanswered(tx, c.accountId, c.id)),
    updatedAt: now,
  };
  await persist(deps, tx, await settingsFor(tx, account, next.skillId), next);
  emit(
    out,
    [
      { type: 'offer.withdrawn', data: { id: c.id, reason } },
      { type: 'conversation.removed', data: { id: c.id } },
    ],
    { before: c, conversation: next },
  );
}

export async function decline(deps: Deps, p: UserPrincipal, id: string): Promise<void> {
  await act(deps, p, id, async ({ tx, out, c, account, now }) => {
    if (c.state !== 'ringing' || c.agentId !== p.userId) throw conflict('this conversation is not ringing to you');
    await withdrawOfferIn(deps, tx, out, account, c, 'declined', now);
  });
  deps.kickRouting(p.accountId);
}

// ---------------------------------------------------------------- transfer

/**
 * Transfer to a skill (back into its queue with no preference, actionable) or to an agent (offered
 * or assigned to them when eligible; refused if they are offline; back to the skill queue after the
 * fallback time). The conversation leaves the transferring agent's list either way.
 */
export async function transfer(
  deps: Deps,
  p: UserPrincipal,
  id: string,
  to: { skillId?: string | undefined; agentId?: string | undefined },
): Promise<{ id: string; state: string }> {
  if (!to.skillId === !to.agentId) throw invalid('give either skillId or agentId', to.skillId ? 'agentId' : 'skillId');
  const r = await act(deps, p, id, async ({ tx, out, c, account, now }) => {
    if (c.state === 'closed') throw conflict('the conversation is closed');
    let skillId = c.skillId;
    let targetAgentId: string | null = null;
    if (to.skillId) {
      if (!(await findSkill(tx, p.accountId, to.skillId))) throw invalid('unknown skill', 'skillId');
      skillId = to.skillId;
    } else if (to.agentId) {
      const target = await findUser(tx, p.accountId, to.agentId);
      if (!target?.active) throw invalid('unknown agent', 'agentId');
      if (target.status === 'offline') throw conflict(`${target.displayName} is offline`);
      if (target.id === c.agentId) throw conflict('the conversation is already with this agent');
      targetAgentId = target.id;
    }
    const skill = skillId ? await findSkill(tx, p.accountId, skillId) : undefined;
    const target = slaTargetSec(effectiveSla(account.settings, skill?.overrides ?? null), { firstTime: c.firstTime, urgent: c.urgent });
    const from = c.agentId;
    const next: Conversation = {
      ...c,
      state: 'queued',
      skillId,
      agentId: null,
      targetAgentId,
      actionable: true,
      priority: c.urgent ? 1 : 0,
      queuedAt: now,
      offeredAt: null,
      // A transfer to a skill moves the conversation out of this agent's workspace: she is left out
      // of the first round (and gets it back only if nobody else of the skill can take it).
      offerExcluded: from && !targetAgentId ? [from] : [],
      // The customer's wait continues across a transfer (it restarts only if it awaited the consumer);
      // awaiting the agent, it is out of auto-close until the next agent answers.
      ...slaClockAtTransfer(c, now, target),
      agentUnread: unreadForNextAgent('agent', await countUnanswered(tx, c.accountId, c.id)),
      routing: {
        outcome: 'waiting',
        rule: targetAgentId ? 'transferred_to_agent' : 'transferred_to_skill',
        agentId: targetAgentId,
        candidates: [],
        at: now,
      },
      updatedAt: now,
    };
    await persist(deps, tx, await settingsFor(tx, account, next.skillId), next);
    const scene = { before: c, conversation: next };
    if (from) {
      if (c.state === 'ringing') emit(out, [{ type: 'offer.withdrawn', data: { id: c.id, reason: 'transferred' } }], scene);
      emit(out, [{ type: 'conversation.removed', data: { id: c.id } }], scene);
    }
    emit(out, [{ type: 'conversation.updated', data: toConsumerView(next, null) }], scene);
    return { id: c.id, state: next.state };
  });
  deps.kickRouting(p.accountId);
  return r;
}

// ---------------------------------------------------------------- SLA

/** Manual SLA: overrides the computed due time and exempts the conversation from auto-close. */
export async function setManualSla(deps: Deps, p: UserPrincipal, id: string, dueAt: number | null): Promise<ActiveItem> {
  return act(deps, p, id, async ({ tx, out, c, account, now }) => {
    if (c.state === 'closed') throw conflict('the conversation is closed');
    if (dueAt !== null && dueAt <= now) throw invalid('dueAt must be in the future', 'dueAt');
    const next: Conversation = { ...c, manualSlaAt: dueAt, updatedAt: now };
    await persist(deps, tx, await settingsFor(tx, account, next.skillId), next);
    const name = await consumerName(tx, next);
    emit(out, [rowEvent(next, name, account.settings.idleAfterSec, now)], { conversation: next });
    return item(next, name, account, now);
  });
}

/** The consumer marks the conversation urgent: the urgent response time applies and it moves up its queue. */
export async function markUrgent(deps: Deps, p: ConsumerPrincipal, id: string): Promise<ConsumerConversation> {
  const r = await inTransaction(deps, p.accountId, async (tx, out) => {
    const c = assertCanRead(p, await lockConversation(tx, deps.db.dialect, p.accountId, id), []);
    if (c.state === 'closed') throw conflict('the conversation is closed');
    if (c.urgent) return toConsumerView(c, null);
    const account = await accountOf(tx, p.accountId);
    const now = deps.clock.now();
    const skill = c.skillId ? await findSkill(tx, p.accountId, c.skillId) : undefined;
    const urgentSec = effectiveSla(account.settings, skill?.overrides ?? null).urgentSec;
    const due = c.awaiting === 'agent' ? Math.min(c.slaDueAt ?? Number.POSITIVE_INFINITY, c.awaitingSince + urgentSec * 1000) : c.slaDueAt;
    const next: Conversation = { ...c, urgent: true, priority: 1, slaDueAt: due, updatedAt: now };
    await persist(deps, tx, await settingsFor(tx, account, next.skillId), next);
    emit(out, [rowEvent(next, await consumerName(tx, next), account.settings.idleAfterSec, now)], { conversation: next });
    return toConsumerView(next, null);
  });
  deps.kickRouting(p.accountId);
  return r;
}
