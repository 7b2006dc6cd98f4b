import type { AccountSettings, SkillOverrides } from '@parley/contract';
import type { Conversation } from '../domain/conversation.js';
import * as lifecycle from '../domain/conversation-lifecycle.js';
import { newId } from '../domain/ids.js';
import type { Tx } from '../storage/db.js';
import { type Account, findAccount } from '../storage/repos/accounts.repo.js';
import { findConsumer } from '../storage/repos/consumers.repo.js';
import { listUnclosedConversationIds, lockConversationLight } from '../storage/repos/conversations.repo.js';
import { findSkill } from '../storage/repos/skills.repo.js';
import { advanceClaimedTimer, findTimer, scheduleTimer, type TimerRow } from '../storage/repos/timers.repo.js';
import { type Deps, inTransaction, type Outbox } from './context.js';
import { commit } from './persist.js';

/** Conversations re-timed per transaction: a big account is swept in many short transactions, not one long one. */
export const REEVALUATION_BATCH = 50;

/** The `timers_reevaluation` timer's payload: one sweep (`run`), where it has got to (`after`). */
interface ReevaluationPayload {
  /** A new run for every change: a batch of an older run never moves the cursor of a newer one. */
  run: string;
  /** Only this skill's conversations (its overrides changed); null = the whole account. */
  skillId: string | null;
  /** The last conversation id done; null = from the start. */
  after: string | null;
  /** The idle threshold changed: rows awaiting the consumer are pushed again (idle or not). */
  idleChanged: boolean;
}

const timerInputs = (s: AccountSettings) => [s.sla, s.autoClose, s.idleAfterSec, s.ringTimeoutSec, s.transferFallbackSec, s.businessHours];

/** Whether a settings change moves the timers of conversations under way (SLA, auto-close, idle, ring, transfer fallback, business hours). */
export function settingsDriveTimers(before: AccountSettings, after: AccountSettings): boolean {
  return JSON.stringify(timerInputs(before)) !== JSON.stringify(timerInputs(after));
}

/** Whether a skill's new overrides move the timers of its conversations. */
export function overridesDriveTimers(before: SkillOverrides, after: SkillOverrides): boolean {
  const inputs = (o: SkillOverrides) => [o.sla ?? null, o.autoClose ?? null, o.businessHours ?? null];
  return JSON.stringify(inputs(before)) !== JSON.stringify(inputs(after));
}

/**
 * In the transaction that changes the settings (account, or a skill's overrides): arrange for the
 * timers of the conversations under way to be re-evaluated, from the first one, on the next
 * scheduler tick. A sweep still under way for the same subject starts over (with the newest
 * settings). It is a durable timer, so a restart in the middle of a sweep resumes it. The caller
 * calls `deps.timersChanged(now)` after the commit.
 */
export async function scheduleTimersReevaluation(tx: Tx, o: { accountId: string; skillId: string | null; idleChanged: boolean; now: number }): Promise<void> {
  const subjectId = o.skillId ?? o.accountId;
  const pending = await findTimer(tx, 'timers_reevaluation', subjectId);
  const payload: ReevaluationPayload = {
    run: newId(),
    skillId: o.skillId,
    after: null,
    idleChanged: o.idleChanged || (pending?.payload as Partial<ReevaluationPayload> | undefined)?.idleChanged === true,
  };
  await scheduleTimer(tx, { kind: 'timers_reevaluation', subjectId, accountId: o.accountId, dueAt: o.now, payload: { ...payload } });
}

/**
 * Re-time one conversation under the settings as they are now (the `retime` transition): its
 * computed SLA due time from the same start, and every timer it needs rewritten. A timer already
 * past its new due time fires on the next tick (an auto-close closes; the row is pushed overdue now).
 */
async function retimeIn(deps: Deps, tx: Tx, out: Outbox, account: Account, c: Conversation, overrides: SkillOverrides | null, idleChanged: boolean) {
  const consumer = await findConsumer(tx, c.accountId, c.consumerId);
  const t = lifecycle.retime(c, { account: account.settings, skill: overrides }, deps.clock.now(), { idleChanged, consumerName: consumer?.name ?? 'Visitor' });
  if (!lifecycle.isRefusal(t)) await commit(deps, tx, out, c, t);
}

/**
 * The `timers_reevaluation` timer: one batch of the sweep in one transaction; when the batch was
 * full, the same timer is re-armed at once for the next one (unless a newer change restarted the
 * sweep meanwhile).
 */
export async function reevaluateTimersBatch(deps: Deps, t: TimerRow): Promise<void> {
  const p = t.payload as unknown as ReevaluationPayload;
  let more = false;
  await inTransaction(deps, t.accountId, async (tx, out) => {
    const account = await findAccount(tx, t.accountId);
    if (!account) return;
    const ids = await listUnclosedConversationIds(tx, t.accountId, { skillId: p.skillId, after: p.after, limit: REEVALUATION_BATCH });
    const overrides = new Map<string, SkillOverrides | null>();
    for (const id of ids) {
      const c = await lockConversationLight(tx, deps.db.dialect, t.accountId, id);
      if (!c || c.state === 'closed') continue;
      let o = c.skillId === null ? null : overrides.get(c.skillId);
      if (o === undefined && c.skillId !== null) {
        o = (await findSkill(tx, t.accountId, c.skillId))?.overrides ?? null;
        overrides.set(c.skillId, o);
      }
      await retimeIn(deps, tx, out, account, c, o ?? null, p.idleChanged);
    }
    const last = ids[ids.length - 1];
    if (ids.length === REEVALUATION_BATCH && last !== undefined) {
      more = await advanceClaimedTimer(tx, t, deps.clock.now(), { ...p, after: last });
    }
  });
  if (more) deps.timersChanged(deps.clock.now());
  // Re-timed conversations can change agents' loads (idle ones weigh less).
  deps.kickRouting(t.accountId);
}
