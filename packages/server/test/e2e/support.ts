/**
 * End-to-end support: the BUILT server as a child process (`bin/parley.js`), a throwaway
 * PostgreSQL database per run, a fetch-based HTTP client and a Socket.IO client that keeps its
 * seq across reconnects (hello → baseline, gap or reconnect → `sync { afterSeq }`).
 * Nothing here imports server code: the tests see Parley only over the wire.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type EventEnvelope, SeqTracker } from '@parley/contract';
import pg from 'pg';
import { io, type Socket } from 'socket.io-client';

export type DialectName = 'sqlite' | 'postgres';

export const pgUrl = process.env.PARLEY_TEST_DATABASE_URL || undefined;
/** SQLite always; PostgreSQL too when PARLEY_TEST_DATABASE_URL is set (as in test/harness.ts). */
export const dialects: DialectName[] = ['sqlite', ...(pgUrl ? (['postgres'] as const) : [])];

export const BIN = fileURLToPath(new URL('../../bin/parley.js', import.meta.url));
const BUILT = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

// ------------------------------------------------------------------ waiting

export const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `cond` until it returns a truthy value or `timeoutMs` passes (then throws with `what`). */
export async function waitFor<T>(cond: () => T | Promise<T>, what: string, timeoutMs = 10_000, everyMs = 25): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await cond();
      if (v) return v as NonNullable<T>;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}`);
    await delay(everyMs);
  }
}

// ------------------------------------------------------------------ environment (data dir + database)

/** Where a `parley` process keeps its data: an Env, or cluster-support.ts's ClusterEnv (which adds Redis). */
export interface ProcessTarget {
  dataDir: string;
  /** DATABASE_URL for the server and CLI; undefined on SQLite. */
  databaseUrl: string | undefined;
  /** REDIS_URL for cluster mode; without it the process runs with REDIS_URL cleared (a single server). */
  redisUrl?: string;
}

export interface Env extends ProcessTarget {
  dialect: DialectName;
  destroy(): Promise<void>;
}

/** A fresh data directory and, on PostgreSQL, a fresh database of its own (dropped by destroy). */
export async function makeEnv(dialect: DialectName): Promise<Env> {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-e2e-'));
  let databaseUrl: string | undefined;
  let dropDb: (() => Promise<void>) | undefined;
  if (dialect === 'postgres') {
    if (!pgUrl) throw new Error('PARLEY_TEST_DATABASE_URL is not set');
    const db = await makeDatabase(pgUrl, 'parley_e2e');
    databaseUrl = db.url;
    dropDb = db.drop;
  }
  return {
    dialect,
    dataDir,
    databaseUrl,
    async destroy() {
      await dropDb?.();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** `CREATE DATABASE <prefix>_<random>` through `adminUrl`; drop() removes it again (WITH FORCE). */
export async function makeDatabase(adminUrl: string, prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await pgAdmin(adminUrl, `CREATE DATABASE ${name}`);
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return { url: u.toString(), drop: () => pgAdmin(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

async function pgAdmin(adminUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

function childEnv(env: ProcessTarget): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DATABASE_URL: env.databaseUrl ?? '',
    REDIS_URL: env.redisUrl ?? '',
    LOG_LEVEL: 'warn',
    PARLEY_LOGIN_RATE_LIMIT: '10000',
    // Test stubs listen on loopback, which production refuses for outbound requests.
    PARLEY_OUTBOUND_ALLOW: '127.0.0.1,::1',
  };
}

function assertBuilt(): void {
  if (!existsSync(BUILT)) throw new Error(`${BUILT} is missing: build first (npx tsc -b packages/server)`);
}

// ------------------------------------------------------------------ CLI and server processes

export const ADMIN_PASSWORD = 'a long e2e password';

/** `parley account create` against the env's database (run it before `serve`). */
export async function cliCreateAccount(env: ProcessTarget, name = 'E2E brand', adminUsername = 'boss'): Promise<{ accountId: string; userId: string }> {
  assertBuilt();
  const args = [BIN, 'account', 'create', '--name', name, '--admin-username', adminUsername, '--admin-password', ADMIN_PASSWORD, '--data', env.dataDir];
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(process.execPath, args, { env: childEnv(env), timeout: 30_000 }, (err, out, errOut) => {
      if (err) reject(new Error(`account create failed: ${err.message}\n${errOut}`));
      else resolve(out);
    });
  });
  const parsed = JSON.parse(stdout.trim()) as { accountId: string; userId: string };
  if (typeof parsed.accountId !== 'string' || typeof parsed.userId !== 'string') throw new Error(`unexpected output: ${stdout}`);
  return parsed;
}

export interface DemoLogin {
  role: string;
  username: string;
  password: string;
  skills: string;
}

export interface ServerProcess {
  /** As given to startServer (default "server"); names the process in errors. */
  name: string;
  url: string;
  child: ChildProcess;
  /** Everything written to stdout so far. */
  stdout(): string;
  stderr(): string;
  /** True once the process has exited. */
  exited(): boolean;
  /** Send a signal and wait (at most 10 s) for the process to end; resolves with its exit code / signal. */
  kill(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then SIGKILL after a grace period; safe to call twice. */
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
// Last resort if a worker dies without running afterAll: never leave servers behind.
process.once('exit', () => {
  for (const c of running) c.kill('SIGKILL');
});

/**
 * Starts `parley serve --port <port> --data <dir>` and resolves once it printed its URL. A single
 * server unless `env.redisUrl` is set (cluster mode: see cluster-support.ts).
 */
export async function startServer(env: ProcessTarget, opts: { port?: number; name?: string } = {}): Promise<ServerProcess> {
  assertBuilt();
  const name = opts.name ?? 'server';
  const child = spawn(process.execPath, [BIN, 'serve', '--port', String(opts.port ?? 0), '--host', '127.0.0.1', '--data', env.dataDir], {
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let out = '';
  let err = '';
  // Always drain both pipes: a full pipe would block the server.
  child.stdout?.setEncoding('utf8').on('data', (s: string) => {
    out += s;
  });
  child.stderr?.setEncoding('utf8').on('data', (s: string) => {
    err += s;
  });
  let done = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      done = true;
      running.delete(child);
      resolve({ code, signal });
    });
  });

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`${name} did not print its URL within 30 s`)), 30_000);
    const fail = (e: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${e.message}\nstdout:\n${out}\nstderr:\n${err}`));
    };
    const check = () => {
      const m = /Parley is running at (http:\/\/\S+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        child.stdout?.off('data', check);
        resolve(m[1]);
      }
    };
    child.stdout?.on('data', check);
    exited.then(({ code, signal }) => fail(new Error(`${name} exited before it was ready (code ${code}, signal ${signal})`)));
  });

  const waitExit = async (ms: number) => {
    let t: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      t = setTimeout(() => reject(new Error(`${name} did not exit within ${ms} ms`)), ms);
    });
    try {
      return await Promise.race([exited, timeout]);
    } finally {
      clearTimeout(t);
    }
  };

  const server: ServerProcess = {
    name,
    url,
    child,
    stdout: () => out,
    stderr: () => err,
    exited: () => done,
    async kill(signal) {
      if (!done) child.kill(signal);
      return waitExit(10_000);
    },
    async stop() {
      if (done) return;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    },
  };
  return server;
}

