#!/usr/bin/env node
// Load generator for the benchmark: runs in its own process, apart from the server under test.
//
//   node bench/load.mjs CONFIG.json      → progress on stderr, one JSON result line on stdout
//
// CONFIG = { name, url, serverPid?, nodePids?: [{ label, pid }], proxyPid?, receivers: [{ namespace, auth }], senders: [{ path, token? }],
//            phases: [{ name, kind: "rate"|"closed", rate?, concurrency?, durationSec, record? }],
//            maxInFlight?, drainMs? }
// Receivers are Socket.IO clients (websocket transport) that wait for "hello", then count every
// "event" of type "message.created" whose data.clientMessageId was sent by this process. Senders are
// keep-alive HTTP POSTs of { text, clientMessageId } spread round-robin over `senders`.
// Latency = from the start of the POST to the matching event at a receiver (same clock, same process).
// With `nodePids` (a cluster behind a proxy) the server CPU is the sum over the nodes, and each
// node's share is reported too; `proxyPid`'s CPU (the load balancer) is reported on its own.
// "rate" phases are open loop (a fixed schedule, with at most maxInFlight requests outstanding: the
// rest are counted as skipped); "closed" phases keep `concurrency` requests outstanding back to back.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

const require = createRequire(import.meta.url);
const { io } = require('socket.io-client');

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const target = new URL(config.url);
if (!['127.0.0.1', 'localhost', '[::1]'].includes(target.hostname)) throw new Error(`load.mjs only targets the local machine, not ${target.hostname}`);
const maxInFlight = config.maxInFlight ?? 512;
const drainMs = config.drainMs ?? 5000;
const log = (msg) => process.stderr.write(`  [${config.name}] ${msg}\n`);

// ------------------------------------------------------------------ CPU accounting

const clockTicks = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100;
/** CPU seconds used so far by a process (Linux /proc), or null where that is not available. */
function processCpuSec(pid) {
  if (!pid) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / clockTicks;
  } catch {
    return null;
  }
}
/** CPU seconds used so far by the whole machine (all cores, every process), or null off Linux. */
function machineCpuSec() {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0];
    const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
    return (user + nice + system + irq + softirq + (steal ?? 0)) / clockTicks;
  } catch {
    return null;
  }
}
const nodes = config.nodePids ?? (config.serverPid ? [{ label: 'server', pid: config.serverPid }] : []);
/** CPU seconds of every node, in `nodes` order, and their sum (null if any is unreadable). */
function nodesCpuSec() {
  const each = nodes.map((n) => processCpuSec(n.pid));
  return { each, total: each.some((x) => x === null) || !each.length ? null : each.reduce((a, b) => a + b, 0) };
}
const ownCpuSec = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

// ------------------------------------------------------------------ HTTP

const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 256 });
const errorSamples = [];

/** POST JSON; resolves with the status code (the body is drained, kept only for the first errors). */
function post(path, token, payload) {
  return new Promise((resolve) => {
    const body = JSON.stringify(payload);
    const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
    if (token) headers.authorization = `Bearer ${token}`;
    const req = http.request({ agent: httpAgent, host: target.hostname, port: target.port, method: 'POST', path, headers }, (res) => {
      const ok = res.statusCode >= 200 && res.statusCode < 300;
      const chunks = [];
      res.on('data', (c) => {
        if (!ok && errorSamples.length < 5) chunks.push(c);
      });
      res.on('end', () => {
        if (!ok && errorSamples.length < 5) errorSamples.push(`${res.statusCode} ${Buffer.concat(chunks).toString().slice(0, 300)}`);
        resolve(res.statusCode);
      });
      res.on('error', () => resolve(0));
    });
    req.on('error', (err) => {
      if (errorSamples.length < 5) errorSamples.push(`request error: ${err.message}`);
      resolve(0);
    });
    req.end(body);
  });
}

// ------------------------------------------------------------------ receivers

/** clientMessageId → { t0, phase } for messages sent and not yet seen at a receiver. */
const pending = new Map();
let unexpected = 0;

function onEvent(e) {
  if (e?.type !== 'message.created') return;
  const id = e.data?.clientMessageId;
  const p = typeof id === 'string' ? pending.get(id) : undefined;
  if (!p) {
    unexpected++;
    return;
  }
  const t = performance.now();
  pending.delete(id);
  const ph = p.phase;
  ph.delivered++;
  if (t <= ph.windowEnd) ph.deliveredInWindow++;
  if (ph.latencies) ph.latencies.push(t - p.t0);
}

