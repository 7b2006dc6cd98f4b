#!/usr/bin/env node
// Connections benchmark: the RSS of a fresh Parley server, what each idle consumer socket costs,
// and a reconnect storm (every socket drops and comes back at once), side by side with the bare
// Socket.IO echo server (bench/baseline-echo.mjs) in the same run. Writes the "sockets" section of
// RESULTS.md.
//
//   node bench/sockets.mjs [--sockets 50000] [--steps 1000,10000,20000] [--per-consumer 100] [--no-storm] [--no-write]
//
// Clients are raw Engine.IO v4 / Socket.IO v5 over WebSocket (the `ws` package Socket.IO itself
// uses): far lighter than socket.io-client, so one load process can hold 50,000 sockets. They
// speak the protocol as a browser's socket.io-client does: open, connect to `/consumer` with the
// consumer token, answer pings, wait for `hello`; a handshake the server sheds (connect_error
// `overloaded`) is retried after its hint, jittered (@parley/contract retryDelayAfterShed).
// Sockets spread over several loopback source addresses (127.0.0.1–127.0.0.N), since one
// address pair has only ~28,000 ephemeral ports. The file descriptor limit of this process (and so
// of the servers it starts) is raised with `prlimit` where allowed (soft up to hard; hard too as root).
// All traffic is to 127.0.0.1; every process started here is stopped at the end.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { retryDelayAfterShed } from '@parley/contract';
import { writeSection } from './sections.mjs';

const require = createRequire(new URL('../packages/server/package.json', import.meta.url));
const WebSocket = require('ws');
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const parleyBin = join(root, 'packages/server/bin/parley.js');

const { values: opts } = parseArgs({
  options: {
    sockets: { type: 'string', default: '50000' },
    steps: { type: 'string' },
    'per-consumer': { type: 'string', default: '100' },
    'no-storm': { type: 'boolean', default: false },
    'no-write': { type: 'boolean', default: false },
    only: { type: 'string' },
  },
  strict: true,
});
const asked = Number(opts.sockets);
if (!(Number.isInteger(asked) && asked >= 100 && asked <= 200_000)) throw new Error('--sockets: 100..200000');
const perConsumer = Number(opts['per-consumer']);
const say = (m) => process.stderr.write(`sockets: ${m}\n`);

// ------------------------------------------------------------------ file descriptors

function nofile(pid = 'self') {
  const line = readFileSync(`/proc/${pid}/limits`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('Max open files'));
  const [soft, hard] = line.trim().split(/\s+/).slice(3, 5).map(Number);
  return { soft, hard };
}
const need = asked + 2000;
let limits = nofile();
if (limits.soft < need) {
  try {
    const hard = process.getuid?.() === 0 ? Math.max(limits.hard, need) : limits.hard;
    execFileSync('prlimit', ['--pid', String(process.pid), `--nofile=${Math.min(need, hard)}:${hard}`]);
  } catch (err) {
    say(`could not raise the file descriptor limit (${String(err).split('\n')[0]})`);
  }
  limits = nofile();
}
say(`file descriptors: soft ${limits.soft}, hard ${limits.hard} (need about ${need})`);
// What the machine allows: each socket is a descriptor in the server (and one in this process).
const total = limits.soft < need ? Math.floor((limits.soft - 2000) / 1000) * 1000 : asked;
const capped =
  total < asked
    ? `${asked.toLocaleString('en-US')} sockets were asked for, but the open-files limit here is ${limits.soft.toLocaleString('en-US')} (hard ${limits.hard.toLocaleString('en-US')}, and this sandbox may not raise it: no CAP_SYS_RESOURCE), so the run stops at ${total.toLocaleString('en-US')}; the ${asked.toLocaleString('en-US')} row is the measured per-socket cost extrapolated.`
    : '';
if (capped) say(capped);
const steps = (opts.steps ?? '1000,10000')
  .split(',')
  .map(Number)
  .filter((n) => n > 0 && n < total);
steps.push(total);

// ------------------------------------------------------------------ processes

const children = new Set();
process.on('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});
for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, () => process.exit(130));

function start(args, env, ready) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let out = '';
    const t = setTimeout(() => reject(new Error(`did not start: ${out}`)), 30_000);
    child.stdout.setEncoding('utf8').on('data', (s) => {
      out += s;
      const m = ready.exec(out);
      if (m) {
        clearTimeout(t);
        resolve({ child, url: m[1].replace('localhost', '127.0.0.1') });
      }
    });
    child.stderr.setEncoding('utf8').on('data', (s) => process.stderr.write(`  [server] ${s}`));
    child.once('exit', () => children.delete(child));
  });
}
const stopChild = (child) =>
  new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    child.kill('SIGTERM');
  });
