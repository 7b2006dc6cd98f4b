#!/usr/bin/env node
// Manager reports benchmark (issue 6): "dashboard queries stay fast with 100,000 conversations of
// history (an index-backed query plan, measured on SQLite and PostgreSQL)".
//
// For each dialect it builds the app in-process on a fresh database (SQLite: a temporary file;
// PostgreSQL: a database of its own, created here and dropped at the end), seeds an account with
// 100,000 conversations over 13 months plus today's (batch inserts), their surveys and answers, then
// times each report as a service call and as an HTTP request (inject(), with auth and serialization),
// and prints the plan of every query the reports run: SQLite EXPLAIN QUERY PLAN, PostgreSQL
// EXPLAIN (ANALYZE, BUFFERS) summarised to node types and index names. Writes bench/RESULTS-reports.md.
//
// Run after `npm run build`:
//   node bench/reports.mjs [--dialect sqlite|postgres|both] [--pg-url URL] [--conversations 100000]
//                          [--today 1000] [--runs 30] [--wait-quiet SEC] [--max-load 1.5] [--no-write]
// PostgreSQL: --pg-url, else PARLEY_BENCH_DATABASE_URL, else PARLEY_TEST_DATABASE_URL; the role must be
// allowed to create databases. Without a URL, --dialect both measures SQLite only and says so.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { CompiledQuery, sql } from 'kysely';
import pg from 'pg';

const { values: opts } = parseArgs({
  options: {
    dialect: { type: 'string', default: 'both' },
    'pg-url': { type: 'string', default: process.env.PARLEY_BENCH_DATABASE_URL ?? process.env.PARLEY_TEST_DATABASE_URL ?? '' },
    conversations: { type: 'string', default: process.env.CONVERSATIONS ?? '100000' },
    today: { type: 'string', default: '1000' },
    runs: { type: 'string', default: '30' },
    'wait-quiet': { type: 'string', default: '0' },
    'max-load': { type: 'string', default: '1.5' },
    'no-write': { type: 'boolean', default: false },
  },
});
const N = Number(opts.conversations);
const TODAY = Number(opts.today);
const RUNS = Number(opts.runs);
const pgUrl = opts['pg-url'];
if (!['sqlite', 'postgres', 'both'].includes(opts.dialect)) throw new Error('--dialect sqlite|postgres|both');
if (opts.dialect === 'postgres' && !pgUrl) throw new Error('--dialect postgres needs --pg-url (or PARLEY_BENCH_DATABASE_URL)');
const dialects = opts.dialect === 'both' ? ['sqlite', ...(pgUrl ? ['postgres'] : [])] : [opts.dialect];

const dist = new URL('../packages/server/dist/', import.meta.url);
if (!existsSync(new URL('app.js', dist))) throw new Error('packages/server/dist is missing: run `npm run build` first');
const { buildApp } = await import(new URL('app.js', dist).href);
const { openDatabase } = await import(new URL('storage/db.js', dist).href);
const { createAccount } = await import(new URL('services/accounts.service.js', dist).href);
const { createSkill } = await import(new URL('services/skills.service.js', dist).href);
const { createUser } = await import(new URL('services/users.service.js', dist).href);
const { liveReport, dailyReport, conversationsCsv } = await import(new URL('services/reports.service.js', dist).href);
const { myKpis } = await import(new URL('services/kpis.service.js', dist).href);

const say = (s) => process.stderr.write(`${s}\n`);
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' / ');

// ------------------------------------------------------------------ a quiet machine

const waitQuiet = Number(opts['wait-quiet']);
const maxLoad = Number(opts['max-load']);
if (waitQuiet > 0) {
  const until = Date.now() + Math.min(waitQuiet, 3600) * 1000;
  while (loadavg()[0] > maxLoad) {
    if (Date.now() > until) {
      say(`load average still ${load()}: running anyway`);
      break;
    }
    say(`waiting for the 1-minute load average to drop to ${maxLoad}: ${load()}`);
    await new Promise((r) => setTimeout(r, 10_000));
  }
}

