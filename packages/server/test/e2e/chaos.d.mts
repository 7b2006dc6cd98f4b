export interface ChaosOptions {
  /** A PostgreSQL URL whose role may CREATE DATABASE (a fresh one is made and dropped). */
  adminUrl: string;
  redisUrl: string;
  /** SIGKILLs of a random node behind nginx, each followed by a restart on the same port. */
  kills: number;
  consumers: number;
  agents: number;
  /** Load between kills: a random pause in [minGapMs, maxGapMs]. */
  minGapMs: number;
  maxGapMs: number;
  /** Pause between a consumer's acknowledged write and its next (×0.5–1.5). */
  thinkMs?: number;
  log?: (line: string) => void;
}

export interface ChaosView {
  username: string;
  events: number;
  referenceEvents: number;
  serverSeq: number | undefined;
  liveSeq: number;
  referenceSeq: number;
  /** The agent's view (through nginx, across reconnects) is its never-disconnected reference's. */
  equal: boolean;
  firstDifference?: { live: string | undefined; reference: string | undefined };
  gapless: boolean;
  reconnects: number;
  syncs: number;
  referenceDisconnects: number;
  duplicateDeliveries: number;
}

export interface ChaosResult {
  kills: { node: string; restartMs: number; ackedWhileDown: number }[];
  consumers: number;
  agents: number;
  loadSec: number;
  acked: number;
  /** The longest stretch of the load with no write acknowledged anywhere. */
  maxAckGapMs: number;
  attempts: number;
  failedAttempts: number;
  /** 200 answers: an earlier attempt had been stored but its answer was lost. */
  repeats: number;
  stored: number;
  lost: number;
  duplicated: number;
  outOfOrder: number;
  unacknowledgedStored: number;
  /** Acknowledged messages no agent's view has as message.created. */
  undelivered: number;
  views: ChaosView[];
  timeline: string[];
}

export function pgAdmin(url: string, sql: string): Promise<void>;
export function runChaos(o: ChaosOptions): Promise<ChaosResult>;
