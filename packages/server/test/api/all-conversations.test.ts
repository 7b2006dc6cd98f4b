import { CompiledQuery } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAll } from '../../src/services/conversations.service.js';
import { type AccountHandle, type AgentHandle, http, makeAccount } from '../factories/index.js';
import { dialects, startTestApp, type TestApp } from '../harness.js';
import { queryRecorder } from '../query-recorder.js';

const DAY = 86_400_000;

/**
 * The All tab (API.md: `GET /api/v1/conversations?from=&to=&q=&cursor=&limit=`): a search reaches
 * the whole history window, not only the last 7 days, and pages through it by keyset.
 */
describe.each(dialects)('the All tab on %s', (dialect) => {
  let t: TestApp;
  let acc: AccountHandle;
  let alice: AgentHandle;
  let now: number;
  /** The conversations whose last message mentions "blender", newest first, and when they started. */
  const needles: { id: string; at: number }[] = [];
  /** Every conversation of the account, newest first. */
  let everything: string[] = [];

  beforeAll(async () => {
    t = await startTestApp(dialect);
    acc = await makeAccount(t);
    alice = await acc.agent('alice', { skills: ['Sales'], online: false });
    now = t.clock.now();
    // One real conversation, then 1 200 copies of it spread over the last 12 months (bulk rows:
    // the API would take minutes), five of them about a blender.
    const jo = await acc.consumer({ name: 'Jo Template' });
    const seed = await jo.open({ skill: 'Sales', text: 'template' });
    const row = await t.db.kysely.selectFrom('conversations').selectAll().where('id', '=', seed.id).executeTakeFirstOrThrow();
    await t.db.kysely.deleteFrom('messages').where('conversation_id', '=', seed.id).execute();
    await t.db.kysely.deleteFrom('conversations').where('id', '=', seed.id).execute();
    const needleAges = new Set([2, 300, 700, 1000, 1199]);
    const rows = [];
    for (let i = 0; i < 1200; i++) {
      // i = 0 is 2 h old, i = 1199 about 360 days old (inside the 13-month window)
      const at = now - 2 * 3_600_000 - i * (DAY * 0.3);
      const id = `c-${String(i).padStart(5, '0')}`;
      const text = needleAges.has(i) ? `About the blender I bought (${i})` : `Question number ${i}`;
      if (needleAges.has(i)) needles.push({ id, at });
      rows.push({
        ...row,
        id,
        state: 'closed',
        agent_id: null,
        closed_at: at + 60_000,
        closed_by: 'agent',
        created_at: at,
        last_message_text: text,
        last_message_at: at,
      });
    }
    for (let i = 0; i < rows.length; i += 200)
      await t.db.kysely
        .insertInto('conversations')
        .values(rows.slice(i, i + 200))
        .execute();
    everything = rows.map((r) => r.id);
  }, 120_000);
  afterAll(async () => t.stop());

  type Page = { items: { id: string; createdAt: string; lastMessage: { text: string } | null }[]; nextCursor: string | null };
  const get = async (query: string, token = alice.token): Promise<Page> => {
    const res = await http(t)('GET', `/api/v1/conversations?${query}`, { token });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };
  /** Follows nextCursor to the end. */
  const all = async (query: string): Promise<{ ids: string[]; pages: number }> => {
    const ids: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Page = await get(`${query}${cursor ? `&cursor=${cursor}` : ''}`);
      ids.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 100);
    return { ids, pages };
  };

  it('a search without from reaches the whole history window in one request, newest first', async () => {
    const page = await get('q=blender');
    expect(page.items.map((i) => i.id)).toEqual(needles.map((n) => n.id));
    expect(page.nextCursor).toBeNull();
    expect(Date.parse(page.items.at(-1)?.createdAt ?? '')).toBeLessThan(now - 350 * DAY);
    // by the consumer's name too, case-insensitively
    expect((await get('q=jo%20TEMPLATE&limit=200')).items).toHaveLength(200);
  });

  it('pages a search by keyset: every match once, in order, the last page ends with nextCursor null', async () => {
    const { ids, pages } = await all('q=blender&limit=2');
    expect(ids).toEqual(needles.map((n) => n.id));
    expect(pages).toBe(3);
    // The whole account, 97 a page: every conversation once, nothing skipped
    const every = await all('q=question&limit=97');
    expect(every.ids).toEqual(everything.filter((id) => !needles.some((n) => n.id === id)));
  });

  it('from bounds a search (the "Since" date); without a search the default stays the last 7 days', async () => {
    const since = now - 100 * DAY;
    const page = await get(`q=blender&from=${new Date(since).toISOString()}`);
    expect(page.items.map((i) => i.id)).toEqual(needles.filter((n) => n.at >= since).map((n) => n.id));
    const recent = await all('limit=200');
    expect(recent.ids).toEqual(everything.slice(0, Math.floor((7 * DAY - 2 * 3_600_000) / (0.3 * DAY)) + 1));
    const res = await http(t)('GET', `/api/v1/conversations?q=blender&from=${new Date(now - 420 * DAY).toISOString()}`, { token: alice.token });
    expect(res.statusCode).toBe(400);
  });

  it('a later page starts its index range at the cursor, not at the newest conversation', async () => {
    // Record the SQL of the service for the last page of the whole history.
    const { plugin: recorder, queries } = queryRecorder(t.db.kysely);
    const deps = { ...t.deps, db: { ...t.deps.db, kysely: t.db.kysely.withPlugin(recorder) } };
    const last = needles.at(-2);
    if (!last) throw new Error('no needles');
    const user = { kind: 'user', accountId: acc.accountId, userId: alice.id, role: 'agent', tokenHash: '' } as const;
    const rows = await listAll(deps, user, { q: 'question', from: now - 365 * DAY, after: [last.at, last.id], limit: 11 });
    expect(rows).toHaveLength(11);
    const list = queries.find((q) => /from "conversations"/i.test(q.sql) && /order by/i.test(q.sql));
    if (!list) throw new Error(`no list query among ${queries.map((q) => q.sql).join('\n')}`);
    if (dialect === 'sqlite') {
      const plan = (await t.db.kysely.executeQuery<{ detail: string }>(CompiledQuery.raw(`EXPLAIN QUERY PLAN ${list.sql}`, [...list.parameters]))).rows
        .map((r) => r.detail)
        .join(' | ');
      // one index range in the page's order: no sort of the range (not even of its last term, the id)
      expect(plan).toMatch(/SEARCH conversations USING INDEX conversations_created \(account_id=\? AND created_at>\? AND created_at<\?\)/);
      expect(plan).not.toMatch(/\bSCAN conversations\b|TEMP B-TREE/);
    } else {
      // PostgreSQL tells how many rows each node read: the conversations read are this page's, not the 1 000 newer ones.
      const r = await t.db.kysely.executeQuery<{ 'QUERY PLAN': unknown }>(
        CompiledQuery.raw(`EXPLAIN (ANALYZE, FORMAT JSON) ${list.sql}`, [...list.parameters]),
      );
      type Node = { 'Relation Name'?: string; 'Actual Rows'?: number; 'Actual Loops'?: number; 'Rows Removed by Filter'?: number; Plans?: Node[] };
      const root = ((r.rows[0]?.['QUERY PLAN'] ?? []) as { Plan: Node }[])[0]?.Plan;
      let read = 0;
      const walk = (n: Node | undefined) => {
        if (!n) return;
        if (n['Relation Name'] === 'conversations') read += ((n['Actual Rows'] ?? 0) + (n['Rows Removed by Filter'] ?? 0)) * (n['Actual Loops'] ?? 1);
        for (const c of n.Plans ?? []) walk(c);
      };
      walk(root);
      expect(read).toBeLessThan(100);
    }
  });
});