const rssMb = (pid) => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : null;
};
const clockTicks = 100;
const cpuSec = (pid) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / clockTicks;
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ------------------------------------------------------------------ raw Socket.IO clients

// Twice the sockets (a storm reconnects while the old ones sit in TIME_WAIT) over ~20,000 ports per source address.
const sources = Array.from({ length: Math.ceil((2 * total) / 20_000) + 1 }, (_, i) => `127.0.0.${i + 1}`);
let opened = 0;

/** One client socket; resolves when `hello` arrived. `counters.shed` counts handshakes shed (and retried). */
function openSocket(base, ns, auth, counters) {
  const url = `${base.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`;
  const localAddress = sources[opened++ % sources.length];
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const ws = new WebSocket(url, { localAddress, perMessageDeflate: false, handshakeTimeout: 60_000 });
      let done = false;
      ws.on('message', (buf) => {
        const s = buf.toString();
        if (s === '2') ws.send('3');
        else if (s[0] === '0') ws.send(`40${ns},${JSON.stringify(auth)}`);
        else if (s.startsWith(`44${ns},`)) {
          const err = JSON.parse(s.slice(ns.length + 3));
          ws.terminate();
          done = true;
          const wait = retryDelayAfterShed(err);
          if (wait === undefined) return reject(new Error(`connect_error ${JSON.stringify(err)}`));
          counters.shed++;
          setTimeout(attempt, wait);
        } else if (!done && s.startsWith(`42${ns},["hello"`)) {
          done = true;
          resolve(ws);
        }
      });
      ws.on('error', (err) => {
        if (done) return;
        done = true;
        counters.errors++;
        setTimeout(attempt, 500 + Math.random() * 1000);
        if (counters.errors < 5) say(`socket error (retried): ${err.message}`);
      });
    };
    attempt();
  });
}

/** Open `n` sockets with at most `parallel` handshakes in flight; resolves with them and the time taken. */
async function openMany(base, ns, authOf, from, n, parallel, counters) {
  const sockets = new Array(n);
  let next = 0;
  const t0 = Date.now();
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < n) {
        const i = next++;
        sockets[i] = await openSocket(base, ns, authOf(from + i), counters);
      }
    }),
  );
  return { sockets, ms: Date.now() - t0 };
}

/** GET `path` every 250 ms while `running()`; resolves with the latencies (ms) and failures. */
async function probe(base, path, running) {
  const lat = [];
  let failed = 0;
  while (running()) {
    const t = performance.now();
    try {
      const r = await fetch(`${base}${path}`, { signal: AbortSignal.timeout(10_000) });
      await r.arrayBuffer();
      if (r.status < 500)
        lat.push(performance.now() - t); // any answer (the baseline has no GET route: 404) shows a live event loop
      else failed++;
    } catch {
      failed++;
    }
    await sleep(250);
  }
  lat.sort((a, b) => a - b);
  return { n: lat.length, failed, p50: lat[Math.floor(lat.length / 2)] ?? null, max: lat[lat.length - 1] ?? null };
}

// ------------------------------------------------------------------ one side