function connectReceiver({ namespace, auth }) {
  return new Promise((resolve, reject) => {
    const socket = io(`${config.url}${namespace}`, { auth, transports: ['websocket'], reconnection: false, forceNew: true, timeout: 10_000 });
    socket.on('event', onEvent);
    socket.once('hello', () => resolve(socket));
    socket.once('connect_error', (err) => reject(new Error(`socket ${namespace}: ${err.message}`)));
    socket.on('disconnect', (reason) => {
      if (reason !== 'io client disconnect') log(`receiver disconnected: ${reason}`);
    });
  });
}

// ------------------------------------------------------------------ phases

const runId = randomBytes(4).toString('hex');
let counter = 0;
let senderIndex = 0;
let inFlight = 0;

/** One message: POST it, time the acknowledgement; delivery is timed by onEvent. */
async function sendOne(ph) {
  const sender = config.senders[senderIndex++ % config.senders.length];
  const clientMessageId = `${runId}-${++counter}`;
  const t0 = performance.now();
  pending.set(clientMessageId, { t0, phase: ph });
  ph.sent++;
  inFlight++;
  const status = await post(sender.path, sender.token, { text: `load message ${counter}`, clientMessageId });
  inFlight--;
  if (status >= 200 && status < 300) {
    ph.ok++;
    if (ph.ackLatencies) ph.ackLatencies.push(performance.now() - t0);
  } else {
    ph.errors++;
    pending.delete(clientMessageId);
  }
}

async function runRate(ph, rate, durationMs) {
  const start = performance.now();
  let scheduled = 0;
  for (;;) {
    const elapsed = performance.now() - start;
    if (elapsed >= durationMs) break;
    const due = Math.min(Math.floor((elapsed * rate) / 1000) + 1, Math.ceil((durationMs * rate) / 1000));
    while (scheduled < due) {
      scheduled++;
      if (inFlight >= maxInFlight) ph.skipped++;
      else void sendOne(ph);
    }
    await sleep(1);
  }
  ph.offered = scheduled;
}

async function runClosed(ph, concurrency, durationMs) {
  const end = performance.now() + durationMs;
  const worker = async () => {
    while (performance.now() < end) await sendOne(ph);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

const pct = (sorted, q) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] : null);
const round = (x, d = 1) => (x === null || x === undefined || Number.isNaN(x) ? null : Math.round(x * 10 ** d) / 10 ** d);
function summary(values) {
  if (!values?.length) return null;
  const s = Float64Array.from(values).sort();
  const mean = s.reduce((a, b) => a + b, 0) / s.length;
  return {
    n: s.length,
    p50: round(pct(s, 0.5), 2),
    p90: round(pct(s, 0.9), 2),
    p95: round(pct(s, 0.95), 2),
    p99: round(pct(s, 0.99), 2),
    max: round(s[s.length - 1], 2),
    mean: round(mean, 2),
  };
}

