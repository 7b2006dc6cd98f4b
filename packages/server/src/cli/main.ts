import { parseArgs } from 'node:util';
import { CreateAccountRequest } from '@parley/contract';
import pino from 'pino';
import { loadConfig } from '../config.js';
import { systemClock } from '../domain/clock.js';
import { serve } from '../main.js';
import { createOutboundHttp } from '../outbound/guarded-http.js';
import { createAccount } from '../services/accounts.service.js';
import { createReadCaches } from '../services/caches.js';
import { openDatabase } from '../storage/db.js';
import { runDemo } from './demo.js';

const USAGE = `Usage:
  parley serve [--port 8080] [--host 127.0.0.1] [--data ./data]
  parley account create --name NAME --admin-username U --admin-password P [--data ./data]
  parley demo [--rate 2] [--url http://127.0.0.1:8080] [--account demo] [--duration SECONDS]

Environment: PORT, HOST, PARLEY_DATA, DATABASE_URL (postgres://… = cluster mode), REDIS_URL, LOG_LEVEL,
PARLEY_DEMO=off (no demo account on an empty database); \`demo\` targets PORT when --url is not given.
--admin-password needs at least 8 characters; account names need not be unique (the printed id
identifies the account).`;

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
      const config = loadConfig({ data: values.data });
      const db = await openDatabase({ url: config.databaseUrl, sqlitePath: `${config.dataDir}/parley.db`, sqliteSynchronous: config.sqliteSynchronous });
      try {
        const log = pino({ level: 'silent' });
        const deps = {
          db,
          clock: systemClock,
          log,
          publisher: { publish: () => undefined, disconnect: async () => undefined, refreshRights: async () => undefined },
          kickRouting: () => undefined,
          timersChanged: () => undefined,
          outbound: createOutboundHttp({ allow: config.outboundAllow }),
          caches: createReadCaches(systemClock),
        };
        const r = await createAccount(deps, parsed.data);
        process.stdout.write(`${JSON.stringify(r)}\n`);
      } finally {
        await db.close();
      }
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
