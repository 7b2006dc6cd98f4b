/**
 * How late the event loop runs: a timer due every `everyMs` notes by how much it fired late
 * (timers wait for everything queued before them). `lagMs()` is the worst such delay over the
 * last `window` ticks (one second at the default 100 ms). Real time, not the app's clock: a
 * lagging loop is a fact of this process, whatever time tests fake.
 */
export function loopLag(everyMs = 100, window = 10): { lagMs(): number; stop(): void } {
  let last = performance.now();
  const recent: number[] = [];
  const timer = setInterval(() => {
    const t = performance.now();
    recent.push(Math.max(0, t - last - everyMs));
    if (recent.length > window) recent.shift();
    last = t;
  }, everyMs);
  timer.unref();
  return { lagMs: () => (recent.length ? Math.max(...recent) : 0), stop: () => clearInterval(timer) };
}
