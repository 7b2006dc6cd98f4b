import { parseArgs } from 'node:util';
import { CreateAccountRequest } from '@parley/contract';
import { loadConfig } from '../config.js';
import { serve } from '../main.js';
import { createAccount } from '../services/accounts.service.js';
import { runRetentionAll } from '../services/retention.service.js';
import { runDemo } from './demo.js';
import { withCliDeps } from './deps.js';
import { rotateSecrets } from './secrets.js';

const USAGE = `Usage:
  parley serve [--port 8080] [--host 127.0.0.1] [--data ./data]
  parley account create --name NAME --admin-username U --admin-password P [--data ./data]
  parley secrets rotate [--generate] [--data ./data]
  parley demo [--rate 2] [--url http://127.0.0.1:8080] [--account demo] [--duration SECONDS]
  parley retention run [--data ./data] [--now ISO] [--dry-run]
  parley backup --out FILE [--data ./data]
  parley restore --in FILE [--data ./data] [--force]

Environment: PORT, HOST, PARLEY_DATA, DATABASE_URL (postgres://… = cluster mode), REDIS_URL, LOG_LEVEL,
PARLEY_DEMO=off (no demo account on an empty database), PARLEY_SECRET_KEY (base64, 32 bytes: the master key
of secrets at rest; unset, the key file secret.key in the data folder) and PARLEY_SECRET_KEY_PREVIOUS (while
rotating; \`secrets rotate --generate\` makes a new key file and keeps the old one as secret.key.previous); \`demo\` targets PORT when --url is not given.
--admin-password needs at least 8 characters; account names need not be unique (the printed id
identifies the account). \`retention run\` deletes what is past each account's retention at once
(\`--dry-run\` prints what would go); \`backup\` copies the embedded data folder (SQLite database, files,
key file) consistently while the server runs; \`restore\` refuses a non-empty folder without --force.
See docs/operations.md.`;

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${USAGE}\n`);
  process.exit(2);
}

async function main(argv: string[]): Promise<void> {
  const [command, sub, ...rest] = argv;
  switch (command) {
    case 'serve': {
      const { values } = parseArgs({
        args: argv.slice(1),
        options: { port: { type: 'string' }, host: { type: 'string' }, data: { type: 'string' } },
        strict: true,
      });
      await serve(loadConfig(values));
      return;
    }
    case 'account': {
      if (sub !== 'create') fail(`unknown command: account ${sub ?? ''}`);
      const { values } = parseArgs({
        args: rest,
        options: { name: { type: 'string' }, 'admin-username': { type: 'string' }, 'admin-password': { type: 'string' }, data: { type: 'string' } },
        strict: true,
      });
      const parsed = CreateAccountRequest.safeParse({ name: values.name, adminUsername: values['admin-username'], adminPassword: values['admin-password'] });
      if (!parsed.success)
        fail(parsed.error.issues.map((i) => `--${String(i.path[0]).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}: ${i.message}`).join('\n'));
      const r = await withCliDeps(loadConfig({ data: values.data }), (deps) => createAccount(deps, parsed.data));
      process.stdout.write(`${JSON.stringify(r)}\n`);
      return;
    }
    case 'secrets': {
      if (sub !== 'rotate') fail(`unknown command: secrets ${sub ?? ''}`);
      const { values } = parseArgs({ args: rest, options: { generate: { type: 'boolean' }, data: { type: 'string' } }, strict: true });
      await rotateSecrets(loadConfig({ data: values.data }), { generate: values.generate ?? false }, (line) => process.stdout.write(`${line}\n`));
      return;
    }
    case 'retention': {
      if (sub !== 'run') fail(`unknown command: retention ${sub ?? ''}`);
      const { values } = parseArgs({
        args: rest,
        options: { data: { type: 'string' }, now: { type: 'string' }, 'dry-run': { type: 'boolean' } },
        strict: true,
      });
      const now = values.now === undefined ? Date.now() : Date.parse(values.now);
      if (!Number.isFinite(now)) fail('--now must be an ISO 8601 date-time, e.g. 2027-01-31T00:00:00Z');
      const results = await withCliDeps(loadConfig({ data: values.data }), (deps) => runRetentionAll(deps, { now, dryRun: values['dry-run'] === true }), {
        clock: { now: () => now },
      });
      for (const r of results) process.stdout.write(`${JSON.stringify(r)}\n`);
      return;
    }
    case 'backup': {
      const { values } = parseArgs({ args: argv.slice(1), options: { data: { type: 'string' }, out: { type: 'string' } }, strict: true });
      if (!values.out) fail('backup: --out FILE is required');
      const config = loadConfig({ data: values.data });
      if (config.databaseUrl) fail('backup: on PostgreSQL use pg_dump (docs/operations.md); this command copies the embedded SQLite data folder');
      // Loaded for this command only (tar): `parley serve` never needs it.
      const { backupDataDir, recordBackupCreated } = await import('./backup.js');
      const r = await backupDataDir(config.dataDir, values.out);
      // Every account's audit log says a backup of the installation was made (after it: the entry is not in the copy).
      await withCliDeps(config, (deps) => recordBackupCreated(deps, { file: r.out, bytes: r.bytes, lastMigration: r.lastMigration }));
      process.stdout.write(`${JSON.stringify(r)}\n`);
      return;
    }
    case 'restore': {
      const { values } = parseArgs({
        args: argv.slice(1),
        options: { in: { type: 'string' }, data: { type: 'string' }, force: { type: 'boolean' } },
        strict: true,
      });
      if (!values.in) fail('restore: --in FILE is required');
      const config = loadConfig({ data: values.data });
      const { restoreDataDir } = await import('./backup.js');
      const r = await restoreDataDir(values.in, config.dataDir, { force: values.force === true });
      process.stdout.write(`${JSON.stringify(r)}\n`);
      return;
    }
    case 'demo': {
      const { values } = parseArgs({
        args: argv.slice(1),
        options: { rate: { type: 'string' }, url: { type: 'string' }, account: { type: 'string' }, duration: { type: 'string' } },
        strict: true,
      });
      const rate = Number(values.rate ?? 2);
      if (!(rate > 0 && rate <= 1000)) fail('--rate must be between 0 and 1000 messages per second');
      const duration = values.duration === undefined ? undefined : Number(values.duration);
      if (duration !== undefined && !(duration > 0)) fail('--duration must be a positive number of seconds');
      await runDemo({ url: values.url ?? `http://127.0.0.1:${process.env.PORT ?? 8080}`, accountId: values.account ?? 'demo', rate, durationSec: duration });
      return;
    }
    case undefined:
      fail('no command given');
      return;
    case '--help':
    case 'help':
      process.stdout.write(`${USAGE}\n`);
      return;
    default:
      fail(`unknown command: ${command}`);
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`parley: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
