import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { agentStateTotals, type StateSpan } from './agent-states.js';

const H = 3600_000;

describe('agent state totals', () => {
  const spans: StateSpan[] = [
    { userId: 'ann', status: 'online', reasonId: null, startedAt: 0, endedAt: 2 * H },
    { userId: 'ann', status: 'away', reasonId: 'lunch', startedAt: 2 * H, endedAt: 3 * H },
    { userId: 'ann', status: 'online', reasonId: null, startedAt: 3 * H, endedAt: null },
    { userId: 'bob', status: 'back_soon', reasonId: 'coffee', startedAt: H, endedAt: 1.5 * H },
  ];
  it('sums each stretch clipped to the period; the current one counts up to now', () => {
    const t = agentStateTotals(spans, H, 10 * H, 5 * H);
    expect(t.get('ann')?.byStatus).toEqual({ online: 3 * H, away: H, back_soon: 0, offline: 0 });
    expect(Object.fromEntries(t.get('ann')?.byReason ?? [])).toEqual({ lunch: H });
    expect(t.get('bob')?.byStatus.back_soon).toBe(0.5 * H);
  });
  it('stretches outside the period count nothing', () => {
    expect(agentStateTotals(spans, 20 * H, 30 * H, 10 * H).size).toBe(0);
  });
  it('the time of one agent never exceeds the period, for any log of consecutive stretches', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 5 * H }), { minLength: 1, maxLength: 20 }), fc.nat(50 * H), fc.nat(50 * H), (lens, a, b) => {
        const [from, to] = a <= b ? [a, b] : [b, a];
        let at = 0;
        const log: StateSpan[] = lens.map((len, i) => {
          const s: StateSpan = { userId: 'ann', status: i % 2 ? 'away' : 'online', reasonId: null, startedAt: at, endedAt: at + len };
          at += len;
          return s;
        });
        const t = agentStateTotals(log, from, to, at);
        const total = Object.values(t.get('ann')?.byStatus ?? {}).reduce((x, y) => x + y, 0);
        expect(total).toBe(Math.max(0, Math.min(to, at) - Math.min(from, at)));
      }),
    );
  });
});