/** The demo logins printed on first start (empty database), or undefined when none were printed. */
export function parseDemo(stdout: string): { accountId: string; users: DemoLogin[] } | undefined {
  const head = /Demo account created\. Account id: (\S+)/.exec(stdout);
  if (!head?.[1]) return undefined;
  const users: DemoLogin[] = [];
  for (const m of stdout.slice(head.index).matchAll(/^\s+(manager|agent)\s+(\S+)\s+(\S+)\s+skills: (.*)$/gm)) {
    users.push({ role: m[1] ?? '', username: m[2] ?? '', password: m[3] ?? '', skills: (m[4] ?? '').trim() });
  }
  return { accountId: head[1], users };
}

// ------------------------------------------------------------------ HTTP

export interface Reply<T = unknown> {
  status: number;
  headers: Headers;
  text: string;
  json: T;
}

export class HttpError extends Error {}

/** fetch against a base URL that may change (a restarted server listens on a new port). */
export class Api {
  constructor(private readonly base: () => string) {}

  async req<T = unknown>(method: string, path: string, opts: { token?: string | undefined; body?: unknown; timeoutMs?: number } = {}): Promise<Reply<T>> {
    const res = await fetch(`${this.base()}${path}`, {
      method,
      headers: {
        ...(opts.token && { authorization: `Bearer ${opts.token}` }),
        ...(opts.body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(opts.body !== undefined && { body: JSON.stringify(opts.body) }),
      signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json: json as T };
  }

  /** A request that must answer with one of `statuses` (default 200/201); returns the JSON body. */
  async ok<T = unknown>(method: string, path: string, opts: { token?: string | undefined; body?: unknown } = {}, statuses = [200, 201]): Promise<T> {
    const r = await this.req<T>(method, path, opts);
    if (!statuses.includes(r.status)) throw new HttpError(`${method} ${path}: expected ${statuses.join('/')}, got ${r.status}: ${r.text}`);
    return r.json;
  }

  async login(accountId: string, username: string, password: string): Promise<string> {
    return (await this.ok<{ token: string }>('POST', '/api/v1/auth/login', { body: { accountId, username, password } }, [200])).token;
  }

  async consumerSession(accountId: string, name: string): Promise<{ consumerToken: string; consumerId: string }> {
    return this.ok('POST', '/api/v1/consumer/session', { body: { accountId, name } }, [201]);
  }
}

/** An account made with the CLI: a manager signed in, a skill, and agents created through the API. */
export async function setUpAgents(
  api: Api,
  accountId: string,
  o: { skill: string; agents: { username: string; maxConcurrent?: number; online?: boolean }[] },
): Promise<{ managerToken: string; skillId: string; agents: { id: string; username: string; token: string }[] }> {
  const managerToken = await api.login(accountId, 'boss', ADMIN_PASSWORD);
  const skill = await api.ok<{ id: string }>('POST', '/api/v1/skills', { token: managerToken, body: { name: o.skill } }, [201]);
  const agents = [];
  for (const a of o.agents) {
    const u = await api.ok<{ id: string }>(
      'POST',
      '/api/v1/users',
      {
        token: managerToken,
        body: {
          username: a.username,
          password: ADMIN_PASSWORD,
          displayName: a.username,
          role: 'agent',
          skills: [skill.id],
          maxConcurrent: a.maxConcurrent ?? 5,
        },
      },
      [201],
    );
    const token = await api.login(accountId, a.username, ADMIN_PASSWORD);
    if (a.online !== false) await api.ok('PUT', '/api/v1/me/status', { token, body: { status: 'online' } }, [200]);
    agents.push({ id: u.id, username: a.username, token });
  }
  return { managerToken, skillId: skill.id, agents };
}

// ------------------------------------------------------------------ realtime

/**
 * A realtime client as an app would write it: the first `hello` sets the baseline seq; every
 * event goes through a SeqTracker (gaps trigger `sync`, duplicates are dropped); after a
 * reconnect it emits `sync { afterSeq: lastSeq }` and so continues where it left off.
 * `events` is the applied list, in order.
 */
export class RealtimeClient {
  readonly events: EventEnvelope[] = [];
  tracker: SeqTracker | undefined;
  socket: Socket | undefined;
  baseline: number | undefined;
  /** `afterSeq` of every sync this client asked for. */
  readonly syncs: number[] = [];
  private listeners = new Set<() => void>();

  constructor(
    private readonly base: () => string,
    readonly ns: '/agent' | '/consumer',
    readonly token: string,
  ) {}

  get seq(): number {
    return this.tracker?.seq ?? -1;
  }

  get connected(): boolean {
    return this.socket?.connected ?? false;
  }

  /** Connects (or reconnects) and resolves once `hello` arrived (and, on a reconnect, `sync` was sent). */
  async connect(timeoutMs = 15_000): Promise<void> {
    this.socket?.close();
    const socket = io(`${this.base()}${this.ns}`, {
      auth: this.ns === '/agent' ? { token: this.token } : { consumerToken: this.token },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    this.socket = socket;
    // Before the first hello there is no baseline yet: hold events. On a reconnect the tracker
    // already knows where it stands, so events go straight to it (a gap asks for a sync).
    const early: EventEnvelope[] = [];
    socket.on('event', (e: EventEnvelope) => {
      if (socket !== this.socket) return; // a stale socket
      if (this.tracker) this.tracker.receive(e);
      else early.push(e);
    });
    const hello = await new Promise<{ seq: number }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no hello on ${this.ns} within ${timeoutMs} ms`)), timeoutMs);
      socket.once('hello', (h: { seq: number }) => {
        clearTimeout(timer);
        resolve(h);
      });
      socket.once('connect_error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
    if (!this.tracker) {
      this.baseline = hello.seq;
      this.tracker = new SeqTracker(
        hello.seq,
        (e) => this.apply(e),
        (afterSeq) => this.requestSync(afterSeq),
      );
    } else {
      this.requestSync(this.tracker.seq);
    }
    for (const e of early) this.tracker.receive(e);
  }

  private requestSync(afterSeq: number): void {
    this.syncs.push(afterSeq);
    this.socket?.emit('sync', { afterSeq });
  }

  private apply(e: EventEnvelope): void {
    this.events.push(e);
    for (const l of [...this.listeners]) l();
  }

  disconnect(): void {
    this.socket?.close();
  }

  /** Resolves once `cond()` holds, checked now and after every applied event. */
  until(cond: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
    if (cond()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!cond()) return;
        clearTimeout(timer);
        this.listeners.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.listeners.delete(check);
        reject(
          new Error(`${this.ns}: timed out waiting for ${what}; applied up to seq ${this.seq}: ${this.events.map((e) => `${e.seq}:${e.type}`).join(', ')}`),
        );
      }, timeoutMs);
      this.listeners.add(check);
    });
  }

  /** The first applied event matching `pred` (waits for it). */
  async event<T = unknown>(pred: (e: EventEnvelope<T>) => boolean, what: string, timeoutMs = 15_000): Promise<EventEnvelope<T>> {
    const find = () => (this.events as EventEnvelope<T>[]).find(pred);
    await this.until(() => find() !== undefined, what, timeoutMs);
    return find() as EventEnvelope<T>;
  }

  close(): void {
    this.listeners.clear();
    this.socket?.close();
  }
}

/** The listener's current last seq, as the server tells a fresh connection in `hello`. */
export async function serverSeq(base: () => string, ns: '/agent' | '/consumer', token: string): Promise<number> {
  const probe = new RealtimeClient(base, ns, token);
  try {
    await probe.connect();
    return probe.seq;
  } finally {
    probe.close();
  }
}
