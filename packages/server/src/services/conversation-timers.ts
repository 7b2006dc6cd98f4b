import type { Conversation } from '../domain/conversation.js';
import { type ConversationSettings, conversationTimers, type WantedTimer } from '../domain/timers.js';
import type { Tx } from '../storage/db.js';
import type { Account } from '../storage/repos/accounts.repo.js';
import { insertConversation, saveConversation } from '../storage/repos/conversations.repo.js';
import { findSkill } from '../storage/repos/skills.repo.js';
import { cancelTimer, listTimersOf, scheduleTimer, type TimerKind, type TimerRow } from '../storage/repos/timers.repo.js';
import type { Deps } from './context.js';

/** The settings that apply to a conversation of `skillId`: the account's and the skill's overrides. */
export async function settingsFor(tx: Tx, account: Account, skillId: string | null): Promise<ConversationSettings> {
  const skill = skillId ? await findSkill(tx, account.id, skillId) : undefined;
  return { account: account.settings, skill: skill?.overrides ?? null };
}

/**
 * The timer reconciler: makes a subject's stored timers what the domain wants (domain/timers.ts),
 * in the caller's transaction. It compares, never computes a due time: a wanted timer is written
 * when it is missing or differs in due time or payload, a stored one that is no longer wanted is
 * deleted, and the rest is left alone. `firing` is the timer whose handler is running: it is
 * claimed and will be deleted when the handler returns, so it counts as missing (re-armed if it is
 * still wanted). `fresh`: the subject is new, nothing is stored yet.
 */
export async function reconcileTimers(
  deps: Deps,
  tx: Tx,
  subject: { id: string; accountId: string },
  wanted: readonly WantedTimer<TimerKind>[],
  opts: { firing?: TimerRow | undefined; fresh?: boolean } = {},
): Promise<void> {
  const stored = opts.fresh
    ? []
    : await listTimersOf(
        tx,
        subject.id,
        wanted.map((w) => w.kind),
      );
  for (const w of wanted) {
    const s = stored.find((x) => x.kind === w.kind);
    const firing = opts.firing?.kind === w.kind && opts.firing.subjectId === subject.id;
    if (w.dueAt === null) {
      if (s) await cancelTimer(tx, w.kind, subject.id);
      continue;
    }
    if (s && !firing && s.dueAt === w.dueAt && s.payload === JSON.stringify(w.payload)) continue;
    await scheduleTimer(tx, { kind: w.kind, subjectId: subject.id, accountId: subject.accountId, dueAt: w.dueAt, payload: w.payload });
    deps.timersChanged(w.dueAt);
  }
}

/** The conversation's timers as its state wants them now, reconciled. */
export async function syncTimers(deps: Deps, tx: Tx, s: ConversationSettings, c: Conversation, opts: { firing?: TimerRow | undefined } = {}): Promise<void> {
  await reconcileTimers(deps, tx, c, conversationTimers(c, s, deps.clock.now()), opts);
}

/** Save a conversation and reconcile its timers; with `expectedState`, only if the stored state still is that. `prev`: the row as read. */
export async function persist(
  deps: Deps,
  tx: Tx,
  s: ConversationSettings,
  c: Conversation,
  expectedState?: Conversation['state'],
  prev?: Conversation,
): Promise<boolean> {
  const ok = await saveConversation(tx, c, expectedState, prev);
  if (ok) await syncTimers(deps, tx, s, c);
  return ok;
}

export async function persistNew(deps: Deps, tx: Tx, s: ConversationSettings, c: Conversation): Promise<void> {
  await insertConversation(tx, c);
  await reconcileTimers(deps, tx, c, conversationTimers(c, s, deps.clock.now()), { fresh: true });
}
