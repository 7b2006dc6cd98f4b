import { type Conversation, nextTimeChangeAt } from '../domain/conversation.js';
import { effectiveAutoClose } from '../domain/sla.js';
import type { Tx } from '../storage/db.js';
import type { Account } from '../storage/repos/accounts.repo.js';
import { insertConversation, saveConversation } from '../storage/repos/conversations.repo.js';
import { findSkill } from '../storage/repos/skills.repo.js';
import { cancelTimer, scheduleTimer, type TimerKind } from '../storage/repos/timers.repo.js';
import type { Deps } from './context.js';

const HOUR = 3600_000;

/** When auto-close applies: awaiting the consumer, no manual SLA, and not a transfer that has not reached an agent yet. */
export async function autoCloseDueAt(tx: Tx, account: Account, c: Conversation): Promise<number | null> {
  if (c.state !== 'open' || c.awaiting !== 'consumer' || c.manualSlaAt !== null) return null;
  if (c.actionable && c.agentId === null) return null;
  const skill = c.skillId ? await findSkill(tx, account.id, c.skillId) : undefined;
  const ac = effectiveAutoClose(account.settings, skill?.overrides ?? null);
  return ac.enabled ? c.awaitingSince + ac.afterSec * 1000 : null;
}

/**
 * The durable timers a conversation needs in its current state, scheduled or cancelled in the
 * caller's transaction: list-status change by time, auto-close, ring timeout, transfer fallback,
 * closed-list expiry.
 */
export async function syncTimers(deps: Deps, tx: Tx, account: Account, c: Conversation): Promise<void> {
  const now = deps.clock.now();
  const want: [TimerKind, number | null, Record<string, unknown>][] = [];
  const withAgent = (c.state === 'open' || c.state === 'ringing') && c.agentId !== null;
  want.push(['status', withAgent ? nextTimeChangeAt(c, account.settings.idleAfterSec, now) : null, { agentId: c.agentId }]);
  want.push(['auto_close', await autoCloseDueAt(tx, account, c), { awaitingSince: c.awaitingSince }]);
  want.push([
    'ring',
    c.state === 'ringing' && c.offeredAt !== null ? c.offeredAt + account.settings.ringTimeoutSec * 1000 : null,
    { agentId: c.agentId, offeredAt: c.offeredAt },
  ]);
  want.push([
    'transfer_fallback',
    c.state === 'queued' && c.targetAgentId !== null && c.queuedAt !== null ? c.queuedAt + account.settings.transferFallbackSec * 1000 : null,
    { targetAgentId: c.targetAgentId },
  ]);
  want.push([
    'closed_expiry',
    c.state === 'closed' && !c.dismissed && c.closedAt !== null ? c.closedAt + account.settings.closedRetentionHours * HOUR : null,
    { agentId: c.lastAgentId },
  ]);
  for (const [kind, dueAt, payload] of want) {
    if (dueAt === null) await cancelTimer(tx, kind, c.id);
    else {
      await scheduleTimer(tx, { kind, subjectId: c.id, accountId: c.accountId, dueAt, payload });
      deps.timersChanged(dueAt);
    }
  }
}

/** Save a conversation and its timers; with `expectedState`, only if the stored state still is that. */
export async function persist(deps: Deps, tx: Tx, account: Account, c: Conversation, expectedState?: Conversation['state']): Promise<boolean> {
  const ok = await saveConversation(tx, c, expectedState);
  if (ok) await syncTimers(deps, tx, account, c);
  return ok;
}

export async function persistNew(deps: Deps, tx: Tx, account: Account, c: Conversation): Promise<void> {
  await insertConversation(tx, c);
  await syncTimers(deps, tx, account, c);
}
