import { sql } from 'kysely';
import type { AgentLoad } from '../domain/agents.js';
import type { Conversation, RoutingDecision } from '../domain/conversation.js';
import { chooseAgent } from '../routing/strategy.js';
import { findAccount } from '../storage/repos/accounts.repo.js';
import { findConsumer, setConsumerLastAgent } from '../storage/repos/consumers.repo.js';
import { listAgentWork, listQueued, saveConversation } from '../storage/repos/conversations.repo.js';
import { findUser, listSkillAgents, touchLastAssigned } from '../storage/repos/users.repo.js';
import { type Deps, inTransaction } from './context.js';
import { pushActiveItem, toConsumerView } from './views.js';

const BATCH = 500;

/**
 * Assign queued conversations of one account, oldest (by priority, then waiting time) first, to
 * eligible agents. One transaction per batch; on PostgreSQL an advisory lock serialises routing
 * per account across nodes, and the guarded state check makes a lost race change nothing.
 * Returns how many were assigned.
 */
export async function assignQueued(deps: Deps, accountId: string): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await inTransaction(deps, accountId, async (tx, out) => {
      if (deps.db.dialect === 'postgres') {
        await sql`select pg_advisory_xact_lock(hashtextextended(${`routing:${accountId}`}, 0))`.execute(tx);
      }
      const account = await findAccount(tx, accountId);
      if (!account) return 0;
      const now = deps.clock.now();
      const queued = await listQueued(tx, accountId, BATCH);
      if (!queued.length) return 0;
      const { settings } = account;

      // Agents and their loads, fetched once per skill and kept current as we assign.
      const agentsBySkill = new Map<string, AgentLoad[]>();
      const loads = new Map<string, AgentLoad>();
      const agentsFor = async (skillId: string | null): Promise<AgentLoad[]> => {
        const k = skillId ?? '';
        const cached = agentsBySkill.get(k);
        if (cached) return cached;
        const users = await listSkillAgents(tx, accountId, skillId);
        const fresh = users.filter((u) => !loads.has(u.id));
        const work = await listAgentWork(
          tx,
          accountId,
          fresh.map((u) => u.id),
        );
        for (const u of fresh) {
          const mine = work.filter((w) => w.agentId === u.id);
          const load = mine.reduce((sum, w) => {
            const idle = w.awaiting === 'consumer' && !w.manualSla && now - w.awaitingSince >= settings.idleAfterSec * 1000;
            return sum + (settings.dynamicCapacity.enabled && idle ? settings.dynamicCapacity.idleWeight : 1);
          }, 0);
          loads.set(u.id, {
            agentId: u.id,
            status: u.status,
            active: u.active,
            skills: u.skills,
            maxConcurrent: u.maxConcurrent,
            load,
            lastAssignedAt: u.lastAssignedAt,
          });
        }
        const list = users.map((u) => loads.get(u.id)).filter((a): a is AgentLoad => a !== undefined);
        agentsBySkill.set(k, list);
        return list;
      };

      let assigned = 0;
      for (const c of queued) {
        const agents = await agentsFor(c.skillId);
        const consumer = await findConsumer(tx, accountId, c.consumerId);
        const decision = chooseAgent({ skillId: c.skillId, agents, preferAgentId: consumer?.lastAgentId ?? null, now });
        if (decision.outcome === 'assigned' && decision.agentId) {
          const agent = loads.get(decision.agentId);
          if (!agent) continue;
          const next: Conversation = {
            ...c,
            state: 'open',
            agentId: agent.agentId,
            lastAgentId: agent.agentId,
            assignedAt: now,
            routing: decision,
            updatedAt: now,
          };
          if (!(await saveConversation(tx, next, 'queued'))) continue; // someone else took it
          await touchLastAssigned(tx, accountId, agent.agentId, now);
          await setConsumerLastAgent(tx, accountId, c.consumerId, agent.agentId);
          agent.load += 1;
          agent.lastAssignedAt = now;
          pushActiveItem(out, next, consumer?.name ?? 'Visitor', settings.idleAfterSec, now);
          const u = await findUser(tx, accountId, agent.agentId);
          out.push({
            recipient: { kind: 'consumer', id: c.consumerId },
            type: 'conversation.updated',
            data: toConsumerView(next, u ? { id: u.id, displayName: u.displayName } : null),
          });
          assigned++;
        } else if (!sameDecision(c.routing, decision)) {
          await saveConversation(tx, { ...c, routing: decision });
        }
      }
      return assigned;
    });
    total += n;
    if (n < 1) return total;
  }
}

function sameDecision(a: RoutingDecision | null, b: RoutingDecision): boolean {
  if (!a) return false;
  return a.outcome === b.outcome && a.rule === b.rule && JSON.stringify(a.candidates) === JSON.stringify(b.candidates);
}

/**
 * Runs routing for an account after commits, at most one run at a time per account in this
 * process; a kick during a run schedules one more run. Errors are logged, never thrown.
 */
export function createRoutingKicker(getDeps: () => Deps): { kick: (accountId: string) => void; idle: () => Promise<void> } {
  const running = new Map<string, Promise<void>>();
  const again = new Set<string>();
  const kick = (accountId: string): void => {
    if (running.has(accountId)) {
      again.add(accountId);
      return;
    }
    const run = (async () => {
      do {
        again.delete(accountId);
        try {
          await assignQueued(getDeps(), accountId);
        } catch (err) {
          getDeps().log.error({ err, accountId }, 'routing failed');
        }
      } while (again.has(accountId));
    })().finally(() => running.delete(accountId));
    running.set(accountId, run);
  };
  const idle = async () => {
    while (running.size) await Promise.all([...running.values()]);
  };
  return { kick, idle };
}
