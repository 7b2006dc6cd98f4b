#!/usr/bin/env node
// Load benchmark: simulated consumers and agents over real sockets against the real Parley server
// (SQLite, fresh data directory; or PostgreSQL; or a cluster of nodes behind nginx), side by side
// with a bare Socket.IO echo server, in one run.
//
//   npm run bench                        builds the server, runs everything, rewrites bench/RESULTS.md
//   node bench/run.mjs [options]         the same without the build step
//     --only parley|baseline             run one side
//     --setups LIST                      Parley set-ups to run one after another, comma-separated:
//                                          sqlite        one node, SQLite in a fresh data directory
//                                          postgres      one node on PostgreSQL (a fresh database)
//                                          cluster2      two nodes on PostgreSQL + Redis behind nginx
//                                        default: postgres when DATABASE_URL is set, else sqlite
//     --database-url URL                 PostgreSQL to create the fresh database in (default
//                                        DATABASE_URL, else PARLEY_TEST_DATABASE_URL; the role must be
//                                        allowed to create databases; it is dropped at the end)
//     --redis-url URL                    Redis for cluster2 (default REDIS_URL, else PARLEY_TEST_REDIS_URL)
//     --duration SEC                     seconds per measured phase (default 10)
//     --rate N                           the fixed-rate phase (default 500 msg/s)
//     --concurrency N                    outstanding requests in the max-throughput phase (default 64)
//     --consumers N --agents N           simulated population (default 100 and 10)
//     --profile                          run the Parley server with --cpu-prof into bench/out/
//     --no-write                         print only, leave RESULTS.md alone
//     --wait-quiet SEC                   first wait up to SEC seconds for other processes to leave the CPUs idle
//
// Every process started here is a child of this one and is stopped at the end; all traffic is to 127.0.0.1.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { pgAdmin } from '../packages/server/test/e2e/chaos.mjs';
import { freePort, startNginx } from '../packages/server/test/e2e/nginx-proxy.mjs';
import { keptSections, resultsFile } from './sections.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const benchDir = join(root, 'bench');
const parleyBin = join(root, 'packages/server/bin/parley.js');

const { values: opts } = parseArgs({
  options: {
    only: { type: 'string' },
    setups: { type: 'string' },
    'database-url': { type: 'string' },
    'redis-url': { type: 'string' },
    duration: { type: 'string', default: '10' },
    rate: { type: 'string', default: '500' },
    concurrency: { type: 'string', default: '64' },
    consumers: { type: 'string', default: '100' },
    agents: { type: 'string', default: '10' },
    profile: { type: 'boolean', default: false },
    'no-write': { type: 'boolean', default: false },
    'wait-quiet': { type: 'string', default: '0' },
  },
  strict: true,
});
const durationSec = Number(opts.duration);
const rate = Number(opts.rate);
const concurrency = Number(opts.concurrency);
const consumerCount = Number(opts.consumers);
const agentCount = Number(opts.agents);
if (!(durationSec > 0 && durationSec <= 60)) throw new Error('--duration: 1..60 seconds');
if (!(rate > 0 && rate <= 20_000)) throw new Error('--rate: 1..20000');
if (!(Number.isInteger(concurrency) && concurrency >= 1 && concurrency <= 256)) throw new Error('--concurrency: 1..256');
// Parley limits consumer sessions to 120 per minute and logins to 30 per minute from one address.
if (!(Number.isInteger(consumerCount) && consumerCount >= 1 && consumerCount <= 110)) throw new Error('--consumers: 1..110 (session rate limit)');
if (!(Number.isInteger(agentCount) && agentCount >= 1 && agentCount <= 25)) throw new Error('--agents: 1..25 (login rate limit)');
if (opts.only && !['parley', 'baseline'].includes(opts.only)) throw new Error('--only parley|baseline');
const databaseUrl = opts['database-url'] || process.env.DATABASE_URL || process.env.PARLEY_TEST_DATABASE_URL || undefined;
const redisUrl = opts['redis-url'] || process.env.REDIS_URL || process.env.PARLEY_TEST_REDIS_URL || undefined;
const SETUPS = {
  sqlite: { key: 'sqlite', label: 'Parley (SQLite)', nodes: 1, postgres: false },
  postgres: { key: 'postgres', label: 'Parley (PostgreSQL)', nodes: 1, postgres: true },
  cluster2: { key: 'cluster2', label: 'Parley (2 nodes, PostgreSQL + Redis, nginx)', nodes: 2, postgres: true },
};
const setups = (opts.setups ?? (process.env.DATABASE_URL ? 'postgres' : 'sqlite')).split(',').map((k) => {
  const s = SETUPS[k.trim()];
  if (!s) throw new Error(`--setups: one or more of ${Object.keys(SETUPS).join(', ')}; not ${k}`);
  if (s.postgres && !databaseUrl) throw new Error(`--setups ${k}: needs PostgreSQL (--database-url or DATABASE_URL)`);
  if (s.nodes > 1 && !redisUrl) throw new Error(`--setups ${k}: needs Redis (--redis-url or REDIS_URL)`);
  return s;
});
const perAgent = Math.min(100, Math.ceil((consumerCount * 1.2) / agentCount));
if (perAgent * agentCount < consumerCount) throw new Error('too few agents: each takes at most 100 conversations');

