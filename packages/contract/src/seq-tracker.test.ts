import { describe, expect, it } from 'vitest';
import type { EventEnvelope } from './events.js';
import { SeqTracker } from './seq-tracker.js';

const ev = (seq: number): EventEnvelope => ({ seq, type: 'message.created', at: '', data: seq });

describe('SeqTracker', () => {
  it('applies in order, drops duplicates, asks for a sync on a gap and applies held events once filled', () => {
    const applied: number[] = [];
    const syncs: number[] = [];
    const t = new SeqTracker(
      0,
      (e) => applied.push(e.seq),
      (s) => syncs.push(s),
    );
    t.receive(ev(1));
    t.receive(ev(1));
    t.receive(ev(4));
    t.receive(ev(5));
    expect(applied).toEqual([1]);
    expect(syncs).toEqual([1]);
    t.receive(ev(2));
    t.receive(ev(3));
    expect(applied).toEqual([1, 2, 3, 4, 5]);
    expect(t.seq).toBe(5);
  });

  it('asks again when a sync fills only part of the gap', () => {
    const applied: number[] = [];
    const syncs: number[] = [];
    const t = new SeqTracker(
      9,
      (e) => applied.push(e.seq),
      (s) => syncs.push(s),
    );
    for (const s of [11, 13, 10, 11, 14, 15]) t.receive(ev(s));
    expect(applied).toEqual([10, 11]);
    expect(syncs).toEqual([9, 11]);
    t.receive(ev(12));
    expect(applied).toEqual([10, 11, 12, 13, 14, 15]);
  });
});
