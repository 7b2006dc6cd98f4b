import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import SQLite from 'better-sqlite3';
import { Kysely, type Migration, type MigrationProvider, Migrator, PostgresDialect, SqliteDialect, type Transaction } from 'kysely';
import type pgTypes from 'pg';
import { groupCommitter } from './group-commit.js';
import * as m0001 from './migrations/2026_11_26_0001_create_core.js';
import * as m0002 from './migrations/2026_11_26_0002_create_content_and_notes.js';
import * as m0003 from './migrations/2026_11_26_0003_create_files_and_surveys.js';
import * as m0004 from './migrations/2026_11_26_0004_create_channels.js';
import * as m0005 from './migrations/2026_11_26_0005_create_crm_sync.js';
import * as m0006 from './migrations/2026_11_26_0006_create_report_indexes.js';
import * as m0007 from './migrations/2026_11_26_0007_add_routing_key.js';
import * as m0008 from './migrations/2026_11_26_0008_add_first_response_agent.js';
import * as m0009 from './migrations/2026_12_02_0009_add_login_failure_address.js';
import * as m0010 from './migrations/2026_12_02_0010_extend_conversations_created_index.js';
import * as m0011 from './migrations/2026_12_02_0011_add_closer_and_last_sender.js';
import * as m0012 from './migrations/2026_12_02_0012_create_jobs.js';
import * as m0013 from './migrations/2026_12_03_0013_create_audit_log.js';
import * as m0014 from './migrations/2026_12_03_0014_create_data_keys.js';
import * as m0016 from './migrations/2026_12_03_0016_add_retention_and_erasure.js';
import * as m0019 from './migrations/2026_12_03_0019_create_sso.js';
import * as m0021 from './migrations/2026_12_03_0021_create_closed_hours_replies.js';
import * as m0022 from './migrations/2026_12_03_0022_create_status_reasons_and_agent_states.js';
import * as m0023 from './migrations/2026_12_03_0023_create_dispositions_and_wrap_ups.js';
import * as m0024 from './migrations/2026_12_03_0024_create_labels.js';
import * as m0027 from './migrations/2026_12_03_0027_create_channel_templates.js';
import * as m0028 from './migrations/2026_12_03_0028_create_provider_messages.js';
import * as m0029 from './migrations/2026_12_03_0029_add_message_channel_fields.js';
import * as m0030 from './migrations/2026_12_03_0030_add_content_quick_replies.js';
import * as m0031 from './migrations/2026_12_03_0031_create_api_keys.js';
import * as m0032 from './migrations/2026_12_03_0032_create_webhooks.js';
import * as m0033 from './migrations/2026_12_04_0033_create_bots.js';
import * as m0046 from './migrations/2026_12_04_0046_add_consumer_language.js';
import type { DB } from './schema.js';
import { bindKeyring, createKeyring, type Keyring, type MasterKeys, newMasterKey, prepareSecrets, resolveMasterKeys } from './secrets.js';

export type Dialect = 'sqlite' | 'postgres';
export type Tx = Transaction<DB> | Kysely<DB>;
/** An open transaction (never the bare connection): what `Database.transaction` hands its callback. */
export type DbTransaction = Transaction<DB>;

export interface Database {
  kysely: Kysely<DB>;
  dialect: Dialect;
  /**
   * Runs `fn` in one transaction; on PostgreSQL retried on serialization/deadlock failures; on
   * SQLite possibly sharing its commit with other waiting transactions (each in a savepoint).
   */
  transaction<T>(fn: (tx: Transaction<DB>) => Promise<T>): Promise<T>;
  ping(): Promise<void>;
  close(): Promise<void>;
  /** Secrets at rest (storage/secrets.ts): the keyring bound to `kysely` and to every transaction. */
  secrets: Keyring;
}

/**
 * The master key(s) of secrets at rest: PARLEY_SECRET_KEY (+ _PREVIOUS) as given, else the key
 * file (default: `secret.key` beside the SQLite file). `'ephemeral'`: a random key for this process
 * only (tests on in-memory or throwaway databases; the default for `:memory:`).
 */
export type SecretsOption = 'ephemeral' | { secretKey?: string | undefined; secretKeyPrevious?: string | undefined; keyFile?: string | undefined };

