/**
 * The one HTTP client for every request Parley sends to the outside (channel delivery, the
 * Salesforce sync; webhooks, bots and OIDC later). Per hop it parses the URL (WHATWG), resolves the
 * name once, refuses it when any address is refused by the address policy (address-policy.ts),
 * and connects to exactly the addresses it checked (a custom `lookup` pins them, so a second DNS
 * answer cannot rebind the connection; TLS still verifies the certificate against the name).
 * Redirects are returned as they are unless the caller asks to follow some; then every hop is
 * checked again. The whole request, redirects included, has one deadline and the response body a
 * size cap (the stream is cut past it). Nothing else in the server calls fetch, http or https
 * (test/api/outbound.test.ts and biome.json keep it so).
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { type AddressPolicy, checkResolved, normalHost, type OutboundTarget, parseAllowList, parseOutboundUrl, type Verdict } from './address-policy.js';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Name → every address (dns.lookup with all: true). Injected by tests (DNS rebinding). */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: Resolver = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));

export type OutboundErrorKind = 'refused' | 'timeout' | 'too_large' | 'redirect' | 'network';

/**
 * Why a request failed. `message` is safe to show a manager (a refused address says only that it is
 * refused: nothing about whether it answers); `reason` is for the server log.
 */
export class OutboundError extends Error {
  constructor(
    readonly kind: OutboundErrorKind,
    message: string,
    readonly reason: string = message,
  ) {
    super(message);
    this.name = 'OutboundError';
  }
}

export const REFUSED_MESSAGE = 'outbound address refused: private, loopback, link-local or reserved addresses are not reached (PARLEY_OUTBOUND_ALLOW)';

export interface OutboundRequest {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** The whole request, every redirect included (default: the client's). */
  timeoutMs?: number;
  /** Largest response body; past it the response is cut and the request fails (default: the client's). */
  maxBodyBytes?: number;
  /** Redirects to follow, each checked again; 0 (the default) answers a 3xx as it is. */
  maxRedirects?: number;
}

export interface OutboundResponse {
  status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: Buffer;
  /** The URL that answered (after redirects). */
  url: string;
}

export interface OutboundHttp {
  readonly policy: AddressPolicy;
  /** Send one request; throws OutboundError (a refused address before any connection). */
  request(req: OutboundRequest): Promise<OutboundResponse>;
  /**
   * The save-time check of a URL: a refused literal, or a name that resolves to a refused address,
   * is refused; a name that does not resolve now is accepted (send time checks again).
   */
  checkUrl(url: string): Promise<Verdict>;
}

export interface OutboundOptions {
  /** PARLEY_OUTBOUND_ALLOW: hosts, addresses and CIDRs that may be reached although private. */
  allow?: readonly string[];
  resolver?: Resolver;
  timeoutMs?: number;
  maxBodyBytes?: number;
  /** How long a save-time check waits for DNS before accepting the name (default 2 s). */
  checkResolveTimeoutMs?: number;
}

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Headers that must not follow a redirect to another origin. */
const CREDENTIAL_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];

/** A pinned `lookup`: the connection can only go to the addresses that were checked. */
const pinnedLookup =
  (addresses: ResolvedAddress[]): LookupFunction =>
  (_hostname, options, callback) => {
    const wanted = options.family === 4 || options.family === 6 ? addresses.filter((a) => a.family === options.family) : addresses;
    const list = wanted.length ? wanted : addresses;
    if (options.all) (callback as (err: null, list: ResolvedAddress[]) => void)(null, list);
    else {
      const first = list[0] as ResolvedAddress;
      callback(null, first.address, first.family);
    }
  };

function abortable<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

