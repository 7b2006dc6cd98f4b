import { describe, expect, it } from 'vitest';
import { niceMax, summarise } from './chart-scales.js';
import { exactDur } from './format.js';

const day = (figures: Record<number, number>) => Array.from({ length: 24 }, (_, h) => figures[h] ?? null);

describe('hourly chart scales', () => {
  it('tops the y scale at a round number, with a floor so one conversation is not a full-height bar', () => {
    expect(niceMax('count', 0)).toBe(4);
    expect(niceMax('count', 1)).toBe(4);
    expect(niceMax('count', 7)).toBe(8);
    expect(niceMax('count', 37)).toBe(40);
    expect(niceMax('seconds', 12)).toBe(60);
    expect(niceMax('seconds', 200)).toBe(240);
    expect(niceMax('seconds', 4000)).toBe(5400);
    expect(niceMax('percent', 12)).toBe(100);
  });

  it('reads a day in one line: total and busiest hour, or the latest and the worst hour', () => {
    expect(summarise(day({}), 'count')).toBe('none yet today');
    expect(summarise(day({ 9: 3, 10: 5, 11: 0 }), 'count')).toBe('8 today, busiest hour 10:00 (5)');
    expect(summarise(day({}), 'seconds')).toBe('no data yet today');
    expect(summarise(day({ 8: 45 }), 'seconds')).toBe('45 s at 08:00');
    expect(summarise(day({ 8: 45, 9: 300, 10: 60 }), 'seconds')).toBe('latest 60 s at 10:00; slowest 5 min at 09:00');
    expect(summarise(day({ 8: 100, 9: 50, 14: 80 }), 'percent')).toBe('latest 80 % at 14:00; lowest 50 % at 09:00');
  });

  it('writes configured durations exactly', () => {
    expect([0, 45, 90, 120, 5400, 7200].map(exactDur)).toEqual(['0', '45 s', '90 s', '2 min', '90 min', '2 h']);
  });
});
