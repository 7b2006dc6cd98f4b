import type { AgentStatus, Role, User, UserSettings } from '@parley/contract';
import { startsShift } from '../domain/agents.js';
import { agentRecipient } from '../domain/audience.js';
import { conflict, invalid, notFound } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import type { Tx } from '../storage/db.js';
import { findAccount } from '../storage/repos/accounts.repo.js';
import { listConversationIdsOfAgent, lockConversation } from '../storage/repos/conversations.repo.js';
import { listSkills } from '../storage/repos/skills.repo.js';
import { findCurrentAgentState, findStatusReason, logAgentState } from '../storage/repos/status-reasons.repo.js';
import { hasLiveToken, revokeUserTokens } from '../storage/repos/tokens.repo.js';
import { findUser, findUserByUsername, insertUser, listUsers, setUserSkills, type UserRecord, updateUser } from '../storage/repos/users.repo.js';
import { type Actor, changes, recordAudit, SYSTEM_ACTOR } from './audit.service.js';
import { toWireUser } from './auth.service.js';
import { type Deps, emit, inTransaction, type Outbox } from './context.js';
import { withdrawOfferIn } from './lifecycle.service.js';
import { hashPassword } from './passwords.js';

async function assertSkillsExist(deps: Deps, accountId: string, skills: string[]): Promise<void> {
  const known = new Set((await listSkills(deps.db.kysely, accountId)).map((s) => s.id));
  const missing = skills.filter((s) => !known.has(s));
  if (missing.length) throw invalid(`unknown skill ${missing.join(', ')}`, 'skills');
}

export async function createUser(
  deps: Deps,
  accountId: string,
  input: { username: string; password: string; displayName: string; role: Role; skills: string[]; maxConcurrent: number },
  actor: Actor = SYSTEM_ACTOR,
): Promise<User> {
  await assertSkillsExist(deps, accountId, input.skills);
  const passwordHash = await hashPassword(input.password);
  const now = deps.clock.now();
  const u: UserRecord = {
    id: newId(),
    accountId,
    username: input.username,
    displayName: input.displayName,
    passwordHash,
    role: input.role,
    maxConcurrent: input.maxConcurrent,
    status: 'offline',
    active: true,
    settings: {},
    skills: [...new Set(input.skills)],
    lastAssignedAt: null,
    warmupStartedAt: null,
    statusChangedAt: now,
    createdAt: now,
  };
  await deps.db.transaction(async (tx) => {
    if (await findUserByUsername(tx, accountId, input.username)) throw conflict(`username "${input.username}" is taken`);
    await insertUser(tx, u);
    const { username, displayName, role, skills, maxConcurrent } = u;
    await recordAudit(tx, now, {
      accountId,
      ...actor,
      action: 'user.created',
      targetType: 'user',
      targetId: u.id,
      details: { username, displayName, role, skills, maxConcurrent },
    });
  });
  return toWireUser(u);
}

/** The account's users by username; `page` reads up to `limit` after the position `[username, id]`. */
export async function listAccountUsers(
  deps: Deps,
  accountId: string,
  page?: { after?: readonly [string, string] | undefined; limit: number },
): Promise<User[]> {
  return (await listUsers(deps.db.kysely, accountId, page)).map(toWireUser);
}

export async function getUser(deps: Deps, accountId: string, id: string): Promise<UserRecord> {
  const u = await findUser(deps.db.kysely, accountId, id);
  if (!u) throw notFound('user');
  return u;
}

export async function patchUser(
  deps: Deps,
  accountId: string,
  id: string,
  patch: { displayName?: string; password?: string; role?: Role; skills?: string[]; maxConcurrent?: number; active?: boolean },
  actor: Actor = SYSTEM_ACTOR,
): Promise<User> {
  if (patch.skills) await assertSkillsExist(deps, accountId, patch.skills);
  const passwordHash = patch.password ? await hashPassword(patch.password) : undefined;
  const now = deps.clock.now();
  const user = await inTransaction(deps, accountId, async (tx) => {
    const u = await findUser(tx, accountId, id);
    if (!u) throw notFound('user');
    const next: UserRecord = {
      ...u,
      displayName: patch.displayName ?? u.displayName,
      passwordHash: passwordHash ?? u.passwordHash,
      role: patch.role ?? u.role,
      maxConcurrent: patch.maxConcurrent ?? u.maxConcurrent,
      active: patch.active ?? u.active,
      skills: patch.skills ? [...new Set(patch.skills)] : u.skills,
    };
    if (next.active === false && u.active) {
      next.status = 'offline';
      next.statusChangedAt = now;
    }
    await updateUser(tx, next);
    if (next.status !== u.status) await logAgentState(tx, { id: newId(), accountId, userId: id, status: next.status, reasonId: null, at: now });
    if (patch.skills) await setUserSkills(tx, accountId, id, next.skills);
    if (passwordHash || patch.active === false) await revokeUserTokens(tx, accountId, id, now);
    await auditUserChange(tx, now, actor, u, next, passwordHash !== undefined);
    return next;
  });
  if (passwordHash || patch.active === false) await deps.publisher.disconnect(agentRecipient(id));
  if (patch.role !== undefined || patch.skills !== undefined || patch.active !== undefined)
    await deps.publisher.refreshRights(accountId, id, { role: user.role, active: user.active });
  deps.kickRouting(accountId);
  return toWireUser(user);
}