// ------------------------------------------------------------------ data

/** Deterministic pseudo-random numbers, so both dialects get the same history. */
function prng(seed) {
  let x = seed;
  return () => {
    x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
    return x / 2_147_483_648;
  };
}
/** A UUIDv7-shaped id for a time (the app's ids are time-ordered UUIDv7). */
function idAt(ms) {
  const t = ms.toString(16).padStart(12, '0');
  const r = randomBytes(10).toString('hex');
  return `${t.slice(0, 8)}-${t.slice(8)}-7${r.slice(0, 3)}-${'89ab'[Number.parseInt(r[3], 16) % 4]}${r.slice(4, 7)}-${r.slice(7, 19)}`;
}

const QUESTIONS = [
  { id: 'csat', type: 'csat', text: 'How satisfied are you?' },
  { id: 'nps', type: 'nps', text: 'Would you recommend us?' },
  { id: 'comment', type: 'text', text: 'Anything else?' },
];

/**
 * The account's history: N closed conversations spread over the 395 days before today, and TODAY
 * conversations created since midnight UTC (the last 50 of them still queued or open). 80 % got a first
 * agent response (one in ten from an agent other than the last, as after a transfer); one closed
 * conversation in ten has an answered survey (CSAT, NPS and a comment).
 */
function history({ accountId, skills, agents, consumers, now }) {
  const rnd = prng(42);
  const dayStart = now - (now % DAY);
  const span = Math.max(now - MIN - dayStart, MIN);
  const conversations = [];
  const surveys = [];
  const answers = [];
  for (let i = 0; i < N + TODAY; i++) {
    const today = i >= N;
    const created = today ? now - MIN - Math.floor(((N + TODAY - 1 - i) / TODAY) * span) : dayStart - 1 - Math.floor(rnd() * 395 * DAY);
    const skillIndex = i % 2;
    const target = skillIndex === 0 ? HOUR : 5 * MIN;
    const agent = agents[i % agents.length];
    // One conversation in ten was transferred after its first response: answered first by another agent.
    const responder = Math.floor(i / agents.length) % 10 === 0 ? agents[(i + 1) % agents.length] : agent;
    const responded = rnd() < 0.8;
    const firstResponse = responded ? created + Math.floor(rnd() * 2 * target) : null;
    const openNow = today && i >= N + TODAY - 50;
    const queued = openNow && i % 5 === 0;
    const closedAt = openNow ? null : Math.min(Math.max(created, firstResponse ?? created) + Math.floor(rnd() * HOUR), now - 1000);
    const id = idAt(created);
    conversations.push({
      id,
      account_id: accountId,
      consumer_id: consumers[i % consumers.length],
      channel: 'web',
      skill_id: skills[skillIndex],
      state: queued ? 'queued' : openNow ? 'open' : 'closed',
      agent_id: openNow && !queued ? agent : null,
      last_agent_id: queued ? null : agent,
      awaiting: openNow && !responded ? 'agent' : 'consumer',
      awaiting_since: created,
      priority: 0,
      urgent: 0,
      first_time: 0,
      sla_due_at: openNow && !responded ? created + target : null,
      manual_sla_at: null,
      actionable: 0,
      closed_by: closedAt === null ? null : 'agent',
      closed_at: closedAt,
      dismissed: closedAt === null ? 0 : 1,
      created_at: created,
      queued_at: created,
      assigned_at: queued ? null : created + 2000,
      last_seq: 4,
      last_message_text: 'thanks, bye',
      last_message_sender: 'consumer',
      last_message_at: closedAt ?? created,
      agent_unread: 0,
      first_response_at: queued ? null : firstResponse,
      first_response_agent_id: queued || firstResponse === null ? null : responder,
      updated_at: closedAt ?? created,
    });
    if (closedAt !== null && rnd() < 0.1) {
      const answeredAt = Math.min(closedAt + 5 * MIN, now - 500);
      const values = { csat: 1 + Math.floor(rnd() * 5), nps: Math.floor(rnd() * 11), comment: rnd() < 0.5 ? 'quick, "kind"' : 'ok' };
      const surveyId = idAt(closedAt);
      surveys.push({
        id: surveyId,
        account_id: accountId,
        conversation_id: id,
        consumer_id: consumers[i % consumers.length],
        agent_id: agent,
        skill_id: skills[skillIndex],
        channel: 'web',
        closed_by: 'agent',
        questions: JSON.stringify(QUESTIONS),
        status: 'answered',
        answers: JSON.stringify(values),
        requested_at: closedAt,
        expires_at: closedAt + DAY,
        answered_at: answeredAt,
      });
      for (const q of QUESTIONS) {
        const v = values[q.id];
        answers.push({
          survey_id: surveyId,
          question_id: q.id,
          account_id: accountId,
          agent_id: agent,
          skill_id: skills[skillIndex],
          type: q.type,
          int_value: typeof v === 'number' ? v : null,
          text_value: typeof v === 'string' ? v : null,
          answered_at: answeredAt,
        });
      }
    }
  }
  return { conversations, surveys, answers };
}

