import { type ActiveItem, compareActiveOffersFirst, type ListStatus, statusNow } from '@parley/contract';

/**
 * The workspace's views of the Active list. Its rules (status now, soon overdue, the order) are the
 * contract's active-list.ts, shared with the server.
 */

export function sortActive(items: Iterable<ActiveItem>): ActiveItem[] {
  return [...items].sort(compareActiveOffersFirst);
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

/** Rows with the label (null: every row). Ringing offers always show. */
export function filterByLabel(rows: ActiveItem[], labelId: string | null): ActiveItem[] {
  if (labelId === null) return rows;
  return rows.filter((i) => i.state === 'ringing' || (i.labels ?? []).includes(labelId));
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
