import { ALWAYS_OPEN, type BusinessHours, WEEKDAYS } from '@parley/contract';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { addOpenTime, isAlwaysOpen, isOpenAt, nextOpenAt, openIntervalsOfDay, openTimeBetween } from './business-hours.js';

const MIN = 60_000;
const HOUR = 60 * MIN;

const weekdays = (w: [string, string][], weekend: [string, string][] = []): BusinessHours['weekly'] => ({
  mon: w,
  tue: w,
  wed: w,
  thu: w,
  fri: w,
  sat: weekend,
  sun: weekend,
});
const office: BusinessHours = { timeZone: 'Europe/Paris', weekly: weekdays([['09:00', '17:30']]), holidays: ['2026-12-25'] };
const paris = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/Paris' }).toMillis();

describe('business hours, by example', () => {
  it('open around the clock adds wall time and is always open', () => {
    expect(isAlwaysOpen(ALWAYS_OPEN)).toBe(true);
    expect(addOpenTime(ALWAYS_OPEN, 1000, 5000)).toBe(6000);
    expect(nextOpenAt(ALWAYS_OPEN, 1000)).toBe(1000);
  });

  it('a wait started after closing begins at the next opening', () => {
    // Thursday 2026-12-03 18:00 Paris, 1 h of open time → Friday 10:00
    expect(addOpenTime(office, paris('2026-12-03T18:00'), HOUR)).toBe(paris('2026-12-04T10:00'));
    // Friday 17:00 + 1 h → 30 min on Friday, 30 min on Monday
    expect(addOpenTime(office, paris('2026-12-04T17:00'), HOUR)).toBe(paris('2026-12-07T09:30'));
    expect(nextOpenAt(office, paris('2026-12-05T12:00'))).toBe(paris('2026-12-07T09:00'));
  });

  it('a holiday is closed all day', () => {
    expect(isOpenAt(office, paris('2026-12-25T10:00'))).toBe(false);
    expect(nextOpenAt(office, paris('2026-12-24T18:00'))).toBe(paris('2026-12-28T09:00'));
  });

  it('counts a long wait on a sparse schedule exactly, past two years of calendar (a found counterexample)', () => {
    const sparse: BusinessHours = { timeZone: 'UTC', weekly: { ...weekdays([]), fri: [['00:00', '00:15']] }, holidays: [] };
    const t = Date.UTC(2026, 0, 1);
    // 115 windows of 15 min and 1 ms: the 116th Friday after 2026-01-02, 1 ms after it opens
    expect(addOpenTime(sparse, t, 115 * 15 * MIN + 1)).toBe(Date.UTC(2028, 2, 17, 0, 0, 0, 1));
    expect(addOpenTime(sparse, addOpenTime(sparse, t, 15 * MIN + 1), 114 * 15 * MIN)).toBe(Date.UTC(2028, 2, 17, 0, 0, 0, 1));
  });

  it('the end of a window is closed, its start open', () => {
    expect(isOpenAt(office, paris('2026-12-03T09:00'))).toBe(true);
    expect(isOpenAt(office, paris('2026-12-03T17:30'))).toBe(false);
    expect(addOpenTime(office, paris('2026-12-03T17:00'), 30 * MIN)).toBe(paris('2026-12-03T17:30'));
  });

  it('windows follow the wall clock across a daylight-saving change', () => {
    // Paris: 2026-03-29 02:00 → 03:00; 09:00 local is 08:00 UTC before, 07:00 UTC after
    expect(nextOpenAt(office, paris('2026-03-28T12:00'))).toBe(Date.UTC(2026, 2, 30, 7, 0));
    expect(nextOpenAt(office, paris('2026-03-27T06:00'))).toBe(Date.UTC(2026, 2, 27, 8, 0));
  });

  it('DST days have 23 and 25 hours', () => {
    const allWeek = { ...ALWAYS_OPEN, timeZone: 'Europe/Paris', holidays: ['2026-01-01'] };
    const day = (iso: string) => {
      const d = DateTime.fromISO(iso, { zone: 'Europe/Paris' });
      return openTimeBetween(allWeek, d.toMillis(), d.plus({ days: 1 }).toMillis());
    };
    expect(day('2026-03-29')).toBe(23 * HOUR);
    expect(day('2026-10-25')).toBe(25 * HOUR);
    expect(day('2026-06-01')).toBe(24 * HOUR);
    const ny = { ...allWeek, timeZone: 'America/New_York' };
    const spring = DateTime.fromISO('2026-03-08', { zone: 'America/New_York' });
    expect(openTimeBetween(ny, spring.toMillis(), spring.plus({ days: 1 }).toMillis())).toBe(23 * HOUR);
    // a window over the change is shorter / longer in real time
    const early = { ...office, weekly: { ...office.weekly, sun: [['01:00', '04:00']] as [string, string][] } };
    const [spr] = openIntervalsOfDay(early, DateTime.fromISO('2026-03-29', { zone: 'Europe/Paris' }));
    const [fall] = openIntervalsOfDay(early, DateTime.fromISO('2026-10-25', { zone: 'Europe/Paris' }));
    expect(spr && spr.end - spr.start).toBe(2 * HOUR);
    expect(fall && fall.end - fall.start).toBe(4 * HOUR);
  });
});