async function insertAll(db, table, rows) {
  await db.transaction(async (tx) => {
    for (let i = 0; i < rows.length; i += 500)
      await tx
        .insertInto(table)
        .values(rows.slice(i, i + 500))
        .execute();
  });
}

// ------------------------------------------------------------------ plans

/** A query's shape for the report: select lists (and subqueries in them) and parameter lists elided. */
function shape(q) {
  let s = '';
  for (let i = 0; i < q.length; ) {
    if (!q.startsWith('select ', i)) s += q[i++];
    else {
      // skip to this select's own " from "
      let j = i + 7;
      for (let depth = 0; j < q.length && !(depth === 0 && q.startsWith(' from ', j)); j++) depth += q[j] === '(' ? 1 : q[j] === ')' ? -1 : 0;
      s += 'select … from ';
      i = j + 6;
    }
  }
  return s
    .replaceAll('"', '')
    .replace(/\$\d+/g, '?')
    .replace(/\((\?, )+\?\)/g, '(…)')
    .replace(/\s+/g, ' ')
    .slice(0, 220);
}

/** PostgreSQL plan JSON → `HashAggregate ← Index Scan conversations_created on conversations (1000 rows)`. */
function pgPlan(node) {
  const type = node['Node Type'] === 'Aggregate' ? ({ Hashed: 'HashAggregate', Sorted: 'GroupAggregate' }[node.Strategy] ?? 'Aggregate') : node['Node Type'];
  const what = node['Index Name'] ? `${type} ${node['Index Name']}` : type;
  const on = node['Relation Name'] ? ` on ${node['Relation Name']}` : '';
  const rows = node['Actual Rows'] !== undefined ? ` (${node['Actual Rows'] * (node['Actual Loops'] ?? 1)} rows)` : '';
  const kids = node.Plans ?? [];
  const below = kids.length === 0 ? '' : kids.length === 1 ? ` ← ${pgPlan(kids[0])}` : ` ← [${kids.map(pgPlan).join(' + ')}]`;
  return `${what}${on}${rows}${below}`;
}

/**
 * Whether a plan reads a table of history (conversations, surveys, survey answers) whole, or through an
 * index range bounded only by account or agent: each read should be bounded by a time, a state or one
 * conversation. conversations_agent counts as bounded: agent_id is set only while a conversation rings
 * or is open (last_agent_id is the one that stays).
 */