export interface DatabaseOptions {
  /** postgres://… switches to PostgreSQL; otherwise SQLite at `sqlitePath`. */
  url?: string | undefined;
  sqlitePath?: string;
  /** PostgreSQL schema to use (created if missing); tests use one per run. */
  pgSchema?: string | undefined;
  /** SQLite `synchronous` pragma: NORMAL (default) or FULL. */
  sqliteSynchronous?: 'NORMAL' | 'FULL';
  poolSize?: number;
  secrets?: SecretsOption;
}

/**
 * The PostgreSQL driver, loaded the first time a PostgreSQL database is opened: the embedded
 * default (SQLite) never loads it (a few MB of a fresh server's memory).
 */
let pgModule: Promise<typeof pgTypes> | undefined;
function loadPg(): Promise<typeof pgTypes> {
  pgModule ??= import('pg').then((m) => {
    // int8 (epoch-ms timestamps, seqs) come back as JS numbers; they stay far below 2^53.
    m.default.types.setTypeParser(20, (v: string) => Number.parseInt(v, 10));
    return m.default;
  });
  return pgModule;
}

const migrations: Record<string, Migration> = {
  '2026_11_26_0001_create_core': m0001,
  '2026_11_26_0002_create_content_and_notes': m0002,
  '2026_11_26_0003_create_files_and_surveys': m0003,
  '2026_11_26_0004_create_channels': m0004,
  '2026_11_26_0005_create_crm_sync': m0005,
  '2026_11_26_0006_create_report_indexes': m0006,
  '2026_11_26_0007_add_routing_key': m0007,
  '2026_11_26_0008_add_first_response_agent': m0008,
  '2026_12_02_0009_add_login_failure_address': m0009,
  '2026_12_02_0010_extend_conversations_created_index': m0010,
  '2026_12_02_0011_add_closer_and_last_sender': m0011,
  '2026_12_02_0012_create_jobs': m0012,
  '2026_12_03_0013_create_audit_log': m0013,
  '2026_12_03_0014_create_data_keys': m0014,
  '2026_12_03_0016_add_retention_and_erasure': m0016,
  '2026_12_03_0019_create_sso': m0019,
  '2026_12_03_0021_create_closed_hours_replies': m0021,
  '2026_12_03_0022_create_status_reasons_and_agent_states': m0022,
  '2026_12_03_0023_create_dispositions_and_wrap_ups': m0023,
  '2026_12_03_0024_create_labels': m0024,
  '2026_12_03_0027_create_channel_templates': m0027,
  '2026_12_03_0028_create_provider_messages': m0028,
  '2026_12_03_0029_add_message_channel_fields': m0029,
  '2026_12_03_0030_add_content_quick_replies': m0030,
  '2026_12_03_0031_create_api_keys': m0031,
  '2026_12_03_0032_create_webhooks': m0032,
  '2026_12_04_0033_create_bots': m0033,
  '2026_12_04_0046_add_consumer_language': m0046,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  let kysely: Kysely<DB>;
  let dialect: Dialect;
  let migrationTableSchema: string | undefined;
  let checkpointer: Worker | undefined;
  if (opts.url?.startsWith('postgres')) {
    dialect = 'postgres';
    const pg = await loadPg();
    const schema = opts.pgSchema;
    if (schema) {
      if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`bad schema name ${schema}`);
      const admin = new pg.Client({ connectionString: opts.url });
      await admin.connect();
      await admin.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      await admin.end();
      // Kysely looks for its migration tables across schemas unless told which one.
      migrationTableSchema = schema;
    }
    const pool = new pg.Pool({
      connectionString: opts.url,
      max: opts.poolSize ?? 10,
      ...(schema ? { options: `-c search_path=${schema}` } : {}),
    });
    kysely = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  } else {
    dialect = 'sqlite';
    const path = opts.sqlitePath ?? './data/parley.db';
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const sqlite = new SQLite(path);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma(`synchronous = ${opts.sqliteSynchronous ?? 'NORMAL'}`);
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    if (path !== ':memory:') {
      // Checkpoints (copying the WAL back into the database and syncing it) would otherwise run
      // inside whichever commit crosses the threshold, stalling the event loop for tens of ms.
      // A worker thread with its own connection checkpoints every second instead.
      sqlite.pragma('wal_autocheckpoint = 0');
      sqlite.pragma('journal_size_limit = 67108864');
      checkpointer = startCheckpointer(path);
    }
    // Kysely prepares every statement it runs; keep the prepared statements of the (few hundred)
    // distinct queries the app issues so SQLite does not re-parse them on every call.
    const statements = new Map<string, SQLite.Statement>();
    const database = {
      prepare(sql: string) {
        let stmt = statements.get(sql);
        if (!stmt) {
          stmt = sqlite.prepare(sql);
          if (statements.size >= 1000) statements.delete(statements.keys().next().value as string);
          statements.set(sql, stmt);
        }
        return stmt;
      },
      close() {
        sqlite.close();
      },
    };
    kysely = new Kysely<DB>({ dialect: new SqliteDialect({ database }) });
  }

  const migrator = new Migrator({ db: kysely, provider, ...(migrationTableSchema && { migrationTableSchema }) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    await kysely.destroy();
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(`migration ${failed ?? ''} failed: ${String(error)}`);
  }

  // Secrets at rest: check the master key against the stored data keys, encrypt what is in clear.
  let keyring: Keyring;
  try {
    const keys = await masterKeysFor(kysely, dialect, opts);
    keyring = createKeyring(keys);
    bindKeyring(kysely, keyring);
    await prepareSecrets(kysely, keyring, keys, Date.now());
  } catch (err) {
    await checkpointer?.terminate();
    await kysely.destroy();
    throw err;
  }

  // SQLite: concurrent transactions share commits (storage/group-commit.ts).
  const grouped = dialect === 'sqlite' ? groupCommitter(kysely) : undefined;
  return {
    kysely,
    dialect,
    secrets: keyring,
    async transaction(fn) {
      const bound: typeof fn = (tx) => fn(bindKeyring(tx, keyring));
      if (grouped) return grouped(bound);
      for (let attempt = 0; ; attempt++) {
        try {
          return await kysely.transaction().execute(bound);
        } catch (err) {
          const code = (err as { code?: string }).code;
          if (dialect === 'postgres' && (code === '40001' || code === '40P01') && attempt < 5) continue;
          throw err;
        }
      }
    },
    async ping() {
      await kysely.selectFrom('accounts').select('id').limit(1).execute();
    },
    async close() {
      await checkpointer?.terminate();
      await kysely.destroy();
    },
  };
}

