import { claimDueTimers, completeTimer, nextDueAt, type TimerKind, type TimerRow } from '../storage/repos/timers.repo.js';
import type { Deps } from './context.js';

export type TimerHandler = (deps: Deps, timer: TimerRow) => Promise<void>;

export interface Scheduler {
  /** Fire every timer due now (by the injected clock); returns how many fired. Tests call this after moving a fake clock. */
  tick(): Promise<number>;
  /** A timer was scheduled: re-arm if it is earlier than what we wait for. */
  notify(dueAt: number): void;
  start(): void;
  stop(): Promise<void>;
}

const LEASE_MS = 30_000;
const BATCH = 100;

/**
 * Durable timers: rows with a due time. One loop arms a single setTimeout to the next due row
 * (at most `pollMs` ahead, so timers written by other nodes are seen), claims due rows, runs
 * their handler and deletes them. Handlers re-check the state they act on, so a timer fired
 * twice (lease expired after a crash) or made stale by a later change does nothing wrong.
 */
export function createScheduler(getDeps: () => Deps, handlers: Partial<Record<TimerKind, TimerHandler>>, opts: { pollMs: number }): Scheduler {
  let timer: NodeJS.Timeout | undefined;
  let armedFor = Number.POSITIVE_INFINITY;
  let running = false;
  let stopped = true;
  let ticking: Promise<number> | undefined;

  const fire = async (t: TimerRow): Promise<void> => {
    const deps = getDeps();
    const handler = handlers[t.kind];
    try {
      if (handler) await handler(deps, t);
      await completeTimer(deps.db.kysely, t);
    } catch (err) {
      deps.log.error({ err, timer: t }, 'timer handler failed; it will be retried when its claim expires');
    }
  };

  const tickOnce = async (): Promise<number> => {
    const deps = getDeps();
    let fired = 0;
    for (;;) {
      const due = await claimDueTimers(deps.db, deps.clock.now(), BATCH, LEASE_MS);
      for (const t of due) await fire(t);
      fired += due.length;
      if (due.length < BATCH) return fired;
    }
  };

  const tick = async (): Promise<number> => {
    // One tick at a time; a tick requested during another runs after it.
    const prev = ticking ?? Promise.resolve(0);
    const next = prev.then(tickOnce, tickOnce);
    ticking = next;
    try {
      return await next;
    } finally {
      if (ticking === next) ticking = undefined;
    }
  };

  const arm = async () => {
    if (stopped || running) return;
    running = true;
    try {
      await tick();
      const deps = getDeps();
      const next = await nextDueAt(deps.db.kysely);
      const now = deps.clock.now();
      const wait = Math.max(0, Math.min(next === null ? opts.pollMs : next - now, opts.pollMs));
      schedule(now + wait, wait);
    } catch (err) {
      getDeps().log.error({ err }, 'timer loop failed');
      schedule(getDeps().clock.now() + opts.pollMs, opts.pollMs);
    } finally {
      running = false;
    }
  };

  const schedule = (at: number, wait: number) => {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    armedFor = at;
    timer = setTimeout(() => void arm(), wait);
    timer.unref();
  };

  return {
    tick,
    notify(dueAt) {
      if (stopped || dueAt >= armedFor) return;
      const wait = Math.max(0, dueAt - getDeps().clock.now());
      schedule(dueAt, wait);
    },
    start() {
      stopped = false;
      void arm();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await ticking;
    },
  };
}
