/**
 * Cluster-mode process helpers: a throwaway PostgreSQL database, the CLI and several
 * `parley serve` processes sharing it and one Redis (support.ts starts single servers with
 * REDIS_URL cleared, so cluster nodes get their own spawner here). Like support.ts, nothing here
 * imports server code: the tests see Parley only over the wire.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { ADMIN_PASSWORD, BIN } from './support.js';

const BUILT = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

export interface ClusterEnv {
  /** DATABASE_URL of the fresh database every node and the CLI use. */
  databaseUrl: string;
  redisUrl: string;
  /** A scratch --data directory (unused for rows in cluster mode). */
  dataDir: string;
  destroy(): Promise<void>;
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

/** `CREATE DATABASE parley_cluster_<random>` through `adminUrl`; destroy() drops it (WITH FORCE). */
export async function makeClusterEnv(adminUrl: string, redisUrl: string): Promise<ClusterEnv> {
  const name = `parley_cluster_${randomBytes(6).toString('hex')}`;
  await pgAdmin(adminUrl, `CREATE DATABASE ${name}`);
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-cluster-'));
  return {
    databaseUrl: u.toString(),
    redisUrl,
    dataDir,
    async destroy() {
      await pgAdmin(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function nodeEnv(env: ClusterEnv): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DATABASE_URL: env.databaseUrl,
    REDIS_URL: env.redisUrl,
    LOG_LEVEL: 'warn',
    PARLEY_LOGIN_RATE_LIMIT: '10000',
  };
}

function assertBuilt(): void {
  if (!existsSync(BUILT)) throw new Error(`${BUILT} is missing: build first (npx tsc -b packages/server)`);
}

/** `parley account create` against the cluster database; the admin password is support.ts's ADMIN_PASSWORD. */
export async function clusterCreateAccount(env: ClusterEnv, name: string, adminUsername = 'boss'): Promise<{ accountId: string; userId: string }> {
  assertBuilt();
  const args = [BIN, 'account', 'create', '--name', name, '--admin-username', adminUsername, '--admin-password', ADMIN_PASSWORD, '--data', env.dataDir];
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(process.execPath, args, { env: nodeEnv(env), timeout: 30_000 }, (err, out, errOut) => {
      if (err) reject(new Error(`account create failed: ${err.message}\n${errOut}`));
      else resolve(out);
    });
  });
  const parsed = JSON.parse(stdout.trim()) as { accountId: string; userId: string };
  if (typeof parsed.accountId !== 'string' || typeof parsed.userId !== 'string') throw new Error(`unexpected output: ${stdout}`);
  return parsed;
}

export interface ClusterNode {
  name: string;
  url: string;
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** True once the process has exited. */
  exited(): boolean;
  /** Send a signal and wait (bounded) for the process to end. */
  kill(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then SIGKILL after a grace period; safe to call twice. */
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
// Last resort if a worker dies without running afterAll: never leave nodes behind.
process.once('exit', () => {
  for (const c of running) c.kill('SIGKILL');
});

/** Starts `parley serve --port 0` in cluster mode and resolves once it printed "Parley is running at <url>". */
export async function startNode(env: ClusterEnv, name: string): Promise<ClusterNode> {
  assertBuilt();
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--host', '127.0.0.1', '--data', env.dataDir], {
    env: nodeEnv(env),
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

  return {
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
}
