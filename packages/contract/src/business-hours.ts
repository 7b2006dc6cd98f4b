import { z } from 'zod';
import { LocalizedText } from './localized.js';

/**
 * Business hours (account, or a skill's override): weekly windows of local wall-clock time in an
 * IANA time zone, and holidays (local dates, closed all day). "24:00" ends a window at midnight.
 * The calendar maths (open time, next opening, DST) is the server's (domain/business-hours.ts).
 */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const hhmm = z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'must be a time HH:MM (00:00–24:00)');
const minutes = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));

const dayWindows = z
  .array(z.tuple([hhmm, hhmm]))
  .max(12)
  .superRefine((ws, ctx) => {
    const sorted = [...ws].sort((a, b) => minutes(a[0]) - minutes(b[0]));
    for (const [i, w] of sorted.entries()) {
      if (minutes(w[0]) >= minutes(w[1])) ctx.addIssue({ code: 'custom', message: `window ${w[0]}–${w[1]} must end after it starts` });
      const prev = sorted[i - 1];
      if (prev && minutes(w[0]) < minutes(prev[1])) ctx.addIssue({ code: 'custom', message: `windows ${prev[0]}–${prev[1]} and ${w[0]}–${w[1]} overlap` });
    }
  });

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine((d) => {
    const t = new Date(`${d}T00:00:00Z`);
    return !Number.isNaN(t.getTime()) && t.toISOString().slice(0, 10) === d;
  }, 'must be a real date');

export const BusinessHours = z
  .strictObject({
    timeZone: z.string().min(1).max(64).refine(isTimeZone, 'must be an IANA time zone such as Europe/Paris'),
    weekly: z.strictObject({
      mon: dayWindows,
      tue: dayWindows,
      wed: dayWindows,
      thu: dayWindows,
      fri: dayWindows,
      sat: dayWindows,
      sun: dayWindows,
    }),
    holidays: z.array(isoDate).max(366),
  })
  .refine((h) => WEEKDAYS.some((d) => h.weekly[d].length > 0), { message: 'at least one weekly window is needed', path: ['weekly'] });
export type BusinessHours = z.infer<typeof BusinessHours>;

const allDay: [string, string][] = [['00:00', '24:00']];

/** The default: open around the clock. */
export const ALWAYS_OPEN: BusinessHours = {
  timeZone: 'UTC',
  weekly: { mon: allDay, tue: allDay, wed: allDay, thu: allDay, fri: allDay, sat: allDay, sun: allDay },
  holidays: [],
};

/** `GET /api/v1/consumer/availability`: open now, or when it next opens. */
export const Availability = z.object({ open: z.boolean(), nextOpenAt: z.string().nullable() });
export type Availability = z.infer<typeof Availability>;

/** The automatic reply a channel consumer gets, once per conversation, when writing while closed. */
export const ClosedHoursReply = z.strictObject({ enabled: z.boolean(), text: LocalizedText(1000) });
export type ClosedHoursReply = z.infer<typeof ClosedHoursReply>;
