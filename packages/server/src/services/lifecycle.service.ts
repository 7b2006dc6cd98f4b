import type { ActiveItem, CloseConversationRequest, ConsumerConversation } from '@parley/contract';
import { type ClosedBy, type Conversation, toActiveItem, toConsumerView } from '../domain/conversation.js';
import * as lifecycle from '../domain/conversation-lifecycle.js';
import { DomainError, invalid, notFound } from '../domain/errors.js';
import type { Tx } from '../storage/db.js';
import { type Account, findAccount } from '../storage/repos/accounts.repo.js';
import { findConsumer, setConsumerLastAgent } from '../storage/repos/consumers.repo.js';
import { findOpenConversationOfConsumer, lockConversation } from '../storage/repos/conversations.repo.js';
import { saveWrapUp } from '../storage/repos/dispositions.repo.js';
import { countUnanswered } from '../storage/repos/messages.repo.js';
import { findSkill } from '../storage/repos/skills.repo.js';
import type { TimerRow } from '../storage/repos/timers.repo.js';
import { findUser } from '../storage/repos/users.repo.js';
import { assertCanAct, assertCanRead } from './access.js';
import { type Actor, recordAudit } from './audit.service.js';
import { offerSurveyOnChannelIn } from './channel-surveys.service.js';
import { type Deps, inTransaction, type Outbox } from './context.js';
import { queueCrmSyncIn } from './crm-sync.service.js';
import { checkWrapUpIn } from './dispositions.service.js';
import { commit, settingsFor } from './persist.js';
import type { ConsumerPrincipal, UserPrincipal } from './principal.js';
import { requestSurveyIn, withdrawSurveyIn } from './surveys.service.js';

/**
 * The conversation transitions as use cases: each loads what its transition needs, calls the pure
 * transition (domain/conversation-lifecycle.ts), commits the result (persist.ts) and kicks routing
 * when a queue may move. Refusals become the request's problem (`orThrow`).
 */

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

