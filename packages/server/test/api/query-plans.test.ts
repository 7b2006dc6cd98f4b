import { CompiledQuery, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deps } from '../../src/services/context.js';
import { activeList, listAll, sendMessage } from '../../src/services/conversations.service.js';
import type { UserPrincipal } from '../../src/services/principal.js';
import { assignQueued } from '../../src/services/routing.service.js';
import type { Database } from '../../src/storage/db.js';
import { bindKeyring, keyringOf } from '../../src/storage/secrets.js';
import { type AccountHandle, type AgentHandle, http, makeAccount } from '../factories/index.js';
import { dialects, startTestApp, type TestApp } from '../harness.js';
import { queryRecorder } from '../query-recorder.js';

/** The tables that grow with the account: a hot query never reads one of them whole. */
const GROWING = /\b(conversations|messages|events)\b/;
const DAY = 86_400_000;

/**
 * The hot queries of the message path, the Active list, routing and the supervision list
 * (`GET /api/v1/conversations?state=open,queued,ringing`) are each index-backed on both dialects:
 * every query the service runs against conversations, messages or events is planned as an index
 * search (SQLite's EXPLAIN QUERY PLAN; PostgreSQL's EXPLAIN with sequential scans priced out, so a
 * table without a usable index still shows its Seq Scan), never a scan of the table or a whole index.
 */
