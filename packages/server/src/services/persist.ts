import type { Conversation } from '../domain/conversation.js';
import type { Transition } from '../domain/conversation-lifecycle.js';
import { type ConversationSettings, conversationTimers, type WantedTimer } from '../domain/timers.js';
import type { Tx } from '../storage/db.js';
import type { Account } from '../storage/repos/accounts.repo.js';
import { insertConversation, saveConversation } from '../storage/repos/conversations.repo.js';
import { findSkill } from '../storage/repos/skills.repo.js';
import { cancelTimer, listTimersOf, scheduleTimer, type TimerKind, type TimerRow } from '../storage/repos/timers.repo.js';
import { findSkillCached } from './caches.js';
import { type Deps, emit, type Outbox } from './context.js';
import { noteConversationChange } from './webhooks.service.js';

/**
 * The settings that apply to a conversation of `skillId`: the account's and the skill's overrides.
 * `cached`: through the app's 1 s skill cache (`deps`), for the per-message path.
 */
export async function settingsFor(
  tx: Tx,
  account: Account,
  skillId: string | null,
  opts: { cached?: Pick<Deps, 'caches'> } = {},
): Promise<ConversationSettings> {
  const { cached } = opts;
  const skill = skillId ? await (cached ? findSkillCached(cached, tx, account.id, skillId) : findSkill(tx, account.id, skillId)) : undefined;
  return { account: account.settings, skill: skill?.overrides ?? null };
}

/**
 * The timer reconciler: makes a subject's stored timers what the domain wants (domain/timers.ts),
 * in the caller's transaction. It compares, never computes a due time: with `before` (what the
 * state before the transition wanted) it writes the timers whose due time or payload differs from
 * it, as the rows are what that state wanted; without it, it reads the stored rows and writes what
 * differs from them (re-timing heals any drift). A timer no longer wanted is deleted. `firing` is
 * the timer whose handler is running: it is claimed and will be deleted when the handler returns,
 * so it counts as changed (re-armed if it is still wanted). `fresh`: the subject is new, nothing is
 * stored yet.
 */
export async function reconcileTimers(
  deps: Deps,
  tx: Tx,
  subject: { id: string; accountId: string },
  wanted: readonly WantedTimer<TimerKind>[],
  opts: { firing?: TimerRow | undefined; fresh?: boolean; before?: readonly WantedTimer<TimerKind>[] | undefined } = {},
): Promise<void> {
  if (!wanted.length) return;
  const { before } = opts;
  const stored: { kind: TimerKind; dueAt: number | null; payload: string }[] = before
    ? before.map((b) => ({ kind: b.kind, dueAt: b.dueAt, payload: JSON.stringify(b.payload) }))
    : opts.fresh
      ? []
      : await listTimersOf(
          tx,
          subject.id,
          wanted.map((w) => w.kind),
        );
  for (const w of wanted) {
    const s = stored.find((x) => x.kind === w.kind && x.dueAt !== null);
    const firing = opts.firing?.kind === w.kind && opts.firing.subjectId === subject.id;
    if (w.dueAt === null) {
      if (s || firing) await cancelTimer(tx, w.kind, subject.id);
      continue;
    }
    if (s && !firing && s.dueAt === w.dueAt && s.payload === JSON.stringify(w.payload)) continue;
    await scheduleTimer(tx, { kind: w.kind, subjectId: subject.id, accountId: subject.accountId, dueAt: w.dueAt, payload: w.payload });
    deps.timersChanged(w.dueAt);
  }
}

/**
 * Commit a transition in the caller's transaction: save the conversation (only the changed
 * columns; with `expectedState`, only if the stored state still is that — false when someone else
 * moved it, and then nothing else happens), reconcile the timers it wants, and emit its events to
 * the audience `audienceFor` gives them in the scene before → after.
 */
export async function commit(
  deps: Deps,
  tx: Tx,
  out: Outbox,
  before: Conversation,
  t: Transition,
  opts: { expectedState?: Conversation['state']; firing?: TimerRow | undefined } = {},
): Promise<boolean> {
  if (t.conversation !== before && !(await saveConversation(tx, t.conversation, opts.expectedState, before))) return false;
  if (t.timers.length) await reconcileTimers(deps, tx, t.conversation, t.timers, { firing: opts.firing, before: t.timersBefore });
  emit(out, t.events, { before, conversation: t.conversation });
  noteConversationChange(out, before, t.conversation);
  return true;
}

/** Commit the transition that opened a conversation: insert it, arm its timers, emit its events. */
export async function commitNew(deps: Deps, tx: Tx, out: Outbox, t: Transition): Promise<void> {
  await insertConversation(tx, t.conversation);
  await reconcileTimers(deps, tx, t.conversation, t.timers, { fresh: true });
  emit(out, t.events, { conversation: t.conversation });
  noteConversationChange(out, undefined, t.conversation);
}

/** The conversation's timers as its state wants them now, reconciled (a handler whose transition did not apply). */
export async function syncTimers(deps: Deps, tx: Tx, s: ConversationSettings, c: Conversation, opts: { firing?: TimerRow | undefined } = {}): Promise<void> {
  await reconcileTimers(deps, tx, c, conversationTimers(c, s, deps.clock.now()), opts);
}
