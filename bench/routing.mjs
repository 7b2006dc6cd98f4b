#!/usr/bin/env node
// Routing benchmark (issue 3): 200 agents and 5,000 open conversations on SQLite, in-process.
//  1. Active-list update: the time to rebuild, sort and count one agent's Active list after an
//     event (GET /api/v1/workspace/active's service), and the time from a consumer message to the
//     agent's conversation.upserted push over a real socket.
//  2. Assignments/s: 1,000 conversations arrive at once (queued while agents are away), then the
//     agents come online and one routing run assigns them.
// Writes the Routing section of bench/RESULTS.md (bench/sections.mjs). Run with `node bench/routing.mjs`
// after `npm run build`; `--no-write` only prints.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { io } from 'socket.io-client';
import { writeSection } from './sections.mjs';

const dist = new URL('../packages/server/dist/', import.meta.url);
const { buildApp } = await import(new URL('app.js', dist).href);
const { openDatabase } = await import(new URL('storage/db.js', dist).href);
const { createAccount, patchSettings } = await import(new URL('services/accounts.service.js', dist).href);
const { createSkill } = await import(new URL('services/skills.service.js', dist).href);
const { createUser, setStatus } = await import(new URL('services/users.service.js', dist).href);
const { createConsumerSession } = await import(new URL('services/consumers.service.js', dist).href);
const { openConversation, sendMessage, activeList } = await import(new URL('services/conversations.service.js', dist).href);
const { assignQueued } = await import(new URL('services/routing.service.js', dist).href);
const { hashToken } = await import(new URL('services/tokens.js', dist).href);

const AGENTS = Number(process.env.AGENTS ?? 200);
const OPEN = Number(process.env.OPEN ?? 5000);
const BURST = Number(process.env.BURST ?? 1000);
const SAMPLES = 300;

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
};
const fmt = (n) => (Number.isFinite(n) ? n.toFixed(2) : 'n/a');

