import { soonOverdueNow, statusNow } from '@parley/contract';
import { describe, expect, it } from 'vitest';
import { iso, item, T0 } from './active-item.fixture.js';
import { applyRemove, applyUpsert, countStatuses, filterActive, filterByLabel, incomingCount, nextToOpen, sortActive } from './active-list.js';

describe('the Active list model', () => {
  it('sorts ringing offers first, then by due time, then those awaiting the consumer, then closed (latest first)', () => {
    const rows = [
      item('closed-old', { state: 'closed', status: 'closed', slaDueAt: null, closedAt: iso(T0 - 2000) }),
      item('waiting-new', { awaiting: 'consumer', slaDueAt: null, lastMessage: { text: 'x', senderType: 'agent', senderId: 'a1', at: iso(T0 + 10) } }),
      item('due-late', { slaDueAt: iso(T0 + 7200_000) }),
      item('closed-new', { state: 'closed', status: 'closed', slaDueAt: null, closedAt: iso(T0 - 1000) }),
      item('due-soon', { slaDueAt: iso(T0 + 60_000) }),
      item('waiting-old', { awaiting: 'consumer', slaDueAt: null, lastMessage: { text: 'x', senderType: 'agent', senderId: 'a1', at: iso(T0 - 10) } }),
      item('ringing', { state: 'ringing', slaDueAt: iso(T0 + 9_000_000) }),
    ];
    expect(sortActive(rows).map((r) => r.id)).toEqual(['ringing', 'due-soon', 'due-late', 'waiting-old', 'waiting-new', 'closed-new', 'closed-old']);
  });

  it('turns a row overdue by itself when its due time passes, and soon overdue five minutes before', () => {
    const row = item('a', { slaDueAt: iso(T0 + 6 * 60_000) });
    expect([statusNow(row, T0), soonOverdueNow(row, T0)]).toEqual(['ongoing', false]);
    expect([statusNow(row, T0 + 60_000), soonOverdueNow(row, T0 + 60_000)]).toEqual(['ongoing', true]);
    expect([statusNow(row, T0 + 6 * 60_000), soonOverdueNow(row, T0 + 6 * 60_000)]).toEqual(['overdue', false]);
    // A later due time (manual SLA) takes a row the server had called overdue out of it.
    expect(statusNow(item('b', { status: 'overdue', slaDueAt: iso(T0 + 60_000) }), T0)).toBe('ongoing');
    expect(statusNow(item('c', { status: 'idle', awaiting: 'consumer', slaDueAt: null }), T0)).toBe('idle');
    expect(statusNow(item('d', { state: 'closed', status: 'closed' }), T0)).toBe('closed');
  });

  it('counts statuses and combines filters; no filter shows everything, offers always show', () => {
    const rows = sortActive([
      item('over', { slaDueAt: iso(T0 - 1) }),
      item('on'),
      item('idle', { status: 'idle', awaiting: 'consumer', slaDueAt: null }),
      item('closed', { state: 'closed', status: 'closed', slaDueAt: null, closedAt: iso(T0) }),
      item('ring', { state: 'ringing' }),
    ]);
    expect(countStatuses(rows, T0)).toEqual({ ongoing: 1, overdue: 1, idle: 1, closed: 1 });
    expect(filterActive(rows, [], T0).map((r) => r.id)).toEqual(['ring', 'over', 'on', 'idle', 'closed']);
    expect(filterActive(rows, ['overdue'], T0).map((r) => r.id)).toEqual(['ring', 'over']);
    expect(filterActive(rows, ['closed', 'idle'], T0).map((r) => r.id)).toEqual(['ring', 'idle', 'closed']);
  });

  it('filters by label: rows carrying it (offers always show); null shows every row', () => {
    const rows = [item('a', { labels: ['vip', 'bug'] }), item('b', { labels: ['bug'] }), item('c'), item('ring', { state: 'ringing' })];
    expect(filterByLabel(rows, 'vip').map((r) => r.id)).toEqual(['a', 'ring']);
    expect(filterByLabel(rows, 'bug').map((r) => r.id)).toEqual(['a', 'b', 'ring']);
    expect(filterByLabel(rows, null)).toBe(rows);
  });

  it('counts conversations with incoming messages for the badge, and picks the next one to open after a close', () => {
    const rows = sortActive([
      item('a', { unread: 2, slaDueAt: iso(T0 + 1000) }),
      item('b', { unread: 1, slaDueAt: iso(T0 + 2000) }),
      item('c', { unread: 3, state: 'closed', status: 'closed', slaDueAt: null, closedAt: iso(T0) }),
      item('d', { state: 'ringing' }),
    ]);
    expect(incomingCount(rows)).toBe(2);
    expect(nextToOpen(rows, 'a')?.id).toBe('b');
    expect(nextToOpen(rows, 'b')?.id).toBe('a');
    expect(
      nextToOpen(
        rows.filter((r) => r.state !== 'open'),
        'x',
      ),
    ).toBeUndefined();
  });

  it('applies upserts and removals without touching other rows', () => {
    const a = item('a');
    const start = { a };
    const next = applyUpsert(start, item('b'));
    expect(Object.keys(next)).toEqual(['a', 'b']);
    expect(next.a).toBe(a);
    expect(applyRemove(next, 'b')).toEqual({ a });
    expect(applyRemove(start, 'zzz')).toBe(start);
  });
});