/** The user as the consumer sees who answers. */
async function agentName(tx: Tx, accountId: string, userId: string): Promise<lifecycle.AgentName | null> {
  const u = await findUser(tx, accountId, userId);
  return u ? { id: u.id, displayName: u.displayName } : null;
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

const row = (c: Conversation, name: string, account: Account, now: number): ActiveItem =>
  toActiveItem({ conversation: c, consumerName: name }, account.settings.idleAfterSec, now);

// ---------------------------------------------------------------- close, dismiss, resume

/**
 * Close in the caller's transaction (the one close path: agent, consumer, auto-close), then what
 * follows a close: the CRM sync job and the survey (its first question as a message on channels
 * without a form). `closer`: the user who closed it (`by: 'agent'`). Returns the conversation as it
 * ends up, or the refusal (e.g. auto-close is not due after all).
 */
export async function closeIn(
  deps: Deps,
  tx: Tx,
  out: Outbox,
  account: Account,
  c: Conversation,
  by: ClosedBy,
  closer: { id: string; name: string | null } | null = null,
): Promise<Conversation | lifecycle.Refusal> {
  const now = deps.clock.now();
  const t = lifecycle.close(c, await settingsFor(tx, account, c.skillId), now, { by, closer, consumerName: await consumerName(tx, c) });
  if (lifecycle.isRefusal(t)) return t;
  await commit(deps, tx, out, c, t);
  await queueCrmSyncIn(deps, tx, account, t.conversation, now);
  const survey = await requestSurveyIn(deps, tx, out, account, t.conversation, by, now);
  // channels without a form (SMS, Messenger, webhook) get the first question as a message
  if (survey) return offerSurveyOnChannelIn(deps, tx, out, t.conversation, survey);
  return t.conversation;
}

/** `closeIn`, its refusal thrown as the problem of the request. */
const closed = (r: Conversation | lifecycle.Refusal): Conversation => {
  if ('refused' in r) throw lifecycle.refusalError(r);
  return r;
};

/**
 * An agent (or manager) closes it, with the wrap-up: dispositions (required when the skill says so:
 * 400 without, nothing changes) and a note, kept with the conversation.
 */
export async function closeByUser(deps: Deps, p: UserPrincipal, id: string, wrap: CloseConversationRequest = {}): Promise<ActiveItem> {
  const r = await act(deps, p, id, async ({ tx, out, c, account, now }) => {
    const wrapUp = c.state === 'closed' ? null : await checkWrapUpIn(tx, p.accountId, c.id, (await settingsFor(tx, account, c.skillId)).skill, wrap, now);
    const name = c.state === 'closed' ? null : ((await findUser(tx, p.accountId, p.userId))?.displayName ?? null);
    const next = closed(await closeIn(deps, tx, out, account, c, 'agent', { id: p.userId, name }));
    if (wrapUp) await saveWrapUp(tx, wrapUp);
    return row(next, await consumerName(tx, next), account, now);
  });
  deps.kickRouting(p.accountId);
  return r;
}

export async function closeByConsumer(deps: Deps, p: ConsumerPrincipal, id: string): Promise<ConsumerConversation> {
  const r = await inTransaction(deps, p.accountId, async (tx, out) => {
    const c = assertCanRead(p, await lockConversation(tx, deps.db.dialect, p.accountId, id), []);
    return toConsumerView(closed(await closeIn(deps, tx, out, await accountOf(tx, p.accountId), c, 'consumer')), null);
  });
  deps.kickRouting(p.accountId);
  return r;
}

/** Remove a closed conversation from the agent's Active list ("x"). */
export async function dismiss(deps: Deps, p: UserPrincipal, id: string): Promise<void> {
  await inTransaction(deps, p.accountId, async (tx, out) => {
    const c = await lockConversation(tx, deps.db.dialect, p.accountId, id);
    if (!c) throw notFound('conversation');
    const account = await accountOf(tx, p.accountId);
    const t = lifecycle.orThrow(lifecycle.dismiss(c, await settingsFor(tx, account, c.skillId), deps.clock.now(), { userId: p.userId }));
    await commit(deps, tx, out, c, t);
  });
}

/** Reopen a closed conversation and assign it to the resuming agent (the one who last had it, or a manager). */
export async function resume(deps: Deps, p: UserPrincipal, id: string): Promise<ActiveItem> {
  return inTransaction(deps, p.accountId, async (tx, out) => {
    const c = assertCanRead(p, await lockConversation(tx, deps.db.dialect, p.accountId, id), await userSkills(tx, p));
    const account = await accountOf(tx, p.accountId);
    const now = deps.clock.now();
    const name = await consumerName(tx, c);
    const t = lifecycle.orThrow(
      lifecycle.resume(c, await settingsFor(tx, account, c.skillId), now, {
        agentId: p.userId,
        manager: p.role === 'manager',
        newerOpen: c.state === 'closed' && (await findOpenConversationOfConsumer(tx, p.accountId, c.consumerId)) !== undefined,
        agent: await agentName(tx, p.accountId, p.userId),
        consumerName: name,
      }),
    );
    // The conversation goes on: the survey sent at its close no longer applies.
    await withdrawSurveyIn(deps, tx, out, p.accountId, c.id, 'resumed');
    await commit(deps, tx, out, c, t);
    await setConsumerLastAgent(tx, p.accountId, c.consumerId, p.userId);
    return row(t.conversation, name, account, now);
  });
}

// ---------------------------------------------------------------- ring mode

export async function accept(deps: Deps, p: UserPrincipal, id: string): Promise<ActiveItem> {
  return act(deps, p, id, async ({ tx, out, c, account, now }) => {
    const name = await consumerName(tx, c);
    const s = await settingsFor(tx, account, c.skillId);
    const t = lifecycle.orThrow(lifecycle.accept(c, s, now, { agentId: p.userId, agent: await agentName(tx, p.accountId, p.userId), consumerName: name }));
    await commit(deps, tx, out, c, t);
    await setConsumerLastAgent(tx, p.accountId, c.consumerId, p.userId);
    return row(t.conversation, name, account, now);
  });
}

/**
 * Withdraw the current offer in the caller's transaction (a decline, a missed ring, the agent
 * leaving online): back to the queue, this agent left out of the round. The refusal when it no
 * longer rings to that agent (or, for a timeout, is not due).
 */
export async function withdrawOfferIn(
  deps: Deps,
  tx: Tx,
  out: Outbox,
  account: Account,
  c: Conversation,
  why: { reason: 'declined'; agentId: string } | { reason: 'timeout'; offer: { agentId: unknown; offeredAt: unknown } },
  firing?: TimerRow,
): Promise<lifecycle.Outcome> {
  const s = await settingsFor(tx, account, c.skillId);
  const t = lifecycle.withdraw(c, s, deps.clock.now(), { ...why, unanswered: c.state === 'ringing' ? await countUnanswered(tx, c.accountId, c.id) : 0 });
  if (!lifecycle.isRefusal(t)) await commit(deps, tx, out, c, t, { firing });
  return t;
}

export async function decline(deps: Deps, p: UserPrincipal, id: string): Promise<void> {
  await act(deps, p, id, async ({ tx, out, c, account }) => {
    lifecycle.orThrow(await withdrawOfferIn(deps, tx, out, account, c, { reason: 'declined', agentId: p.userId }));
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
    const skill = to.skillId ? await findSkill(tx, p.accountId, to.skillId) : undefined;
    const target: lifecycle.TransferTarget = to.skillId
      ? { skillId: to.skillId, found: skill !== undefined }
      : { agent: to.agentId ? await findUser(tx, p.accountId, to.agentId) : undefined };
    // The settings of the skill it goes to (an agent transfer keeps its skill).
    const s = to.skillId ? { account: account.settings, skill: skill?.overrides ?? null } : await settingsFor(tx, account, c.skillId);
    const unanswered = c.state === 'closed' ? 0 : await countUnanswered(tx, c.accountId, c.id);
    const t = lifecycle.orThrow(lifecycle.transfer(c, s, now, { to: target, unanswered }));
    await commit(deps, tx, out, c, t);
    return { id: c.id, state: t.conversation.state };
  });
  deps.kickRouting(p.accountId);
  return r;
}

/**
 * Supervision: manager `p` takes the conversation over (it becomes theirs, open); recorded in the
 * audit log as `conversation.taken_over` with the agent who had it.
 */
export async function takeOver(deps: Deps, p: UserPrincipal, id: string, actor: Actor): Promise<ActiveItem> {
  if (p.role !== 'manager') throw new DomainError('forbidden', 'only a manager may take a conversation over');
  const r = await act(deps, p, id, async ({ tx, out, c, account, now }) => {
    const manager = await agentName(tx, p.accountId, p.userId);
    if (!manager) throw notFound('user');
    const name = await consumerName(tx, c);
    const s = await settingsFor(tx, account, c.skillId);
    const unanswered = c.state === 'closed' ? 0 : await countUnanswered(tx, c.accountId, c.id);
    const t = lifecycle.orThrow(lifecycle.takeOver(c, s, now, { manager, consumerName: name, unanswered }));
    await commit(deps, tx, out, c, t);
    await recordAudit(tx, now, {
      accountId: p.accountId,
      ...actor,
      action: 'conversation.taken_over',
      targetType: 'conversation',
      targetId: c.id,
      details: { fromAgentId: c.agentId, fromState: c.state },
    });
    return row(t.conversation, name, account, now);
  });
  // A ringing or queued conversation left its queue; a slot of the agent who had it opened up.
  deps.kickRouting(p.accountId);
  return r;
}

// ---------------------------------------------------------------- SLA

/** Manual SLA: overrides the computed due time and exempts the conversation from auto-close. */
export async function setManualSla(deps: Deps, p: UserPrincipal, id: string, dueAt: number | null): Promise<ActiveItem> {
  return act(deps, p, id, async ({ tx, out, c, account, now }) => {
    const name = await consumerName(tx, c);
    const t = lifecycle.orThrow(lifecycle.setManualSla(c, await settingsFor(tx, account, c.skillId), now, { dueAt, consumerName: name }));
    await commit(deps, tx, out, c, t);
    return row(t.conversation, name, account, now);
  });
}

/** The consumer marks the conversation urgent: the urgent response time applies and it moves up its queue. */
export async function markUrgent(deps: Deps, p: ConsumerPrincipal, id: string): Promise<ConsumerConversation> {
  const r = await inTransaction(deps, p.accountId, async (tx, out) => {
    const c = assertCanRead(p, await lockConversation(tx, deps.db.dialect, p.accountId, id), []);
    const account = await accountOf(tx, p.accountId);
    const s = await settingsFor(tx, account, c.skillId);
    const t = lifecycle.orThrow(lifecycle.markUrgent(c, s, deps.clock.now(), { consumerName: await consumerName(tx, c) }));
    await commit(deps, tx, out, c, t);
    return toConsumerView(t.conversation, null);
  });
  deps.kickRouting(p.accountId);
  return r;
}
