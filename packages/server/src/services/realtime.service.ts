import { type Recipient, type StoredDelivery, typingAudience } from '../domain/audience.js';
import { findConversation } from '../storage/repos/conversations.repo.js';
import { lastSeq, oldestSeq, readEventsAfter } from '../storage/repos/events.repo.js';
import { findUser } from '../storage/repos/users.repo.js';
import type { Deps } from './context.js';

/**
 * What the socket layer reads: a recipient's stream (its seq, the events it missed) and the
 * decision of who gets an ephemeral cue. realtime/ only delivers; the reads and rules are here.
 */

const SYNC_PAGE = 500;
/** A client further behind than this reloads instead of replaying. */
export const SYNC_MAX = 10_000;

/** The recipient's current seq (0 before its first event). */
export function currentSeq(deps: Deps, recipient: Recipient): Promise<number> {
  return lastSeq(deps.db.kysely, recipient);
}

/**
 * Replays the events stored for `recipient` after `afterSeq`, page by page through `deliver`, in
 * seq order. When they are no longer all kept (or more than SYNC_MAX), nothing is replayed and the
 * answer is `{ resync: seq }`: the client reloads its state and continues from `seq`.
 */
export async function replayAfter(
  deps: Deps,
  accountId: string,
  recipient: Recipient,
  afterSeq: number,
  deliver: (e: StoredDelivery) => void,
): Promise<{ resync: number } | { replayed: true }> {
  const tx = deps.db.kysely;
  const current = await lastSeq(tx, recipient);
  const oldest = await oldestSeq(tx, recipient);
  const tooOld = afterSeq < current && oldest !== null && afterSeq < oldest - 1;
  if (tooOld || current - afterSeq > SYNC_MAX) return { resync: current };
  let cursor = afterSeq;
  for (;;) {
    const page = await readEventsAfter(tx, accountId, recipient, cursor, SYNC_PAGE);
    for (const e of page) deliver(e);
    const last = page[page.length - 1];
    if (page.length < SYNC_PAGE || !last) return { replayed: true };
    cursor = last.seq;
  }
}

/**
 * "Agent is typing" from user `userId` on a conversation: to whom it goes and the name shown, or
 * why it is refused (the rule is `typingAudience`, domain/audience.ts).
 */
export async function typingCue(
  deps: Deps,
  accountId: string,
  userId: string,
  conversationId: string,
): Promise<{ to: Recipient; agent: { displayName: string } } | { refused: 'not_found' | 'forbidden' }> {
  const c = await findConversation(deps.db.kysely, accountId, conversationId);
  // The typist is read only for an open conversation (typing is sent often).
  const user = c?.state === 'open' ? await findUser(deps.db.kysely, accountId, userId) : undefined;
  const decision = typingAudience(c, user);
  if ('refused' in decision) return decision;
  return { to: decision.to, agent: { displayName: user?.displayName ?? '' } };
}
