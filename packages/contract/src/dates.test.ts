import { describe, expect, it } from 'vitest';
import { formatDateTime, startOfDay } from './dates.js';

const at = (iso: string) => Date.parse(iso);

describe('dates in an agent’s preferences', () => {
  it('formats in the date format, clock and time zone', () => {
    expect(formatDateTime(at('2026-11-26T18:05:00Z'), { dateFormat: 'DD/MM/YYYY', timeFormat: '12h', timeZone: 'Asia/Kolkata' })).toBe('26/11/2026 11:35 PM');
    expect(formatDateTime(at('2026-11-26T18:05:00Z'), { dateFormat: 'YYYY-MM-DD', timeFormat: '24h', timeZone: 'UTC' })).toBe('2026-11-26 18:05');
  });

  it('startOfDay is local midnight, also on daylight-saving days', () => {
    expect(startOfDay(at('2026-11-26T23:30:00Z'), 'Asia/Kolkata')).toBe(at('2026-11-26T18:30:00Z'));
    expect(startOfDay(at('2026-11-26T03:30:00Z'), 'America/New_York')).toBe(at('2026-11-25T05:00:00Z'));
    expect(startOfDay(at('2026-03-29T12:00:00Z'), 'Europe/Paris')).toBe(at('2026-03-28T23:00:00Z'));
    expect(startOfDay(at('2026-10-25T12:00:00Z'), 'Europe/Paris')).toBe(at('2026-10-24T22:00:00Z'));
    expect(startOfDay(at('2026-03-08T12:00:00Z'), 'America/New_York')).toBe(at('2026-03-08T05:00:00Z'));
    expect(startOfDay(at('2026-11-26T10:00:00.123Z'), 'UTC')).toBe(at('2026-11-26T00:00:00Z'));
  });
});