async function measure(side) {
  const r = { side: side.name, steps: [] };
  await sleep(3000); // let start-up settle
  r.startRssMb = rssMb(side.pid);
  // Idle: a server that has sat for 30 s (Parley collects its start-up garbage once, 5 s after it
  // listens, and V8's memory reducer gives the pages back when idle: packages/server/src/heap.ts).
  await sleep(27_000);
  r.freshRssMb = rssMb(side.pid);
  say(`${side.name}: fresh RSS ${r.startRssMb.toFixed(0)} MB 3 s after start, ${r.freshRssMb.toFixed(0)} MB idle 30 s`);
  const counters = { shed: 0, errors: 0 };
  const all = [];
  for (const target of steps) {
    const { sockets, ms } = await openMany(side.url, side.ns, side.authOf, all.length, target - all.length, 200, counters);
    all.push(...sockets);
    await sleep(3000);
    const rss = rssMb(side.pid);
    r.steps.push({ sockets: all.length, rssMb: rss, openMs: ms });
    say(`${side.name}: ${all.length} idle sockets, RSS ${rss.toFixed(0)} MB (opened in ${ms} ms, shed ${counters.shed})`);
  }
  r.openShed = counters.shed;
  const first = r.steps[0];
  const last = r.steps[r.steps.length - 1];
  r.kbPerSocket = ((last.rssMb - r.freshRssMb) * 1024) / last.sockets;
  r.kbPerSocketMarginal = r.steps.length > 1 ? ((last.rssMb - first.rssMb) * 1024) / (last.sockets - first.sockets) : r.kbPerSocket;
  if (!opts['no-storm']) {
    // The storm: every socket drops at once (as when a node's clients lose it), then all come back at once.
    for (const ws of all) ws.terminate();
    await sleep(2000);
    const storm = { shed: 0, errors: 0 };
    let storming = true;
    const health = probe(side.url, side.probePath, () => storming);
    const cpu0 = cpuSec(side.pid);
    const client0 = process.cpuUsage();
    // All at once, as independent clients: none waits for another's handshake (a shed one waits for its own hint).
    const { sockets, ms } = await openMany(side.url, side.ns, side.authOf, 0, all.length, all.length, storm);
    storming = false;
    r.storm = {
      sockets: sockets.length,
      ms,
      shed: storm.shed,
      errors: storm.errors,
      cpuSec: cpuSec(side.pid) - cpu0,
      // This process: every client socket (and every retry of a shed one) is its work too.
      clientCpuSec: ((c) => (c.user + c.system) / 1e6)(process.cpuUsage(client0)),
      health: await health,
      rssMb: rssMb(side.pid),
    };
    say(
      `${side.name}: storm of ${sockets.length} reconnects absorbed in ${ms} ms (shed ${storm.shed}; server CPU ${r.storm.cpuSec.toFixed(1)} s, client CPU ${r.storm.clientCpuSec.toFixed(1)} s), probe ${JSON.stringify(r.storm.health)}`,
    );
    for (const ws of sockets) ws.terminate();
  } else for (const ws of all) ws.terminate();
  return r;
}

async function parleySide() {
  const data = mkdtempSync(join(tmpdir(), 'parley-sockets-'));
  const env = { LOG_LEVEL: 'warn', PARLEY_DEMO: 'off', DATABASE_URL: '', REDIS_URL: '', PARLEY_RATE_LIMIT_CONSUMER_SESSIONS: '1000000' };
  try {
    const { child, url } = await start([parleyBin, 'serve', '--port', '0', '--host', '127.0.0.1', '--data', data], env, /Parley is running at (\S+)/);
    say(`Parley at ${url} (pid ${child.pid}; its fd limit ${JSON.stringify(nofile(child.pid))})`);
    try {
      const freshRss = rssMb(child.pid);
      const out = execFileSync(
        process.execPath,
        [parleyBin, 'account', 'create', '--name', 'Sockets', '--admin-username', 'boss', '--admin-password', 'a long sockets password', '--data', data],
        { env: { ...process.env, ...env } },
      );
      const { accountId } = JSON.parse(out.toString());
      const consumers = Math.ceil(total / perConsumer);
      const tokens = [];
      for (let i = 0; i < consumers; i++) {
        const res = await fetch(`${url}/api/v1/consumer/session`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ accountId, name: `Visitor ${i + 1}` }),
        });
        if (res.status !== 201) throw new Error(`consumer session: ${res.status} ${await res.text()}`);
        tokens.push((await res.json()).consumerToken);
      }
      say(`${consumers} consumer sessions (${perConsumer} sockets each, as open tabs)`);
      const r = await measure({
        name: 'Parley',
        pid: child.pid,
        url,
        ns: '/consumer',
        authOf: (i) => ({ consumerToken: tokens[Math.floor(i / perConsumer)] }),
        probePath: '/widget.js',
      });
      return { ...r, rssAtListenMb: freshRss };
    } finally {
      await stopChild(child);
    }
  } finally {
    rmSync(data, { recursive: true, force: true });
  }
}

async function baselineSide() {
  const { child, url } = await start([join(root, 'bench/baseline-echo.mjs'), '--port', '0'], {}, /baseline listening at (\S+)/);
  try {
    return await measure({
      name: 'Bare Socket.IO echo',
      pid: child.pid,
      url,
      ns: '/agent',
      authOf: (i) => ({ token: `room${i % 1000}` }),
      probePath: '/nothing',
    });
  } finally {
    await stopChild(child);
  }
}

// ------------------------------------------------------------------ main

