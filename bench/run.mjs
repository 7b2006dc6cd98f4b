#!/usr/bin/env node
// Load benchmark: simulated consumers and agents over real sockets against the real Parley server
// (SQLite, fresh data directory), side by side with a bare Socket.IO echo server, in one run.
//
//   npm run bench                        builds the server, runs everything, rewrites bench/RESULTS.md
//   node bench/run.mjs [options]         the same without the build step
//     --only parley|baseline             run one side
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
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { keptSections, resultsFile } from './sections.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const benchDir = join(root, 'bench');
const parleyBin = join(root, 'packages/server/bin/parley.js');

const { values: opts } = parseArgs({
  options: {
    only: { type: 'string' },
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

async function runLoad(name, url, serverPid, receivers, senders) {
  const file = join(tmpdir(), `parley-bench-${process.pid}-${name}.json`);
  writeFileSync(file, JSON.stringify({ name, url, serverPid, receivers, senders, phases: PHASES, maxInFlight: 512, drainMs: 5000 }));
  try {
    const out = await runNode([join(benchDir, 'load.mjs'), file]);
    return JSON.parse(out.trim().split('\n').pop());
  } finally {
    rmSync(file, { force: true });
  }
}

// ------------------------------------------------------------------ Parley

async function benchParley() {
  const data = mkdtempSync(join(tmpdir(), 'parley-bench-'));
  const env = { LOG_LEVEL: 'warn', PORT: '', HOST: '', PARLEY_DATA: '', DATABASE_URL: '', REDIS_URL: '' };
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
    const { child, match } = await startServer(
      'parley',
      [...nodeArgs, parleyBin, 'serve', '--port', '0', '--host', '127.0.0.1', '--data', data],
      env,
      /Parley is running at (\S+)/,
    );
    const url = match[1].replace('localhost', '127.0.0.1');
    say(`Parley at ${url} (pid ${child.pid}, data ${data})`);
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
      const result = await runLoad(
        'parley',
        url,
        child.pid,
        agentTokens.map((token) => ({ namespace: '/agent', auth: { token } })),
        consumers.map((c) => ({ path: `/api/v1/consumer/conversations/${c.conversationId}/messages`, token: c.token })),
      );
      return { ...result, setup: { agents: agentCount, consumers: consumerCount, maxConcurrent: perAgent } };
    } finally {
      await stop(child);
    }
  } finally {
    rmSync(data, { recursive: true, force: true });
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
      child.pid,
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

function table(parley, baseline) {
  const rows = ['| Scenario | Metric | Parley (SQLite) | Bare Socket.IO echo | Parley / baseline |', '|---|---|--:|--:|--:|'];
  const ratio = (a, b, invert = false) => (a && b ? `${((invert ? b / a : a / b) * 100).toFixed(0)} %` : '–');
  for (const kind of ['rate', 'closed']) {
    const p = phase(parley, kind);
    const b = phase(baseline, kind);
    const name = (p ?? b)?.name ?? kind;
    rows.push(`| ${name} | delivered msgs/s | ${fmt(p?.deliveredPerSec)} | ${fmt(b?.deliveredPerSec)} | ${ratio(p?.deliveredPerSec, b?.deliveredPerSec)} |`);
    rows.push(`| | p50 latency (ms) | ${fmt(p?.latencyMs?.p50)} | ${fmt(b?.latencyMs?.p50)} | |`);
    rows.push(`| | p95 latency (ms) | ${fmt(p?.latencyMs?.p95)} | ${fmt(b?.latencyMs?.p95)} | |`);
    rows.push(`| | p99 latency (ms) | ${fmt(p?.latencyMs?.p99)} | ${fmt(b?.latencyMs?.p99)} | |`);
    rows.push(`| | max latency (ms) | ${fmt(p?.latencyMs?.max)} | ${fmt(b?.latencyMs?.max)} | |`);
    rows.push(
      `| | HTTP ack p50 / p99 (ms) | ${fmt(p?.ackLatencyMs?.p50)} / ${fmt(p?.ackLatencyMs?.p99)} | ${fmt(b?.ackLatencyMs?.p50)} / ${fmt(b?.ackLatencyMs?.p99)} | |`,
    );
    rows.push(`| | sent / errors / skipped / lost | ${counts(p)} | ${counts(b)} | |`);
    rows.push(`| | server CPU (1 core = 100 %) | ${fmt(p?.serverCpuPct, ' %')} | ${fmt(b?.serverCpuPct, ' %')} | |`);
    rows.push(`| | server CPU per message (ms) | ${fmt(p?.serverCpuMsPerMsg)} | ${fmt(b?.serverCpuMsPerMsg)} | |`);
    rows.push(`| | load generator CPU | ${fmt(p?.loadgenCpuPct, ' %')} | ${fmt(b?.loadgenCpuPct, ' %')} | |`);
    rows.push(`| | other processes on the machine (cores) | ${fmt(p?.otherCpuCores)} | ${fmt(b?.otherCpuCores)} | |`);
  }
  return rows.join('\n');
}
const counts = (p) => (p ? `${fmt(p.sent)} / ${p.errors} / ${p.skipped} / ${p.lost}` : '–');

function interpretation(parley, baseline) {
  const lines = [];
  if (parley) {
    const v = verdict(parley);
    const max = phase(parley, 'closed');
    lines.push(
      `- **Target** (≥ ${fmt(TARGET.minMsgsPerSec)} msgs/s end to end; p99 < ${TARGET.maxP99Ms} ms at ${TARGET.atRate} msgs/s): ` +
        `throughput ${v.throughputOk ? '**met**' : '**missed**'} (${fmt(v.throughput)} msgs/s), ` +
        `latency ${v.latencyOk ? '**met**' : '**missed**'} (p99 ${fmt(v.p99)} ms${rate === TARGET.atRate ? '' : ` at ${rate} msgs/s`}).`,
    );
    const fixed = phase(parley, 'rate');
    if (fixed && fixed.deliveredPerSec < fixed.rate * 0.95)
      lines.push(
        `- Parley could not keep up with ${fmt(fixed.rate)} msgs/s (${fmt(fixed.deliveredPerSec)} delivered, ${fmt(fixed.skipped)} ` +
          'skipped at the in-flight cap): requests queued, so the latency at that rate is mostly queueing delay.',
      );
    if (max?.serverCpuMsPerMsg)
      lines.push(
        `- Parley spends ${max.serverCpuMsPerMsg} ms of server CPU per message (max phase), so one dedicated core tops out near ` +
          `${fmt(Math.round(1000 / max.serverCpuMsPerMsg))} msgs/s; ${fmt(TARGET.minMsgsPerSec)} msgs/s on one core needs ≤ ${1000 / TARGET.minMsgsPerSec} ms.`,
      );
    if (max?.serverCpuPct !== null && max?.serverCpuPct >= 90)
      lines.push(
        `- In the max-throughput phase the Parley process used ${max.serverCpuPct} % of a core: it is CPU-bound on its single ` +
          'JavaScript thread (HTTP, validation, auth, the SQLite transaction and the Socket.IO fan-out all share it), so more ' +
          'concurrency only adds queueing latency.',
      );
  }
  if (parley && baseline) {
    const pm = phase(parley, 'closed')?.deliveredPerSec;
    const bm = phase(baseline, 'closed')?.deliveredPerSec;
    const p50p = phase(parley, 'rate')?.latencyMs?.p50;
    const p50b = phase(baseline, 'rate')?.latencyMs?.p50;
    if (pm && bm)
      lines.push(
        `- The bare stack (same Fastify and Socket.IO versions, no auth, no database) peaks at ${fmt(bm)} msgs/s; Parley reaches ` +
          `${((pm / bm) * 100).toFixed(0)} % of that. The difference is Parley's own per-message work: bearer-token lookup, ` +
          'schema validation, the SQLite writes (the message, the conversation row, its timers and the stored per-recipient ' +
          'events: about ten prepared statements) and three events emitted instead of one. Under load the requests read in one ' +
          'turn of the event loop share one transaction and one COMMIT (group commit, each in its own savepoint; every ' +
          'request is answered after that commit), which is what lets the closed loop go faster than the fixed rate per message.',
      );
    if (p50p && p50b)
      lines.push(`- At ${rate} msgs/s the median consumer-to-agent latency is ${fmt(p50p)} ms for Parley vs ${fmt(p50b)} ms for the bare stack.`);
  }
  const others = Math.max(0, ...[...(parley?.phases ?? []), ...(baseline?.phases ?? [])].map((p) => p.otherCpuCores ?? 0));
  if (others >= 0.25)
    lines.push(
      `- **Noisy machine:** other processes used up to ${others} of the ${cpus().length} cores during a measured phase, so these ` +
        'figures understate what the server does on a quiet machine. Re-run when the machine is idle.',
    );
  const loadCpu = [...(parley?.phases ?? []), ...(baseline?.phases ?? [])].map((p) => p.loadgenCpuPct ?? 0);
  if (loadCpu.some((c) => c >= 90))
    lines.push('- The load generator itself reached ≥ 90 % of a core in some phase: that figure may be bounded by the client, not the server.');
  return lines.join('\n');
}

function markdown(parley, baseline, machine) {
  return `# Load benchmark results

Written by \`npm run bench\` (bench/run.mjs); the file is replaced on every run.

- **Date:** ${machine.date}
- **Machine:** ${machine.nproc} CPU(s) (${machine.cpu}), Node ${machine.node}, ${machine.os}; load average at start ${machine.loadavg}
- **Parley:** SQLite (WAL, synchronous=NORMAL) in a fresh temp directory, \`LOG_LEVEL=warn\`, one process
- **Population:** ${consumerCount} consumers (one open conversation each), ${agentCount} agents online on \`/agent\` sockets
- **Load:** one separate load-generator process; keep-alive HTTP \`POST /api/v1/consumer/conversations/{id}/messages\`,
  latency = start of the POST → the agent's \`message.created\` event (matched by \`clientMessageId\`).
  Phases: 3 s warm-up, then ${durationSec} s at a fixed ${rate} msgs/s (open loop), then ${durationSec} s closed loop with
  ${concurrency} requests in flight ("max"). Msgs/s counts messages delivered to agents within the phase.

${table(parley, baseline)}

## Interpretation

${interpretation(parley, baseline)}

## Reproduce

\`\`\`
npm run bench                 # builds the server, runs both sides (~1.5 min), rewrites this file
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
const parley = opts.only === 'baseline' ? undefined : await benchParley();
const baseline = opts.only === 'parley' ? undefined : await benchBaseline();
say(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
process.stdout.write(`\n${table(parley, baseline)}\n\n${interpretation(parley, baseline)}\n`);
for (const r of [parley, baseline]) if (r?.errorSamples?.length) say(`${r.name} error samples:\n  ${r.errorSamples.join('\n  ')}`);
if (opts.profile) say(`CPU profile(s) of the Parley server in ${join(benchDir, 'out')} (open in Chrome DevTools → Performance)`);
if (!opts['no-write'] && parley && baseline) {
  // Keep the sections other benchmarks write (bench/sections.mjs).
  const kept = keptSections();
  writeFileSync(resultsFile, `${markdown(parley, baseline, machine)}${kept ? `\n${kept}\n` : ''}`);
  say('wrote bench/RESULTS.md');
}
if (parley) {
  const v = verdict(parley);
  say(`target: throughput ${v.throughputOk ? 'met' : 'MISSED'}, p99 at ${rate} msgs/s ${v.latencyOk ? 'met' : 'MISSED'}`);
}
process.exit(0);
