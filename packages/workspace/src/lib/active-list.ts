import type { ActiveItem, ListStatus } from './types.js';

/** Minutes before the due time from which a conversation is "soon overdue" (as the server's domain). */
export const SOON_OVERDUE_MS = 5 * 60_000;

/**
 * The status a row shows now. The server pushes an upsert whenever a conversation turns soon
 * overdue, overdue or idle; between pushes the row is re-derived locally from its due time, so a
 * countdown that reaches zero turns red at once even if the push is a moment late.
 */
export function statusNow(item: ActiveItem, now: number): ListStatus {
  if (item.state === 'closed') return 'closed';
  if (item.slaDueAt !== null && Date.parse(item.slaDueAt) <= now) return 'overdue';
  if (item.status === 'overdue') return 'ongoing'; // a new due time (e.g. a manual SLA) moved it out
  return item.status;
}

export function soonOverdueNow(item: ActiveItem, now: number): boolean {
  if (item.state === 'closed' || item.slaDueAt === null) return false;
  const left = Date.parse(item.slaDueAt) - now;
  return left > 0 && left <= SOON_OVERDUE_MS;
}

function cmp(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}

/**
 * Active list order, the same as the server's (domain/conversation.ts compareActive): conversations
 * with a due time by earliest due; then those awaiting the consumer, longest waiting first; closed
 * last, most recently closed first. Ringing offers go on top.
 */
export function compareActive(a: ActiveItem, b: ActiveItem): number {
  const rank = (i: ActiveItem) => (i.state === 'ringing' ? -1 : i.state === 'closed' ? 2 : i.slaDueAt !== null ? 0 : 1);
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (ra <= 0) return cmp(a.slaDueAt, b.slaDueAt) || cmp(a.createdAt, b.createdAt) || cmp(a.id, b.id);
  if (ra === 1) return cmp(a.lastMessage?.at ?? a.createdAt, b.lastMessage?.at ?? b.createdAt) || cmp(a.id, b.id);
  return cmp(b.closedAt, a.closedAt) || cmp(a.id, b.id);
}

export function sortActive(items: Iterable<ActiveItem>): ActiveItem[] {
  return [...items].sort(compareActive);
}

export type Counts = Record<ListStatus, number>;

export function countStatuses(items: Iterable<ActiveItem>, now: number): Counts {
  const counts: Counts = { ongoing: 0, overdue: 0, idle: 0, closed: 0 };
  for (const i of items) if (i.state !== 'ringing') counts[statusNow(i, now)]++;
  return counts;
}

/** Rows that pass the status filters (none selected: every row). Ringing offers always show. */
export function filterActive(sorted: ActiveItem[], filters: readonly ListStatus[], now: number): ActiveItem[] {
  if (filters.length === 0) return sorted;
  return sorted.filter((i) => i.state === 'ringing' || filters.includes(statusNow(i, now)));
}

/** Conversations with new incoming messages: the badge. */
export function incomingCount(items: Iterable<ActiveItem>): number {
  let n = 0;
  for (const i of items) if (i.unread > 0 && i.state !== 'closed') n++;
  return n;
}

/** After closing `closedId`: the conversation to open next, the one at the top of the list. */
export function nextToOpen(sorted: ActiveItem[], closedId: string): ActiveItem | undefined {
  return sorted.find((i) => i.id !== closedId && (i.state === 'open' || i.state === 'queued'));
}

/** Applies an upsert or removal to the map of rows; returns the same map when nothing changed. */
export function applyUpsert(items: Record<string, ActiveItem>, item: ActiveItem): Record<string, ActiveItem> {
  return { ...items, [item.id]: item };
}

export function applyRemove(items: Record<string, ActiveItem>, id: string): Record<string, ActiveItem> {
  if (!(id in items)) return items;
  const next = { ...items };
  delete next[id];
  return next;
}
