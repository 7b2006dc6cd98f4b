import { describe, expect, it } from 'vitest';
import { retentionCutoff } from './retention.js';

describe('retentionCutoff', () => {
  it('goes back whole calendar months in UTC, keeping the time of day', () => {
    expect(new Date(retentionCutoff(Date.parse('2026-12-03T18:00:00Z'), 13)).toISOString()).toBe('2025-11-03T18:00:00.000Z');
    expect(new Date(retentionCutoff(Date.parse('2026-12-03T18:00:00Z'), 1)).toISOString()).toBe('2026-11-03T18:00:00.000Z');
    expect(new Date(retentionCutoff(Date.parse('2027-01-15T00:00:00Z'), 120)).toISOString()).toBe('2017-01-15T00:00:00.000Z');
  });
  it('a day the earlier month lacks becomes its last day', () => {
    expect(new Date(retentionCutoff(Date.parse('2026-03-31T10:00:00Z'), 1)).toISOString()).toBe('2026-02-28T10:00:00.000Z');
    expect(new Date(retentionCutoff(Date.parse('2028-03-31T10:00:00Z'), 1)).toISOString()).toBe('2028-02-29T10:00:00.000Z');
  });
});
