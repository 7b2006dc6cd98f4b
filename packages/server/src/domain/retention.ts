/**
 * Retention rules (issue 14), pure: when a closed conversation is old enough to be deleted, and the
 * ages after which the logs that only serve recent traffic are pruned.
 */

const DAY = 24 * 3600_000;

/**
 * The instant `months` calendar months before `now` (UTC): conversations closed before it are
 * past retention. The day of the month is kept, or the month's last day when it has fewer
 * (31 March − 1 month = 28/29 February).
 */
export function retentionCutoff(now: number, months: number): number {
  const d = new Date(now);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() - months;
  const target = new Date(Date.UTC(y, m, 1, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds()));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d.getUTCDate(), lastDay));
  return target.getTime();
}

/** Provider event ids are kept for de-duplication this long (providers retry for hours, at most a few days). */
export const CHANNEL_EVENT_TTL_MS = 30 * DAY;

/** A file row no message refers to is an orphan once this old (a send in progress has its message within seconds). */
export const ORPHAN_FILE_AGE_MS = DAY;
/** How far back each daily run looks for orphan files (it overlaps the runs before, so a missed day is caught). */
export const ORPHAN_FILE_WINDOW_MS = 8 * DAY;

/** The daily retention timer: the next run after one that finished at `now`. */
export const nextRetentionRunAt = (now: number): number => now + DAY;