const PHASES = [
  { name: 'warm-up', kind: 'rate', rate: Math.min(rate, 300), durationSec: 3, record: false },
  { name: `fixed ${rate} msg/s`, kind: 'rate', rate, durationSec },
  { name: `max (closed loop, ${concurrency} in flight)`, kind: 'closed', concurrency, durationSec },
];
const TARGET = { minMsgsPerSec: 2000, maxP99Ms: 50, atRate: 500 };

const children = new Set();
const say = (msg) => process.stderr.write(`bench: ${msg}\n`);

// ------------------------------------------------------------------ processes

/** Start a node script; resolves once a stdout line matches `ready`, with the match and the child. */
function startServer(label, args, env, ready) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${label} did not start within 20 s:\n${out}`)), 20_000);
    child.stdout.setEncoding('utf8');
    let started = false;
    child.stdout.on('data', (chunk) => {
      if (started) {
        // After start-up only warnings and errors are logged (LOG_LEVEL=warn): show them.
        process.stderr.write(`  [${label}] ${chunk}`);
        return;
      }
      out += chunk;
      const m = ready.exec(out);
      if (m) {
        started = true;
        clearTimeout(timer);
        resolve({ child, match: m, output: out });
      }
    });
    child.stderr.on('data', (chunk) => process.stderr.write(`  [${label} stderr] ${chunk}`));
    child.on('exit', (code) => {
      children.delete(child);
      clearTimeout(timer);
      reject(new Error(`${label} exited early with ${code}:\n${out}`));
    });
  });
}

function stop(child, timeoutMs = 10_000) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => {
      say(`pid ${child.pid} still running ${timeoutMs / 1000} s after SIGTERM: killing it (a --cpu-prof profile is lost)`);
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      children.delete(child);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Run a node script to completion; resolves with its stdout. */
function runNode(args, env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    children.add(child);
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (c) => {
      out += c;
    });
    child.on('exit', (code) => {
      children.delete(child);
      if (code === 0) resolve(out);
      else reject(new Error(`node ${args.map((a) => a.replace(root, '.')).join(' ')} exited with ${code}\n${out}`));
    });
  });
}

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.once(sig, () => {
    for (const c of children) c.kill('SIGKILL');
    process.exit(130);
  });
}
process.on('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});

// ------------------------------------------------------------------ HTTP helpers (setup only)

async function api(base, method, path, { token, body, expect = [200, 201, 204] } = {}) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(body !== undefined && { 'content-type': 'application/json' }), ...(token && { authorization: `Bearer ${token}` }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!expect.includes(res.status)) throw new Error(`${method} ${path} → ${res.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : undefined;
}

/** Run `fn` over `items` with at most `limit` at a time. */
async function pool(items, limit, fn) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

async function runLoad(name, url, pids, receivers, senders) {
  const file = join(tmpdir(), `parley-bench-${process.pid}-${name}.json`);
  writeFileSync(file, JSON.stringify({ name, url, ...pids, receivers, senders, phases: PHASES, maxInFlight: 512, drainMs: 5000 }));
  try {
    const out = await runNode([join(benchDir, 'load.mjs'), file]);
    return JSON.parse(out.trim().split('\n').pop());
  } finally {
    rmSync(file, { force: true });
  }
}