// ---------------------------------------------------------------- properties

const ZONES = ['UTC', 'Europe/Paris', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata', 'America/Santiago', 'Pacific/Chatham'];
const hhmm = (m: number) => (m === 1440 ? '24:00' : `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`);

/** Up to 3 disjoint windows on a day, on a 15-minute grid (boundaries chosen in order, paired). */
const day: fc.Arbitrary<[string, string][]> = fc.uniqueArray(fc.integer({ min: 0, max: 96 }), { maxLength: 6 }).map((ps) => {
  const s = [...ps].sort((a, b) => a - b);
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < s.length; i += 2) out.push([hhmm((s[i] ?? 0) * 15), hhmm((s[i + 1] ?? 0) * 15)]);
  return out;
});

const T_FROM = Date.UTC(2026, 0, 1);
const T_TO = Date.UTC(2027, 0, 1);
const instant = fc.integer({ min: T_FROM, max: T_TO });
const holiday = fc.integer({ min: 0, max: 364 }).map((d) => new Date(T_FROM + d * 86_400_000).toISOString().slice(0, 10));

const schedule: fc.Arbitrary<BusinessHours> = fc
  .record({
    timeZone: fc.constantFrom(...ZONES),
    days: fc.tuple(day, day, day, day, day, day, day),
    holidays: fc.uniqueArray(holiday, { maxLength: 20 }),
  })
  .filter((r) => r.days.some((d) => d.length > 0))
  .map((r) => ({
    timeZone: r.timeZone,
    weekly: Object.fromEntries(WEEKDAYS.map((d, i) => [d, r.days[i] ?? []])) as BusinessHours['weekly'],
    holidays: r.holidays,
  }));

/** Open time to add: up to ten days, to the millisecond. */
const amount = fc.integer({ min: 0, max: 10 * 24 * HOUR });

describe('addOpenTime, for any schedule', () => {
  it('is monotonic in the amount and in the start', () => {
    fc.assert(
      fc.property(schedule, instant, amount, amount, (h, t, a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(addOpenTime(h, t, lo)).toBeLessThanOrEqual(addOpenTime(h, t, hi));
        expect(addOpenTime(h, t, lo)).toBeLessThanOrEqual(addOpenTime(h, t + (hi - lo), lo));
      }),
    );
  });

  it('is additive: adding a then b is adding a + b', () => {
    fc.assert(
      fc.property(schedule, instant, amount, amount, (h, t, a, b) => {
        expect(addOpenTime(h, addOpenTime(h, t, a), b)).toBe(addOpenTime(h, t, a + b));
      }),
    );
  });

  it('never lands inside a closed stretch: the moment before the result was open, and exactly the amount of open time passed', () => {
    fc.assert(
      fc.property(
        schedule,
        instant,
        amount.filter((a) => a > 0),
        (h, t, a) => {
          const r = addOpenTime(h, t, a);
          expect(r).toBeGreaterThan(t);
          expect(isOpenAt(h, r - 1)).toBe(true);
          expect(openTimeBetween(h, t, r)).toBe(a);
        },
      ),
    );
  });

  it('the next opening is open, and nothing between the start and it is', () => {
    fc.assert(
      fc.property(schedule, instant, (h, t) => {
        const next = nextOpenAt(h, t);
        expect(next).not.toBeNull();
        if (next === null) return;
        expect(next).toBeGreaterThanOrEqual(t);
        expect(isOpenAt(h, next)).toBe(true);
        expect(openTimeBetween(h, t, next)).toBe(0);
      }),
    );
  });

  it('every local day of a schedule open all week lasts 23, 24 or 25 hours (30 min either way on Lord Howe)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), fc.integer({ min: 0, max: 364 }), (zone, n) => {
        const h = { ...ALWAYS_OPEN, timeZone: zone, holidays: ['2020-01-01'] };
        const d = DateTime.fromMillis(T_FROM, { zone }).plus({ days: n }).startOf('day');
        const len = openTimeBetween(h, d.toMillis(), d.plus({ days: 1 }).startOf('day').toMillis());
        expect([23, 23.5, 24, 24.5, 25].map((x) => x * HOUR)).toContain(len);
      }),
    );
  });
});