const HISTORY_TABLE = /^(conversations|survey_answers|surveys|c|s)$/;
const bounded = (index, cond) => index === 'conversations_agent' || /created_at|closed_at|first_response_at|answered_at|state|conversation_id/.test(cond);
function sqliteUnbounded(detail) {
  if (/\bSCAN (conversations|survey_answers|surveys|c|s)\b/.test(detail)) return 'reads the whole table';
  for (const [, table, index, cond] of detail.matchAll(/SEARCH (\w+) USING (?:COVERING )?INDEX (\w+) \(([^)]*)\)/g))
    if (HISTORY_TABLE.test(table) && !bounded(index, cond)) return 'an index range not bounded by time';
  return null;
}
function pgUnbounded(node) {
  const index = node['Index Name'] ?? '';
  if (node['Node Type'] === 'Seq Scan' && HISTORY_TABLE.test(node['Relation Name'] ?? '')) return 'reads the whole table';
  if (/^(conversations|survey_answers|surveys)_/.test(index) && !bounded(index, node['Index Cond'] ?? '')) return 'an index range not bounded by time';
  for (const kid of node.Plans ?? []) {
    const why = pgUnbounded(kid);
    if (why) return why;
  }
  return null;
}

// ------------------------------------------------------------------ one dialect

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p95 = (xs) => [...xs].sort((a, b) => a - b)[Math.ceil(xs.length * 0.95) - 1];

