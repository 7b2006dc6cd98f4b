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
}

export type Ineligibility = 'not_online' | 'inactive' | 'missing_skill' | 'at_capacity';

/** Why an agent cannot take a conversation of `skillId` now, or null if they can. */
export function ineligibility(a: AgentLoad, skillId: string | null): Ineligibility | null {
  if (!a.active) return 'inactive';
  if (a.status !== 'online') return 'not_online';
  if (skillId !== null && !a.skills.includes(skillId)) return 'missing_skill';
  if (a.load + 1e-9 >= a.maxConcurrent) return 'at_capacity';
  return null;
}

export const loadRatio = (a: AgentLoad): number => a.load / Math.max(1, a.maxConcurrent);