// ------------------------------------------------------------------ Parley

/** A fresh PostgreSQL database made through `databaseUrl`; drop() removes it (also on Ctrl-C: see `cleanups`). */
async function freshDatabase() {
  const name = `parley_bench_load_${process.pid}_${randomBytes(3).toString('hex')}`;
  const admin = (sql) => pgAdmin(databaseUrl, sql);
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(databaseUrl);
  url.pathname = `/${name}`;
  let dropped = false;
  const drop = async () => {
    if (dropped) return;
    dropped = true;
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  };
  return { url: url.toString(), name, drop };
}

async function benchParley(setup) {
  const data = mkdtempSync(join(tmpdir(), 'parley-bench-'));
  const env = { LOG_LEVEL: 'warn', PORT: '', HOST: '', PARLEY_DATA: '', DATABASE_URL: '', REDIS_URL: '', PARLEY_TRUST_PROXY: '' };
  const db = setup.postgres ? await freshDatabase() : undefined;
  if (db) env.DATABASE_URL = db.url;
  if (setup.nodes > 1) {
    env.REDIS_URL = redisUrl;
    // nginx on 127.0.0.1 is the one proxy hop: rate limits and the audit log see the client's address.
    env.PARLEY_TRUST_PROXY = '127.0.0.1';
  }
  const servers = [];
  let proxy;
  try {
    const adminPassword = 'benchmark admin password';
    const created = JSON.parse(
      await runNode([parleyBin, 'account', 'create', '--name', 'Bench', '--admin-username', 'boss', '--admin-password', adminPassword, '--data', data], env),
    );
    const accountId = created.accountId;
    const nodeArgs = [];
    if (opts.profile) {
      mkdirSync(join(benchDir, 'out'), { recursive: true });
      nodeArgs.push('--cpu-prof', '--cpu-prof-dir', join(benchDir, 'out'));
    }
    for (let i = 0; i < setup.nodes; i++) {
      const port = setup.nodes > 1 ? await freePort() : 0;
      const label = setup.nodes > 1 ? `node ${i + 1}` : 'parley';
      const { child, match } = await startServer(
        label,
        [...nodeArgs, parleyBin, 'serve', '--port', String(port), '--host', '127.0.0.1', '--data', data],
        env,
        /Parley is running at (\S+)/,
      );
      servers.push({ label, child, url: match[1].replace('localhost', '127.0.0.1') });
    }
    if (setup.nodes > 1) {
      proxy = await startNginx({ upstreams: servers.map((s) => new URL(s.url).host) });
      children.add(proxy.child);
    }
    const url = proxy ? proxy.url : servers[0].url;
    say(
      `${setup.label} at ${url} (${servers.map((s) => `${s.label} pid ${s.child.pid} at ${s.url}`).join(', ')}${db ? `, database ${db.name}` : `, data ${data}`})`,
    );
    try {
      const t0 = Date.now();
      const { token: boss } = await api(url, 'POST', '/api/v1/auth/login', { body: { accountId, username: 'boss', password: adminPassword } });
      const skill = await api(url, 'POST', '/api/v1/skills', { token: boss, body: { name: 'Bench', description: 'load benchmark' } });
      const agentPassword = 'benchmark agent password';
      const agentTokens = await pool(
        Array.from({ length: agentCount }, (_, i) => i),
        2,
        async (i) => {
          const username = `agent${i + 1}`;
          await api(url, 'POST', '/api/v1/users', {
            token: boss,
            body: { username, password: agentPassword, displayName: `Agent ${i + 1}`, role: 'agent', skills: [skill.id], maxConcurrent: perAgent },
          });
          const { token } = await api(url, 'POST', '/api/v1/auth/login', { body: { accountId, username, password: agentPassword } });
          await api(url, 'PUT', '/api/v1/me/status', { token, body: { status: 'online' } });
          return token;
        },
      );
      const consumers = await pool(
        Array.from({ length: consumerCount }, (_, i) => i),
        8,
        async (i) => {
          const { consumerToken } = await api(url, 'POST', '/api/v1/consumer/session', { body: { accountId, name: `Consumer ${i + 1}` } });
          const c = await api(url, 'POST', '/api/v1/consumer/conversations', { token: consumerToken, body: { skillId: skill.id, text: 'Hello' } });
          return { token: consumerToken, conversationId: c.id };
        },
      );
      // Routing runs after the commit: wait until every conversation has its agent.
      const deadline = Date.now() + 15_000;
      for (const c of consumers) {
        for (;;) {
          const v = await api(url, 'GET', `/api/v1/consumer/conversations/${c.conversationId}`, { token: c.token });
          if (v.state === 'open') break;
          if (Date.now() > deadline) throw new Error(`conversation ${c.conversationId} still ${v.state}: not assigned`);
          await new Promise((r) => setTimeout(r, 50));
        }
      }
      say(`set up ${agentCount} agents (≤ ${perAgent} conversations each) and ${consumerCount} consumers with open conversations in ${Date.now() - t0} ms`);
      const pids = {
        nodePids: servers.map((s) => ({ label: s.label, pid: s.child.pid })),
        ...(proxy && { proxyPid: proxy.workerPids()[0] }),
      };
      const result = await runLoad(
        setup.key,
        url,
        pids,
        agentTokens.map((token) => ({ namespace: '/agent', auth: { token } })),
        consumers.map((c) => ({ path: `/api/v1/consumer/conversations/${c.conversationId}/messages`, token: c.token })),
      );
      return {
        ...result,
        label: setup.label,
        key: setup.key,
        setup: { agents: agentCount, consumers: consumerCount, maxConcurrent: perAgent, nodes: setup.nodes },
      };
    } finally {
      await proxy?.stop();
      await Promise.all(servers.map((s) => stop(s.child)));
    }
  } finally {
    rmSync(data, { recursive: true, force: true });
    await db?.drop();
  }
}

