import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pino from 'pino';
import { buildApp, type ParleyApp, sweepQueued } from './app.js';
import type { Config } from './config.js';
import { createAccount } from './services/accounts.service.js';
import type { Deps } from './services/context.js';
import { createSkill } from './services/skills.service.js';
import { createUser } from './services/users.service.js';
import { openDatabase } from './storage/db.js';
import { countAccounts } from './storage/repos/accounts.repo.js';

export const DEMO_ACCOUNT_ID = 'demo';

/** Starts Parley: database (migrated), app, listen; SIGINT/SIGTERM close gracefully. */
export async function serve(config: Config): Promise<{ parley: ParleyApp; url: string }> {
  const log = pino({ level: config.logLevel });
  const db = await openDatabase({
    url: config.databaseUrl,
    sqlitePath: join(config.dataDir, 'parley.db'),
    sqliteSynchronous: config.sqliteSynchronous,
  });
  const parley = await buildApp({
    db,
    logger: log,
    redisUrl: config.redisUrl,
    bodyLimit: config.bodyLimit,
    loginRateLimitPerMinute: config.loginRateLimitPerMinute,
    filesDir: join(config.dataDir, 'files'),
    maxUploadBytes: config.maxUploadBytes,
    publicUrl: config.publicUrl,
    trustProxy: config.trustProxy,
    consumerSessionRateLimitPerMinute: config.consumerSessionRateLimitPerMinute,
    hsts: config.hsts,
    metricsToken: config.metricsToken,
    outboundAllow: config.outboundAllow,
  });
  const demo = config.demo && db.dialect === 'sqlite' && (await countAccounts(db.kysely)) === 0 ? await seedDemo(parley.deps) : undefined;
  const address = await parley.app.listen({ port: config.port, host: config.host });
  const url = address.replace('://[::1]', '://localhost');
  await sweepQueued(parley.deps);

  const mode =
    db.dialect === 'postgres' ? `cluster (PostgreSQL${config.redisUrl ? ' + Redis' : ''})` : `embedded (SQLite at ${join(config.dataDir, 'parley.db')})`;
  const lines = [`Parley is running at ${url}  — ${mode}`, `API docs: ${url}/docs`];
  if (demo) {
    lines.push('', `Demo account created. Account id: ${demo.accountId}  (these passwords are shown only once)`);
    for (const u of demo.users) lines.push(`  ${u.role.padEnd(8)} ${u.username.padEnd(8)} ${u.password}   skills: ${u.skills}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => process.exit(1), 10_000);
    timer.unref();
    await parley.close().catch((err) => log.error({ err }, 'close failed'));
    await db.close().catch(() => undefined);
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  return { parley, url };
}

const password = () => randomBytes(9).toString('base64url');

/** A demo account: a manager and three agents in two skills. */
export async function seedDemo(deps: Deps) {
  const managerPassword = password();
  const { accountId } = await createAccount(deps, { name: 'Demo brand', adminUsername: 'manager', adminPassword: managerPassword, accountId: DEMO_ACCOUNT_ID });
  const sales = await createSkill(deps, accountId, { name: 'Sales', description: 'Buying, pricing and orders' });
  const support = await createSkill(deps, accountId, { name: 'Support', description: 'Help with products and accounts' });
  const users = [{ role: 'manager', username: 'manager', password: managerPassword, skills: '-' }];
  const agents = [
    { username: 'alice', displayName: 'Alice Martin', skills: [sales, support] },
    { username: 'bob', displayName: 'Bob Chen', skills: [support] },
    { username: 'carol', displayName: 'Carol Diaz', skills: [sales] },
  ];
  for (const a of agents) {
    const pw = password();
    await createUser(deps, accountId, {
      username: a.username,
      password: pw,
      displayName: a.displayName,
      role: 'agent',
      skills: a.skills.map((s) => s.id),
      maxConcurrent: 5,
    });
    users.push({ role: 'agent', username: a.username, password: pw, skills: a.skills.map((s) => s.name).join(', ') });
  }
  return { accountId, users };
}
