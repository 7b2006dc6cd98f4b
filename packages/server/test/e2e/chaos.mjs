// Chaos run on a real cluster: two `parley serve` nodes on one PostgreSQL database and one Redis
// behind nginx, and a third node (the observer) that is never killed and is not behind nginx.
// Consumers write through nginx without pause; agents listen through nginx; one node behind nginx
// is SIGKILLed and started again on the same port, `kills` times, while the load goes on.
//
// Clients behave as the shipped ones do: a write that fails (refused, reset, 5xx) is sent again
// with the same clientMessageId until it is acknowledged; an agent socket reconnects through
// nginx with jittered exponential backoff (socket.io-client's own), and after every reconnect
// asks `sync { afterSeq }`; events behind a gap are held and a sync is asked (SeqTracker). Each
// agent also has a reference socket on the observer, which never disconnects.
//
// The result counts what went wrong; the e2e test (cluster-nginx.e2e.test.ts) asserts the counts
// are 0 and the views equal, bench/chaos.mjs runs it with ≥ 20 kills and records the counts.
// Plain JavaScript so both import it; types in chaos.d.mts. Only 127.0.0.1 is ever contacted.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SeqTracker } from '@parley/contract';
import pg from 'pg';
import { io } from 'socket.io-client';
import { freePort, startNginx } from './nginx-proxy.mjs';

const BIN = fileURLToPath(new URL('../../bin/parley.js', import.meta.url));
const PASSWORD = 'a long chaos password';
const delay = (ms) => new Promise((r) => setTimeout(r, ms));

/** Everything the nodes and the CLI share: the database, Redis, and env for a loopback proxy. */
function nodeEnv(o) {
  return {
    ...process.env,
    DATABASE_URL: o.databaseUrl,
    REDIS_URL: o.redisUrl,
    LOG_LEVEL: 'warn',
    PARLEY_DEMO: 'off',
    PARLEY_TRUST_PROXY: '127.0.0.1',
    PARLEY_LOGIN_RATE_LIMIT: '10000',
    PARLEY_RATE_LIMIT_CONSUMER_SESSIONS: '10000',
    PORT: '',
    HOST: '',
    PARLEY_DATA: '',
  };
}

