import { describe, expect, it } from 'vitest';
import { DASHBOARD_SOON_OVERDUE_MS, dashboardDeadline } from './sla.js';

describe("the live dashboard's deadline", () => {
  const now = Date.UTC(2026, 0, 5, 9, 0, 0);
  const waiting = (over: { manualSlaAt?: number | null; slaDueAt?: number | null; awaiting?: 'agent' | 'consumer' }) => ({
    awaiting: 'agent' as const,
    manualSlaAt: null,
    slaDueAt: null,
    ...over,
  });

  it('counts a conversation awaiting the agent as overdue at its deadline, soon overdue within a minute of it', () => {
    expect(dashboardDeadline(waiting({ slaDueAt: now }), now)).toBe('overdue');
    expect(dashboardDeadline(waiting({ slaDueAt: now + DASHBOARD_SOON_OVERDUE_MS }), now)).toBe('soon');
    expect(dashboardDeadline(waiting({ slaDueAt: now + DASHBOARD_SOON_OVERDUE_MS + 1 }), now)).toBeNull();
  });

  it('takes a manual deadline over the computed one', () => {
    expect(dashboardDeadline(waiting({ slaDueAt: now - 1, manualSlaAt: now + 10 * DASHBOARD_SOON_OVERDUE_MS }), now)).toBeNull();
    expect(dashboardDeadline(waiting({ slaDueAt: null, manualSlaAt: now - 1 }), now)).toBe('overdue');
  });

  it('does not count a conversation awaiting the consumer, or one without a deadline', () => {
    expect(dashboardDeadline(waiting({ awaiting: 'consumer', manualSlaAt: now - 1 }), now)).toBeNull();
    expect(dashboardDeadline(waiting({}), now)).toBeNull();
  });
});
