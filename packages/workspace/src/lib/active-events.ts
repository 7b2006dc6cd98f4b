import type { PushedEvent } from '@parley/contract';
import type { ActiveItem, Offer } from './types.js';

/**
 * The Active list as realtime events and HTTP answers build it, pure.
 *
 * Events are applied in `seq` order (the SeqTracker delivers them so), and each conversation
 * remembers the seq of the last event about it. That makes the list converge whatever the timing:
 * - an event about a conversation older than the last one applied to it is dropped, so a removal
 *   never wins over a later upsert (a transfer that routing gives straight back);
 * - an HTTP answer (the list reload, or the answer to one of the agent's own actions) carries the
 *   seq the stream stood at when it was asked; for a conversation that an event touched after that,
 *   the event is newer and the answer's row is left out.
 */
export interface ActiveState {
  items: Record<string, ActiveItem>;
  offers: Record<string, Offer>;
  /** Per conversation: the seq of the last event applied about it (removals and withdrawn offers included). */
  seqOf: Record<string, number>;
}

export const EMPTY_ACTIVE: ActiveState = { items: {}, offers: {}, seqOf: {} };

function without<T>(map: Record<string, T>, id: string): Record<string, T> {
  if (!(id in map)) return map;
  const next = { ...map };
  delete next[id];
  return next;
}

const touched = (s: ActiveState, id: string, seq: number) => ({ ...s.seqOf, [id]: seq });

/** A row pushed or answered without `labels` (only the labels change sends them) keeps the labels the list had. */
function withKnownLabels(items: Record<string, ActiveItem>, row: ActiveItem): ActiveItem {
  const before = items[row.id]?.labels;
  return row.labels === undefined && before !== undefined ? { ...row, labels: before } : row;
}

/** The conversation an event of the Active list is about, or null for other events. */
export function conversationOf(e: PushedEvent): string | null {
  switch (e.type) {
    case 'conversation.upserted':
      return e.data.id;
    case 'conversation.removed':
    case 'offer.withdrawn':
      return e.data.id;
    case 'offer.created':
      return e.data.conversation.id;
    default:
      return null;
  }
}

/** Applies one realtime event; returns `s` itself when the event is not about the list or is older than what the list has. */
export function applyEvent(s: ActiveState, e: PushedEvent): ActiveState {
  const id = conversationOf(e);
  if (id === null) return s;
  if ((s.seqOf[id] ?? -1) >= e.seq) return s;
  const seqOf = touched(s, id, e.seq);
  switch (e.type) {
    case 'conversation.upserted': {
      const item = withKnownLabels(s.items, e.data);
      return { items: { ...s.items, [id]: item }, offers: item.state === 'ringing' ? s.offers : without(s.offers, id), seqOf };
    }
    case 'conversation.removed':
      return { items: without(s.items, id), offers: without(s.offers, id), seqOf };
    case 'offer.created': {
      const offer = e.data;
      return { items: { ...s.items, [id]: offer.conversation }, offers: { ...s.offers, [id]: offer }, seqOf };
    }
    case 'offer.withdrawn':
      return { ...s, offers: without(s.offers, id), seqOf };
    default:
      return s;
  }
}

/** True when an event about `id` was applied after the stream stood at `sinceSeq`. */
export const changedSince = (s: ActiveState, id: string, sinceSeq: number): boolean => (s.seqOf[id] ?? -1) > sinceSeq;

/**
 * The list loaded over HTTP (`GET /api/v1/workspace/active`), asked when the stream stood at
 * `sinceSeq`. Conversations no event touched since then take the loaded row (or go, when it is
 * not in the answer); those touched since keep what the events said. Offers stay while their
 * conversation is still ringing.
 */
export function applySnapshot(s: ActiveState, loaded: readonly ActiveItem[], sinceSeq: number): ActiveState {
  const items: Record<string, ActiveItem> = {};
  for (const i of loaded) if (!changedSince(s, i.id, sinceSeq)) items[i.id] = i;
  for (const [id, i] of Object.entries(s.items)) if (changedSince(s, id, sinceSeq)) items[id] = i;
  const offers: Record<string, Offer> = {};
  for (const [id, o] of Object.entries(s.offers)) if (items[id]?.state === 'ringing') offers[id] = o;
  return { items, offers, seqOf: s.seqOf };
}

/**
 * The answer to one of the agent's own actions about `id` (close, resume, accept, SLA: the row;
 * transfer, dismiss, decline: null, it leaves the list), asked when the stream stood at
 * `sinceSeq`. Applied unless an event about that conversation came after: that event is at least
 * as new (e.g. the transfer's removal and routing's upsert giving it straight back).
 */
export function applyAnswer(s: ActiveState, id: string, row: ActiveItem | null, sinceSeq: number): ActiveState {
  if (changedSince(s, id, sinceSeq)) return s;
  if (row === null) return { ...s, items: without(s.items, id), offers: without(s.offers, id) };
  return { ...s, items: { ...s.items, [id]: withKnownLabels(s.items, row) }, offers: row.state === 'ringing' ? s.offers : without(s.offers, id) };
}
