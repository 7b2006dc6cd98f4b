/** Display helpers shared by the console's tables and charts. */

/** A figure with its unit, or an em dash when there is none. */
export const dash = (v: number | null | undefined, unit = '') => (v === null || v === undefined ? '—' : `${v}${unit}`);

/** Seconds as a person reads them: `45 s`, `3 min`, `2 h`. */
export const dur = (s: number | null) => (s === null ? '—' : s < 90 ? `${s} s` : s < 5400 ? `${Math.round(s / 60)} min` : `${Math.round(s / 360) / 10} h`);

/** A configured duration exactly: `90 s`, `2 min`, `2 h`. */
export const exactDur = (s: number) => (s === 0 ? '0' : s % 3600 === 0 ? `${s / 3600} h` : s % 60 === 0 ? `${s / 60} min` : `${s} s`);

/** An hour of the day as `09:00`. */
export const hourLabel = (h: number) => `${String(h).padStart(2, '0')}:00`;

/** An ISO time as the console's tables show it, in UTC: `2026-12-04 01:30:00` (the column says UTC). */
export const utc = (iso: string) => iso.slice(0, 19).replace('T', ' ');
