import { type AgentLoad, warmupCap } from '../domain/agents.js';
import type { Conversation, RoutingDecision } from '../domain/conversation.js';
import type { AgentName } from '../domain/conversation-lifecycle.js';
import * as lifecycle from '../domain/conversation-lifecycle.js';
import { agentTimers, type ConversationSettings, type WantedTimer } from '../domain/timers.js';
import { chooseAgent } from '../routing/strategy.js';
import type { Tx } from '../storage/db.js';
import { lockName } from '../storage/dialects/lock.js';
import { type Account, findAccount } from '../storage/repos/accounts.repo.js';
import { findConsumer, setConsumerLastAgent } from '../storage/repos/consumers.repo.js';
import { listAgentWork, listQueued, type QueueCursor, routingKey } from '../storage/repos/conversations.repo.js';
import { findUser, listSkillAgents, touchLastAssigned, type UserRecord } from '../storage/repos/users.repo.js';
import { type Deps, inTransaction } from './context.js';
import { commit, reconcileTimers, settingsFor } from './persist.js';
import { pushQueuePositions } from './queue-positions.service.js';

const PAGE = 500;

/** Whether an agent could be given a conversation now, status-wise: only then does their load matter. */
const canTake = (u: UserRecord): boolean => u.active && u.status === 'online';

/** Per-run cache of agents and their current loads, kept up to date as the run assigns. */
class AgentPool {
  private readonly loads = new Map<string, AgentLoad>();
  private readonly bySkill = new Map<string, AgentLoad[]>();
  private readonly names = new Map<string, string>();
  constructor(
    private readonly tx: Tx,
    private readonly account: Account,
    private readonly now: number,
  ) {}

  /** Bumped whenever an assignment in this run changes a load: cached decisions of an older version are stale. */
  version = 0;

  private async load(users: UserRecord[]): Promise<void> {
    const fresh = users.filter((u) => !this.loads.has(u.id));
    if (!fresh.length) return;
    const { settings } = this.account;
    // Only the open work of an agent who could take a conversation is counted: for one who is
    // away, offline or inactive the load decides nothing (eligibility stops at the status), and
    // counting it would read every conversation they hold, so routing would grow with the account.
    const work = await listAgentWork(
      this.tx,
      this.account.id,
      fresh.filter(canTake).map((u) => u.id),
      this.now - settings.idleAfterSec * 1000,
    );
    for (const u of fresh) {
      this.names.set(u.id, u.displayName);
      const w = work.get(u.id) ?? { count: 0, idle: 0 };
      const load = settings.dynamicCapacity.enabled ? w.count - w.idle + w.idle * settings.dynamicCapacity.idleWeight : w.count;
      this.loads.set(u.id, {
        agentId: u.id,
        status: u.status,
        active: u.active,
        skills: u.skills,
        maxConcurrent: u.maxConcurrent,
        load,
        lastAssignedAt: u.lastAssignedAt,
        warmupCap: warmupCap(settings.warmUp, u.warmupStartedAt, u.maxConcurrent, this.now),
        warmupStartedAt: u.warmupStartedAt,
        ...(!canTake(u) && { loadCounted: false }),
      });
    }
  }

  async forSkill(skillId: string | null): Promise<AgentLoad[]> {
    const key = skillId ?? '';
    const cached = this.bySkill.get(key);
    if (cached) return cached;
    const users = await listSkillAgents(this.tx, this.account.id, skillId);
    await this.load(users);
    const list = users.map((u) => this.loads.get(u.id)).filter((a): a is AgentLoad => a !== undefined);
    this.bySkill.set(key, list);
    return list;
  }

  async one(agentId: string): Promise<AgentLoad | undefined> {
    if (!this.loads.has(agentId)) {
      const u = await findUser(this.tx, this.account.id, agentId);
      if (u) await this.load([u]);
    }
    return this.loads.get(agentId);
  }

  nameOf(agentId: string): string | undefined {
    return this.names.get(agentId);
  }