async function masterKeysFor(kysely: Kysely<DB>, dialect: Dialect, opts: DatabaseOptions): Promise<MasterKeys> {
  const path = opts.sqlitePath ?? './data/parley.db';
  const given = opts.secrets ?? (dialect === 'sqlite' && path === ':memory:' ? 'ephemeral' : {});
  if (given === 'ephemeral') return { current: newMasterKey() };
  const keyFile = given.keyFile ?? (dialect === 'sqlite' && path !== ':memory:' ? join(dirname(path), 'secret.key') : undefined);
  if (!given.secretKey && !keyFile) throw new Error('PostgreSQL: give the master key of secrets at rest (PARLEY_SECRET_KEY, or a key file)');
  const hasDataKeys = (await kysely.selectFrom('data_keys').select('scope').limit(1).execute()).length > 0;
  return resolveMasterKeys({ secretKey: given.secretKey, secretKeyPrevious: given.secretKeyPrevious, keyFile: keyFile ?? '' }, hasDataKeys);
}

const CHECKPOINTER = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 1000');
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {}
}, workerData.everyMs);
parentPort.on('message', () => { clearInterval(timer); db.close(); process.exit(0); });
`;

function startCheckpointer(path: string): Worker {
  const worker = new Worker(CHECKPOINTER, {
    eval: true,
    workerData: { path, module: createRequire(import.meta.url).resolve('better-sqlite3'), everyMs: 1000 },
  });
  worker.unref();
  return worker;
}

/** Drop a test schema (PostgreSQL). */
export async function dropPgSchema(url: string, schema: string): Promise<void> {
  const pg = await loadPg();
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin.end();
}