const dir = mkdtempSync(join(tmpdir(), 'parley-routing-bench-'));
const db = await openDatabase({ sqlitePath: join(dir, 'parley.db') });
const app = await buildApp({ db, loginRateLimitPerMinute: 1_000_000 });
const deps = app.deps;
try {
  const { accountId } = await createAccount(deps, { name: 'bench', adminUsername: 'boss', adminPassword: 'bench password' });
  await patchSettings(deps, accountId, { autoClose: { enabled: false } });
  const skills = [
    (await createSkill(deps, accountId, { name: 'Sales', description: '' })).id,
    (await createSkill(deps, accountId, { name: 'Support', description: '' })).id,
  ];
  const perAgent = Math.ceil((OPEN + BURST) / AGENTS) + 1;
  process.stdout.write(`setup: ${AGENTS} agents × ${perAgent} capacity, ${OPEN} open conversations…\n`);
  const agents = [];
  for (let i = 0; i < AGENTS; i++) {
    const u = await createUser(deps, accountId, {
      username: `a${i}`,
      password: 'bench password',
      displayName: `Agent ${i}`,
      role: 'agent',
      skills,
      maxConcurrent: perAgent,
    });
    agents.push(u);
    await setStatus(deps, accountId, u.id, 'online');
  }
  await app.routingIdle();
  const consumers = [];
  const t0 = performance.now();
  for (let i = 0; i < OPEN; i++) {
    const s = await createConsumerSession(deps, { accountId, name: `Consumer ${i}` });
    const p = { kind: 'consumer', accountId, consumerId: s.consumerId };
    const r = await openConversation(deps, p, { skillId: skills[i % 2], text: 'hello' });
    consumers.push({ p, id: r.conversation.id });
  }
  await app.routingIdle();
  const setupSec = (performance.now() - t0) / 1000;
  const open = await db.kysely
    .selectFrom('conversations')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('state', '=', 'open')
    .executeTakeFirst();
  process.stdout.write(`  ${open.n} open after ${setupSec.toFixed(1)} s (${(OPEN / setupSec).toFixed(0)} arrivals+assignments/s sequentially)\n`);

  // 1a. Rebuild + sort + count one agent's list (what a list refresh costs on the server).
  const listTimes = [];
  for (let i = 0; i < SAMPLES; i++) {
    const a = agents[i % AGENTS];
    const principal = { kind: 'user', accountId, userId: a.id, role: 'agent', tokenHash: '' };
    const s = performance.now();
    const list = await activeList(deps, principal, undefined);
    listTimes.push(performance.now() - s);
    if (i === 0) process.stdout.write(`  one agent's list: ${list.items.length} items\n`);
  }

  // 1b. Consumer message → agent's conversation.upserted over a real socket.
  await app.app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${app.app.server.address().port}`;
  const target = consumers[0];
  const row = await db.kysely.selectFrom('conversations').select('agent_id').where('id', '=', target.id).executeTakeFirst();
  const token = `pat_bench_${Date.now()}`;
  await db.kysely
    .insertInto('auth_tokens')
    .values({
      token_hash: hashToken(token),
      account_id: accountId,
      user_id: row.agent_id,
      created_at: Date.now(),
      expires_at: Date.now() + 3600_000,
      revoked_at: null,
    })
    .execute();
  const socket = io(`${url}/agent`, { auth: { token }, transports: ['websocket'], forceNew: true });
  await new Promise((resolve, reject) => {
    socket.once('hello', resolve);
    socket.once('connect_error', reject);
  });
  const pushTimes = [];
  for (let i = 0; i < SAMPLES; i++) {
    const got = new Promise((resolve) => {
      const on = (e) => {
        if (e.type === 'conversation.upserted' && e.data.id === target.id) {
          socket.off('event', on);
          resolve();
        }
      };
      socket.on('event', on);
    });
    const s = performance.now();
    await sendMessage(deps, target.p, target.id, { text: `ping ${i}`, clientMessageId: `b${i}` });
    await got;
    pushTimes.push(performance.now() - s);
  }
  socket.close();

  // 2. 1,000 arrivals at once, assigned by one routing run.
  for (const a of agents) await db.kysely.updateTable('users').set({ status: 'away' }).where('id', '=', a.id).execute();
  for (let i = 0; i < BURST; i++) {
    const s = await createConsumerSession(deps, { accountId, name: `Burst ${i}` });
    await openConversation(deps, { kind: 'consumer', accountId, consumerId: s.consumerId }, { skillId: skills[i % 2], text: 'burst' });
  }
  await app.routingIdle();
  for (const a of agents) await db.kysely.updateTable('users').set({ status: 'online' }).where('id', '=', a.id).execute();
  const b0 = performance.now();
  const assigned = await assignQueued(deps, accountId);
  const burstSec = (performance.now() - b0) / 1000;

  const lines = [
    '## Routing',
    '',
    'Written by `node bench/routing.mjs` (after `npm run build`); this section is replaced on every run.',
    '',
    `- **Date:** ${new Date().toISOString()}`,
    `- **Machine:** ${cpus().length} CPU(s), Node ${process.version}; load average at end ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' / ')}`,
    `- **Population:** ${AGENTS} agents online (capacity ${perAgent} each, two skills), ${open.n} open conversations, SQLite (WAL, synchronous=NORMAL), one process`,
    `- **Setup:** ${OPEN} arrivals one after another, each routed at once: ${setupSec.toFixed(1)} s`,
    '',
    '| measure | p50 | p99 | target |',
    '| --- | ---: | ---: | --- |',
    `| rebuild, sort and count one agent's Active list (ms) | ${fmt(pct(listTimes, 50))} | ${fmt(pct(listTimes, 99))} | < 5 ms per list update |`,
    `| consumer message → agent's \`conversation.upserted\` on a socket (ms) | ${fmt(pct(pushTimes, 50))} | ${fmt(pct(pushTimes, 99))} | |`,
    '',
    `| burst | conversations | assigned | seconds | assignments/s | target |`,
    '| --- | ---: | ---: | ---: | ---: | --- |',
    `| ${BURST} arrive at once (queued, nobody online), then one routing run | ${BURST} | ${assigned} | ${burstSec.toFixed(2)} | ${(assigned / burstSec).toFixed(0)} | > 500/s |`,
    '',
    'The list update is what the server does for a refresh; a live change sends one `conversation.upserted`',
    'row (computed from the changed conversation only) and the client re-sorts, so the push latency row is',
    'the end-to-end figure an agent sees. Figures from a shared 2-core machine are noisy: compare runs on an idle machine.',
    '',
  ];
  if (!process.argv.includes('--no-write')) writeSection('routing', lines.join('\n'));
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  await app.close();
  await db.close();
  rmSync(dir, { recursive: true, force: true });
}