// ------------------------------------------------------------------ baseline

async function benchBaseline() {
  const { child, match } = await startServer('baseline', [join(benchDir, 'baseline-echo.mjs'), '--port', '0'], {}, /baseline listening at (\S+)/);
  const url = match[1];
  say(`baseline echo server at ${url} (pid ${child.pid})`);
  try {
    const rooms = Array.from({ length: agentCount }, (_, i) => `agent${i + 1}`);
    const result = await runLoad(
      'baseline',
      url,
      { serverPid: child.pid },
      rooms.map((room) => ({ namespace: '/agent', auth: { token: room } })),
      Array.from({ length: consumerCount }, (_, i) => ({ path: `/rooms/${rooms[i % rooms.length]}/messages` })),
    );
    return { ...result, setup: { agents: agentCount, consumers: consumerCount } };
  } finally {
    await stop(child);
  }
}

// ------------------------------------------------------------------ report

const fmt = (x, unit = '') => (x === null || x === undefined ? '–' : `${typeof x === 'number' ? x.toLocaleString('en-US') : x}${unit}`);
const phase = (r, kind) => r?.phases.find((p) => p.kind === kind);

function verdict(parley) {
  const fixed = phase(parley, 'rate');
  const max = phase(parley, 'closed');
  const p99 = fixed?.latencyMs?.p99 ?? Number.POSITIVE_INFINITY;
  const latencyOk = p99 < TARGET.maxP99Ms && fixed.lost === 0 && fixed.errors === 0 && fixed.skipped === 0;
  const throughputOk = (max?.deliveredPerSec ?? 0) >= TARGET.minMsgsPerSec && max.lost === 0 && max.errors === 0;
  return { latencyOk, throughputOk, p99, throughput: max?.deliveredPerSec ?? 0 };
}

