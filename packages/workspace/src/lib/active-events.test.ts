import type { PushedEvent } from '@parley/contract';
import { SeqTracker } from '@parley/contract';
import { describe, expect, it } from 'vitest';
import { type ActiveState, applyAnswer, applyEvent, applySnapshot, EMPTY_ACTIVE } from './active-events.js';
import { iso, item, T0 } from './active-item.fixture.js';
import type { ActiveItem, Offer } from './types.js';

const ev = (seq: number, type: PushedEvent['type'] | 'note.created' | 'typing', data: unknown): PushedEvent =>
  ({ seq, type, at: iso(T0 + seq), data }) as PushedEvent;
const upserted = (seq: number, i: ActiveItem) => ev(seq, 'conversation.upserted', i);
const removed = (seq: number, id: string) => ev(seq, 'conversation.removed', { id });
const reduce = (events: PushedEvent[], s: ActiveState = EMPTY_ACTIVE) => events.reduce(applyEvent, s);

describe('applyEvent: the Active list from realtime events', () => {
  it('a transfer that routing gives straight back: removed, then upserted 7 ms later, keeps the row and its unread count', () => {
    const start = reduce([upserted(1, item('x', { unread: 1 }))]);
    const back = item('x', { unread: 1, actionable: true });
    const s = reduce([removed(2, 'x'), upserted(3, back)], start);
    expect(s.items.x).toEqual(back);
  });

  it('never lets a removal win over a later upsert, in whatever order they come', () => {
    const back = item('x', { unread: 2 });
    expect(reduce([upserted(5, back), removed(4, 'x')]).items.x).toEqual(back);
    expect(reduce([removed(4, 'x'), upserted(5, back)]).items.x).toEqual(back);
    // and a later removal does win
    expect(reduce([upserted(5, back), removed(6, 'x')]).items.x).toBeUndefined();
  });

  it('drops a duplicate or older upsert of the same conversation', () => {
    const newer = item('x', { unread: 3 });
    const s = reduce([upserted(7, newer), upserted(6, item('x', { unread: 1 })), upserted(7, item('x', { unread: 9 }))]);
    expect(s.items.x).toEqual(newer);
  });

  it("labels: a push without them keeps the row's labels; a push with them (the labels change) replaces them, an empty list too", () => {
    const s = reduce([upserted(1, item('x', { labels: ['l1', 'l2'] })), upserted(2, item('x', { unread: 4 }))]);
    expect(s.items.x).toMatchObject({ unread: 4, labels: ['l1', 'l2'] });
    expect(reduce([upserted(3, item('x', { labels: [] }))], s).items.x?.labels).toEqual([]);
    // the answer to a close (no labels in it) keeps them as well
    expect(applyAnswer(s, 'x', item('x', { state: 'closed' }), 2).items.x).toMatchObject({ state: 'closed', labels: ['l1', 'l2'] });
  });

  it('keeps events about other conversations independent', () => {
    const s = reduce([upserted(1, item('a')), upserted(2, item('b')), removed(3, 'a'), upserted(4, item('c'))]);
    expect(Object.keys(s.items).sort()).toEqual(['b', 'c']);
  });

  it('offers: created adds the ringing row, an accepted upsert ends the offer, withdrawn and removed end it too', () => {
    const ringing = item('r', { state: 'ringing' });
    const offer: Offer = { conversation: ringing, expiresAt: iso(T0 + 30_000) };
    let s = reduce([ev(1, 'offer.created', offer)]);
    expect(s.offers.r).toEqual(offer);
    expect(s.items.r).toEqual(ringing);
    s = reduce([upserted(2, item('r'))], s);
    expect(s.offers.r).toBeUndefined();
    s = reduce([ev(3, 'offer.created', offer), ev(4, 'offer.withdrawn', { id: 'r' }), removed(5, 'r')], s);
    expect(s.offers.r).toBeUndefined();
    expect(s.items.r).toBeUndefined();
  });

  it('ignores events that are not about the list', () => {
    const s = reduce([upserted(1, item('a'))]);
    expect(applyEvent(s, ev(2, 'message.created', { id: 'm', conversationId: 'a' }))).toBe(s);
  });

  it('behind a SeqTracker, events that arrive out of order are applied in seq order', () => {
    let s = EMPTY_ACTIVE;
    const tracker = new SeqTracker(
      0,
      (e) => {
        s = applyEvent(s, e as PushedEvent);
      },
      () => undefined,
    );
    tracker.receive(upserted(1, item('x')));
    tracker.receive(upserted(3, item('x', { unread: 1 }))); // held: 2 is missing
    tracker.receive(removed(2, 'x'));
    expect(s.items.x).toEqual(item('x', { unread: 1 }));
  });
});

describe('HTTP answers never overwrite newer events', () => {
  it('a list reload asked before an upsert arrived keeps the upserted row', () => {
    // asked at seq 1; the answer comes after seq 2 re-added x
    const s = reduce([upserted(1, item('x')), removed(2, 'x'), upserted(3, item('x', { unread: 1 }))]);
    const loaded = applySnapshot(s, [], 1);
    expect(loaded.items.x).toEqual(item('x', { unread: 1 }));
  });

  it('a list reload asked before a removal keeps the conversation out', () => {
    const s = reduce([upserted(1, item('x')), removed(2, 'x')]);
    expect(applySnapshot(s, [item('x')], 1).items.x).toBeUndefined();
  });

  it('a list reload replaces what no event touched since it was asked, and drops what it no longer has', () => {
    const s = reduce([upserted(1, item('gone')), upserted(2, item('kept', { unread: 0 }))]);
    const loaded = applySnapshot(s, [item('kept', { unread: 4 }), item('new')], 2);
    expect(Object.keys(loaded.items).sort()).toEqual(['kept', 'new']);
    expect(loaded.items.kept?.unread).toBe(4);
  });

  it('a list reload keeps offers only while their conversation still rings', () => {
    const ringing = item('r', { state: 'ringing' });
    const s = reduce([ev(1, 'offer.created', { conversation: ringing, expiresAt: iso(T0) })]);
    expect(applySnapshot(s, [ringing], 1).offers.r).toBeDefined();
    expect(applySnapshot(s, [item('r')], 1).offers.r).toBeUndefined();
  });

  it("a transfer's answer that comes after routing gave the conversation back does not remove it", () => {
    const asked = 1;
    const s = reduce([upserted(1, item('x')), removed(2, 'x'), upserted(3, item('x', { unread: 1 }))]);
    expect(applyAnswer(s, 'x', null, asked).items.x).toEqual(item('x', { unread: 1 }));
  });

  it("a transfer's answer before any event removes the row; the events that follow bring it back", () => {
    let s = reduce([upserted(1, item('x'))]);
    s = applyAnswer(s, 'x', null, 1);
    expect(s.items.x).toBeUndefined();
    s = reduce([removed(2, 'x'), upserted(3, item('x', { unread: 1 }))], s);
    expect(s.items.x?.unread).toBe(1);
  });

  it("a close's answer is applied, unless a newer event about it arrived meanwhile", () => {
    const s = reduce([upserted(1, item('x'))]);
    const closed = item('x', { state: 'closed', status: 'closed' });
    expect(applyAnswer(s, 'x', closed, 1).items.x).toEqual(closed);
    const resumedMeanwhile = reduce([upserted(2, closed), upserted(3, item('x', { unread: 1 }))], s);
    expect(applyAnswer(resumedMeanwhile, 'x', closed, 1).items.x?.state).toBe('open');
  });
});
