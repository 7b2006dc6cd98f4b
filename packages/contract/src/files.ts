/**
 * Files as people see them: one way to say a file's size, shared by the agent workspace and the
 * consumer widget so both show the same words for the same file.
 */

const UNITS = ['KB', 'MB', 'GB'] as const;

/**
 * A file size in bytes for people: "193 B", "1.5 KB", "12 KB", "3.2 MB". Binary units (1 KB =
 * 1024 bytes, as the 25 MB upload limit is counted); one decimal below 10, none from 10 on; a
 * value that would round up to 1024 says the next unit ("1.0 MB", not "1024 KB"). Nonsense
 * (negative, not a number) reads as 0 B.
 */
export function formatFileSize(bytes: number): string {
  const b = Number.isFinite(bytes) && bytes > 0 ? Math.round(bytes) : 0;
  if (b < 1024) return `${b} B`;
  let value = b / 1024;
  let unit = 0;
  for (;;) {
    const tenths = Math.round(value * 10) / 10;
    const shown = tenths < 10 ? tenths.toFixed(1) : String(Math.round(value));
    if (Math.round(value) < 1024 || unit === UNITS.length - 1) return `${shown} ${UNITS[unit]}`;
    value /= 1024;
    unit++;
  }
}
