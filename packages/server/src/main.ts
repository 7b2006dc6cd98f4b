import { join } from 'node:path';
import pino from 'pino';
import { buildApp, type ParleyApp, sweepQueued } from './app.js';
import { type Config, databaseOptions } from './config.js';
import { currentFileLimit, LOW_FILE_LIMIT } from './fd-limit.js';
import { settleHeap } from './heap.js';
import { seedDemo } from './services/demo-account.service.js';
import { ensureRetentionTimers } from './services/retention.service.js';
import { openDatabase } from './storage/db.js';
import { countAccounts } from './storage/repos/accounts.repo.js';

/** Starts Parley: database (migrated), app, listen; SIGINT/SIGTERM close gracefully. */
export async function serve(config: Config): Promise<{ parley: ParleyApp; url: string }> {
  const log = pino({ level: config.logLevel });
  // Each socket is a file descriptor (Node has already taken the soft limit up to the hard one).
  const files = currentFileLimit();
  if (files && files.soft < LOW_FILE_LIMIT)
    log.warn({ fileLimit: files }, `open-files limit below ${LOW_FILE_LIMIT}: each socket takes one; raise LimitNOFILE (docs/scaling.md)`);
  // Refuses (SecretKeyError) a wrong or missing master key when the database holds encrypted secrets.
  const db = await openDatabase(databaseOptions(config));
  const parley = await buildApp({
    db,
    logger: log,
    redisUrl: config.redisUrl,
    handshakeLimits: config.handshakeLimits,
    bodyLimit: config.bodyLimit,
    loginRateLimitPerMinute: config.loginRateLimitPerMinute,
    filesDir: join(config.dataDir, 'files'),
    maxUploadBytes: config.maxUploadBytes,
    publicUrl: config.publicUrl,
    trustProxy: config.trustProxy,
    consumerSessionRateLimitPerMinute: config.consumerSessionRateLimitPerMinute,
    apiKeyRatePerMinute: config.apiKeyRatePerMinute,
    hsts: config.hsts,
    metricsToken: config.metricsToken,
    outboundAllow: config.outboundAllow,
  });
  const demo = config.demo && db.dialect === 'sqlite' && (await countAccounts(db.kysely)) === 0 ? await seedDemo(parley.deps) : undefined;
  const address = await parley.app.listen({ port: config.port, host: config.host });
  const url = address.replace('://[::1]', '://localhost');
  await sweepQueued(parley.deps);
  await ensureRetentionTimers(parley.deps);
  setTimeout(settleHeap, 5_000).unref();

  const mode =
    db.dialect === 'postgres' ? `cluster (PostgreSQL${config.redisUrl ? ' + Redis' : ''})` : `embedded (SQLite at ${join(config.dataDir, 'parley.db')})`;
  const lines = [`Parley is running at ${url}  — ${mode}`, `API docs: ${url}/docs`];
  if (demo) {
    lines.push('', `Demo account created. Account id: ${demo.accountId}  (these passwords are shown only once)`);
    for (const u of demo.users) lines.push(`  ${u.role.padEnd(8)} ${u.username.padEnd(8)} ${u.password}   skills: ${u.skills}`);
    lines.push(
      '  It has predefined content in five categories, the survey on (CSAT and a question) and a signed webhook channel,',
      `  "${demo.webhook.name}": POST ${config.publicUrl ?? url}${demo.webhook.inboundPath}  secret ${demo.webhook.secret}`,
      '  (X-Parley-Signature: sha256=<HMAC-SHA256 of the body>; docs/channels.md). Simulated consumers: npx parley demo',
    );
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
