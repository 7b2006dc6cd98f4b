#!/usr/bin/env node
// "Flat as it grows": the per-message and per-agent costs with 1k, 10k and 100k open conversations
// (and 10 stored messages each: 10k, 100k, 1M; then 100 each: 10M) in one account, on SQLite and PostgreSQL, in-process.
// For each size, on a fresh database:
//   - one agent's Active list (50 conversations) rebuilt, sorted and counted (the service of
//     GET /api/v1/workspace/active);
//   - a consumer message into one of that agent's conversations, end to end through the service
//     (lock, idempotency lookup, insert, conversation row, per-recipient events, commit);
//   - one routing run assigning 100 conversations that arrived while the routing agents were away.
// The rest of the population (open conversations held by an agent who is away, their consumers
// and messages) is bulk-inserted, as in bench/reports.mjs. Writes the "flat" section of RESULTS.md.
//
//   node bench/flat.mjs [--sizes 1000,10000,100000,100000x100] [--messages-per 10] [--dialect sqlite|postgres|both] [--pg-url URL] [--no-write]
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { pgAdmin } from '../packages/server/test/e2e/chaos.mjs';
import { writeSection } from './sections.mjs';

// The built server's services, as bench/routing.mjs uses them (in-process, no HTTP).
const dist = new URL('../packages/server/dist/', import.meta.url);
const [app, db, accounts, skills, users, consumers, conversations, routing] = await Promise.all(
  [
    'app.js',
    'storage/db.js',
    'services/accounts.service.js',
    'services/skills.service.js',
    'services/users.service.js',
    'services/consumers.service.js',
    'services/conversations.service.js',
    'services/routing.service.js',
  ].map((m) => import(new URL(m, dist).href)),
);
const { buildApp } = app;
const { openDatabase } = db;
const { createAccount, patchSettings } = accounts;
const { createSkill } = skills;
const { createUser, setStatus } = users;
const { createConsumerSession } = consumers;
const { openConversation, sendMessage, activeList } = conversations;
const { assignQueued } = routing;

const { values: opts } = parseArgs({
  options: {
    // Each level: open conversations, optionally `x` stored messages each (else --messages-per).
    sizes: { type: 'string', default: '1000,10000,100000,100000x100' },
    'messages-per': { type: 'string', default: '10' },
    dialect: { type: 'string', default: 'both' },
    'pg-url': { type: 'string' },
    'no-write': { type: 'boolean', default: false },
  },
  strict: true,
});
const DEFAULT_PER = Number(opts['messages-per']);
const LEVELS = opts.sizes.split(',').map((l) => {
  const [open, per] = l.split('x').map(Number);
  return { size: open, per: per ?? DEFAULT_PER };
});
const MINE = 50;
const BURST = 100;
const pgUrl = opts['pg-url'] || process.env.PARLEY_BENCH_DATABASE_URL || process.env.PARLEY_TEST_DATABASE_URL;
const dialects = opts.dialect === 'both' ? ['sqlite', ...(pgUrl ? ['postgres'] : [])] : [opts.dialect];
const say = (m) => process.stderr.write(`flat: ${m}\n`);

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
};
function idAt(ms) {
  const t = ms.toString(16).padStart(12, '0');
  const r = randomBytes(10).toString('hex');
  return `${t.slice(0, 8)}-${t.slice(8)}-7${r.slice(0, 3)}-${'89ab'[Number.parseInt(r[3], 16) % 4]}${r.slice(4, 7)}-${r.slice(7, 19)}`;
}
async function insertAll(db, table, rows) {
  const batch = Math.max(1, Math.floor(30_000 / Object.keys(rows[0] ?? { a: 1 }).length)); // under SQLite's 32,766 parameters
  await db.transaction(async (tx) => {
    for (let i = 0; i < rows.length; i += batch)
      await tx
        .insertInto(table)
        .values(rows.slice(i, i + batch))
        .execute();
  });
}