async function runDialect(dialect) {
  const startedLoad = load();
  let db;
  let cleanup = async () => {};
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'parley-reports-bench-'));
    db = await openDatabase({ sqlitePath: join(dir, 'parley.db') });
    cleanup = async () => {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    };
  } else {
    const name = `parley_bench_reports_${process.pid}_${randomBytes(3).toString('hex')}`;
    const admin = new pg.Client({ connectionString: pgUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(pgUrl);
    url.pathname = `/${name}`;
    let closed = false;
    const drop = async () => {
      if (!closed) await db?.close();
      closed = true;
      const a = new pg.Client({ connectionString: pgUrl });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    };
    const onSignal = () => drop().finally(() => process.exit(130));
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    cleanup = async () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      await drop();
    };
    db = await openDatabase({ url: url.href, poolSize: 10 });
  }
  const parley = await buildApp({ db, timers: 'manual' });
  const deps = parley.deps;
  try {
    const version =
      dialect === 'sqlite'
        ? `SQLite ${(await sql`select sqlite_version() as v`.execute(db.kysely)).rows[0].v}`
        : `PostgreSQL ${(await sql`show server_version`.execute(db.kysely)).rows[0].server_version.split(' ')[0]}`;
    say(`${dialect}: ${version}, seeding ${(N + TODAY).toLocaleString('en')} conversations…`);
    const t0 = performance.now();
    const { accountId } = await createAccount(deps, { name: 'bench', adminUsername: 'boss', adminPassword: 'bench password' });
    const skills = [
      (await createSkill(deps, accountId, { name: 'Sales', description: '' })).id,
      (await createSkill(deps, accountId, { name: 'Support', description: '', sla: { defaultSec: 300, firstTimeSec: 300, urgentSec: 300 } })).id,
    ];
    const agents = [];
    for (let i = 0; i < 20; i++) {
      const user = { username: `a${i}`, password: 'bench password', displayName: `Agent ${i}`, role: 'agent', skills, maxConcurrent: 5 };
      agents.push((await createUser(deps, accountId, user)).id);
    }
    const now = Date.now();
    const consumers = Array.from({ length: 2000 }, (_, i) => ({
      id: idAt(now - 400 * DAY + i),
      account_id: accountId,
      channel: 'web',
      name: `Consumer ${i}`,
      custom_variables: '{}',
      created_at: now - 400 * DAY + i,
    }));
    await insertAll(db, 'consumers', consumers);
    const data = history({ accountId, skills, agents, consumers: consumers.map((c) => c.id), now });
    await insertAll(db, 'conversations', data.conversations);
    await insertAll(db, 'surveys', data.surveys);
    await insertAll(db, 'survey_answers', data.answers);
    // PostgreSQL: statistics as autovacuum would gather them after a bulk load. SQLite: none, as Parley ships.
    if (dialect === 'postgres') await sql`ANALYZE`.execute(db.kysely);
    const setup = (performance.now() - t0) / 1000;
    say(`${dialect}: seeded in ${setup.toFixed(1)} s`);

    const login = async (username) => {
      const r = await parley.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { accountId, username, password: 'bench password' } });
      if (r.statusCode !== 200) throw new Error(`login ${username}: ${r.statusCode} ${r.body}`);
      return r.json().token;
    };
    const manager = await login('boss');
    const agent = await login('a0');
    const get = (token, url) => async () => {
      const r = await parley.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
      if (r.statusCode !== 200) throw new Error(`${url}: ${r.statusCode} ${r.body.slice(0, 200)}`);
    };
    const day = (ms) => new Date(ms).toISOString().slice(0, 10);
    const iso = (ms) => new Date(ms).toISOString();
    const principal = { kind: 'user', accountId, userId: agents[0], role: 'agent', tokenHash: '' };
    const cases = [
      ['GET /api/v1/reports/live', 'service', () => liveReport(deps, accountId)],
      ['GET /api/v1/reports/live', 'HTTP', get(manager, '/api/v1/reports/live')],
      ['GET /api/v1/reports/daily (today)', 'service', () => dailyReport(deps, accountId, day(now))],
      ['GET /api/v1/reports/daily (today)', 'HTTP', get(manager, `/api/v1/reports/daily?date=${day(now)}`)],
      ['GET /api/v1/reports/daily (a past day)', 'service', () => dailyReport(deps, accountId, day(now - 30 * DAY))],
      ['conversations.csv, last 24 h', 'service', () => conversationsCsv(deps, accountId, now - DAY, now)],
      ['conversations.csv, last 24 h', 'HTTP', get(manager, `/api/v1/reports/conversations.csv?from=${iso(now - DAY)}&to=${iso(now)}`)],
      ['conversations.csv, last 30 days', 'service', () => conversationsCsv(deps, accountId, now - 30 * DAY, now)],
      ['GET /api/v1/me/kpis (agent)', 'service', () => myKpis(deps, principal)],
      ['GET /api/v1/me/kpis (agent)', 'HTTP', get(agent, '/api/v1/me/kpis')],
    ];
    const timings = [];
    for (const [name, via, fn] of cases) {
      const runs = name.includes('30 days') ? Math.max(5, Math.round(RUNS / 3)) : RUNS;
      for (let i = 0; i < 5; i++) await fn();
      const xs = [];
      for (let i = 0; i < runs; i++) {
        const s = performance.now();
        await fn();
        xs.push(performance.now() - s);
      }
      timings.push({ name, via, median: median(xs), p95: p95(xs), runs });
    }

    // Every distinct query the reports run, with its real parameters, and its plan.
    const seen = new Map();
    const starts = new Map();
    const recorder = {
      transformQuery(a) {
        starts.set(a.queryId, a.node);
        return a.node;
      },
      async transformResult(a) {
        const c = db.kysely.getExecutor().compileQuery(starts.get(a.queryId), a.queryId);
        if (!seen.has(c.sql)) seen.set(c.sql, c);
        return a.result;
      },
    };
    const traced = { ...deps, db: { ...deps.db, kysely: db.kysely.withPlugin(recorder) } };
    await liveReport(traced, accountId);
    await dailyReport(traced, accountId, day(now));
    await conversationsCsv(traced, accountId, now - DAY, now);
    await myKpis(traced, principal);
    const plans = [];
    for (const c of seen.values()) {
      if (dialect === 'sqlite') {
        const r = await db.kysely.executeQuery(CompiledQuery.raw(`EXPLAIN QUERY PLAN ${c.sql}`, c.parameters));
        const plan = r.rows.map((x) => x.detail).join('; ');
        plans.push({ query: shape(c.sql), plan, unbounded: sqliteUnbounded(plan) });
      } else {
        const r = await db.kysely.executeQuery(CompiledQuery.raw(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${c.sql}`, c.parameters));
        const [top] = r.rows[0]['QUERY PLAN'];
        const buffers = (top.Plan['Shared Hit Blocks'] ?? 0) + (top.Plan['Shared Read Blocks'] ?? 0);
        const plan = `${pgPlan(top.Plan)}; ${buffers} buffers, ${top['Execution Time'].toFixed(2)} ms`;
        plans.push({ query: shape(c.sql), plan, unbounded: pgUnbounded(top.Plan) });
      }
    }
    return { dialect, version, setup, timings, plans, load: `${startedLoad} → ${load()}` };
  } finally {
    await parley.close();
    await cleanup();
  }
}

// ------------------------------------------------------------------ run and report

const started = new Date();
const results = [];
for (const d of dialects) results.push(await runDialect(d));

const fmt = (x) => (x === undefined ? '—' : `${x < 10 ? x.toFixed(2) : x.toFixed(1)} ms`);
const rows = results[0].timings.map((t, i) => {
  const cells = results.flatMap((r) => [fmt(r.timings[i]?.median), fmt(r.timings[i]?.p95)]);
  return `| ${t.name} | ${t.via} | ${cells.join(' | ')} |`;
});
const head = results.flatMap((r) => [`${r.dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'} median`, 'p95']);
const planSections = results.map(
  (r) => `### ${r.version}

${r.plans.map((p) => `- \`${p.query}\`\n  → ${p.unbounded ? `**${p.unbounded}:** ` : ''}${p.plan}`).join('\n')}`,
);
const unbounded = results.flatMap((r) => r.plans.filter((p) => p.unbounded).map((p) => `${r.dialect}: ${p.query}`));
const out = `# Reports benchmark (SQLite and PostgreSQL)

${started.toISOString().replace(/\.\d+Z$/, 'Z')}, Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model?.trim() ?? 'CPU'}.
${results.map((r) => `${r.version}: load average (1 / 5 / 15 min) ${r.load}; seeded in ${r.setup.toFixed(1)} s.`).join('\n')}

One account: ${N.toLocaleString('en')} closed conversations over the 13 months before today and ${TODAY.toLocaleString('en')} created
today (50 of them queued or open now), 2 skills, 20 agents, 2,000 consumers; one answered conversation in
ten was answered first by another agent than its last (a transfer); one closed conversation in ten has an
answered survey (CSAT, NPS, comment). In-process (\`node bench/reports.mjs\`): "service" calls the
report function, "HTTP" goes through \`inject()\` with auth, validation and serialization. ${RUNS} runs after 5
warm-up runs (the 30-day CSV: ${Math.max(5, Math.round(RUNS / 3))}). SQLite runs without ANALYZE statistics (Parley never gathers them);
PostgreSQL after ANALYZE (as autovacuum does after a bulk load).

| report | via | ${head.join(' | ')} |
| --- | --- | ${head.map(() => '---').join(' | ')} |
${rows.join('\n')}

${dialects.includes('postgres') ? '' : 'PostgreSQL: not measured in this run (no --pg-url / PARLEY_BENCH_DATABASE_URL).\n\n'}## Query plans

Every distinct query the reports above run, with the parameters of the last run. ${unbounded.length ? `**${unbounded.length} read history beyond their window.**` : 'None reads a table of history whole or beyond its window: each is an index range bounded by a time, a state (the open conversations) or a conversation id.'}

${planSections.join('\n\n')}
`;
if (!opts['no-write']) writeFileSync(new URL('RESULTS-reports.md', import.meta.url), out);
process.stdout.write(out);
if (unbounded.length) process.exitCode = 1;
