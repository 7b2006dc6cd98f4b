/** Formatting for the workspace: dates and times come from @parley/contract (shared with the server). */

import { type DatePrefs, formatDate, formatTime, zonedParts } from '@parley/contract';
import { currentLocale, t } from '../i18n/index.js';

export {
  browserTimeZone,
  type DateFormat,
  type DatePrefs,
  DEFAULT_DATE_PREFS,
  formatDate,
  formatDateTime,
  formatTime,
  type TimeFormat,
  zonedParts,
} from '@parley/contract';

const pad = (n: number) => String(n).padStart(2, '0');

/** Calendar day of an instant in a time zone, for grouping ("2026-11-28"). */
export function dayKey(at: number | Date | string, timeZone: string): string {
  const p = zonedParts(at, timeZone);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}`;
}

/** "Today", "Yesterday" or "Mon 24/11/2026" for a date separator. */
export function dayLabel(at: number | Date | string, prefs: DatePrefs, now: number): string {
  const key = dayKey(at, prefs.timeZone);
  if (key === dayKey(now, prefs.timeZone)) return t('day.today');
  if (key === dayKey(now - 86_400_000, prefs.timeZone)) return t('day.yesterday');
  const weekday = new Intl.DateTimeFormat(currentLocale(), { weekday: 'short', timeZone: prefs.timeZone }).format(new Date(at));
  return t('day.other', { weekday, date: formatDate(at, prefs) });
}

/** Time of day when today, else the date: for list rows. */
export function shortStamp(at: number | Date | string, prefs: DatePrefs, now: number): string {
  return dayKey(at, prefs.timeZone) === dayKey(now, prefs.timeZone) ? formatTime(at, prefs) : formatDate(at, prefs);
}

/** "1 unread message", "3 unread messages": what an unread dot or badge says to a screen reader. */
export const unreadText = (n: number) => t('unread.messages', { count: n });

/** "45 s", "3 min", "1 h 20 min", "2 d 3 h" in the user's language (units and digits from the catalogue and Intl). */
export function formatDuration(sec: number): string {
  const s = Math.max(0, Math.round(sec));
  if (s < 60) return t('duration.s', { n: s });
  const m = Math.floor(s / 60);
  if (m < 60) return t('duration.min', { n: m });
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? t('duration.hMin', { h, min: m % 60 }) : t('duration.h', { n: h });
  const d = Math.floor(h / 24);
  return h % 24 ? t('duration.dH', { d, h: h % 24 }) : t('duration.d', { n: d });
}

/** A number in the user's language ("1 234,5" in French, "١٬٢٣٤" where the locale writes Arabic digits). */
export const formatNumber = (n: number, options?: Intl.NumberFormatOptions): string => new Intl.NumberFormat(currentLocale(), options).format(n);

/** "4 min left" or "overdue by 3 min" for an SLA due time. */
export function slaText(dueAt: string | null, now: number): string | null {
  if (!dueAt) return null;
  const diff = (Date.parse(dueAt) - now) / 1000;
  return diff > 0 ? t('sla.left', { time: formatDuration(diff) }) : t('sla.overdueBy', { time: formatDuration(-diff) });
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