function table(runs, baseline) {
  const cols = [...runs, baseline].filter(Boolean);
  const head = `| Scenario | Metric | ${cols.map((r) => (r === baseline ? 'Bare Socket.IO echo' : r.label)).join(' | ')} |${baseline ? runs.map((r) => ` ${r.label.replace('Parley ', '')} / baseline |`).join('') : ''}`;
  const rows = [head, `|---|---|${cols.map(() => '--:|').join('')}${baseline ? runs.map(() => '--:|').join('') : ''}`];
  const ratio = (a, b) => (a && b ? `${((a / b) * 100).toFixed(0)} %` : '–');
  const clustered = runs.some((r) => (r.setup?.nodes ?? 1) > 1);
  for (const kind of ['rate', 'closed']) {
    const ps = cols.map((r) => phase(r, kind));
    const b = phase(baseline, kind);
    const name = ps.find(Boolean)?.name ?? kind;
    const line = (label, f, withRatio = false) => {
      const ratios = baseline ? runs.map((r) => ` ${withRatio ? ratio(f(phase(r, kind)), f(b)) : ''} |`).join('') : '';
      rows.push(
        `| ${rows.length === 2 || label === 'delivered msgs/s' ? name : ''} | ${label} | ${ps.map((p) => fmt(p ? f(p) : undefined)).join(' | ')} |${ratios}`,
      );
    };
    line('delivered msgs/s', (p) => p?.deliveredPerSec, true);
    line('p50 latency (ms)', (p) => p?.latencyMs?.p50);
    line('p95 latency (ms)', (p) => p?.latencyMs?.p95);
    line('p99 latency (ms)', (p) => p?.latencyMs?.p99);
    line('max latency (ms)', (p) => p?.latencyMs?.max);
    line('HTTP ack p50 / p99 (ms)', (p) => (p?.ackLatencyMs ? `${fmt(p.ackLatencyMs.p50)} / ${fmt(p.ackLatencyMs.p99)}` : undefined));
    line('sent / errors / skipped / lost', (p) => (p ? counts(p) : undefined));
    line('server CPU, all nodes (1 core = 100 %)', (p) => (p?.serverCpuPct === null || p?.serverCpuPct === undefined ? undefined : `${p.serverCpuPct} %`));
    line('server CPU per message, all nodes (ms)', (p) => p?.serverCpuMsPerMsg);
    if (clustered) {
      line('per node: CPU % (ms per message)', (p) =>
        (p?.nodes?.length ?? 0) > 1 ? p.nodes.map((n) => `${n.label}: ${fmt(n.cpuPct)} % (${fmt(n.cpuMsPerMsg)})`).join('; ') : undefined,
      );
      line('nginx worker CPU % (ms per message)', (p) =>
        p?.proxyCpuPct === null || p?.proxyCpuPct === undefined ? undefined : `${p.proxyCpuPct} % (${fmt(p.proxyCpuMsPerMsg)})`,
      );
    }
    line('load generator CPU', (p) => (p ? `${p.loadgenCpuPct} %` : undefined));
    line('other processes on the machine (cores)', (p) => p?.otherCpuCores);
  }
  return rows.join('\n');
}
const counts = (p) => (p ? `${fmt(p.sent)} / ${p.errors} / ${p.skipped} / ${p.lost}` : '–');

