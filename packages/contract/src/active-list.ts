import type { ActiveItem, ListStatus } from './schemas.js';

/**
 * The rules of the Active list, written once for the server (which computes each row's status and
 * sorts the list) and the workspace (which re-derives the status of a row between pushes, so a
 * countdown that reaches zero turns red at once, and keeps the list in the server's order).
 */

/** How long before its due time a conversation is "soon overdue" (DESIGN.md: within 5 min). */
export const SOON_OVERDUE_MS = 5 * 60_000;

/** Overdue: a due time (ms) that has come. */
export const isOverdueAt = (dueAt: number | null, now: number): boolean => dueAt !== null && dueAt <= now;

/** Soon overdue: a due time (ms) still ahead, at most SOON_OVERDUE_MS away. */
export const isSoonOverdueAt = (dueAt: number | null, now: number): boolean => dueAt !== null && dueAt > now && dueAt - now <= SOON_OVERDUE_MS;

const dueOf = (item: ActiveItem): number | null => (item.slaDueAt === null ? null : Date.parse(item.slaDueAt));

/**
 * The status a row shows at `now`. The server pushes an upsert whenever a conversation turns soon
 * overdue, overdue or idle; between pushes the row's status is re-derived from its due time.
 */
export function statusNow(item: ActiveItem, now: number): ListStatus {
  if (item.state === 'closed') return 'closed';
  if (isOverdueAt(dueOf(item), now)) return 'overdue';
  if (item.status === 'overdue') return 'ongoing'; // a new due time (e.g. a manual SLA) moved it out
  return item.status;
}

/** Whether a row is soon overdue at `now` (re-derived like `statusNow`). */
export function soonOverdueNow(item: ActiveItem, now: number): boolean {
  return item.state !== 'closed' && isSoonOverdueAt(dueOf(item), now);
}

function cmp(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}

/**
 * Active list order: most urgent first. Conversations with a due time by earliest due; then those
 * awaiting the consumer (longest waiting first); closed last (most recently closed first).
 */
export function compareActive(a: ActiveItem, b: ActiveItem): number {
  const rank = (i: ActiveItem) => (i.state === 'closed' ? 2 : i.slaDueAt !== null ? 0 : 1);
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (ra === 0) return cmp(a.slaDueAt, b.slaDueAt) || cmp(a.createdAt, b.createdAt) || cmp(a.id, b.id);
  if (ra === 1) return cmp(a.lastMessage?.at ?? a.createdAt, b.lastMessage?.at ?? b.createdAt) || cmp(a.id, b.id);
  return cmp(b.closedAt, a.closedAt) || cmp(a.id, b.id);
}

/** The workspace's list: ringing offers on top, then (and among them) the order of `compareActive`. */
export function compareActiveOffersFirst(a: ActiveItem, b: ActiveItem): number {
  return Number(b.state === 'ringing') - Number(a.state === 'ringing') || compareActive(a, b);
}