  get(agentId: string): AgentLoad | undefined {
    return this.loads.get(agentId);
  }
}

/**
 * The decision for a conversation of `skillId` with no exclusions, ignoring any preferred agent:
 * the same for every such conversation until an assignment changes a load, so computed once per
 * skill and pool version. When it is "waiting" no agent is eligible, so no preference can matter.
 */
class SkillDecisions {
  private readonly cache = new Map<string, { version: number; decision: RoutingDecision }>();
  constructor(private readonly pool: AgentPool) {}

  async plain(skillId: string | null, now: number): Promise<RoutingDecision> {
    const key = skillId ?? '';
    const hit = this.cache.get(key);
    if (hit && hit.version === this.pool.version) return hit.decision;
    const decision = chooseAgent({ skillId, agents: await this.pool.forSkill(skillId), now });
    this.cache.set(key, { version: this.pool.version, decision });
    return decision;
  }
}

/** Decide for one queued conversation: a transfer target only; otherwise the skill's agents, round by round in ring mode. */
async function decide(
  pool: AgentPool,
  plain: SkillDecisions,
  c: Conversation,
  preferAgentId: () => Promise<string | null>,
  now: number,
): Promise<{ decision: RoutingDecision; newRound: boolean }> {
  if (c.targetAgentId) {
    const target = await pool.one(c.targetAgentId);
    const decision = chooseAgent({ skillId: null, agents: target ? [target] : [], now });
    return {
      decision: decision.outcome === 'assigned' ? { ...decision, rule: 'transferred_to_agent' } : { ...decision, rule: 'waiting_for_transfer_target' },
      newRound: false,
    };
  }
  const nobody = await plain.plain(c.skillId, now);
  if (nobody.outcome === 'waiting') return { decision: nobody, newRound: false };
  const agents = await pool.forSkill(c.skillId);
  const prefer = await preferAgentId();
  const excluded = new Set(c.offerExcluded);
  if (excluded.size === 0 && prefer === null) return { decision: nobody, newRound: false };
  const decision = chooseAgent({ skillId: c.skillId, agents: agents.filter((a) => !excluded.has(a.agentId)), preferAgentId: prefer, now });
  if (decision.outcome !== 'waiting' || excluded.size === 0) return { decision, newRound: false };
  // Everyone eligible has declined or missed it this round: start the next round.
  const again = chooseAgent({ skillId: c.skillId, agents, preferAgentId: prefer, now });
  return { decision: again.outcome === 'assigned' ? { ...again, rule: `${again.rule}_next_round` } : again, newRound: again.outcome === 'assigned' };
}

/**
 * Assign (auto mode) or offer (ring mode) queued conversations of one account, in queue order
 * (priority, then waiting time), to eligible agents, recording the reason of each wait. The queue
 * is read page by page (one transaction each); on PostgreSQL an advisory lock serialises routing
 * per account across nodes, and a guarded update makes a lost race change nothing. A waiting
 * conversation is written only when its reason changed (compared by `routing_key`), so a long
 * queue with nobody free costs a read, not a write per conversation. Returns how many moved.
 */