function interpretation(runs, baseline) {
  const lines = [];
  for (const parley of runs) {
    const v = verdict(parley);
    const max = phase(parley, 'closed');
    const nodes = parley.setup?.nodes ?? 1;
    lines.push(
      `- **${parley.label}** — target (≥ ${fmt(TARGET.minMsgsPerSec)} msgs/s end to end; p99 < ${TARGET.maxP99Ms} ms at ${TARGET.atRate} msgs/s): ` +
        `throughput ${v.throughputOk ? '**met**' : '**missed**'} (${fmt(v.throughput)} msgs/s), ` +
        `latency ${v.latencyOk ? '**met**' : '**missed**'} (p99 ${fmt(v.p99)} ms${rate === TARGET.atRate ? '' : ` at ${rate} msgs/s`}).`,
    );
    const fixed = phase(parley, 'rate');
    if (fixed && fixed.deliveredPerSec < fixed.rate * 0.95)
      lines.push(
        `  It could not keep up with ${fmt(fixed.rate)} msgs/s (${fmt(fixed.deliveredPerSec)} delivered, ${fmt(fixed.skipped)} ` +
          'skipped at the in-flight cap): requests queued, so the latency at that rate is mostly queueing delay.',
      );
    if (max?.serverCpuMsPerMsg)
      lines.push(
        `  It spends ${max.serverCpuMsPerMsg} ms of server CPU per message${nodes > 1 ? ` summed over its ${nodes} nodes` : ''} (max phase), so one dedicated core ` +
          `does about ${fmt(Math.round(1000 / max.serverCpuMsPerMsg))} msgs/s of that work.`,
      );
    if (nodes === 1 && max?.serverCpuPct !== null && max?.serverCpuPct >= 90)
      lines.push(
        `  In the max-throughput phase the process used ${max.serverCpuPct} % of a core: it is CPU-bound on its single ` +
          'JavaScript thread (HTTP, validation, auth, the database transaction and the Socket.IO fan-out all share it), so more ' +
          'concurrency only adds queueing latency.',
      );
    if (nodes > 1 && max)
      lines.push(
        `  On this ${cpus().length}-core machine the ${nodes} nodes, nginx, PostgreSQL, Redis and the load generator share the same cores ` +
          `(nodes ${max.serverCpuPct ?? '?'} %, nginx ${max.proxyCpuPct ?? '?'} %, load generator ${max.loadgenCpuPct} %, everything else ${max.otherCpuCores ?? '?'} cores): ` +
          'a second node here adds no CPU, only the work of crossing nodes (the Redis adapter, a second connection pool), so ' +
          'this measures the cost of the cluster shape, not its capacity; on separate machines each node brings its own cores.',
      );
    if (baseline) {
      const pm = max?.deliveredPerSec;
      const bm = phase(baseline, 'closed')?.deliveredPerSec;
      if (pm && bm) lines.push(`  The bare stack peaks at ${fmt(bm)} msgs/s in the same run; this set-up reaches ${((pm / bm) * 100).toFixed(0)} % of that.`);
      const p50p = fixed?.latencyMs?.p50;
      const p50b = phase(baseline, 'rate')?.latencyMs?.p50;
      if (p50p && p50b) lines.push(`  At ${rate} msgs/s its median consumer-to-agent latency is ${fmt(p50p)} ms vs ${fmt(p50b)} ms for the bare stack.`);
    }
  }
  if (runs.length && baseline)
    lines.push(
      "- The difference to the bare stack (same Fastify and Socket.IO versions, no auth, no database) is Parley's own per-message work: " +
        'bearer-token lookup, schema validation, the database writes (the message, the conversation row, its timers and the stored ' +
        'per-recipient events: about ten statements) and three events emitted instead of one. Under load the requests read in one ' +
        'turn of the event loop share one transaction and one COMMIT (group commit, each in its own savepoint; every request is ' +
        'answered after that commit).',
    );
  const all = [...runs.flatMap((r) => r.phases), ...(baseline?.phases ?? [])];
  const others = Math.max(0, ...all.map((p) => p.otherCpuCores ?? 0));
  if (others >= 0.25)
    lines.push(
      `- **Noisy machine:** other processes used up to ${others} of the ${cpus().length} cores during a measured phase, so these ` +
        'figures understate what the server does on a quiet machine; the ratios to the baseline, measured in the same run, are the figures to compare.',
    );
  if (all.some((p) => (p.loadgenCpuPct ?? 0) >= 90))
    lines.push('- The load generator itself reached ≥ 90 % of a core in some phase: that figure may be bounded by the client, not the server.');
  return lines.join('\n');
}

const SETUP_TEXT = {
  sqlite: 'SQLite (WAL, synchronous=NORMAL) in a fresh temp directory, one process',
  postgres: 'PostgreSQL (a fresh database on the local server), one process',
  cluster2:
    "two `parley serve` processes on one fresh PostgreSQL database and one Redis (Socket.IO Redis adapter) behind nginx (generated config: round-robin, WebSocket upgrade, `PARLEY_TRUST_PROXY=127.0.0.1`); agents' sockets and the consumers' POSTs all go through nginx",
};

