import { type AgentLoad, ineligibility, loadRatio } from '../domain/agents.js';
import type { RoutingCandidate, RoutingDecision } from '../domain/conversation.js';

export interface ChooseInput {
  skillId: string | null;
  agents: readonly AgentLoad[];
  /** Offer first to this agent if eligible (returning consumer's last agent). */
  preferAgentId?: string | null;
  now: number;
}

/**
 * Pick the agent for one queued conversation: the preferred agent if eligible, else the lowest
 * load ratio, then the longest since last assignment, then id for determinism. Pure.
 */
export function chooseAgent(input: ChooseInput): RoutingDecision {
  const candidates: RoutingCandidate[] = input.agents.map((a) => {
    const why = ineligibility(a, input.skillId);
    return {
      agentId: a.agentId,
      status: a.status,
      load: a.loadCounted === false ? null : round(a.load),
      capacity: a.maxConcurrent,
      eligible: why === null,
      why: why ?? 'eligible',
    };
  });
  const eligible = input.agents.filter((a) => ineligibility(a, input.skillId) === null);
  if (eligible.length === 0) {
    return { outcome: 'waiting', rule: 'no_eligible_agent', agentId: null, candidates, at: input.now };
  }
  const preferred = input.preferAgentId ? eligible.find((a) => a.agentId === input.preferAgentId) : undefined;
  if (preferred) {
    return { outcome: 'assigned', rule: 'returning_consumer_last_agent', agentId: preferred.agentId, candidates, at: input.now };
  }
  const best = [...eligible].sort(
    (a, b) =>
      loadRatio(a) - loadRatio(b) ||
      (a.lastAssignedAt ?? Number.NEGATIVE_INFINITY) - (b.lastAssignedAt ?? Number.NEGATIVE_INFINITY) ||
      (a.agentId < b.agentId ? -1 : 1),
  )[0];
  return { outcome: 'assigned', rule: 'least_loaded_then_longest_idle', agentId: best?.agentId ?? null, candidates, at: input.now };
}

const round = (n: number) => Math.round(n * 100) / 100;