export async function assignQueued(deps: Deps, accountId: string): Promise<number> {
  let total = 0;
  let cursor: QueueCursor | undefined;
  for (;;) {
    const page = await inTransaction(deps, accountId, async (tx, out) => {
      await lockName(tx, deps.db.dialect, `routing:${accountId}`);
      const account = await findAccount(tx, accountId);
      if (!account) return { moved: 0, next: undefined };
      const now = deps.clock.now();
      const size = deps.routingPageSize ?? PAGE;
      const queued = await listQueued(tx, deps.db.dialect, accountId, size, cursor);
      const lastRow = queued.at(-1)?.conversation;
      const next = queued.length === size && lastRow ? { priority: lastRow.priority, queuedAt: lastRow.queuedAt ?? 0, id: lastRow.id } : undefined;
      if (!queued.length) return { moved: 0, next };
      const pool = new AgentPool(tx, account, now);
      const plain = new SkillDecisions(pool);
      const warmupWaits = new Map<string, WantedTimer<'warmup'>[]>();
      const settingsBySkill = new Map<string, ConversationSettings>();
      const settingsOf = async (skillId: string | null): Promise<ConversationSettings> => {
        const key = skillId ?? '';
        const known = settingsBySkill.get(key);
        if (known) return known;
        const s = await settingsFor(tx, account, skillId);
        settingsBySkill.set(key, s);
        return s;
      };
      let moved = 0;
      for (const { conversation: c, routingKey: recorded } of queued) {
        let consumer: Awaited<ReturnType<typeof findConsumer>> | null = null;
        const loadConsumer = async () => {
          if (consumer === null) consumer = await findConsumer(tx, accountId, c.consumerId);
          return consumer;
        };
        // A returning consumer goes to their last agent first, but not a transferred conversation:
        // a transfer carries no preference (the agent guide), least that for the one who transferred.
        const prefer = async () => (c.actionable ? null : ((await loadConsumer())?.lastAgentId ?? null));
        const { decision, newRound } = await decide(pool, plain, c, prefer, now);
        for (const cand of decision.candidates) {
          if (cand.why !== 'warm_up') continue;
          const a = pool.get(cand.agentId);
          if (a?.warmupStartedAt) warmupWaits.set(a.agentId, agentTimers({ warmupStartedAt: a.warmupStartedAt }, account.settings.warmUp, now));
        }
        const agent = decision.agentId ? pool.get(decision.agentId) : undefined;
        const settings = await settingsOf(c.skillId);
        if (decision.outcome !== 'assigned' || !agent) {
          if (recorded !== routingKey(decision)) await commit(deps, tx, out, c, lifecycle.recordWait(c, decision));
          continue;
        }
        const input = { decision: { ...decision, agentId: agent.agentId }, newRound, consumerName: (await loadConsumer())?.name ?? 'Visitor' };
        const ring = account.settings.acceptMode === 'ring';
        const t = ring
          ? lifecycle.offer(c, settings, now, input)
          : lifecycle.assign(c, settings, now, { ...input, agent: await agentOf(tx, accountId, agent.agentId, pool.nameOf(agent.agentId)) });
        // someone else moved it
        if (lifecycle.isRefusal(t) || !(await commit(deps, tx, out, c, t, { expectedState: 'queued' }))) continue;
        await touchLastAssigned(tx, accountId, agent.agentId, now);
        agent.load += 1;
        agent.lastAssignedAt = now;
        pool.version++;
        if (!ring) await setConsumerLastAgent(tx, accountId, c.consumerId, agent.agentId);
        moved++;
      }
      for (const [agentId, timers] of warmupWaits) await reconcileTimers(deps, tx, { id: agentId, accountId }, timers);
      return { moved, next };
    });
    total += page.moved;
    if (!page.next) return total;
    cursor = page.next;
  }
}

/** The agent as the consumer sees who answers (the pool knows the name; otherwise it is read). */
async function agentOf(tx: Tx, accountId: string, agentId: string, name: string | undefined): Promise<AgentName | null> {
  if (name !== undefined) return { id: agentId, displayName: name };
  const u = await findUser(tx, accountId, agentId);
  return u ? { id: u.id, displayName: u.displayName } : null;
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
      for (;;) {
        again.delete(accountId);
        try {
          await assignQueued(getDeps(), accountId);
        } catch (err) {
          getDeps().log.error({ err, accountId }, 'routing failed');
        }
        if (!again.has(accountId)) {
          await pushQueuePositions(getDeps(), accountId).catch((err) => getDeps().log.error({ err, accountId }, 'queue positions not pushed'));
        }
        // Check and leave in one synchronous step, so a kick arriving now is never lost.
        if (!again.has(accountId)) {
          running.delete(accountId);
          return;
        }
      }
    })();
    running.set(accountId, run);
  };
  const idle = async () => {
    while (running.size) await Promise.all([...running.values()]);
  };
  return { kick, idle };
}
