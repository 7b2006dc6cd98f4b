import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AgentLoad } from '../domain/agents.js';
import { chooseAgent } from './strategy.js';

const agent = (over: Partial<AgentLoad>): AgentLoad => ({
  agentId: 'a',
  status: 'online',
  active: true,
  skills: ['s'],
  maxConcurrent: 4,
  load: 0,
  lastAssignedAt: null,
  ...over,
});

describe('chooseAgent', () => {
  it('picks the lowest load ratio, then the longest since last assignment', () => {
    const d = chooseAgent({
      skillId: 's',
      now: 0,
      agents: [
        agent({ agentId: 'busy', load: 3 }),
        agent({ agentId: 'recent', load: 1, lastAssignedAt: 50 }),
        agent({ agentId: 'rested', load: 1, lastAssignedAt: 10 }),
      ],
    });
    expect(d).toMatchObject({ outcome: 'assigned', agentId: 'rested', rule: 'least_loaded_then_longest_idle' });
  });
  it('explains why each agent is not eligible', () => {
    const d = chooseAgent({
      skillId: 's',
      now: 0,
      agents: [
        agent({ agentId: 'away', status: 'away' }),
        agent({ agentId: 'full', load: 4 }),
        agent({ agentId: 'other', skills: ['t'] }),
        agent({ agentId: 'gone', active: false }),
      ],
    });
    expect(d.outcome).toBe('waiting');
    expect(Object.fromEntries(d.candidates.map((c) => [c.agentId, c.why]))).toEqual({
      away: 'not_online',
      full: 'at_capacity',
      other: 'missing_skill',
      gone: 'inactive',
    });
  });
  it('reports an uncounted load (an agent who could not take it anyway) as null, the counted ones rounded', () => {
    const d = chooseAgent({
      skillId: 's',
      now: 0,
      agents: [agent({ agentId: 'away', status: 'away', loadCounted: false }), agent({ agentId: 'on', load: 1.234 })],
    });
    expect(d.candidates.map((c) => [c.agentId, c.load, c.why])).toEqual([
      ['away', null, 'not_online'],
      ['on', 1.23, 'eligible'],
    ]);
  });
  it('prefers the returning consumer’s last agent when eligible', () => {
    const agents = [agent({ agentId: 'x', load: 0 }), agent({ agentId: 'last', load: 2 })];
    expect(chooseAgent({ skillId: 's', now: 0, agents, preferAgentId: 'last' })).toMatchObject({ agentId: 'last', rule: 'returning_consumer_last_agent' });
    const full = [agent({ agentId: 'x' }), agent({ agentId: 'last', load: 4 })];
    expect(chooseAgent({ skillId: 's', now: 0, agents: full, preferAgentId: 'last' }).agentId).toBe('x');
  });
  it('never picks an agent who is not online, lacks the skill or is at capacity (property)', () => {
    const arbAgent = fc.record({
      agentId: fc.uuid(),
      status: fc.constantFrom('online', 'back_soon', 'away', 'offline' as const),
      active: fc.boolean(),
      skills: fc.subarray(['s', 't']),
      maxConcurrent: fc.integer({ min: 1, max: 5 }),
      load: fc.double({ min: 0, max: 6, noNaN: true }),
      lastAssignedAt: fc.option(fc.integer({ min: 0, max: 1000 }), { nil: null }),
    });
    fc.assert(
      fc.property(fc.array(arbAgent, { maxLength: 8 }), (agents) => {
        const d = chooseAgent({ skillId: 's', agents, now: 0 });
        const chosen = agents.find((a) => a.agentId === d.agentId);
        const anyEligible = agents.some((a) => a.active && a.status === 'online' && a.skills.includes('s') && a.load + 1e-9 < a.maxConcurrent);
        if (!chosen) return d.outcome === 'waiting' && !anyEligible;
        return chosen.active && chosen.status === 'online' && chosen.skills.includes('s') && chosen.load < chosen.maxConcurrent;
      }),
    );
  });
});
