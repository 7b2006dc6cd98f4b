import type { Conversation } from '../domain/conversation.js';
import * as lifecycle from '../domain/conversation-lifecycle.js';
import type { ConversationSettings } from '../domain/timers.js';
import type { Tx } from '../storage/db.js';
import { type Account, findAccount } from '../storage/repos/accounts.repo.js';
import { findConsumer } from '../storage/repos/consumers.repo.js';
import { lockConversation } from '../storage/repos/conversations.repo.js';
import type { TimerKind, TimerRow } from '../storage/repos/timers.repo.js';
import { findUser } from '../storage/repos/users.repo.js';
import { runAuditRetention } from './audit.service.js';
import { botReplyTimer } from './bots.service.js';
import { type Deps, inTransaction, type Outbox } from './context.js';
import { closeIn, withdrawOfferIn } from './lifecycle.service.js';
import { commit, settingsFor, syncTimers } from './persist.js';
import { retentionTimer } from './retention.service.js';
import { expireSurvey } from './surveys.service.js';
import type { TimerHandler } from './timers.service.js';
import { reevaluateTimersBatch } from './timers-reevaluation.service.js';
import { changeStatusIn } from './users.service.js';

/**
 * What each durable timer does when it falls due (the job kinds' timers — `delivery`, `crm_sync` —
 * come from the job runner, services/jobs.service.ts). A timer can be stale, or fire twice after a
 * crash: every handler re-reads the conversation and re-checks through the same transition a user
 * would go through (domain/conversation-lifecycle.ts). A refusal changes nothing; `not_due` (the
 * settings moved the time) re-arms the timers as the state wants them.
 */

interface Ctx {
  tx: Tx;
  out: Outbox;
  c: Conversation;
  account: Account;
  now: number;
}

/** Run `fn` on the timer's conversation, locked, when it and its account still exist. */
async function onConversation(deps: Deps, t: TimerRow, fn: (ctx: Ctx) => Promise<void>): Promise<void> {
  await inTransaction(deps, t.accountId, async (tx, out) => {
    const c = await lockConversation(tx, deps.db.dialect, t.accountId, t.subjectId);
    const account = await findAccount(tx, t.accountId);
    if (c && account) await fn({ tx, out, c, account, now: deps.clock.now() });
  });
}

/** After a refusal: a timer that is not due yet is armed again for when it is; any other refusal means it no longer applies. */
async function unlessDue(deps: Deps, t: TimerRow, ctx: Ctx, r: lifecycle.Refusal): Promise<void> {
  if (r.refused === 'not_due') await syncTimers(deps, ctx.tx, await settingsFor(ctx.tx, ctx.account, ctx.c.skillId), ctx.c, { firing: t });
}

/** A timer that is one transition and nothing else: re-check through it, then commit it (or re-arm when not due). */
async function commitTransition(
  deps: Deps,
  t: TimerRow,
  ctx: Ctx,
  transition: (c: Conversation, settings: ConversationSettings, now: number) => lifecycle.Outcome,
): Promise<void> {
  const { tx, out, c, account, now } = ctx;
  const r = transition(c, await settingsFor(tx, account, c.skillId), now);
  if (lifecycle.isRefusal(r)) return unlessDue(deps, t, ctx, r);
  await commit(deps, tx, out, c, r, { firing: t });
}

const consumerName = async (tx: Tx, c: Conversation) => (await findConsumer(tx, c.accountId, c.consumerId))?.name ?? 'Visitor';

export const timerHandlers: Partial<Record<TimerKind, TimerHandler>> = {
  // Time alone changed the list status (soon overdue, overdue, idle): push the row, arm the next change.
  async status(deps, t) {
    await onConversation(deps, t, async ({ tx, out, c, account, now }) => {
      const r = lifecycle.tick(c, await settingsFor(tx, account, c.skillId), now, { consumerName: await consumerName(tx, c) });
      if (!lifecycle.isRefusal(r)) await commit(deps, tx, out, c, r, { firing: t });
    });
    // Dynamic capacity: a conversation turning idle can free capacity.
    deps.kickRouting(t.accountId);
  },

  async ring(deps, t) {
    await onConversation(deps, t, async (ctx) => {
      const { tx, out, c, account, now } = ctx;
      const r = await withdrawOfferIn(
        deps,
        tx,
        out,
        account,
        c,
        { reason: 'timeout', offer: { agentId: t.payload.agentId, offeredAt: t.payload.offeredAt } },
        t,
      );
      if (lifecycle.isRefusal(r)) return unlessDue(deps, t, ctx, r);
      const missedBy = c.agentId;
      if (account.settings.awayOnMissedRing && missedBy) {
        const u = await findUser(tx, t.accountId, missedBy);
        // the same rule as any status change: the agent's other ringing offers move on too
        if (u && u.status === 'online') await changeStatusIn(deps, tx, out, u, 'away', now, 'missed_ring');
      }
    });
    deps.kickRouting(t.accountId);
  },

  async auto_close(deps, t) {
    await onConversation(deps, t, async (ctx) => {
      const r = await closeIn(deps, ctx.tx, ctx.out, ctx.account, ctx.c, 'system');
      if ('refused' in r) await unlessDue(deps, t, ctx, r);
    });
    deps.kickRouting(t.accountId);
  },

  async transfer_fallback(deps, t) {
    await onConversation(deps, t, (ctx) => commitTransition(deps, t, ctx, lifecycle.fallBack));
    deps.kickRouting(t.accountId);
  },

  // A bot owes an answer past its reply time: the conversation escalates by itself.
  async bot_reply(deps, t) {
    await botReplyTimer(deps, t);
  },

  // Closed conversations leave the Active list once the retention window passes.
  async closed_expiry(deps, t) {
    await onConversation(deps, t, (ctx) => commitTransition(deps, t, ctx, lifecycle.leaveList));
  },

  // A post-conversation survey was not answered in time.
  async survey_expiry(deps, t) {
    await expireSurvey(deps, t.accountId, t.subjectId, t);
  },

  // A warm-up step passed: the agent may take one more.
  async warmup(deps, t) {
    deps.kickRouting(t.accountId);
  },

  // Daily, per account: closed conversations past settings.retention go (services/retention.service.ts).
  async retention(deps, t) {
    await retentionTimer(deps, t);
  },

  // SLA, auto-close (or other timer) settings changed: re-time the conversations under way, a batch per firing.
  async timers_reevaluation(deps, t) {
    await reevaluateTimersBatch(deps, t);
  },

  // Daily: the account's audit entries older than settings.audit.retentionMonths go.
  async audit_retention(deps, t) {
    await runAuditRetention(deps, t);
  },
};