describe.each(dialects)('hot query plans on %s', (dialect) => {
  let t: TestApp;
  let acc: AccountHandle;
  let ann: AgentHandle;
  let hold: AgentHandle;
  let mine: { id: string; consumerId: string };

  /**
   * Services' deps whose every query (in transactions too) is recorded with its parameters: the
   * query builders' through a plugin, the prepared hot queries (storage/prepared.ts, compiled
   * once and run with `executeQuery`) by wrapping `executeQuery` of the handle.
   */
  function recording(): { deps: Deps; queries: CompiledQuery[] } {
    const { plugin: recorder, queries } = queryRecorder(t.db.kysely);
    const keyring = keyringOf(t.db.kysely);
    const recorded = <T extends { executeQuery: (q: CompiledQuery) => Promise<unknown> }>(handle: T): T =>
      bindKeyring(
        new Proxy(handle, {
          get(target, key) {
            if (key === 'executeQuery')
              return (q: CompiledQuery) => {
                queries.push(q);
                return target.executeQuery(q);
              };
            const v = Reflect.get(target, key, target);
            return typeof v === 'function' ? v.bind(target) : v;
          },
        }),
        keyring,
      );
    const kysely = recorded(t.db.kysely.withPlugin(recorder));
    const db: Database = { ...t.deps.db, kysely, transaction: (fn) => kysely.transaction().execute((tx) => fn(recorded(tx))) };
    return { deps: { ...t.deps, db }, queries };
  }

  async function planOf(q: CompiledQuery): Promise<string> {
    if (dialect === 'sqlite') {
      const r = await t.db.kysely.executeQuery<{ detail: string }>(CompiledQuery.raw(`EXPLAIN QUERY PLAN ${q.sql}`, [...q.parameters]));
      return r.rows.map((x) => x.detail).join(' | ');
    }
    return t.db.kysely.transaction().execute(async (tx) => {
      await sql`SET LOCAL enable_seqscan = off`.execute(tx);
      const r = await tx.executeQuery<{ 'QUERY PLAN': string }>(CompiledQuery.raw(`EXPLAIN ${q.sql}`, [...q.parameters]));
      return r.rows.map((x) => x['QUERY PLAN']).join(' | ');
    });
  }

  /** The plans of the recorded queries on the growing tables; fails on any scan of one. */
  async function expectIndexBacked(queries: CompiledQuery[]): Promise<string[]> {
    const plans: string[] = [];
    for (const q of queries) {
      if (!GROWING.test(q.sql)) continue;
      const plan = await planOf(q);
      const why = `${q.sql}\n${plan}`;
      if (dialect === 'sqlite') {
        expect(plan, why).not.toMatch(/\bSCAN (conversations|messages|events)\b/);
        // each index search is bounded by more than the account: an agent, a state, a time, one row
        for (const [, cond] of plan.matchAll(/SEARCH (?:conversations|messages|events) USING (?:COVERING )?INDEX \w+ \(([^)]*)\)/g))
          expect(cond, why).not.toMatch(/^account_id=\?$/);
      } else {
        expect(plan, why).not.toMatch(/Seq Scan on (conversations|messages|events)\b/);
        // each index scan of them has a condition, bounded by more than the account
        const scans =
          /(?:Index (?:Only )?Scan using \w+ on (?:conversations|messages|events)\b|Bitmap Index Scan on (?:conversations|messages|events)_\w+)[^|]*(?:\|\s*(?:Filter|Index Cond)[^|]*)*/g;
        for (const [node] of plan.matchAll(scans)) {
          expect(node, why).toMatch(/Index Cond/);
          expect(node, why).not.toMatch(/Index Cond: \(account_id = '[^']*'::text\)\s*(\||$)/);
        }
      }
      plans.push(plan);
    }
    expect(plans.length).toBeGreaterThan(0);
    return plans;
  }

  const user = (a: AgentHandle, role: 'agent' | 'manager' = 'agent'): UserPrincipal => ({
    kind: 'user',
    accountId: acc.accountId,
    userId: a.id,
    role,
    tokenHash: '',
  });
  const setStatus = (a: AgentHandle, status: string) => http(t)('PUT', '/api/v1/me/status', { token: a.token, body: { status } });

  beforeAll(async () => {
    t = await startTestApp(dialect);
    acc = await makeAccount(t);
    // hold takes 12 conversations, then goes away with them still open
    hold = await acc.agent('hold', { skills: ['Sales'], maxConcurrent: 50 });
    for (let i = 0; i < 12; i++) await (await acc.consumer()).open({ skill: 'Sales', text: `held ${i}` });
    expect((await setStatus(hold, 'away')).statusCode).toBe(200);
    ann = await acc.agent('ann', { skills: ['Sales'], maxConcurrent: 3 });
    const jo = await acc.consumer({ name: 'Jo' });
    const c = await jo.open({ skill: 'Sales', text: 'hello' });
    mine = { id: c.id, consumerId: jo.consumerId };
    expect((await t.db.kysely.selectFrom('conversations').select('agent_id').where('id', '=', c.id).executeTakeFirstOrThrow()).agent_id).toBe(ann.id);
    await t.routingIdle();
    // A history behind the live work: 1,500 closed conversations over the last 300 days (bulk rows
    // copied from a real one), so a plan that walks the account's conversations is no bargain.
    const row = await t.db.kysely.selectFrom('conversations').selectAll().where('id', '=', c.id).executeTakeFirstOrThrow();
    const now = t.clock.now();
    const history = Array.from({ length: 1500 }, (_, i) => ({
      ...row,
      id: `h-${String(i).padStart(5, '0')}`,
      state: 'closed',
      agent_id: null,
      last_agent_id: hold.id,
      closed_by: 'agent',
      created_at: now - (i + 1) * 0.2 * DAY,
      closed_at: now - (i + 1) * 0.2 * DAY + 60_000,
    }));
    for (let i = 0; i < history.length; i += 200)
      await t.db.kysely
        .insertInto('conversations')
        .values(history.slice(i, i + 200))
        .execute();
    // PostgreSQL plans by statistics: give it the ones a real database has.
    if (dialect === 'postgres') await sql`ANALYZE conversations, messages, events, consumers, users, user_skills`.execute(t.db.kysely);
  });
  afterAll(() => t?.close());

  it('the message path (a consumer message, the agent answer) reads by index', async () => {
    const { deps, queries } = recording();
    await sendMessage(deps, { kind: 'consumer', accountId: acc.accountId, consumerId: mine.consumerId }, mine.id, {
      text: 'still there?',
      clientMessageId: 'p1',
    });
    await sendMessage(deps, user(ann), mine.id, { text: 'yes', clientMessageId: 'p2' });
    const plans = await expectIndexBacked(queries);
    expect(plans.join('\n')).toMatch(/messages/);
  });

  it("the Active list reads the agent's own conversations by index", async () => {
    const { deps, queries } = recording();
    const list = await activeList(deps, user(ann), undefined);
    expect(list.items.map((i) => i.id)).toEqual([mine.id]);
    const plans = await expectIndexBacked(queries);
    expect(plans.join('\n')).toMatch(/conversations_agent/);
  });

  it('the supervision list (open, queued, ringing for a manager) reads by index', async () => {
    const { deps, queries } = recording();
    const items = await listAll(deps, user(acc.manager, 'manager'), { state: ['open', 'queued', 'ringing'], limit: 51 });
    expect(items).toHaveLength(13);
    await expectIndexBacked(queries);
  });

  it("routing counts the open work of the agents who could take a conversation only: an away agent's conversations are not read", async () => {
    // A new arrival while ann is briefly away: queued; then ann is back (set in the database, so no
    // routing run starts by itself) and one run, recorded, assigns it.
    expect((await setStatus(ann, 'away')).statusCode).toBe(200);
    const kim = await acc.consumer({ name: 'Kim' });
    const queued = await kim.open({ skill: 'Sales', text: 'anyone?' });
    expect(queued.state).toBe('queued');
    await t.db.kysely.updateTable('users').set({ status: 'online' }).where('id', '=', ann.id).execute();
    const { deps, queries } = recording();
    expect(await assignQueued(deps, acc.accountId)).toBe(1);
    const routed = await http(t)('GET', `/api/v1/conversations/${queued.id}`, { token: acc.manager.token });
    const routing = routed.json().routing;
    expect(routing).toMatchObject({ outcome: 'assigned', agentId: ann.id, rule: 'least_loaded_then_longest_idle' });
    // ann's load is counted (1 of 3); hold's 12 are not: hold could not take it whatever they hold
    expect(routing.candidates).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ agentId: ann.id, load: 1, capacity: 3, eligible: true }),
        expect.objectContaining({ agentId: hold.id, status: 'away', load: null, eligible: false, why: 'not_online' }),
      ]),
    );
    const work = queries.filter((q) => /from "conversations"/.test(q.sql) && /group by "agent_id"/.test(q.sql));
    expect(work).toHaveLength(1);
    const [count] = work;
    if (!count) throw new Error('no work query');
    expect(count.parameters).toContain(ann.id);
    expect(count.parameters).not.toContain(hold.id);
    const plans = await expectIndexBacked(queries);
    const countPlan = await planOf(count);
    if (dialect === 'sqlite') expect(countPlan).toMatch(/SEARCH conversations USING INDEX conversations_agent \(account_id=\? AND agent_id=\? AND state=\?\)/);
    else expect(countPlan).toMatch(/conversations_agent/);
    expect(plans.join('\n')).toMatch(/conversations_queue/);
  });
});
