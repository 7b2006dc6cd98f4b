import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { warmupCap } from '../../src/domain/agents.js';
import { DomainError } from '../../src/domain/errors.js';
import { createAccount, patchSettings } from '../../src/services/accounts.service.js';
import { createConsumerSession } from '../../src/services/consumers.service.js';
import { openConversation, sendMessage } from '../../src/services/conversations.service.js';
import { accept, closeByUser, decline, transfer } from '../../src/services/lifecycle.service.js';
import type { ConsumerPrincipal, UserPrincipal } from '../../src/services/principal.js';
import { createSkill } from '../../src/services/skills.service.js';
import { createUser, setStatus } from '../../src/services/users.service.js';
import { findAccount } from '../../src/storage/repos/accounts.repo.js';
import { listUsers } from '../../src/storage/repos/users.repo.js';
import { startTestApp, type TestApp } from '../harness.js';

type Action =
  | { kind: 'arrive'; skill: number; urgent: boolean }
  | { kind: 'consumerMessage'; conv: number }
  | { kind: 'agentMessage'; conv: number }
  | { kind: 'status'; agent: number; status: 'online' | 'back_soon' | 'away' | 'offline' }
  | { kind: 'accept'; conv: number }
  | { kind: 'decline'; conv: number }
  | { kind: 'transferSkill'; conv: number; skill: number }
  | { kind: 'transferAgent'; conv: number; agent: number }
  | { kind: 'close'; conv: number }
  | { kind: 'advance'; sec: number };

const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('arrive' as const), skill: fc.nat(1), urgent: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('consumerMessage' as const), conv: fc.nat(20) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('agentMessage' as const), conv: fc.nat(20) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('status' as const),
      agent: fc.nat(2),
      status: fc.constantFrom('online', 'online', 'back_soon', 'away', 'offline' as const),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('accept' as const), conv: fc.nat(20) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('decline' as const), conv: fc.nat(20) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('transferSkill' as const), conv: fc.nat(20), skill: fc.nat(1) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('transferAgent' as const), conv: fc.nat(20), agent: fc.nat(2) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('close' as const), conv: fc.nat(20) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('advance' as const), sec: fc.integer({ min: 1, max: 400 }) }) },
);

const scenario = fc.record({
  ring: fc.boolean(),
  warmUp: fc.boolean(),
  agents: fc.array(fc.record({ skills: fc.subarray([0, 1], { minLength: 1 }), max: fc.integer({ min: 1, max: 3 }) }), { minLength: 3, maxLength: 3 }),
  actions: fc.array(action, { minLength: 5, maxLength: 30 }),
});