const load0 = loadavg();
const started = new Date();
const parley = opts.only === 'baseline' ? undefined : await parleySide();
const baseline = opts.only === 'parley' ? undefined : await baselineSide();
const la = (l) => l.map((x) => x.toFixed(2)).join(' / ');
const f0 = (x) => (x === null || x === undefined ? '–' : Math.round(x).toLocaleString('en-US'));
const f1 = (x) => (x === null || x === undefined ? '–' : x.toFixed(1));
const rows = [];
const cols = [parley, baseline].filter(Boolean);
rows.push(`| measure | ${cols.map((c) => c.side).join(' | ')} |`, `| --- |${cols.map(() => ' ---: |').join('')}`);
rows.push(`| RSS of a fresh server, 3 s after it listens (MB) | ${cols.map((c) => f0(c.startRssMb)).join(' | ')} |`);
rows.push(`| RSS of a fresh server, idle 30 s (MB) | ${cols.map((c) => f0(c.freshRssMb)).join(' | ')} |`);
for (let i = 0; i < steps.length; i++) rows.push(`| RSS with ${f0(steps[i])} idle sockets (MB) | ${cols.map((c) => f0(c.steps[i]?.rssMb)).join(' | ')} |`);
if (capped)
  rows.push(
    `| RSS with ${f0(asked)} idle sockets, extrapolated: measured + ${f0(asked - total)} × marginal cost (MB) | ${cols.map((c) => f0(c.steps[c.steps.length - 1].rssMb + ((asked - total) * c.kbPerSocketMarginal) / 1024)).join(' | ')} |`,
  );
rows.push(`| per socket, from fresh to ${f0(total)} (kB) | ${cols.map((c) => f1(c.kbPerSocket)).join(' | ')} |`);
rows.push(`| per socket, marginal ${f0(steps[0])} → ${f0(total)} (kB) | ${cols.map((c) => f1(c.kbPerSocketMarginal)).join(' | ')} |`);
rows.push(`| time to open ${f0(total)} (200 handshakes in flight), s | ${cols.map((c) => f1(c.steps.reduce((s, x) => s + x.openMs, 0) / 1000)).join(' | ')} |`);
if (!opts['no-storm']) {
  rows.push(
    `| **storm**: all ${f0(total)} drop and reconnect at once (every client at the same moment): absorbed in (s) | ${cols.map((c) => f1(c.storm.ms / 1000)).join(' | ')} |`,
  );
  rows.push(`| handshakes shed with a retry hint during the storm | ${cols.map((c) => f0(c.storm.shed)).join(' | ')} |`);
  rows.push(`| server CPU during the storm (s) | ${cols.map((c) => f1(c.storm.cpuSec)).join(' | ')} |`);
  rows.push(
    `| the clients' process (this bench, one thread) during the storm: CPU s (share of the storm's time) | ${cols.map((c) => `${f1(c.storm.clientCpuSec)} (${f0((100 * c.storm.clientCpuSec) / (c.storm.ms / 1000))} %)`).join(' | ')} |`,
  );
  rows.push(
    `| HTTP probe during the storm: answered / failed, p50 / max (ms) | ${cols.map((c) => `${c.storm.health.n} / ${c.storm.health.failed}, ${f0(c.storm.health.p50)} / ${f0(c.storm.health.max)}`).join(' | ')} |`,
  );
}
const md = `## Connections (idle sockets, reconnect storm)

Written by \`node bench/sockets.mjs\` (after \`npm run build\`); ${started.toISOString().replace(/\.\d+Z$/, 'Z')}, ${cpus().length} CPU(s), Node ${process.version}; load average at start ${la(load0)}, at the end ${la(loadavg())} (shared machine).
Parley: one node, SQLite, \`PARLEY_DEMO=off\`, default handshake limits (1,000/s, 200 at once); ${f0(Math.ceil(total / perConsumer))} consumer sessions with ${perConsumer} sockets each on \`/consumer\`. Baseline: bench/baseline-echo.mjs (same Fastify and Socket.IO, no auth, no database) with the same number of sockets on \`/agent\`. Clients: raw Socket.IO over WebSocket from one process, spread over ${sources.length} loopback source address(es). File descriptors: soft limit ${limits.soft} for this process and the servers it starts.${capped ? `\n\n**Capped:** ${capped}` : ''}

${rows.join('\n')}
`;
process.stdout.write(`\n${md}\n`);
if (!opts['no-write']) writeSection('sockets', md);
process.exit(0);
