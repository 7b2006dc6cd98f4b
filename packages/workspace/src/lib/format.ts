/**
 * Date and time formatting in the agent's own preferences (date format, 12/24 h, time zone),
 * over Intl.DateTimeFormat. Pure: every function takes the instant and the preferences.
 */
export type DateFormat = 'YYYY-MM-DD' | 'DD/MM/YYYY' | 'MM/DD/YYYY' | 'DD.MM.YYYY';
export type TimeFormat = '12h' | '24h';

export interface DatePrefs {
  dateFormat: DateFormat;
  timeFormat: TimeFormat;
  timeZone: string;
}

export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

export const DEFAULT_DATE_PREFS: DatePrefs = { dateFormat: 'YYYY-MM-DD', timeFormat: '24h', timeZone: browserTimeZone() };

interface Parts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: string;
}

const partFormatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = partFormatters.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
        weekday: 'short',
        hourCycle: 'h23',
      });
    } catch {
      return formatterFor('UTC');
    }
    partFormatters.set(timeZone, f);
  }
  return f;
}

/** Wall-clock parts of an instant in a time zone. */
export function zonedParts(at: number | Date | string, timeZone: string): Parts {
  const t = typeof at === 'number' ? at : new Date(at).getTime();
  const out: Record<string, string> = {};
  for (const p of formatterFor(timeZone).formatToParts(t)) out[p.type] = p.value;
  return {
    year: Number(out.year),
    month: Number(out.month),
    day: Number(out.day),
    hour: Number(out.hour) % 24,
    minute: Number(out.minute),
    second: Number(out.second),
    weekday: out.weekday ?? '',
  };
}

const pad = (n: number) => String(n).padStart(2, '0');

export function formatDate(at: number | Date | string, prefs: DatePrefs): string {
  const p = zonedParts(at, prefs.timeZone);
  const [y, m, d] = [String(p.year), pad(p.month), pad(p.day)];
  switch (prefs.dateFormat) {
    case 'DD/MM/YYYY':
      return `${d}/${m}/${y}`;
    case 'MM/DD/YYYY':
      return `${m}/${d}/${y}`;
    case 'DD.MM.YYYY':
      return `${d}.${m}.${y}`;
    default:
      return `${y}-${m}-${d}`;
  }
}

export function formatTime(at: number | Date | string, prefs: DatePrefs): string {
  const p = zonedParts(at, prefs.timeZone);
  if (prefs.timeFormat === '24h') return `${pad(p.hour)}:${pad(p.minute)}`;
  const h = p.hour % 12 === 0 ? 12 : p.hour % 12;
  return `${h}:${pad(p.minute)} ${p.hour < 12 ? 'AM' : 'PM'}`;
}

export const formatDateTime = (at: number | Date | string, prefs: DatePrefs) => `${formatDate(at, prefs)} ${formatTime(at, prefs)}`;

/** Calendar day of an instant in a time zone, for grouping ("2026-11-28"). */
export function dayKey(at: number | Date | string, timeZone: string): string {
  const p = zonedParts(at, timeZone);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}`;
}

/** "Today", "Yesterday" or "Mon 24/11/2026" for a date separator. */
export function dayLabel(at: number | Date | string, prefs: DatePrefs, now: number): string {
  const key = dayKey(at, prefs.timeZone);
  if (key === dayKey(now, prefs.timeZone)) return 'Today';
  if (key === dayKey(now - 86_400_000, prefs.timeZone)) return 'Yesterday';
  return `${zonedParts(at, prefs.timeZone).weekday} ${formatDate(at, prefs)}`;
}

/** Time of day when today, else the date: for list rows. */
export function shortStamp(at: number | Date | string, prefs: DatePrefs, now: number): string {
  return dayKey(at, prefs.timeZone) === dayKey(now, prefs.timeZone) ? formatTime(at, prefs) : formatDate(at, prefs);
}

/** "1 unread message", "3 unread messages": what an unread dot or badge says to a screen reader. */
export const unreadText = (n: number) => `${n} unread message${n === 1 ? '' : 's'}`;

/** "45 s", "3 min", "1 h 20 min", "2 d 3 h". */
export function formatDuration(sec: number): string {
  const s = Math.max(0, Math.round(sec));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}

/** "4 min left" or "overdue by 3 min" for an SLA due time. */
export function slaText(dueAt: string | null, now: number): string | null {
  if (!dueAt) return null;
  const diff = (Date.parse(dueAt) - now) / 1000;
  return diff > 0 ? `${formatDuration(diff)} left` : `overdue by ${formatDuration(-diff)}`;
}

/** Offset of a time zone from UTC at an instant, in ms (UTC+1 → 3_600_000). */
export function zoneOffsetMs(at: number, timeZone: string): number {
  const p = zonedParts(at, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(at / 1000) * 1000;
}

/** The instant at which the wall clock in `timeZone` shows `wall` ("2026-12-02T09:00"). */
export function wallTimeToInstant(wall: string, timeZone: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(wall);
  if (!m) return Number.NaN;
  const asUtc = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
  // Two passes settle the offset across a DST change.
  let t = asUtc - zoneOffsetMs(asUtc, timeZone);
  t = asUtc - zoneOffsetMs(t, timeZone);
  return t;
}

/** `datetime-local` value ("2026-12-02T09:00") of an instant in a time zone. */
export function instantToWallTime(at: number, timeZone: string): string {
  const p = zonedParts(at, timeZone);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}`;
}

/** Tomorrow at `hour`:00 on the agent's wall clock. */
export function tomorrowAt(hour: number, now: number, timeZone: string): number {
  const p = zonedParts(now + 86_400_000, timeZone);
  return wallTimeToInstant(`${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(hour)}:00`, timeZone);
}

export function timeZones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (k: string) => string[] };
  try {
    const list = intl.supportedValuesOf?.('timeZone') ?? [];
    return list.includes('UTC') ? list : ['UTC', ...list];
  } catch {
    return ['UTC'];
  }
}
