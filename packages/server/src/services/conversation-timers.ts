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

type Want = [TimerKind, number | null, Record<string, unknown>];

/** The durable timers a conversation needs in its current state (null = none). */
async function wantedTimers(tx: Tx, account: Account, c: Conversation, now: number): Promise<Want[]> {
  const withAgent = (c.state === 'open' || c.state === 'ringing') && c.agentId !== null;
  return [
    ['status', withAgent ? nextTimeChangeAt(c, account.settings.idleAfterSec, now) : null, { agentId: c.agentId }],
    ['auto_close', await autoCloseDueAt(tx, account, c), { awaitingSince: c.awaitingSince }],
    [
      'ring',
      c.state === 'ringing' && c.offeredAt !== null ? c.offeredAt + account.settings.ringTimeoutSec * 1000 : null,
      { agentId: c.agentId, offeredAt: c.offeredAt },
    ],
    [
      'transfer_fallback',
      c.state === 'queued' && c.targetAgentId !== null && c.queuedAt !== null ? c.queuedAt + account.settings.transferFallbackSec * 1000 : null,
      { targetAgentId: c.targetAgentId },
    ],
    [
      'closed_expiry',
      c.state === 'closed' && !c.dismissed && c.closedAt !== null ? c.closedAt + account.settings.closedRetentionHours * HOUR : null,
      { agentId: c.lastAgentId },
    ],
  ];
}

/**
 * Schedule or cancel, in the caller's transaction, the timers a conversation needs: list-status
 * change by time, auto-close, ring timeout, transfer fallback, closed-list expiry. Given the
 * conversation as it was (`prev`), only the timers whose due time or payload changed are written.
 */
export async function syncTimers(deps: Deps, tx: Tx, account: Account, c: Conversation, prev?: Conversation): Promise<void> {
  const now = deps.clock.now();
  const want = await wantedTimers(tx, account, c, now);
  const had = prev ? await wantedTimers(tx, account, prev, now) : undefined;
  for (const [i, [kind, dueAt, payload]] of want.entries()) {
    const before = had?.[i];
    if (before && before[1] === dueAt && JSON.stringify(before[2]) === JSON.stringify(payload)) continue;
    if (dueAt === null) await cancelTimer(tx, kind, c.id);
    else {
      await scheduleTimer(tx, { kind, subjectId: c.id, accountId: c.accountId, dueAt, payload });
      deps.timersChanged(dueAt);
    }
  }
}

/** Save a conversation and its timers; with `expectedState`, only if the stored state still is that. */
export async function persist(
  deps: Deps,
  tx: Tx,
  account: Account,
  c: Conversation,
  expectedState?: Conversation['state'],
  prev?: Conversation,
): Promise<boolean> {
  const ok = await saveConversation(tx, c, expectedState, prev);
  if (ok) await syncTimers(deps, tx, account, c, prev);
  return ok;
}

export async function persistNew(deps: Deps, tx: Tx, account: Account, c: Conversation): Promise<void> {
  await insertConversation(tx, c);
  await syncTimers(deps, tx, account, c);
}
