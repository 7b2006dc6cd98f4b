/**
 * When wrong passwords lock a sign-in. Failures are counted per account+username over a sliding
 * window, in two ways:
 *
 * - **per client address**: {@link LOGIN_MAX_FAILURES_PER_ADDRESS} failures from one address lock
 *   that user *from that address only*. Someone guessing from elsewhere cannot lock an agent out
 *   of their shift.
 * - **per user, from all addresses together**: {@link LOGIN_MAX_FAILURES_PER_USER} failures lock
 *   the user from everywhere. This slower brake bounds a guess spread over many addresses to
 *   that many tries per window (on top of the per-address login rate limit); it takes at least
 *   ten addresses to reach, and then it is a lock the user can wait out.
 *
 * A lock lifts as soon as enough of the failures that caused it have left the window. A locked
 * attempt is not counted again, so waiting {@link LoginLock.retryAfterMs} is enough (unless, for an
 * address lock, failures from elsewhere reach the per-user brake meanwhile).
 */
export const LOGIN_WINDOW_MS = 15 * 60_000;
export const LOGIN_MAX_FAILURES_PER_ADDRESS = 5;
export const LOGIN_MAX_FAILURES_PER_USER = 50;

export interface LoginFailure {
  at: number;
  /** The client address the failure came from; null for failures stored before addresses were. */
  address: string | null;
}

export interface LoginLock {
  scope: 'address' | 'user';
  /** How long until a sign-in may be tried again. */
  retryAfterMs: number;
}

/**
 * The lock on a sign-in from `address` at `now`, if any. `failures` are the user's failures,
 * newest first; at least the newest {@link LOGIN_MAX_FAILURES_PER_USER} in the window are needed
 * (older ones do not change the answer).
 */
export function loginLock(failures: readonly LoginFailure[], address: string, now: number): LoginLock | undefined {
  const recent = failures.filter((f) => f.at > now - LOGIN_WINDOW_MS).sort((a, b) => b.at - a.at);
  const liftsAt = (list: readonly LoginFailure[], max: number) => {
    const oldestThatCounts = list[max - 1];
    return oldestThatCounts === undefined ? undefined : oldestThatCounts.at + LOGIN_WINDOW_MS;
  };
  const user = liftsAt(recent, LOGIN_MAX_FAILURES_PER_USER);
  const own = liftsAt(
    recent.filter((f) => f.address === address),
    LOGIN_MAX_FAILURES_PER_ADDRESS,
  );
  if (user === undefined && own === undefined) return undefined;
  const scope = user !== undefined && (own === undefined || user >= own) ? 'user' : 'address';
  return { scope, retryAfterMs: Math.max(user ?? 0, own ?? 0) - now };
}
