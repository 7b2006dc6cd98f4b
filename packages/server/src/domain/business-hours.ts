import { type BusinessHours, WEEKDAYS } from '@parley/contract';
import { DateTime } from 'luxon';

/**
 * The business-hours calendar: which instants are open under a weekly schedule in a time zone with
 * holidays, and "open time" arithmetic over it. Pure; the wall-clock ↔ instant conversion (and so
 * every daylight-saving change) is Luxon's over the IANA database, never our own offset maths:
 * a day with a spring-forward change has 23 hours, one with a fall-back change 25.
 *
 * An open interval is half-open, `[start, end)`: at `end` it is closed (unless the next window
 * starts there). Adding open time lands at most at an interval's end, never inside a closed stretch.
 */

/** An open stretch of time, `[start, end)` in epoch ms. */
export interface OpenInterval {
  start: number;
  end: number;
}

/** How many days in a row without an opening end the search; the schema keeps ≤ 366 holidays and ≥ 1 weekly window, so one is always found. */
const HORIZON_DAYS = 800;

/** Open around the clock, with nothing to compute. */
export function isAlwaysOpen(h: BusinessHours): boolean {
  return h.holidays.length === 0 && WEEKDAYS.every((d) => h.weekly[d].some(([a, b]) => a === '00:00' && b === '24:00'));
}

const validZones = new Map<string, boolean>();
function zoneOf(h: BusinessHours): string {
  let ok = validZones.get(h.timeZone);
  if (ok === undefined) {
    ok = DateTime.now().setZone(h.timeZone).isValid;
    validZones.set(h.timeZone, ok);
  }
  return ok ? h.timeZone : 'UTC';
}

function atTime(day: DateTime, hhmm: string): number {
  if (hhmm === '24:00') return day.plus({ days: 1 }).startOf('day').toMillis();
  // A wall-clock time skipped by a spring-forward change is moved on by the change (Luxon's rule).
  return day.set({ hour: Number(hhmm.slice(0, 2)), minute: Number(hhmm.slice(3, 5)), second: 0, millisecond: 0 }).toMillis();
}

/** The open intervals of one local day (`day` is its local midnight), sorted, merged, each non-empty. */
export function openIntervalsOfDay(h: BusinessHours, day: DateTime): OpenInterval[] {
  if (h.holidays.includes(day.toISODate() ?? '')) return [];
  const windows = h.weekly[WEEKDAYS[day.weekday - 1] ?? 'mon'];
  const raw = windows.map(([a, b]) => ({ start: atTime(day, a), end: atTime(day, b) })).filter((i) => i.end > i.start);
  raw.sort((x, y) => x.start - y.start);
  const out: OpenInterval[] = [];
  for (const i of raw) {
    const last = out[out.length - 1];
    if (last && i.start <= last.end) last.end = Math.max(last.end, i.end);
    else out.push({ ...i });
  }
  return out;
}

/**
 * A day's intervals depend only on the schedule and the local date: they are memoised (bounded),
 * keyed by the schedule's content, so the message path converts wall-clock times once per day.
 */
const DAY_CACHE_MAX = 10_000;
const dayCache = new Map<string, OpenInterval[]>();
const scheduleKeys = new WeakMap<BusinessHours, string>();

function scheduleKey(h: BusinessHours): string {
  let k = scheduleKeys.get(h);
  if (k === undefined) {
    k = JSON.stringify([h.timeZone, h.weekly, h.holidays]);
    scheduleKeys.set(h, k);
  }
  return k;
}

function intervalsOn(h: BusinessHours, zone: string, y: number, m: number, d: number): OpenInterval[] {
  const key = `${scheduleKey(h)}|${y}-${m}-${d}`;
  let v = dayCache.get(key);
  if (v === undefined) {
    v = openIntervalsOfDay(h, DateTime.fromObject({ year: y, month: m, day: d }, { zone }).startOf('day'));
    if (dayCache.size >= DAY_CACHE_MAX) dayCache.clear();
    dayCache.set(key, v);
  }
  return v;
}

/**
 * Every open interval that ends after `from`, in order, day by day, for as long as the caller
 * takes them; it stops only after a horizon of days in a row without one (a schedule that never
 * opens again), so a long amount of open time on a sparse schedule is still counted exactly.
 */
function* openIntervalsFrom(h: BusinessHours, from: number): Generator<OpenInterval> {
  const zone = zoneOf(h);
  const local = DateTime.fromMillis(from, { zone });
  // Calendar dates advance in plain UTC date arithmetic; only a day not seen before meets the zone.
  const first = Date.UTC(local.year, local.month - 1, local.day);
  for (let n = 0, closedDays = 0; closedDays < HORIZON_DAYS; n++) {
    const date = new Date(first + n * 86_400_000);
    let any = false;
    for (const i of intervalsOn(h, zone, date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate())) {
      if (i.end <= from) continue;
      any = true;
      yield i;
    }
    closedDays = any ? 0 : closedDays + 1;
  }
}

/** The first open instant at or after `at` (`at` itself when open); null when nothing opens within the horizon. */
export function nextOpenAt(h: BusinessHours, at: number): number | null {
  if (isAlwaysOpen(h)) return at;
  for (const i of openIntervalsFrom(h, at)) return Math.max(i.start, at);
  return null;
}

export function isOpenAt(h: BusinessHours, at: number): boolean {
  return nextOpenAt(h, at) === at;
}

/**
 * The instant at which `ms` of open time has passed since `from`. `ms ≤ 0` gives `from` itself;
 * otherwise the result is inside an open interval or at its end. Monotonic in both arguments and
 * additive: `addOpenTime(addOpenTime(t, a), b) = addOpenTime(t, a + b)`.
 */
export function addOpenTime(h: BusinessHours, from: number, ms: number): number {
  if (ms <= 0 || isAlwaysOpen(h)) return from + Math.max(0, ms);
  let left = ms;
  let cursor = from;
  for (const i of openIntervalsFrom(h, from)) {
    const start = Math.max(i.start, cursor);
    if (left <= i.end - start) return start + left;
    left -= i.end - start;
    cursor = i.end;
  }
  // No opening within the horizon (a schedule the schema would not let through): count the rest as open.
  return cursor + left;
}

/** Open time (ms) between two instants (0 when `to ≤ from`). */
export function openTimeBetween(h: BusinessHours, from: number, to: number): number {
  if (to <= from) return 0;
  if (isAlwaysOpen(h)) return to - from;
  let sum = 0;
  for (const i of openIntervalsFrom(h, from)) {
    if (i.start >= to) break;
    sum += Math.min(i.end, to) - Math.max(i.start, from);
  }
  return sum;
}
