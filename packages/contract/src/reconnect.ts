/**
 * How the widget and the workspace come back after losing the server (a node restarted, a
 * network blip): socket.io-client's reconnection, which waits reconnectionDelay × 2^attempt
 * (capped at reconnectionDelayMax) and spreads each wait by ± randomizationFactor, so the
 * clients of a node that went down do not all return in the same instant. A handshake the
 * server sheds (connect_error `overloaded`, data `{ retryAfterMs }`) is a middleware refusal,
 * which socket.io-client does not retry itself: the client waits the hint, jittered, then
 * connects again (retryDelayAfterShed).
 */
export const RECONNECT_OPTIONS = {
  reconnection: true,
  reconnectionDelay: 500,
  reconnectionDelayMax: 10_000,
  randomizationFactor: 0.5,
} as const;

/** Never wait less than this after a shed handshake (a hint of 0 or garbage). */
const MIN_SHED_WAIT_MS = 250;
const MAX_SHED_WAIT_MS = 90_000;

/**
 * The wait before connecting again after a connect_error, or undefined when the error is not a
 * shed handshake (then socket.io-client's own backoff applies, or the caller handles it).
 * `random` in [0, 1): the hint × 0.75–1.25.
 */
export function retryDelayAfterShed(err: { message?: string; data?: unknown } | null | undefined, random: () => number = Math.random): number | undefined {
  if (err?.message !== 'overloaded') return undefined;
  const hint = (err.data as { retryAfterMs?: unknown } | undefined)?.retryAfterMs;
  const base = typeof hint === 'number' && Number.isFinite(hint) ? Math.min(Math.max(hint, MIN_SHED_WAIT_MS), MAX_SHED_WAIT_MS) : 5000;
  return Math.round(base * (0.75 + random() * 0.5));
}
