import type { AgentStatus } from '@parley/contract';

export interface AgentLoad {
  agentId: string;
  status: AgentStatus;
  active: boolean;
  skills: readonly string[];
  maxConcurrent: number;
  /** Open and ringing conversations, each weighted (idle ones lighter under dynamic capacity). */
  load: number;
  lastAssignedAt: number | null;
  /** During warm-up: how many concurrent conversations the agent may have right now; null when not warming up. */
  warmupCap?: number | null;
  warmupStartedAt?: number | null;
  /** False when the load was not counted (the agent is not online or inactive, so it cannot matter): `load` is then 0. */
  loadCounted?: boolean;
}

export type Ineligibility = 'not_online' | 'inactive' | 'missing_skill' | 'at_capacity' | 'warm_up';

/** Why an agent cannot take a conversation of `skillId` now, or null if they can. */
export function ineligibility(a: AgentLoad, skillId: string | null): Ineligibility | null {
  if (!a.active) return 'inactive';
  if (a.status !== 'online') return 'not_online';
  if (skillId !== null && !a.skills.includes(skillId)) return 'missing_skill';
  if (a.load + 1e-9 >= a.maxConcurrent) return 'at_capacity';
  if (a.warmupCap !== undefined && a.warmupCap !== null && a.load + 1e-9 >= a.warmupCap) return 'warm_up';
  return null;
}

export interface WarmUpSettings {
  enabled: boolean;
  intervalSec: number;
  shiftGapSec: number;
}

/** A shift starts when an agent goes online after `shiftGapSec` without an assignment. */
export function startsShift(w: WarmUpSettings, lastAssignedAt: number | null, now: number): boolean {
  return w.enabled && (lastAssignedAt === null || now - lastAssignedAt >= w.shiftGapSec * 1000);
}

/**
 * Warm-up: the first conversation at once, one more every interval, until capacity. Returns the
 * concurrent conversations allowed now, or null once warm-up no longer limits the agent.
 */
export function warmupCap(w: WarmUpSettings, startedAt: number | null, maxConcurrent: number, now: number): number | null {
  if (!w.enabled || startedAt === null) return null;
  const cap = 1 + Math.floor(Math.max(0, now - startedAt) / (w.intervalSec * 1000));
  return cap >= maxConcurrent ? null : cap;
}

/** When the warm-up cap next rises. */
export function nextWarmupStepAt(w: WarmUpSettings, startedAt: number, now: number): number {
  const step = w.intervalSec * 1000;
  return startedAt + (Math.floor(Math.max(0, now - startedAt) / step) + 1) * step;
}

export const loadRatio = (a: AgentLoad): number => a.load / Math.max(1, a.maxConcurrent);
