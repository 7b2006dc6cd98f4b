import { describe, expect, it } from 'vitest';
import {
  dayLabel,
  formatDate,
  formatDuration,
  formatTime,
  instantToWallTime,
  shortStamp,
  slaText,
  tomorrowAt,
  unreadText,
  wallTimeToInstant,
  zoneOffsetMs,
} from './format.js';

const at = Date.parse('2026-03-07T14:05:09Z');
const utc = { dateFormat: 'YYYY-MM-DD', timeFormat: '24h', timeZone: 'UTC' } as const;

describe('date and time in the agent preferences', () => {
  it('formats dates in each format and times in 12 and 24 hours', () => {
    expect(formatDate(at, utc)).toBe('2026-03-07');
    expect(formatDate(at, { ...utc, dateFormat: 'DD/MM/YYYY' })).toBe('07/03/2026');
    expect(formatDate(at, { ...utc, dateFormat: 'MM/DD/YYYY' })).toBe('03/07/2026');
    expect(formatDate(at, { ...utc, dateFormat: 'DD.MM.YYYY' })).toBe('07.03.2026');
    expect(formatTime(at, utc)).toBe('14:05');
    expect(formatTime(at, { ...utc, timeFormat: '12h' })).toBe('2:05 PM');
    expect(formatTime(Date.parse('2026-03-07T00:30:00Z'), { ...utc, timeFormat: '12h' })).toBe('12:30 AM');
    expect(formatTime(Date.parse('2026-03-07T12:00:00Z'), { ...utc, timeFormat: '12h' })).toBe('12:00 PM');
  });

  it('uses the agent time zone, not the browser one', () => {
    expect(formatTime(at, { ...utc, timeZone: 'Asia/Tokyo' })).toBe('23:05');
    expect(formatDate(Date.parse('2026-03-07T20:00:00Z'), { ...utc, timeZone: 'Asia/Tokyo' })).toBe('2026-03-08');
    expect(formatTime(at, { ...utc, timeZone: 'America/New_York' })).toBe('09:05');
  });

  it('labels days for separators and stamps rows with the time today, else the date', () => {
    const now = Date.parse('2026-03-07T18:00:00Z');
    expect(dayLabel(at, utc, now)).toBe('Today');
    expect(dayLabel(at - 86_400_000, utc, now)).toBe('Yesterday');
    expect(dayLabel(at - 3 * 86_400_000, utc, now)).toBe('Wed 2026-03-04');
    expect(shortStamp(at, utc, now)).toBe('14:05');
    expect(shortStamp(at - 86_400_000, utc, now)).toBe('2026-03-06');
  });

  it('writes durations and SLA countdowns', () => {
    expect(formatDuration(42)).toBe('42 s');
    expect(formatDuration(59.6)).toBe('1 min');
    expect(formatDuration(3 * 60 + 5)).toBe('3 min');
    expect(formatDuration(3600)).toBe('1 h');
    expect(formatDuration(4800)).toBe('1 h 20 min');
    expect(formatDuration(2 * 86_400 + 3 * 3600)).toBe('2 d 3 h');
    expect(slaText(null, at)).toBeNull();
    expect(slaText(new Date(at + 240_000).toISOString(), at)).toBe('4 min left');
    expect(slaText(new Date(at - 3_000).toISOString(), at)).toBe('overdue by 3 s');
  });

  it('converts the wall time of a date-time picker to an instant and back, across DST', () => {
    expect(new Date(wallTimeToInstant('2026-12-02T09:00', 'UTC')).toISOString()).toBe('2026-12-02T09:00:00.000Z');
    expect(new Date(wallTimeToInstant('2026-12-02T09:00', 'Europe/Paris')).toISOString()).toBe('2026-12-02T08:00:00.000Z');
    expect(new Date(wallTimeToInstant('2026-07-02T09:00', 'Europe/Paris')).toISOString()).toBe('2026-07-02T07:00:00.000Z');
    expect(new Date(wallTimeToInstant('2026-03-29T09:00', 'Europe/Paris')).toISOString()).toBe('2026-03-29T07:00:00.000Z'); // DST day
    expect(instantToWallTime(Date.parse('2026-07-02T07:00:00Z'), 'Europe/Paris')).toBe('2026-07-02T09:00');
    expect(zoneOffsetMs(Date.parse('2026-01-01T00:00:00Z'), 'Asia/Kolkata')).toBe(5.5 * 3600_000);
    expect(Number.isNaN(wallTimeToInstant('not a time', 'UTC'))).toBe(true);
  });

  it('finds tomorrow 09:00 on the agent wall clock', () => {
    const now = Date.parse('2026-03-07T23:30:00Z'); // already Mar 8 in Tokyo
    expect(new Date(tomorrowAt(9, now, 'UTC')).toISOString()).toBe('2026-03-08T09:00:00.000Z');
    expect(new Date(tomorrowAt(9, now, 'Asia/Tokyo')).toISOString()).toBe('2026-03-09T00:00:00.000Z');
  });
});

describe('unread counts in words', () => {
  it('says one message or several', () => {
    expect(unreadText(1)).toBe('1 unread message');
    expect(unreadText(3)).toBe('3 unread messages');
  });
});
