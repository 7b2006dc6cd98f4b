import { listStatus, rowEvent } from '../domain/conversation.js';
import { autoCloseDueAt, closedExpiryAt, ringEndsAt, transferFallbackAt } from '../domain/timers.js';
import { findAccount } from '../storage/repos/accounts.repo.js';
import { findConsumer } from '../storage/repos/consumers.repo.js';
import { lockConversation } from '../storage/repos/conversations.repo.js';
import type { TimerKind } from '../storage/repos/timers.repo.js';
import { findUser } from '../storage/repos/users.repo.js';
import { emit, inTransaction } from './context.js';
import { persist, settingsFor, syncTimers } from './conversation-timers.js';
import { closeIn, withdrawOfferIn } from './lifecycle.service.js';
import { expireSurvey } from './surveys.service.js';
import type { TimerHandler } from './timers.service.js';
import { reevaluateTimersBatch } from './timers-reevaluation.service.js';
import { changeStatusIn } from './users.service.js';

/**
 * What each durable timer does when it falls due (the job kinds' timers — `delivery`, `crm_sync` —
 * come from the job runner, services/jobs.service.ts). Every handler re-reads and re-checks the state it
 * acts on (a timer can be stale, or fire twice after a crash) and changes nothing if it no longer applies.
 */
export const timerHandlers: Partial<Record<TimerKind, TimerHandler>> = {
  // Time alone changed the list status (soon overdue, overdue, idle): push the row, arm the next change.
  async status(deps, t) {
    await inTransaction(deps, t.accountId, async (tx, out) => {
      const c = await lockConversation(tx, deps.db.dialect, t.accountId, t.subjectId);
      const account = await findAccount(tx, t.accountId);
      if (!c || !account || (c.state !== 'open' && c.state !== 'ringing')) return;
      const consumer = await findConsumer(tx, t.accountId, c.consumerId);
      emit(out, [rowEvent(c, consumer?.name ?? 'Visitor', account.settings.idleAfterSec, deps.clock.now())], { conversation: c });
      await syncTimers(deps, tx, await settingsFor(tx, account, c.skillId), c, { firing: t });
    });
    // Dynamic capacity: a conversation turning idle can free capacity.
    deps.kickRouting(t.accountId);
  },

  async ring(deps, t) {
    let missedBy: string | null = null;
    await inTransaction(deps, t.accountId, async (tx, out) => {
      const c = await lockConversation(tx, deps.db.dialect, t.accountId, t.subjectId);
      const account = await findAccount(tx, t.accountId);
      if (!c || !account || c.state !== 'ringing' || c.agentId !== t.payload.agentId || c.offeredAt !== t.payload.offeredAt) return;
      const now = deps.clock.now();
      const s = await settingsFor(tx, account, c.skillId);
      const ends = ringEndsAt(c, s);
      if (ends !== null && now < ends) return void (await syncTimers(deps, tx, s, c, { firing: t }));
      missedBy = c.agentId;
      await withdrawOfferIn(deps, tx, out, account, c, 'timeout', now);
      if (account.settings.awayOnMissedRing && missedBy) {
        const u = await findUser(tx, t.accountId, missedBy);
        // the same rule as any status change: the agent's other ringing offers move on too
        if (u && u.status === 'online') await changeStatusIn(deps, tx, out, u, 'away', now, 'missed_ring');
      }
    });
    deps.kickRouting(t.accountId);
  },

  async auto_close(deps, t) {
    await inTransaction(deps, t.accountId, async (tx, out) => {
      const c = await lockConversation(tx, deps.db.dialect, t.accountId, t.subjectId);
      const account = await findAccount(tx, t.accountId);
      if (!c || !account) return;
      const s = await settingsFor(tx, account, c.skillId);
      const due = autoCloseDueAt(c, s);
      const now = deps.clock.now();
      if (due === null || due > now) return void (await syncTimers(deps, tx, s, c, { firing: t }));
      await closeIn(deps, tx, out, account, c, 'system', now);
    });
    deps.kickRouting(t.accountId);
  },

  async transfer_fallback(deps, t) {
    await inTransaction(deps, t.accountId, async (tx) => {
      const c = await lockConversation(tx, deps.db.dialect, t.accountId, t.subjectId);
      const account = await findAccount(tx, t.accountId);
      if (!c || !account || c.state !== 'queued' || c.targetAgentId === null) return;
      const now = deps.clock.now();
      const s = await settingsFor(tx, account, c.skillId);
      const due = transferFallbackAt(c, s);
      if (due !== null && now < due) return void (await syncTimers(deps, tx, s, c, { firing: t }));
      await persist(deps, tx, s, {
        ...c,
        targetAgentId: null,
        routing: { outcome: 'waiting', rule: 'transfer_fallback_to_skill_queue', agentId: null, candidates: [], at: now },
        updatedAt: now,
      });
    });
    deps.kickRouting(t.accountId);
  },

  // Closed conversations leave the Active list once the retention window passes.
  async closed_expiry(deps, t) {
    await inTransaction(deps, t.accountId, async (tx, out) => {
      const c = await lockConversation(tx, deps.db.dialect, t.accountId, t.subjectId);
      const account = await findAccount(tx, t.accountId);
      if (!c || !account || c.state !== 'closed' || c.dismissed || !c.lastAgentId || c.closedAt === null) return;
      if (listStatus(c, account.settings.idleAfterSec, deps.clock.now()) !== 'closed') return;
      const s = await settingsFor(tx, account, c.skillId);
      const due = closedExpiryAt(c, s);
      if (due !== null && deps.clock.now() < due) return void (await syncTimers(deps, tx, s, c, { firing: t }));
      emit(out, [{ type: 'conversation.removed', data: { id: c.id } }], { before: c });
    });
  },

  // A post-conversation survey was not answered in time.
  async survey_expiry(deps, t) {
    await expireSurvey(deps, t.accountId, t.subjectId, t);
  },

  // A warm-up step passed: the agent may take one more.
  async warmup(deps, t) {
    deps.kickRouting(t.accountId);
  },

  // SLA, auto-close (or other timer) settings changed: re-time the conversations under way, a batch per firing.
  async timers_reevaluation(deps, t) {
    await reevaluateTimersBatch(deps, t);
  },
};