export function createOutboundHttp(opts: OutboundOptions = {}): OutboundHttp {
  const policy = parseAllowList(opts.allow ?? []);
  const resolver = opts.resolver ?? systemResolver;
  const defaults = { timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, maxBodyBytes: opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES };

  /** Parse, resolve once and check: the addresses to connect to, or a refusal before any connection. */
  async function resolveTarget(url: string, signal: AbortSignal): Promise<{ target: OutboundTarget; addresses: ResolvedAddress[] }> {
    const parsed = parseOutboundUrl(policy, url);
    if (!parsed.ok) throw new OutboundError('refused', REFUSED_MESSAGE, parsed.reason);
    const { target } = parsed;
    if (target.ip) return { target, addresses: [{ address: target.ip, family: target.ip.includes(':') ? 6 : 4 }] };
    let addresses: ResolvedAddress[];
    try {
      addresses = await abortable(resolver(target.host), signal);
    } catch (err) {
      if (signal.aborted) throw signal.reason;
      const code = (err as { code?: string }).code ?? (err as Error).message;
      throw new OutboundError('network', `cannot resolve ${target.host}: ${code}`);
    }
    const verdict = checkResolved(
      policy,
      target.host,
      addresses.map((a) => a.address),
    );
    if (!verdict.ok) throw new OutboundError('refused', REFUSED_MESSAGE, `${target.host}: ${verdict.reason}`);
    return { target, addresses };
  }

  /** One hop: connect to the pinned addresses and answer the status, headers and the unread body stream. */
  function send(
    hop: { target: OutboundTarget; addresses: ResolvedAddress[] },
    method: string,
    headers: Record<string, string>,
    body: Buffer | undefined,
    signal: AbortSignal,
  ): Promise<IncomingMessage> {
    const { target, addresses } = hop;
    const https = target.url.protocol === 'https:';
    const outgoing: OutgoingHttpHeaders = { ...headers };
    if (body && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-length')) outgoing['content-length'] = body.length;
    return new Promise<IncomingMessage>((resolve, reject) => {
      const req = (https ? httpsRequest : httpRequest)(
        {
          protocol: target.url.protocol,
          hostname: target.host,
          port: target.url.port || undefined,
          path: `${target.url.pathname}${target.url.search}`,
          method,
          headers: outgoing,
          // One connection per request: a pooled socket could be one connected to an address of another answer.
          agent: false,
          lookup: pinnedLookup(addresses),
          ...(https && !target.ip && { servername: target.host }),
          signal,
        },
        resolve,
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  function readBody(res: IncomingMessage, maxBytes: number): Promise<Buffer> {
    return new Promise<Buffer>((resolve, reject) => {
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > maxBytes) {
        res.destroy();
        return reject(new OutboundError('too_large', `the response body is larger than ${maxBytes} bytes`));
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) {
          res.destroy();
          reject(new OutboundError('too_large', `the response body is larger than ${maxBytes} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => resolve(Buffer.concat(chunks)));
      res.on('error', reject);
      res.on('close', () => {
        if (!res.complete) reject(new OutboundError('network', 'the connection closed before the response ended'));
      });
    });
  }

  const flatHeaders = (res: IncomingMessage): Record<string, string> =>
    Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]));

  async function request(req: OutboundRequest): Promise<OutboundResponse> {
    const timeoutMs = req.timeoutMs ?? defaults.timeoutMs;
    const maxBodyBytes = req.maxBodyBytes ?? defaults.maxBodyBytes;
    const maxRedirects = req.maxRedirects ?? 0;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new OutboundError('timeout', `no complete answer within ${timeoutMs} ms`)), timeoutMs);
    timer.unref();
    const { signal } = controller;
    let url = req.url;
    let method = (req.method ?? 'GET').toUpperCase();
    let headers = { ...req.headers };
    let body = req.body === undefined ? undefined : Buffer.from(req.body);
    try {
      for (let redirects = 0; ; redirects++) {
        const hop = await resolveTarget(url, signal);
        const res = await send(hop, method, headers, body, signal);
        const location = res.headers.location;
        if (maxRedirects > 0 && REDIRECTS.has(res.statusCode ?? 0) && location) {
          res.destroy();
          if (redirects >= maxRedirects) throw new OutboundError('redirect', `more than ${maxRedirects} redirects`);
          let next: URL;
          try {
            next = new URL(location, url);
          } catch {
            throw new OutboundError('redirect', 'a redirect to an invalid URL');
          }
          const status = res.statusCode ?? 0;
          if (status === 303 ? method !== 'HEAD' : (status === 301 || status === 302) && method === 'POST') {
            method = 'GET';
            body = undefined;
            headers = Object.fromEntries(Object.entries(headers).filter(([k]) => !/^content-(type|length|encoding)$/i.test(k)));
          }
          if (next.origin !== new URL(url).origin) {
            headers = Object.fromEntries(Object.entries(headers).filter(([k]) => !CREDENTIAL_HEADERS.includes(k.toLowerCase())));
          }
          url = next.href;
          continue;
        }
        const data = await readBody(res, maxBodyBytes);
        return { status: res.statusCode ?? 0, headers: flatHeaders(res), body: data, url };
      }
    } catch (err) {
      if (signal.aborted && signal.reason instanceof OutboundError) throw signal.reason;
      if (err instanceof OutboundError) throw err;
      const e = err as Error & { code?: string };
      throw new OutboundError('network', `${e.code ?? e.name}: ${e.message}`.slice(0, 300));
    } finally {
      clearTimeout(timer);
    }
  }

  async function checkUrl(url: string): Promise<Verdict> {
    const parsed = parseOutboundUrl(policy, url);
    if (!parsed.ok) return parsed;
    const { target } = parsed;
    if (target.ip || policy.hosts.has(normalHost(target.host))) return { ok: true };
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error('DNS timeout')), opts.checkResolveTimeoutMs ?? 2_000);
    timer.unref();
    try {
      const addresses = await abortable(resolver(target.host), controller.signal);
      // No address now: accepted; the send-time check decides.
      if (addresses.length === 0) return { ok: true };
      return checkResolved(
        policy,
        target.host,
        addresses.map((a) => a.address),
      );
    } catch {
      return { ok: true };
    } finally {
      clearTimeout(timer);
    }
  }

  return { policy, request, checkUrl };
}

/** The text of a response body (UTF-8). */
export const bodyText = (res: OutboundResponse): string => res.body.toString('utf8');
