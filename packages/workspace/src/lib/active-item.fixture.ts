import type { ActiveItem } from './types.js';

/** Test data of the Active list (active-list.test.ts, active-events.test.ts): a row, open and due in an hour unless overridden. */

export const T0 = Date.parse('2026-03-07T10:00:00Z');
export const iso = (ms: number) => new Date(ms).toISOString();

export function item(id: string, o: Partial<ActiveItem> = {}): ActiveItem {
  return {
    id,
    state: 'open',
    status: 'ongoing',
    soonOverdue: false,
    awaiting: 'agent',
    slaDueAt: iso(T0 + 3600_000),
    manualSla: false,
    actionable: false,
    unread: 0,
    channel: 'web',
    skillId: null,
    agentId: 'a1',
    consumer: { id: `c-${id}`, name: id },
    lastMessage: { text: 'hi', senderType: 'consumer', senderId: `c-${id}`, at: iso(T0) },
    createdAt: iso(T0),
    closedAt: null,
    urgent: false,
    closedBy: null,
    closedById: null,
    closedByName: null,
    ...o,
  };
}