describe('routing invariants under random operation (property)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('sqlite');
  });
  afterAll(async () => t.stop());

  it('after every step: capacity, online-only, one owner, no idle eligible agent beside a queue', { timeout: 600_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (sc) => {
        const deps = t.deps;
        const { accountId } = await createAccount(deps, { name: 'prop', adminUsername: 'boss', adminPassword: 'long enough pw' });
        await patchSettings(deps, accountId, {
          acceptMode: sc.ring ? 'ring' : 'auto',
          ringTimeoutSec: 30,
          warmUp: { enabled: sc.warmUp, intervalSec: 60, shiftGapSec: 3600 },
          transferFallbackSec: 120,
          autoClose: { enabled: true, afterSec: 900 },
        });
        const skills = [
          (await createSkill(deps, accountId, { name: 'S0', description: '' })).id,
          (await createSkill(deps, accountId, { name: 'S1', description: '' })).id,
        ];
        const agents: UserPrincipal[] = [];
        for (const [i, a] of sc.agents.entries()) {
          const u = await createUser(deps, accountId, {
            username: `a${i}`,
            password: 'long enough pw',
            displayName: `A${i}`,
            role: 'agent',
            skills: a.skills.map((s) => skills[s] ?? ''),
            maxConcurrent: a.max,
          });
          agents.push({ kind: 'user', accountId, userId: u.id, role: 'agent', tokenHash: '' });
        }
        const convs: { id: string; consumer: ConsumerPrincipal }[] = [];
        let n = 0;
        const ignoreRuleErrors = async (f: () => Promise<unknown>) => {
          try {
            await f();
          } catch (e) {
            if (!(e instanceof DomainError)) throw e;
          }
        };
        const ownerOf = async (id: string) =>
          (await t.db.kysely.selectFrom('conversations').select('agent_id').where('id', '=', id).executeTakeFirst())?.agent_id;

        for (const act of sc.actions) {
          const before = await snapshot(accountId);
          const conv = 'conv' in act ? convs[act.conv % Math.max(1, convs.length)] : undefined;
          const ownerPrincipal = async () => {
            if (!conv) return undefined;
            const id = await ownerOf(conv.id);
            return agents.find((a) => a.userId === id);
          };
          switch (act.kind) {
            case 'arrive': {
              const s = await createConsumerSession(deps, { accountId, name: `c${n++}` });
              const consumer: ConsumerPrincipal = { kind: 'consumer', accountId, consumerId: s.consumerId };
              const r = await openConversation(deps, consumer, { skillId: skills[act.skill], text: 'hello' });
              convs.push({ id: r.conversation.id, consumer });
              if (act.urgent)
                await ignoreRuleErrors(() => import('../../src/services/lifecycle.service.js').then((m) => m.markUrgent(deps, consumer, r.conversation.id)));
              break;
            }
            case 'consumerMessage':
              if (conv) await ignoreRuleErrors(() => sendMessage(deps, conv.consumer, conv.id, { text: 'more', clientMessageId: `m${n++}` }));
              break;
            case 'agentMessage': {
              const p = await ownerPrincipal();
              if (conv && p) await ignoreRuleErrors(() => sendMessage(deps, p, conv.id, { text: 'answer', clientMessageId: `m${n++}` }));
              break;
            }
            case 'status': {
              const a = agents[act.agent];
              if (a) await setStatus(deps, accountId, a.userId, act.status);
              break;
            }
            case 'accept':
            case 'decline': {
              const p = await ownerPrincipal();
              if (conv && p) await ignoreRuleErrors(() => (act.kind === 'accept' ? accept(deps, p, conv.id) : decline(deps, p, conv.id)));
              break;
            }
            case 'transferSkill': {
              const p = await ownerPrincipal();
              if (conv && p) await ignoreRuleErrors(() => transfer(deps, p, conv.id, { skillId: skills[act.skill] }));
              break;
            }
            case 'transferAgent': {
              const p = await ownerPrincipal();
              const target = agents[act.agent];
              if (conv && p && target) await ignoreRuleErrors(() => transfer(deps, p, conv.id, { agentId: target.userId }));
              break;
            }
            case 'close': {
              const p = await ownerPrincipal();
              if (conv && p) await ignoreRuleErrors(() => closeByUser(deps, p, conv.id));
              break;
            }
            case 'advance':
              t.clock.advance(act.sec * 1000);
              break;
          }
          await t.routingIdle();
          await t.timers.tick();
          await t.routingIdle();
          await checkInvariants(accountId, act, before);
        }
      }),
      { numRuns: Number(process.env.PARLEY_PROPERTY_RUNS ?? 25) },
    );
  });

  async function snapshot(accountId: string): Promise<Map<string, string>> {
    const rows = await t.db.kysely.selectFrom('conversations').select(['id', 'state']).where('account_id', '=', accountId).execute();
    return new Map(rows.map((r) => [r.id, r.state]));
  }

  async function checkInvariants(accountId: string, act: Action, before: Map<string, string>) {
    const now = t.clock.now();
    const account = await findAccount(t.db.kysely, accountId);
    const users = await listUsers(t.db.kysely, accountId);
    const rows = await t.db.kysely.selectFrom('conversations').selectAll().where('account_id', '=', accountId).execute();
    const ctx = JSON.stringify(act);
    for (const c of rows) {
      // exactly one owner or a queue
      if (c.state === 'open' || c.state === 'ringing') expect(c.agent_id, `${c.state} without agent after ${ctx}`).not.toBeNull();
      if (c.state === 'queued' || c.state === 'closed') expect(c.agent_id, `${c.state} with agent after ${ctx}`).toBeNull();
      // nothing ringing to an agent who is not online
      if (c.state === 'ringing') expect(users.find((u) => u.id === c.agent_id)?.status, `ringing to non-online agent after ${ctx}`).toBe('online');
      // routed in this step (left the queue, or new): only to an online agent
      const was = before.get(c.id);
      if ((was === undefined || was === 'queued') && (c.state === 'open' || c.state === 'ringing')) {
        expect(users.find((u) => u.id === c.agent_id)?.status, `routed to non-online agent after ${ctx}`).toBe('online');
      }
    }
    const load = new Map<string, number>();
    for (const c of rows) if ((c.state === 'open' || c.state === 'ringing') && c.agent_id) load.set(c.agent_id, (load.get(c.agent_id) ?? 0) + 1);
    for (const u of users) {
      if (u.role !== 'agent') continue;
      expect(load.get(u.id) ?? 0, `agent over capacity after ${ctx}`).toBeLessThanOrEqual(u.maxConcurrent);
    }
    // no conversation left queued while an eligible agent is free
    const free = (u: (typeof users)[number]) => {
      if (u.status !== 'online' || !u.active) return false;
      const cap = account ? (warmupCap(account.settings.warmUp, u.warmupStartedAt, u.maxConcurrent, now) ?? u.maxConcurrent) : u.maxConcurrent;
      return (load.get(u.id) ?? 0) < Math.min(cap, u.maxConcurrent);
    };
    for (const c of rows.filter((r) => r.state === 'queued')) {
      const eligible = users.filter((u) => free(u) && (c.target_agent_id ? u.id === c.target_agent_id : c.skill_id === null || u.skills.includes(c.skill_id)));
      expect(
        eligible.map((u) => u.username),
        `queued ${c.id} while eligible agents are free after ${ctx}`,
      ).toEqual([]);
    }
  }
});
