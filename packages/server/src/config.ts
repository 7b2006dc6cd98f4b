import { resolve } from 'node:path';
import { parseAllowList } from './outbound/address-policy.js';

/** The only reader of process.env. Flags (from the CLI) win over environment variables. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  sqliteSynchronous: 'NORMAL' | 'FULL';
  logLevel: string;
  /** Max JSON body size in bytes. */
  bodyLimit: number;
  /** Requests per minute per IP on login. */
  loginRateLimitPerMinute: number;
  /** Largest file upload in bytes (PARLEY_MAX_UPLOAD_BYTES, default 25 MB); bigger → 413. */
  maxUploadBytes: number;
  /** The public base URL (PARLEY_PUBLIC_URL) providers call for channel webhooks; Twilio signs it. */
  publicUrl: string | undefined;
  /** Create the demo account on an empty SQLite database (PARLEY_DEMO, default on; `off` skips it). */
  demo: boolean;
  /** PARLEY_OUTBOUND_ALLOW: hosts, addresses and CIDRs outbound requests may reach although private or loopback (empty: none). */
  outboundAllow: string[];
}

export interface ConfigFlags {
  port?: string | undefined;
  host?: string | undefined;
  data?: string | undefined;
}

export function loadConfig(flags: ConfigFlags = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(flags.port ?? env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid port ${flags.port ?? env.PORT}`);
  const sync = (env.PARLEY_SQLITE_SYNCHRONOUS ?? 'NORMAL').toUpperCase();
  if (sync !== 'NORMAL' && sync !== 'FULL') throw new Error('PARLEY_SQLITE_SYNCHRONOUS must be NORMAL or FULL');
  return {
    port,
    host: flags.host ?? env.HOST ?? '127.0.0.1',
    dataDir: resolve(flags.data ?? env.PARLEY_DATA ?? './data'),
    databaseUrl: env.DATABASE_URL || undefined,
    redisUrl: env.REDIS_URL || undefined,
    sqliteSynchronous: sync,
    logLevel: env.LOG_LEVEL ?? 'info',
    bodyLimit: Number(env.PARLEY_BODY_LIMIT ?? 1_048_576),
    loginRateLimitPerMinute: Number(env.PARLEY_LOGIN_RATE_LIMIT ?? 30),
    maxUploadBytes: maxUploadBytes(env.PARLEY_MAX_UPLOAD_BYTES),
    publicUrl: publicUrl(env.PARLEY_PUBLIC_URL),
    demo: !/^(off|0|false|no)$/i.test(env.PARLEY_DEMO ?? ''),
    outboundAllow: outboundAllow(env.PARLEY_OUTBOUND_ALLOW),
  };
}

/** A comma list, each entry checked by the address policy's parser (so a typo stops the start, not a delivery). */
function outboundAllow(v: string | undefined): string[] {
  const entries = (v ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  try {
    parseAllowList(entries);
  } catch (err) {
    throw new Error(`PARLEY_OUTBOUND_ALLOW: ${(err as Error).message} (give host names, IP addresses or CIDRs, comma separated)`);
  }
  return entries;
}

function publicUrl(v: string | undefined): string | undefined {
  if (!v) return undefined;
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw new Error(`PARLEY_PUBLIC_URL is not a URL: ${v}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('PARLEY_PUBLIC_URL must be an http(s) URL');
  return v.replace(/\/+$/, '');
}

function maxUploadBytes(v: string | undefined): number {
  if (v === undefined || v === '') return 25 * 1024 * 1024;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`PARLEY_MAX_UPLOAD_BYTES must be a whole number of bytes ≥ 1: ${v}`);
  return n;
}