async function openDb(dialect) {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'parley-flat-'));
    const db = await openDatabase({ sqlitePath: join(dir, 'parley.db'), secrets: 'ephemeral' });
    return { db, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `parley_bench_flat_${process.pid}_${randomBytes(3).toString('hex')}`;
  await pgAdmin(pgUrl, `CREATE DATABASE ${name}`);
  const url = new URL(pgUrl);
  url.pathname = `/${name}`;
  const db = await openDatabase({ url: url.href, poolSize: 10, secrets: 'ephemeral' });
  return { db, cleanup: () => pgAdmin(pgUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

async function one(dialect, { size, per: PER }) {
  const { db, cleanup } = await openDb(dialect);
  const app = await buildApp({ db, timers: 'manual', loginRateLimitPerMinute: 1_000_000 });
  const deps = app.deps;
  try {
    const t0 = performance.now();
    const { accountId } = await createAccount(deps, { name: 'flat', adminUsername: 'boss', adminPassword: 'bench password' });
    await patchSettings(deps, accountId, { autoClose: { enabled: false } });
    const skill = (await createSkill(deps, accountId, { name: 'Support', description: '' })).id;
    const user = (username, maxConcurrent) =>
      createUser(deps, accountId, { username, password: 'bench password', displayName: username, role: 'agent', skills: [skill], maxConcurrent });
    const me = await user('me', MINE);
    const holder = await user('holder', 100);
    const routers = [await user('r1', BURST / 2), await user('r2', BURST / 2)];
    // The measured agent's own conversations, through the service (routed to them: the only one online).
    await setStatus(deps, accountId, me.id, 'online');
    const mine = [];
    for (let i = 0; i < MINE; i++) {
      const s = await createConsumerSession(deps, { accountId, name: `Mine ${i}` });
      const p = { kind: 'consumer', accountId, consumerId: s.consumerId };
      mine.push({ p, id: (await openConversation(deps, p, { skillId: skill, text: 'hello' })).conversation.id });
    }
    await app.routingIdle();
    // Everyone else's: open, held by an agent who is away, with PER messages each (bulk insert).
    const now = Date.now();
    const n = size - MINE;
    const consumers = [];
    const conversations = [];
    const messages = [];
    for (let i = 0; i < n; i++) {
      const created = now - 30 * 86_400_000 + i * 10;
      const cid = idAt(created);
      const id = idAt(created + 1);
      consumers.push({ id: cid, account_id: accountId, channel: 'web', name: `Visitor ${i}`, custom_variables: '{}', created_at: created });
      conversations.push({
        id,
        account_id: accountId,
        consumer_id: cid,
        channel: 'web',
        skill_id: skill,
        state: 'open',
        agent_id: holder.id,
        last_agent_id: holder.id,
        awaiting: 'agent',
        awaiting_since: created,
        priority: 0,
        urgent: 0,
        first_time: 0,
        sla_due_at: null,
        manual_sla_at: null,
        actionable: 0,
        closed_by: null,
        closed_at: null,
        dismissed: 0,
        created_at: created,
        queued_at: created,
        assigned_at: created + 1000,
        last_seq: PER,
        last_message_text: `message ${PER}`,
        last_message_sender: 'consumer',
        last_message_at: created + PER,
        agent_unread: PER,
        first_response_at: null,
        first_response_agent_id: null,
        updated_at: created + PER,
      });
      for (let k = 1; k <= PER; k++)
        messages.push({
          id: idAt(created + k),
          account_id: accountId,
          conversation_id: id,
          seq: k,
          sender_type: 'consumer',
          sender_id: cid,
          text: `message ${k}`,
          file: null,
          client_message_id: `seed-${i}-${k}`,
          created_at: created + k,
          delivery: null,
        });
      if (messages.length >= 200_000) {
        if (consumers.length) await insertAll(db, 'consumers', consumers.splice(0));
        if (conversations.length) await insertAll(db, 'conversations', conversations.splice(0));
        await insertAll(db, 'messages', messages.splice(0));
      }
    }
    if (consumers.length) await insertAll(db, 'consumers', consumers);
    if (conversations.length) await insertAll(db, 'conversations', conversations);
    if (messages.length) await insertAll(db, 'messages', messages);
    if (dialect === 'postgres') await sql`ANALYZE`.execute(db.kysely);
    const seedSec = (performance.now() - t0) / 1000;
    const count = async (table) =>
      Number(
        (
          await db.kysely
            .selectFrom(table)
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirst()
        ).n,
      );
    const open = Number(
      (
        await db.kysely
          .selectFrom('conversations')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('state', '=', 'open')
          .executeTakeFirst()
      ).n,
    );
    const stored = await count('messages');
    say(`${dialect} ${size}: ${open} open, ${stored} messages, seeded in ${seedSec.toFixed(1)} s`);

    const principal = { kind: 'user', accountId, userId: me.id, role: 'agent', tokenHash: '' };
    const listMs = [];
    for (let i = 0; i < 120; i++) {
      const s = performance.now();
      const list = await activeList(deps, principal, undefined);
      if (i >= 20) listMs.push(performance.now() - s);
      if (i === 0 && list.items.length !== MINE) throw new Error(`the agent's list has ${list.items.length} items, not ${MINE}`);
    }
    const sendMs = [];
    for (let i = 0; i < 320; i++) {
      const c = mine[i % MINE];
      const s = performance.now();
      await sendMessage(deps, c.p, c.id, { text: `ping ${i}`, clientMessageId: `flat-${i}` });
      if (i >= 20) sendMs.push(performance.now() - s);
    }
    await app.routingIdle();
    // Routing: BURST arrivals while the routing agents are away, then one run assigns them.
    for (let i = 0; i < BURST; i++) {
      const s = await createConsumerSession(deps, { accountId, name: `Burst ${i}` });
      await openConversation(deps, { kind: 'consumer', accountId, consumerId: s.consumerId }, { skillId: skill, text: 'burst' });
    }
    await app.routingIdle();
    for (const r of routers) await db.kysely.updateTable('users').set({ status: 'online' }).where('id', '=', r.id).execute();
    const b0 = performance.now();
    const assigned = await assignQueued(deps, accountId);
    const routeMs = performance.now() - b0;
    if (assigned !== BURST) throw new Error(`routing assigned ${assigned} of ${BURST}`);
    return {
      dialect,
      size,
      open,
      stored,
      seedSec,
      list: { p50: pct(listMs, 50), p99: pct(listMs, 99) },
      send: { p50: pct(sendMs, 50), p99: pct(sendMs, 99) },
      routeMsPerAssignment: routeMs / assigned,
    };
  } finally {
    await app.close();
    await db.close();
    await cleanup();
  }
}

// Dropping a finished size's database WITH (FORCE) ends any pooled connection still open to it
// (57P01, "terminating connection due to administrator command"): expected, not a failure.
process.on('uncaughtException', (err) => {
  if (err?.code === '57P01') return;
  throw err;
});
const load0 = loadavg();
const started = new Date();
const results = [];
for (const d of dialects) for (const level of LEVELS) results.push(await one(d, level));
const f2 = (x) => (Number.isFinite(x) ? x.toFixed(2) : '–');
const sections = [];
for (const d of dialects) {
  const rs = results.filter((r) => r.dialect === d);
  const first = rs[0];
  const last = rs[rs.length - 1];
  const growth = (f) => `×${(f(last) / f(first)).toFixed(2)}`;
  const row = (label, f) => `| ${label} | ${rs.map((r) => f2(f(r))).join(' | ')} | ${growth(f)} |`;
  sections.push(`### ${d === 'sqlite' ? 'SQLite' : 'PostgreSQL'}

| measure | ${rs.map((r) => `${r.open.toLocaleString('en-US')} open, ${r.stored.toLocaleString('en-US')} messages`).join(' | ')} | growth, first → last column |
| --- |${rs.map(() => ' ---: |').join('')} ---: |
${row("one agent's Active list (50 items) rebuilt, sorted, counted: p50 (ms)", (r) => r.list.p50)}
${row('… p99 (ms)', (r) => r.list.p99)}
${row('consumer message through the service, commit included: p50 (ms)', (r) => r.send.p50)}
${row('… p99 (ms)', (r) => r.send.p99)}
${row(`routing: ${BURST} queued arrivals assigned by one run, per assignment (ms)`, (r) => r.routeMsPerAssignment)}
| seeding (s, not a measure) | ${rs.map((r) => r.seedSec.toFixed(0)).join(' | ')} | |
`);
}
const md = `## Flat as it grows (open conversations and stored messages)

Written by \`node bench/flat.mjs\` (after \`npm run build\`); ${started.toISOString().replace(/\.\d+Z$/, 'Z')}, ${cpus().length} CPU(s), Node ${process.version}; load average at start ${load0.map((x) => x.toFixed(2)).join(' / ')}, at the end ${loadavg()
  .map((x) => x.toFixed(2))
  .join(' / ')} (shared machine: absolute times are inflated; the growth ratios, measured on the same machine minutes apart, are what this section is about).

One account, in-process (no HTTP): the measured agent holds ${MINE} open conversations; everyone else's open conversations (held by an agent who is away, with the stored messages of the column spread over them) are bulk-inserted. A growth ratio near ×1 means flat. PostgreSQL after \`ANALYZE\`; SQLite without statistics, as Parley ships.

${sections.join('\n')}`;
process.stdout.write(`\n${md}\n`);
if (!opts['no-write']) writeSection('flat', md);
process.exit(0);