function markdown(runs, baseline, machine) {
  return `# Load benchmark results

Written by \`npm run bench\` (bench/run.mjs); the file is replaced on every run.

- **Date:** ${machine.date}
- **Machine:** ${machine.nproc} CPU(s) (${machine.cpu}), Node ${machine.node}, ${machine.os}; load average at start ${machine.loadavg}
- **Parley:** ${runs.map((r) => SETUP_TEXT[r.key]).join('; ')}; \`LOG_LEVEL=warn\`
- **Population:** ${consumerCount} consumers (one open conversation each), ${agentCount} agents online on \`/agent\` sockets
- **Load:** one separate load-generator process; keep-alive HTTP \`POST /api/v1/consumer/conversations/{id}/messages\`,
  latency = start of the POST → the agent's \`message.created\` event (matched by \`clientMessageId\`).
  Phases: 3 s warm-up, then ${durationSec} s at a fixed ${rate} msgs/s (open loop), then ${durationSec} s closed loop with
  ${concurrency} requests in flight ("max"). Msgs/s counts messages delivered to agents within the phase.

${table(runs, baseline)}

## Interpretation

${interpretation(runs, baseline)}

## Reproduce

\`\`\`
npm run bench                 # builds the server, runs both sides (~1.5 min), rewrites this file
node bench/run.mjs --setups sqlite,postgres,cluster2 --database-url postgres://… --redis-url redis://…
node bench/run.mjs --only parley --profile --no-write   # options: see the head of bench/run.mjs
\`\`\`
`;
}

// ------------------------------------------------------------------ main

/** Cores busy machine-wide over `ms` (Linux /proc/stat), or null elsewhere. */
async function busyCores(ms) {
  const sample = () => {
    try {
      const [user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/).slice(1).map(Number);
      return user + nice + system + irq + softirq + (steal ?? 0);
    } catch {
      return null;
    }
  };
  const a = sample();
  await new Promise((r) => setTimeout(r, ms));
  const b = sample();
  return a === null || b === null ? null : (b - a) / (ms / 10); // USER_HZ is 100 on Linux
}
const waitQuiet = Number(opts['wait-quiet']);
if (waitQuiet > 0) {
  const until = Date.now() + Math.min(waitQuiet, 3600) * 1000;
  // Quiet = three 2-second samples in a row with less than 0.3 cores busy.
  for (let quiet = 0; ; ) {
    const busy = await busyCores(2000);
    if (busy === null) break;
    quiet = busy < 0.3 ? quiet + 1 : 0;
    if (quiet >= 3) break;
    if (quiet > 0) continue;
    if (Date.now() > until) {
      say(`machine still busy (${busy.toFixed(2)} cores used by others): running anyway`);
      break;
    }
    say(`waiting for a quiet machine: ${busy.toFixed(2)} cores busy`);
    await new Promise((r) => setTimeout(r, 5000));
  }
}
const machine = {
  date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  nproc: cpus().length,
  cpu: cpus()[0]?.model?.trim() ?? 'unknown CPU',
  node: process.version,
  os: `${process.platform} ${process.arch}`,
  loadavg: loadavg()
    .map((x) => x.toFixed(2))
    .join(' / '),
};
say(`${machine.nproc} CPUs, Node ${machine.node}, load average ${machine.loadavg}`);
const started = Date.now();
const runs = [];
if (opts.only !== 'baseline') for (const setup of setups) runs.push(await benchParley(setup));
const baseline = opts.only === 'parley' ? undefined : await benchBaseline();
say(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
process.stdout.write(`\n${table(runs, baseline)}\n\n${interpretation(runs, baseline)}\n`);
for (const r of [...runs, baseline]) if (r?.errorSamples?.length) say(`${r.name} error samples:\n  ${r.errorSamples.join('\n  ')}`);
if (opts.profile) say(`CPU profile(s) of the Parley server in ${join(benchDir, 'out')} (open in Chrome DevTools → Performance)`);
if (!opts['no-write'] && runs.length && baseline) {
  // Keep the sections other benchmarks write (bench/sections.mjs).
  const kept = keptSections();
  writeFileSync(resultsFile, `${markdown(runs, baseline, machine)}${kept ? `\n${kept}\n` : ''}`);
  say('wrote bench/RESULTS.md');
}
for (const parley of runs) {
  const v = verdict(parley);
  say(`${parley.label} target: throughput ${v.throughputOk ? 'met' : 'MISSED'}, p99 at ${rate} msgs/s ${v.latencyOk ? 'met' : 'MISSED'}`);
}
process.exit(0);
