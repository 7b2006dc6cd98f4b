/**
 * Date and time formatting in an agent's own preferences (date format, 12/24 h, time zone), over
 * Intl.DateTimeFormat: the workspace shows times with it, the server writes transcripts with it.
 * Pure: every function takes the instant and the preferences.
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

/** The instant the calendar day containing `at` began in `timeZone` (its local midnight). */
export function startOfDay(at: number, timeZone: string): number {
  const p = zonedParts(at, timeZone);
  const sinceMidnight = ((p.hour * 60 + p.minute) * 60 + p.second) * 1000 + (((at % 1000) + 1000) % 1000);
  // A daylight-saving change earlier today shifts local midnight by the change: correct for it.
  const guess = at - sinceMidnight;
  const q = zonedParts(guess, timeZone);
  return q.hour === 0 ? guess : guess - (q.hour >= 12 ? q.hour - 24 : q.hour) * 3600_000;
}