/** `parley serve` on a fixed port; resolves once it printed its URL. */
function startNode(label, port, dataDir, env) {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', String(port), '--host', '127.0.0.1', '--data', dataDir], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (s) => {
    out = (out + s).slice(-20_000);
  });
  child.stderr.setEncoding('utf8').on('data', (s) => {
    out = (out + s).slice(-20_000);
  });
  const exit = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const node = {
    label,
    port,
    child,
    output: () => out,
    exited: () => child.exitCode !== null || child.signalCode !== null,
    async kill(signal = 'SIGKILL') {
      if (!node.exited()) child.kill(signal);
      return exit;
    },
    async stop() {
      if (node.exited()) return;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exit;
      clearTimeout(t);
    },
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${label} did not start within 30 s:\n${out}`));
    }, 30_000);
    const check = () => {
      if (/Parley is running at http:\/\/\S+/.test(out)) {
        clearTimeout(timer);
        child.stdout.off('data', check);
        resolve(node);
      }
    };
    child.stdout.on('data', check);
    exit.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`${label} exited while starting (code ${code}, signal ${signal}):\n${out}`));
    });
  });
}

function runCli(args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (s) => {
      out += s;
    });
    child.stderr.setEncoding('utf8').on('data', (s) => {
      err += s;
    });
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`parley ${args[0]} ${args[1]} exited with ${code}: ${err}`))));
  });
}

/** One statement on a fresh connection to `url` (CREATE / DROP DATABASE). */
export async function pgAdmin(url, sql) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/** fetch JSON; resolves { status, json } or { status: 0, error } for a network failure or timeout. */
async function request(base, method, path, { token, body, timeoutMs = 5000 } = {}) {
  try {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { ...(token && { authorization: `Bearer ${token}` }), ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    let json;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, json, text };
  } catch (err) {
    return { status: 0, error: String(err?.cause ?? err) };
  }
}

async function ok(base, method, path, opts = {}, statuses = [200, 201]) {
  const r = await request(base, method, path, { timeoutMs: 15_000, ...opts });
  if (!statuses.includes(r.status)) throw new Error(`${method} ${path}: ${r.status} ${r.text ?? r.error}`);
  return r.json;
}

/**
 * A realtime listener. `reconnect` = socket.io-client's reconnection with jittered exponential
 * backoff (through nginx); without it, any disconnect is counted (the reference must never drop).
 */
function listener(url, token, { reconnect }) {
  const l = {
    events: [],
    baseline: undefined,
    hellos: 0,
    disconnects: 0,
    syncs: 0,
    tracker: undefined,
    socket: undefined,
    get seq() {
      return l.tracker?.seq ?? -1;
    },
    get connected() {
      return l.socket?.connected ?? false;
    },
  };
  const early = [];
  const sync = (afterSeq) => {
    l.syncs++;
    l.socket.emit('sync', { afterSeq });
  };
  const socket = io(`${url}/agent`, {
    auth: { token },
    transports: ['websocket'],
    forceNew: true,
    reconnection: reconnect,
    reconnectionDelay: 100,
    reconnectionDelayMax: 2000,
    randomizationFactor: 0.5,
    timeout: 5000,
  });
  l.socket = socket;
  socket.on('event', (e) => {
    if (l.tracker) l.tracker.receive(e);
    else early.push(e);
  });
  socket.on('hello', (h) => {
    l.hellos++;
    if (!l.tracker) {
      l.baseline = h.seq;
      l.tracker = new SeqTracker(h.seq, (e) => l.events.push(e), sync);
      for (const e of early.splice(0)) l.tracker.receive(e);
    } else sync(l.tracker.seq); // a reconnect: continue where we left off
  });
  socket.on('disconnect', (reason) => {
    if (reason !== 'io client disconnect') l.disconnects++;
  });
  // A middleware refusal (such as a shed handshake) is not retried by socket.io-client itself.
  socket.on('connect_error', (err) => {
    if (!reconnect || socket.active) return;
    setTimeout(() => socket.connect(), err?.data?.retryAfterMs ?? 500);
  });
  // Events held behind a gap whose sync answer was lost with its node: ask again.
  const retry = setInterval(() => l.tracker?.retry(), 500);
  l.ready = new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('no hello within 15 s')), 15_000);
    socket.once('hello', () => {
      clearTimeout(t);
      resolve();
    });
  });
  l.close = () => {
    clearInterval(retry);
    socket.close();
  };
  return l;
}

/** The envelope as compared between views: everything the client would render. */
const key = (e) => `${e.seq} ${e.type} ${JSON.stringify(e.data)}`;

/**
 * Runs the whole thing and cleans up. Options: { adminUrl (PostgreSQL that may CREATE DATABASE),
 * redisUrl, kills, consumers, agents, minGapMs, maxGapMs, thinkMs, log }.
 */
export async function runChaos(o) {
  const log = o.log ?? (() => {});
  const t0 = Date.now();
  const timeline = [];
  const step = (what) => {
    const line = `+${((Date.now() - t0) / 1000).toFixed(1)} s ${what}`;
    timeline.push(line);
    log(line);
  };
  const dbName = `parley_chaos_${randomBytes(5).toString('hex')}`;
  await pgAdmin(o.adminUrl, `CREATE DATABASE ${dbName}`);
  const dbUrl = new URL(o.adminUrl);
  dbUrl.pathname = `/${dbName}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-chaos-'));
  const env = nodeEnv({ databaseUrl: dbUrl.toString(), redisUrl: o.redisUrl });
  const nodes = [];
  const listeners = [];
  let nginx;
  let stopLoad = true;
  try {
    const created = JSON.parse(
      await runCli(['account', 'create', '--name', 'Chaos brand', '--admin-username', 'boss', '--admin-password', PASSWORD, '--data', dataDir], env),
    );
    const accountId = created.accountId;
    const ports = [await freePort(), await freePort(), await freePort()];
    nodes.push(...(await Promise.all(['node 1', 'node 2', 'observer'].map((label, i) => startNode(label, ports[i], dataDir, env)))));
    const balanced = [nodes[0], nodes[1]];
    nginx = await startNginx({ upstreams: balanced.map((n) => `127.0.0.1:${n.port}`) });
    const lb = nginx.url;
    const observer = `http://127.0.0.1:${ports[2]}`;
    step(`nodes on ${ports.join(', ')}, nginx at ${lb}`);

    // ---- set-up through nginx: a skill, agents online, one open conversation per consumer
    const boss = (await ok(lb, 'POST', '/api/v1/auth/login', { body: { accountId, username: 'boss', password: PASSWORD } })).token;
    const skill = await ok(lb, 'POST', '/api/v1/skills', { token: boss, body: { name: 'Chaos' } });
    const perAgent = Math.ceil(o.consumers / o.agents) + 1;
    const agents = [];
    for (let i = 0; i < o.agents; i++) {
      const username = `agent${i + 1}`;
      const u = await ok(lb, 'POST', '/api/v1/users', {
        token: boss,
        body: { username, password: PASSWORD, displayName: username, role: 'agent', skills: [skill.id], maxConcurrent: perAgent },
      });
      const { token } = await ok(lb, 'POST', '/api/v1/auth/login', { body: { accountId, username, password: PASSWORD } });
      await ok(lb, 'PUT', '/api/v1/me/status', { token, body: { status: 'online' } });
      agents.push({ id: u.id, username, token });
    }
    for (const a of agents) {
      a.live = listener(lb, a.token, { reconnect: true });
      a.ref = listener(observer, a.token, { reconnect: false });
      listeners.push(a.live, a.ref);
    }
    await Promise.all(listeners.map((l) => l.ready));
    const clients = [];
    for (let i = 0; i < o.consumers; i++) {
      const s = await ok(lb, 'POST', '/api/v1/consumer/session', { body: { accountId, name: `Consumer ${i + 1}` } });
      const c = await ok(lb, 'POST', '/api/v1/consumer/conversations', { token: s.consumerToken, body: { skillId: skill.id, text: `hello ${i}` } });
      clients.push({ idx: i, token: s.consumerToken, conversationId: c.id, sent: [], acked: new Map(), failures: 0, repeats: 0, lastFailure: '' });
    }
    const deadline = Date.now() + 20_000;
    for (const c of clients) {
      for (;;) {
        const v = await ok(lb, 'GET', `/api/v1/consumer/conversations/${c.conversationId}`, { token: c.token });
        if (v.state === 'open') break;
        if (Date.now() > deadline) throw new Error(`conversation ${c.conversationId} still ${v.state}`);
        await delay(50);
      }
    }
    step(`${o.agents} agents online, ${o.consumers} conversations open`);

    // ---- the load: every consumer writes back to back (think time between acknowledged writes)
    const run = randomBytes(3).toString('hex');
    let acked = 0;
    let attempts = 0;
    // The longest stretch with no write acknowledged anywhere (how long the cluster stalled).
    let lastAck = Date.now();
    let maxAckGapMs = 0;
    let loadError;
    stopLoad = false;
    const send = async (c, clientMessageId, text) => {
      for (let attempt = 0; ; attempt++) {
        if (attempt > 300) throw new Error(`consumer ${c.idx}: ${clientMessageId} never acknowledged; last: ${c.lastFailure}`);
        attempts++;
        const r = await request(lb, 'POST', `/api/v1/consumer/conversations/${c.conversationId}/messages`, {
          token: c.token,
          body: { text, clientMessageId },
        });
        if (r.status === 200 || r.status === 201) {
          if (r.status === 200) c.repeats++;
          return r.json;
        }
        if (r.status !== 0 && r.status < 500 && r.status !== 429) throw new Error(`consumer ${c.idx}: ${r.status} ${r.text}`);
        c.failures++;
        c.lastFailure = r.status ? `${r.status} ${String(r.text).slice(0, 200)}` : r.error;
        // The retry waits with jittered exponential backoff, as the widget does.
        await delay(Math.min(1000, 25 * 2 ** Math.min(attempt, 6)) * (0.5 + Math.random()));
      }
    };
    const loops = clients.map(async (c) => {
      for (let i = 0; !stopLoad; i++) {
        const clientMessageId = `${run}-${c.idx}-${i}`;
        c.sent.push(clientMessageId);
        const m = await send(c, clientMessageId, `message ${i} from consumer ${c.idx}`);
        c.acked.set(clientMessageId, m);
        acked++;
        maxAckGapMs = Math.max(maxAckGapMs, Date.now() - lastAck);
        lastAck = Date.now();
        if (o.thinkMs) await delay(o.thinkMs * (0.5 + Math.random()));
      }
    });
    const loadDone = Promise.all(loops).catch((err) => {
      loadError = err;
      stopLoad = true;
    });

    // ---- the kills: SIGKILL a random node behind nginx, start it again on its port, repeat
    const kills = [];
    for (let k = 0; k < o.kills && !loadError; k++) {
      await delay(o.minGapMs + Math.random() * (o.maxGapMs - o.minGapMs));
      const i = Math.floor(Math.random() * balanced.length);
      const victim = balanced[i];
      const ackedBefore = acked;
      const killedAt = Date.now();
      const r = await victim.kill('SIGKILL');
      if (r.signal !== 'SIGKILL') throw new Error(`${victim.label} ended with ${JSON.stringify(r)}, not by SIGKILL`);
      balanced[i] = await startNode(victim.label, victim.port, dataDir, env);
      nodes[i] = balanced[i];
      kills.push({ node: victim.label, restartMs: Date.now() - killedAt, ackedWhileDown: acked - ackedBefore });
      step(`kill ${k + 1}/${o.kills}: ${victim.label} SIGKILLed, back after ${Date.now() - killedAt} ms; ${acked} acknowledged so far`);
    }
    await delay(o.minGapMs);
    stopLoad = true;
    await loadDone;
    if (loadError) throw loadError;
    const loadMs = Date.now() - t0;
    step(`load stopped: ${acked} acknowledged of ${attempts} attempts`);

    // ---- settle: every socket connected again, then each view caught up with the server's seq
    const settleUntil = Date.now() + 30_000;
    while (agents.some((a) => !a.live.connected) && Date.now() < settleUntil) await delay(50);
    const serverSeq = new Map();
    for (const a of agents) {
      const probe = listener(observer, a.token, { reconnect: false });
      await probe.ready;
      serverSeq.set(a, probe.seq);
      probe.close();
      for (const l of [a.live, a.ref]) {
        while (l.seq < serverSeq.get(a) && Date.now() < settleUntil) {
          if (l.connected) l.socket.emit('sync', { afterSeq: l.seq });
          await delay(200);
        }
      }
    }
    step('views settled');

    // ---- what the server stored: each transcript, paged
    let stored = 0;
    let lost = 0;
    let duplicated = 0;
    let outOfOrder = 0;
    let unacknowledgedStored = 0;
    const storedIds = new Map();
    for (const c of clients) {
      const items = [];
      for (let cursor; ; ) {
        const page = await ok(
          observer,
          'GET',
          `/api/v1/consumer/conversations/${c.conversationId}/messages?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
          { token: c.token },
        );
        items.push(...page.items);
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }
      const mine = items.filter((m) => m.clientMessageId?.startsWith(`${run}-${c.idx}-`));
      stored += mine.length;
      const seen = new Map();
      for (const m of mine) seen.set(m.clientMessageId, (seen.get(m.clientMessageId) ?? 0) + 1);
      for (const [, n] of seen) if (n > 1) duplicated += n - 1;
      for (const [id, m] of c.acked) {
        if (!seen.has(id)) lost++;
        else if (mine.find((x) => x.clientMessageId === id)?.id !== m.id) lost++; // acknowledged as another row
      }
      // Stored in the order sent (each write waited for its acknowledgement before the next).
      const order = mine.map((m) => m.clientMessageId);
      const expected = c.sent.filter((id) => seen.has(id));
      if (JSON.stringify(order) !== JSON.stringify([...new Set(expected)])) outOfOrder++;
      unacknowledgedStored += [...seen.keys()].filter((id) => !c.acked.has(id)).length;
      for (const m of mine) storedIds.set(m.id, c);
    }

    // ---- every agent's view: equal to its reference (never disconnected), gapless, with each message once
    const views = [];
    const deliveredTo = new Map();
    for (const a of agents) {
      const from = Math.max(a.live.baseline ?? 0, a.ref.baseline ?? 0);
      const live = a.live.events.filter((e) => e.seq > from).map(key);
      const ref = a.ref.events.filter((e) => e.seq > from).map(key);
      let firstDifference = -1;
      for (let i = 0; i < Math.max(live.length, ref.length); i++) {
        if (live[i] !== ref[i]) {
          firstDifference = i;
          break;
        }
      }
      const seqs = a.live.events.map((e) => e.seq);
      const gapless = seqs.every((s, i) => s === (a.live.baseline ?? 0) + i + 1);
      let duplicateDeliveries = 0;
      for (const e of a.live.events) {
        if (e.type !== 'message.created' || !storedIds.has(e.data.id)) continue;
        if (deliveredTo.has(e.data.id)) duplicateDeliveries++;
        deliveredTo.set(e.data.id, a.username);
      }
      views.push({
        username: a.username,
        events: live.length,
        referenceEvents: ref.length,
        serverSeq: serverSeq.get(a),
        liveSeq: a.live.seq,
        referenceSeq: a.ref.seq,
        equal: firstDifference === -1,
        firstDifference: firstDifference === -1 ? undefined : { live: live[firstDifference], reference: ref[firstDifference] },
        gapless,
        reconnects: Math.max(0, a.live.hellos - 1),
        syncs: a.live.syncs,
        referenceDisconnects: a.ref.disconnects,
        duplicateDeliveries,
      });
    }
    let undelivered = 0;
    for (const c of clients) for (const [, m] of c.acked) if (!deliveredTo.has(m.id)) undelivered++;
    return {
      kills,
      consumers: o.consumers,
      agents: o.agents,
      loadSec: Math.round(loadMs / 100) / 10,
      acked,
      maxAckGapMs,
      attempts,
      failedAttempts: clients.reduce((n, c) => n + c.failures, 0),
      repeats: clients.reduce((n, c) => n + c.repeats, 0),
      stored,
      lost,
      duplicated,
      outOfOrder,
      unacknowledgedStored,
      undelivered,
      views,
      timeline,
    };
  } catch (err) {
    const logs = nodes.map((n) => `${n.label}:\n${n.output().slice(-3000)}`).join('\n');
    throw new Error(`${err?.stack ?? err}\n${timeline.join('\n')}\n${logs}\nnginx:\n${nginx?.log().slice(-3000) ?? ''}`);
  } finally {
    stopLoad = true;
    for (const l of listeners) l.close();
    await nginx?.stop();
    await Promise.all(nodes.map((n) => n.stop()));
    await pgAdmin(o.adminUrl, `DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => {});
    rmSync(dataDir, { recursive: true, force: true });
  }
}