/** The audit entries of a user change: `user.updated` (the diff), `user.deactivated`, `user.password_changed`. */
async function auditUserChange(tx: Tx, now: number, actor: Actor, before: UserRecord, after: UserRecord, passwordChanged: boolean): Promise<void> {
  const entry = { accountId: after.accountId, ...actor, targetType: 'user', targetId: after.id };
  const { status: _s, ...diff } = changes(toWireUser(before), toWireUser(after));
  if (before.active && !after.active) {
    delete diff.active;
    await recordAudit(tx, now, { ...entry, action: 'user.deactivated', details: { username: after.username } });
  }
  if (Object.keys(diff).length) await recordAudit(tx, now, { ...entry, action: 'user.updated', details: diff });
  if (passwordChanged) await recordAudit(tx, now, { ...entry, action: 'user.password_changed', details: { username: after.username } });
}

/** Change availability. Going online makes the agent eligible: queued conversations may move to them. */
/**
 * After a sign-out: an agent signed in nowhere else goes offline, so routing stops giving them
 * conversations (the agent guide's end of shift: set a status, then log out). Their open
 * conversations stay theirs; signed in on another device, their status is left as it is.
 */
export async function signedOut(deps: Deps, accountId: string, userId: string): Promise<void> {
  if (await hasLiveToken(deps.db.kysely, accountId, userId, deps.clock.now())) return;
  await setStatus(deps, accountId, userId, 'offline');
}

/**
 * Change a user's status (with a status reason of that status, or none); `byManager` (a manager
 * setting another user's status) is audit-logged as `user.status_changed`.
 */
export async function setStatus(
  deps: Deps,
  accountId: string,
  userId: string,
  status: AgentStatus,
  byManager?: Actor,
  reasonId: string | null = null,
): Promise<User> {
  const now = deps.clock.now();
  const user = await inTransaction(deps, accountId, async (tx, out) => {
    const u = await findUser(tx, accountId, userId);
    if (!u) throw notFound('user');
    if (reasonId !== null) {
      const reason = await findStatusReason(tx, accountId, reasonId);
      if (!reason) throw invalid('unknown status reason', 'reasonId');
      if (reason.status !== status) throw invalid(`"${reason.name}" is a reason for ${reason.status === 'away' ? 'Away' : 'Back soon'}`, 'reasonId');
    }
    if (byManager && u.status !== status) {
      await recordAudit(tx, now, {
        accountId,
        ...byManager,
        action: 'user.status_changed',
        targetType: 'user',
        targetId: userId,
        details: { status: { from: u.status, to: status } },
      });
    }
    return changeStatusIn(deps, tx, out, u, status, now, undefined, reasonId);
  });
  deps.kickRouting(accountId);
  return { ...toWireUser(user), statusReasonId: reasonId };
}

/**
 * The one rule of a status change, inside the caller's transaction: the new status (a shift's
 * warm-up when coming online), `status.changed` to the agent, and, when leaving online, every offer
 * still ringing to the agent moves on to another agent (assigned conversations stay). Used by the
 * agent's or a manager's change and by a missed ring (`reason: 'missed_ring'`). Every change,
 * of status or only of its reason (`statusReasonId`), starts a stretch in the state-change log.
 */
export async function changeStatusIn(
  deps: Deps,
  tx: Tx,
  out: Outbox,
  u: UserRecord,
  status: AgentStatus,
  now: number,
  reason?: 'missed_ring',
  statusReasonId: string | null = null,
): Promise<UserRecord> {
  const accountId = u.accountId;
  if (u.status === status) {
    // The same status: only a new reason is a change (a stretch of its own in the log).
    const current = await findCurrentAgentState(tx, accountId, u.id);
    if ((current?.status === status ? current.reasonId : null) === statusReasonId) return u;
    await logAgentState(tx, { id: newId(), accountId, userId: u.id, status, reasonId: statusReasonId, at: now });
    emit(out, [{ type: 'status.changed', data: { userId: u.id, status, reasonId: statusReasonId } }], {});
    return u;
  }
  const account = await findAccount(tx, accountId);
  const next: UserRecord = { ...u, status, statusChangedAt: now };
  if (status === 'online' && account) {
    // A shift starts when the agent comes online after a long gap without assignments: warm up.
    next.warmupStartedAt = startsShift(account.settings.warmUp, u.lastAssignedAt, now) ? now : u.warmupStartedAt;
  }
  await updateUser(tx, next);
  await logAgentState(tx, { id: newId(), accountId, userId: u.id, status, reasonId: statusReasonId, at: now });
  emit(out, [{ type: 'status.changed', data: { userId: u.id, status, ...(reason && { reason }), reasonId: statusReasonId } }], {});
  if (status !== 'online' && account) {
    for (const id of await listConversationIdsOfAgent(tx, accountId, u.id, 'ringing')) {
      // Withdrawn through the decline transition, which re-checks it still rings to this agent.
      const c = await lockConversation(tx, deps.db.dialect, accountId, id);
      if (c) await withdrawOfferIn(deps, tx, out, account, c, { reason: 'declined', agentId: u.id });
    }
  }
  return next;
}

export async function getMySettings(deps: Deps, accountId: string, userId: string): Promise<UserSettings> {
  return (await getUser(deps, accountId, userId)).settings;
}

export async function patchMySettings(deps: Deps, accountId: string, userId: string, patch: UserSettings): Promise<UserSettings> {
  return deps.db.transaction(async (tx) => {
    const u = await findUser(tx, accountId, userId);
    if (!u) throw notFound('user');
    const settings = { ...u.settings, ...patch };
    await updateUser(tx, { ...u, settings });
    return settings;
  });
}
