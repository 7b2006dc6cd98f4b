/**
 * Cluster-mode environment: a throwaway PostgreSQL database and one Redis that several
 * `parley serve` processes share. The CLI and the nodes themselves are support.ts's
 * cliCreateAccount and startServer: given a ClusterEnv (it carries `redisUrl`), they run in
 * cluster mode. Like support.ts, nothing here imports server code: the tests see Parley only
 * over the wire.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeDatabase, type ProcessTarget } from './support.js';

export interface ClusterEnv extends ProcessTarget {
  /** DATABASE_URL of the fresh database every node and the CLI use. */
  databaseUrl: string;
  redisUrl: string;
  /** A scratch --data directory (unused for rows in cluster mode). */
  dataDir: string;
  destroy(): Promise<void>;
}

/** `CREATE DATABASE parley_cluster_<random>` through `adminUrl`; destroy() drops it (WITH FORCE). */
export async function makeClusterEnv(adminUrl: string, redisUrl: string): Promise<ClusterEnv> {
  const db = await makeDatabase(adminUrl, 'parley_cluster');
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-cluster-'));
  return {
    databaseUrl: db.url,
    redisUrl,
    dataDir,
    async destroy() {
      await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
