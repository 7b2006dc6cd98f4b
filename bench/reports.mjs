#!/usr/bin/env node
// Manager reports benchmark (issue 6): the dashboard's queries with 100,000 conversations of
// history (13 months, ~300 today) and their survey answers, on SQLite, in-process.
// Times GET /api/v1/reports/live, /daily and the CSV of one day (services), and prints the SQLite
// query plans of the queries behind them. Writes bench/RESULTS-reports.md.
// Run with `node bench/reports.mjs` after `npm run build`.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';

const dist = new URL('../packages/server/dist/', import.meta.url);
const { buildApp } = await import(new URL('app.js', dist).href);
const { openDatabase } = await import(new URL('storage/db.js', dist).href);
const { createAccount } = await import(new URL('services/accounts.service.js', dist).href);
const { createSkill } = await import(new URL('services/skills.service.js', dist).href);
const { createUser } = await import(new URL('services/users.service.js', dist).href);
const { createConsumerSession } = await import(new URL('services/consumers.service.js', dist).href);
const { liveReport, dailyReport, conversationsCsv } = await import(new URL('services/reports.service.js', dist).href);

const N = Number(process.env.CONVERSATIONS ?? 100_000);
const DAY = 86_400_000;
const dir = mkdtempSync(join(tmpdir(), 'parley-reports-bench-'));
const db = await openDatabase({ sqlitePath: join(dir, 'parley.db') });
const app = await buildApp({ db, timers: 'manual' });
const deps = app.deps;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
try {
  const { accountId } = await createAccount(deps, { name: 'bench', adminUsername: 'boss', adminPassword: 'bench password' });
  const skills = [
    (await createSkill(deps, accountId, { name: 'Sales', description: '' })).id,
    (await createSkill(deps, accountId, { name: 'Support', description: '' })).id,
  ];
  const agents = [];
  for (let i = 0; i < 20; i++) {
    agents.push(
      (await createUser(deps, accountId, { username: `a${i}`, password: 'bench password', displayName: `Agent ${i}`, role: 'agent', skills, maxConcurrent: 5 }))
        .id,
    );
  }
  const { consumerId } = await createConsumerSession(deps, { accountId, name: 'Consumer' });
  const now = Date.now();
  const t0 = performance.now();
  const rows = [];
  const answers = [];
  for (let i = 0; i < N; i++) {
    // 1 % today, the rest over 13 months
    const created = i % 100 === 0 ? now - (i % 3600) * 1000 - 60_000 : now - DAY - Math.floor((i / N) * 395 * DAY);
    const agent = agents[i % agents.length];
    rows.push({
      id: `c${i}`,
      account_id: accountId,
      consumer_id: consumerId,
      channel: 'web',
      skill_id: skills[i % 2],
      state: 'closed',
      agent_id: null,
      last_agent_id: agent,
      awaiting: 'consumer',
      awaiting_since: created,
      priority: 0,
      urgent: 0,
      first_time: 0,
      actionable: 0,
      closed_by: 'agent',
      closed_at: created + 600_000,
      dismissed: 0,
      created_at: created,
      assigned_at: created + 5_000,
      first_response_at: created + 30_000,
      last_seq: 3,
      agent_unread: 0,
      updated_at: created + 600_000,
    });
    if (i % 10 === 0) {
      answers.push({
        survey_id: `s${i}`,
        question_id: 'csat',
        account_id: accountId,
        agent_id: agent,
        skill_id: skills[i % 2],
        type: 'csat',
        int_value: 1 + (i % 5),
        text_value: null,
        answered_at: created + 700_000,
      });
    }
  }
  for (let i = 0; i < rows.length; i += 500)
    await db.kysely
      .insertInto('conversations')
      .values(rows.slice(i, i + 500))
      .execute();
  // survey_answers references surveys; the rows are written without it (foreign keys are not what is measured)
  await sql`PRAGMA foreign_keys = OFF`.execute(db.kysely);
  for (let i = 0; i < answers.length; i += 500)
    await db.kysely
      .insertInto('survey_answers')
      .values(answers.slice(i, i + 500))
      .execute();
  await sql`ANALYZE`.execute(db.kysely);
  const setup = (performance.now() - t0) / 1000;
  const time = async (fn, n = 20) => {
    const xs = [];
    for (let i = 0; i < n; i++) {
      const s = performance.now();
      await fn();
      xs.push(performance.now() - s);
    }
    return median(xs);
  };
  const today = new Date(now).toISOString().slice(0, 10);
  const live = await time(() => liveReport(deps, accountId));
  const daily = await time(() => dailyReport(deps, accountId, today));
  const csv = await time(() => conversationsCsv(deps, accountId, now - DAY, now + 1), 5);
  const plans = [];
  for (const q of [
    `SELECT * FROM conversations WHERE account_id = '${accountId}' AND state IN ('queued','ringing','open')`,
    `SELECT * FROM conversations WHERE account_id = '${accountId}' AND created_at >= ${now - DAY} AND created_at < ${now}`,
    `SELECT * FROM conversations WHERE account_id = '${accountId}' AND closed_at >= ${now - DAY} AND state = 'closed'`,
    `SELECT * FROM survey_answers WHERE account_id = '${accountId}' AND answered_at >= ${now - DAY}`,
  ]) {
    const r = await sql.raw(`EXPLAIN QUERY PLAN ${q}`).execute(db.kysely);
    plans.push(`- \`${q.replace(accountId, 'A').replace(/\d{13}/g, 'T')}\`: ${r.rows.map((x) => x.detail).join('; ')}`);
  }
  const out = `# Reports benchmark (SQLite, in-process)

${new Date().toISOString()}, Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}.
${N.toLocaleString('en')} closed conversations over 13 months (${rows.filter((r) => r.created_at > now - DAY).length} in the last 24 h), ${answers.length.toLocaleString('en')} CSAT answers, 20 agents, 2 skills. Setup ${setup.toFixed(1)} s.

| query | median |
| --- | --- |
| GET /api/v1/reports/live (service) | ${live.toFixed(2)} ms |
| GET /api/v1/reports/daily (service) | ${daily.toFixed(2)} ms |
| CSV of the last 24 h (service) | ${csv.toFixed(2)} ms |

Query plans:
${plans.join('\n')}

PostgreSQL: not measured in this run.
`;
  writeFileSync(new URL('RESULTS-reports.md', import.meta.url), out);
  process.stdout.write(out);
} finally {
  await app.close?.();
  await db.destroy?.();
  rmSync(dir, { recursive: true, force: true });
}