async function runPhase(spec) {
  const durationMs = spec.durationSec * 1000;
  const record = spec.record !== false;
  const ph = {
    sent: 0,
    ok: 0,
    errors: 0,
    skipped: 0,
    offered: 0,
    delivered: 0,
    deliveredInWindow: 0,
    windowEnd: Number.POSITIVE_INFINITY,
    latencies: record ? [] : null,
    ackLatencies: record ? [] : null,
  };
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const n0 = nodesCpuSec();
  const cpu0 = { server: n0.total, each: n0.each, proxy: processCpuSec(config.proxyPid), own: ownCpuSec(), machine: machineCpuSec(), t: performance.now() };
  const start = performance.now();
  ph.windowEnd = start + durationMs;
  if (spec.kind === 'rate') await runRate(ph, spec.rate, durationMs);
  else await runClosed(ph, spec.concurrency, durationMs);
  const sendEnd = performance.now();
  const n1 = nodesCpuSec();
  const cpu1 = { server: n1.total, each: n1.each, proxy: processCpuSec(config.proxyPid), own: ownCpuSec(), machine: machineCpuSec(), t: sendEnd };
  loop.disable();
  // Drain: wait for the outstanding requests and events of this phase.
  const drainUntil = performance.now() + drainMs;
  const outstanding = () => {
    let n = 0;
    for (const p of pending.values()) if (p.phase === ph) n++;
    return n;
  };
  while ((inFlight > 0 || outstanding() > 0) && performance.now() < drainUntil) await sleep(10);
  let lost = 0;
  for (const [id, p] of pending) {
    if (p.phase === ph) {
      pending.delete(id);
      lost++;
    }
  }
  const wall = (cpu1.t - cpu0.t) / 1000;
  const windowSec = Math.max(sendEnd - start, durationMs) / 1000;
  const result = {
    name: spec.name,
    kind: spec.kind,
    rate: spec.rate ?? null,
    concurrency: spec.concurrency ?? null,
    durationSec: round(windowSec, 2),
    offered: spec.kind === 'rate' ? ph.offered : null,
    sent: ph.sent,
    ok: ph.ok,
    errors: ph.errors,
    skipped: ph.skipped,
    delivered: ph.delivered,
    lost,
    ackedPerSec: round(ph.ok / windowSec, 0),
    deliveredPerSec: round(ph.deliveredInWindow / (durationMs / 1000), 0),
    latencyMs: summary(ph.latencies),
    ackLatencyMs: summary(ph.ackLatencies),
    serverCpuPct: cpu0.server === null || cpu1.server === null ? null : round(((cpu1.server - cpu0.server) / wall) * 100, 0),
    // Server CPU per acknowledged message: far less sensitive to other load on the machine than msgs/s.
    serverCpuMsPerMsg: cpu0.server === null || cpu1.server === null || !ph.ok ? null : round(((cpu1.server - cpu0.server) * 1000) / ph.ok, 3),
    // Per node (a cluster): its CPU share and its CPU per acknowledged message of the whole cluster.
    nodes: nodes.map((n, i) => {
      const used = cpu0.each[i] === null || cpu1.each[i] === null ? null : cpu1.each[i] - cpu0.each[i];
      return {
        label: n.label,
        cpuPct: used === null ? null : round((used / wall) * 100, 0),
        cpuMsPerMsg: used === null || !ph.ok ? null : round((used * 1000) / ph.ok, 3),
      };
    }),
    proxyCpuPct: cpu0.proxy === null || cpu1.proxy === null ? null : round(((cpu1.proxy - cpu0.proxy) / wall) * 100, 0),
    proxyCpuMsPerMsg: cpu0.proxy === null || cpu1.proxy === null || !ph.ok ? null : round(((cpu1.proxy - cpu0.proxy) * 1000) / ph.ok, 3),
    loadgenCpuPct: round(((cpu1.own - cpu0.own) / wall) * 100, 0),
    loadgenLoopDelayP99Ms: round(loop.percentile(99) / 1e6, 1),
    // CPU used meanwhile by everything else on the machine, in cores: other processes compete for the same 2 cores.
    otherCpuCores:
      cpu0.machine === null || cpu1.machine === null || cpu0.server === null || cpu1.server === null
        ? null
        : round(
            Math.max(0, (cpu1.machine - cpu0.machine - (cpu1.server - cpu0.server) - (cpu1.proxy ?? 0) + (cpu0.proxy ?? 0) - (cpu1.own - cpu0.own)) / wall),
            2,
          ),
  };
  log(
    `${spec.name}: ${result.deliveredPerSec} msg/s delivered, p50 ${result.latencyMs?.p50 ?? '-'} ms, p99 ${result.latencyMs?.p99 ?? '-'} ms` +
      `, errors ${ph.errors}, skipped ${ph.skipped}, lost ${lost}, server CPU ${result.serverCpuPct ?? '?'}% (${result.serverCpuMsPerMsg ?? '?'} ms/msg), load CPU ${result.loadgenCpuPct}%, others ${result.otherCpuCores ?? '?'} cores`,
  );
  return result;
}

// ------------------------------------------------------------------ main

const watchdog = setTimeout(
  () => {
    log('watchdog: giving up');
    process.exit(3);
  },
  (config.phases.reduce((s, p) => s + p.durationSec, 0) + 60) * 1000,
);
watchdog.unref();

const sockets = [];
try {
  for (const r of config.receivers) sockets.push(await connectReceiver(r));
  log(`${sockets.length} receiver socket(s) connected, ${config.senders.length} sender(s)`);
  const phases = [];
  for (const spec of config.phases) {
    const r = await runPhase(spec);
    if (spec.record !== false) phases.push(r);
  }
  process.stdout.write(`${JSON.stringify({ name: config.name, phases, unexpectedEvents: unexpected, errorSamples })}\n`);
} finally {
  for (const s of sockets) s.close();
  httpAgent.destroy();
}
process.exit(0);
