import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
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
  /**
   * Which proxies' `X-Forwarded-For` to believe (PARLEY_TRUST_PROXY), as Fastify's `trustProxy`:
   * `false` (unset: the client is the TCP peer), a hop count, or the proxies' addresses/CIDRs.
   */
  trustProxy: TrustProxy;
  /** New consumer sessions per client address per minute (PARLEY_RATE_LIMIT_CONSUMER_SESSIONS, default 120). */
  consumerSessionRateLimitPerMinute: number;
  /** Requests per API key per minute, per node (PARLEY_API_KEY_RATE_LIMIT_PER_MINUTE, default 600). */
  apiKeyRatePerMinute: number;
  /** PARLEY_HANDSHAKE_RATE (per second, default 1000) and PARLEY_HANDSHAKE_CONCURRENCY (default 200): Socket.IO handshakes per node before they are shed with a retry hint. */
  handshakeLimits: { ratePerSec: number; maxConcurrent: number; maxLagMs?: number | undefined };
  /** PARLEY_HSTS=on: every response carries `Strict-Transport-Security`. */
  hsts: boolean;
  /** PARLEY_METRICS_TOKEN: `/metrics` wants `Authorization: Bearer <token>`; open when unset. */
  metricsToken: string | undefined;
  /**
   * PARLEY_SECRET_KEY (base64, 32 bytes): the master key of secrets at rest; unset, the key file
   * `secret.key` in the data folder (made once, mode 0600). PARLEY_SECRET_KEY_PREVIOUS: the key
   * before it, accepted while rotating (`parley secrets rotate`).
   */
  secretKey: string | undefined;
  secretKeyPrevious: string | undefined;
}

/** Fastify's `trustProxy` forms that Parley accepts: never `true` (that would believe any client's X-Forwarded-For). */
export type TrustProxy = false | number | string[];

/** How a process opens the database: its URL or SQLite file, and the master key(s) of secrets at rest. */
export function databaseOptions(config: Config) {
  return {
    url: config.databaseUrl,
    sqlitePath: join(config.dataDir, 'parley.db'),
    sqliteSynchronous: config.sqliteSynchronous,
    secrets: { secretKey: config.secretKey, secretKeyPrevious: config.secretKeyPrevious, keyFile: join(config.dataDir, 'secret.key') },
  };
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
    loginRateLimitPerMinute: positiveInt('PARLEY_LOGIN_RATE_LIMIT', env.PARLEY_LOGIN_RATE_LIMIT, 30),
    maxUploadBytes: maxUploadBytes(env.PARLEY_MAX_UPLOAD_BYTES),
    publicUrl: publicUrl(env.PARLEY_PUBLIC_URL),
    demo: !/^(off|0|false|no)$/i.test(env.PARLEY_DEMO ?? ''),
    outboundAllow: outboundAllow(env.PARLEY_OUTBOUND_ALLOW),
    trustProxy: trustProxy(env.PARLEY_TRUST_PROXY),
    consumerSessionRateLimitPerMinute: positiveInt('PARLEY_RATE_LIMIT_CONSUMER_SESSIONS', env.PARLEY_RATE_LIMIT_CONSUMER_SESSIONS, 120),
    apiKeyRatePerMinute: positiveInt('PARLEY_API_KEY_RATE_LIMIT_PER_MINUTE', env.PARLEY_API_KEY_RATE_LIMIT_PER_MINUTE, 600),
    handshakeLimits: {
      ratePerSec: positiveInt('PARLEY_HANDSHAKE_RATE', env.PARLEY_HANDSHAKE_RATE, 1000),
      maxConcurrent: positiveInt('PARLEY_HANDSHAKE_CONCURRENCY', env.PARLEY_HANDSHAKE_CONCURRENCY, 200),
      ...(env.PARLEY_HANDSHAKE_MAX_LAG_MS?.trim() && { maxLagMs: positiveInt('PARLEY_HANDSHAKE_MAX_LAG_MS', env.PARLEY_HANDSHAKE_MAX_LAG_MS, 1) }),
    },
    hsts: onOff('PARLEY_HSTS', env.PARLEY_HSTS),
    metricsToken: metricsToken(env.PARLEY_METRICS_TOKEN),
    secretKey: env.PARLEY_SECRET_KEY?.trim() || undefined,
    secretKeyPrevious: env.PARLEY_SECRET_KEY_PREVIOUS?.trim() || undefined,
  };
}

function positiveInt(name: string, v: string | undefined, fallback: number): number {
  if (v === undefined || v.trim() === '') return fallback;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${name} must be a whole number ≥ 1: ${v}`);
  return n;
}

function onOff(name: string, v: string | undefined): boolean {
  if (v === undefined || /^(|off|0|false|no)$/i.test(v.trim())) return false;
  if (/^(on|1|true|yes)$/i.test(v.trim())) return true;
  throw new Error(`${name} must be on or off: ${v}`);
}

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** A proxy address, a CIDR (`10.0.0.0/8`, `fd00::/8`) or one of proxy-addr's names (`loopback`, `linklocal`, `uniquelocal`). */
function isProxyEntry(entry: string): boolean {
  if (PROXY_NAMES.has(entry)) return true;
  const [addr = '', prefix, ...more] = entry.split('/');
  const family = isIP(addr);
  if (family === 0 || more.length > 0) return false;
  if (prefix === undefined) return true;
  const bits = /^\d{1,3}$/.test(prefix) ? Number(prefix) : -1;
  return bits >= 0 && bits <= (family === 4 ? 32 : 128);
}

function trustProxy(v: string | undefined): TrustProxy {
  const value = v?.trim() ?? '';
  if (value === '') return false;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops > 32) throw new Error(`PARLEY_TRUST_PROXY: ${value} proxy hops is not plausible (at most 32)`);
    return hops === 0 ? false : hops;
  }
  if (/^true$/i.test(value)) {
    throw new Error('PARLEY_TRUST_PROXY=true would believe any client’s X-Forwarded-For; give the number of proxy hops or the proxies’ addresses/CIDRs');
  }
  const entries = value.split(',').map((e) => e.trim());
  const bad = entries.filter((e) => !isProxyEntry(e));
  if (bad.length > 0) {
    throw new Error(
      `PARLEY_TRUST_PROXY must be a number of proxy hops or a comma list of proxy addresses/CIDRs (e.g. 10.0.0.0/8,127.0.0.1); not understood: ${bad.map((e) => JSON.stringify(e)).join(', ')}`,
    );
  }
  return entries;
}

function metricsToken(v: string | undefined): string | undefined {
  if (v === undefined || v === '') return undefined;
  if (v.length < 16 || !/^[\x21-\x7e]+$/.test(v)) {
    throw new Error('PARLEY_METRICS_TOKEN must be at least 16 printable characters without spaces (e.g. `openssl rand -hex 24`)');
  }
  return v;
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
