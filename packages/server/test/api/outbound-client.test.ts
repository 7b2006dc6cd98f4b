import type { AddressInfo } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutboundHttp, OutboundError, type OutboundHttp, type Resolver } from '../../src/outbound/guarded-http.js';
import { type StubServer, startStubServer } from '../stub-server.js';

const startStub = (host = '127.0.0.1') => startStubServer(host);
type Stub = StubServer;

const failure = async (p: Promise<unknown>): Promise<OutboundError> => {
  try {
    await p;
  } catch (err) {
    if (err instanceof OutboundError) return err;
    throw err;
  }
  throw new Error('the request succeeded');
};

/** A resolver that answers from a script, one answer per call, and counts the calls. */
function scriptedResolver(answers: Record<string, string[][]>): Resolver & { calls: string[] } {
  const calls: string[] = [];
  const fn = async (hostname: string) => {
    calls.push(hostname);
    const script = answers[hostname];
    if (!script) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    const answer = script.length > 1 ? (script.shift() as string[]) : (script[0] ?? []);
    return answer.map((address) => ({ address, family: address.includes(':') ? (6 as const) : (4 as const) }));
  };
  return Object.assign(fn, { calls });
}

describe('guarded outbound client', () => {
  let stub: Stub;
  /** A second loopback address: refused when only 127.0.0.1 is allowed. */
  let other: Stub;
  const allowOne = () => createOutboundHttp({ allow: ['127.0.0.1'] });

  beforeAll(async () => {
    stub = await startStub();
    other = await startStub('127.0.0.2');
  });
  afterAll(async () => {
    await stub.close();
    await other.close();
  });

  const reset = () => {
    stub.requests.length = 0;
    stub.connections = 0;
    other.requests.length = 0;
    other.connections = 0;
    stub.handle = (_req, res) => res.end('ok');
  };

  it('refuses loopback without an allow list, before connecting; the same text whether anything listens there or not', async () => {
    reset();
    const production = createOutboundHttp();
    const listening = await failure(production.request({ url: `${stub.url}/hook`, method: 'POST', body: 'x' }));
    const closed = await failure(production.request({ url: 'http://127.0.0.1:1/hook', method: 'POST', body: 'x' }));
    expect(listening.kind).toBe('refused');
    expect(closed.kind).toBe('refused');
    expect(listening.message).toBe(closed.message);
    expect(listening.message).not.toContain('127.0.0.1');
    expect(listening.reason).toBe('127.0.0.1 is loopback');
    for (const form of [
      `http://0x7f000001:${stub.port}/`,
      `http://2130706433:${stub.port}/`,
      `http://127.1:${stub.port}/`,
      `http://[::ffff:127.0.0.1]:${stub.port}/`,
    ]) {
      expect((await failure(production.request({ url: form }))).kind, form).toBe('refused');
    }
    expect(stub.connections).toBe(0);
  });

  it('reaches an allowed address and answers status, headers and body', async () => {
    reset();
    stub.handle = (_req, res, body) => {
      res.writeHead(201, { 'content-type': 'application/json', 'x-twice': ['a', 'b'] });
      res.end(JSON.stringify({ echo: body }));
    };
    const res = await allowOne().request({ url: `${stub.url}/p?q=1`, method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'héllo' });
    expect(res.status).toBe(201);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.headers['x-twice']).toBe('a, b');
    expect(JSON.parse(res.body.toString('utf8'))).toEqual({ echo: 'héllo' });
    expect(stub.requests[0]).toMatchObject({ method: 'POST', url: '/p?q=1', body: 'héllo' });
    expect(stub.requests[0]?.headers['content-length']).toBe(String(Buffer.byteLength('héllo')));
  });

  it('answers a redirect as it is unless asked to follow; a followed redirect to a refused address is refused without connecting there', async () => {
    reset();
    stub.handle = (_req, res) => {
      res.writeHead(302, { location: `${other.url}/internal` });
      res.end();
    };
    const client = allowOne();
    const manual = await client.request({ url: `${stub.url}/start` });
    expect(manual.status).toBe(302);
    const followed = await failure(client.request({ url: `${stub.url}/start`, maxRedirects: 5 }));
    expect(followed.kind).toBe('refused');
    expect(followed.reason).toBe('127.0.0.2 is loopback');
    for (const target of ['http://169.254.169.254/latest/meta-data/', 'http://0x7f000002/', 'file:///etc/passwd']) {
      stub.handle = (_req, res) => {
        res.writeHead(307, { location: target });
        res.end();
      };
      expect((await failure(client.request({ url: `${stub.url}/start`, maxRedirects: 5 }))).kind, target).toBe('refused');
    }
    expect(other.connections).toBe(0);
  });

  it('follows allowed redirects, checking each hop: 302 turns a POST into a GET, credentials stay on their origin, the number is bounded', async () => {
    reset();
    const both = createOutboundHttp({ allow: ['127.0.0.1', '127.0.0.2'] });
    stub.handle = (req, res) => {
      if (req.url === '/loop') {
        res.writeHead(301, { location: '/loop' });
        return res.end();
      }
      res.writeHead(302, { location: `${other.url}/landing` });
      res.end();
    };
    other.handle = (_req, res) => res.end('landed');
    const res = await both.request({
      url: `${stub.url}/start`,
      method: 'POST',
      headers: { authorization: 'Bearer secret', 'content-type': 'application/json', 'x-keep': '1' },
      body: '{}',
      maxRedirects: 3,
    });
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('landed');
    expect(res.url).toBe(`${other.url}/landing`);
    expect(other.requests[0]).toMatchObject({ method: 'GET', url: '/landing', body: '' });
    expect(other.requests[0]?.headers.authorization).toBeUndefined();
    expect(other.requests[0]?.headers['content-type']).toBeUndefined();
    expect(other.requests[0]?.headers['x-keep']).toBe('1');
    expect((await failure(both.request({ url: `${stub.url}/loop`, maxRedirects: 3 }))).kind).toBe('redirect');
  });

  it('cuts a response body past the limit, declared or streamed', async () => {
    reset();
    const client = createOutboundHttp({ allow: ['127.0.0.1'], maxBodyBytes: 1000 });
    stub.handle = (_req, res) => res.end('x'.repeat(1001));
    const declared = await failure(client.request({ url: stub.url }));
    expect(declared).toMatchObject({ kind: 'too_large' });
    stub.handle = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' }); // chunked: no content-length
      const chunk = 'y'.repeat(400);
      res.write(chunk);
      res.write(chunk);
      res.write(chunk);
      res.end(chunk);
    };
    expect((await failure(client.request({ url: stub.url }))).kind).toBe('too_large');
    stub.handle = (_req, res) => res.end('z'.repeat(1000));
    expect((await client.request({ url: stub.url })).body.length).toBe(1000);
    expect((await failure(client.request({ url: stub.url, maxBodyBytes: 999 }))).kind).toBe('too_large');
  });

  it('gives up at the deadline: no answer, or a body that trickles', async () => {
    reset();
    const client = allowOne();
    stub.handle = () => undefined; // never answers
    const started = performance.now();
    const silent = await failure(client.request({ url: stub.url, timeoutMs: 150 }));
    expect(silent.kind).toBe('timeout');
    expect(performance.now() - started).toBeLessThan(2000);
    stub.handle = (_req, res) => {
      res.writeHead(200);
      res.write('first bytes'); // then nothing more
    };
    expect((await failure(client.request({ url: stub.url, timeoutMs: 150 }))).kind).toBe('timeout');
  });

  it('resolves a name once and connects to the address it checked (DNS rebinding: a second answer is never used)', async () => {
    reset();
    // If anything looked the name up a second time it would get 127.0.0.2, where nothing listens on this port.
    const resolver = scriptedResolver({ 'provider.test': [['127.0.0.1'], ['127.0.0.2']] });
    const client = createOutboundHttp({ allow: ['127.0.0.1'], resolver });
    const res = await client.request({ url: `http://provider.test:${stub.port}/hook` });
    expect(res.status).toBe(200);
    expect(resolver.calls).toEqual(['provider.test']);
    expect(stub.requests[0]?.headers.host).toBe(`provider.test:${stub.port}`);
    // The next request resolves afresh, gets the refused answer and does not connect.
    expect((await failure(client.request({ url: `http://provider.test:${stub.port}/hook` }))).reason).toBe('provider.test: 127.0.0.2 is loopback');
    expect(other.connections).toBe(0);
  });

  it('refuses a name whose answer mixes a public and a refused address, and a public-then-loopback rebinding at the second request', async () => {
    reset();
    const resolver = scriptedResolver({ 'mixed.test': [['93.184.215.14', '127.0.0.1']], 'rebind.test': [['93.184.215.14'], ['127.0.0.1']] });
    const client = createOutboundHttp({ resolver });
    expect((await failure(client.request({ url: `http://mixed.test:${stub.port}/` }))).kind).toBe('refused');
    expect(await client.checkUrl(`http://rebind.test:${stub.port}/`)).toEqual({ ok: true });
    expect((await failure(client.request({ url: `http://rebind.test:${stub.port}/` }))).kind).toBe('refused');
    expect(stub.connections).toBe(0);
  });

  it('save-time check: a refused literal or a name that resolves to a refused address is refused; a name that does not resolve is accepted', async () => {
    const resolver = scriptedResolver({ 'intranet.test': [['10.1.2.3']], 'public.test': [['93.184.215.14']] });
    const client: OutboundHttp = createOutboundHttp({ resolver, allow: ['allowed.test'] });
    expect(await client.checkUrl('http://0x7f000001/')).toEqual({ ok: false, reason: '127.0.0.1 is loopback' });
    expect(await client.checkUrl('https://intranet.test/hook')).toEqual({ ok: false, reason: '10.1.2.3 is private' });
    expect(await client.checkUrl('https://public.test/hook')).toEqual({ ok: true });
    expect(await client.checkUrl('https://unknown.test/hook')).toEqual({ ok: true });
    expect(await client.checkUrl('https://allowed.test/hook')).toEqual({ ok: true });
    expect(resolver.calls).not.toContain('allowed.test');
    const slow = createOutboundHttp({ resolver: () => new Promise(() => undefined), checkResolveTimeoutMs: 50 });
    expect(await slow.checkUrl('https://slow.test/')).toEqual({ ok: true });
  });

  it('TLS is checked against the host name (SNI is the name, not the pinned address)', async () => {
    const names: string[] = [];
    const tls = createTlsServer({
      SNICallback: (name, cb) => {
        names.push(name);
        cb(new Error('no certificate here'));
      },
    });
    await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
    try {
      const port = (tls.address() as AddressInfo).port;
      const client = createOutboundHttp({ allow: ['127.0.0.1'], resolver: scriptedResolver({ 'crm.test': [['127.0.0.1']] }) });
      expect((await failure(client.request({ url: `https://crm.test:${port}/` }))).kind).toBe('network');
      expect(names).toEqual(['crm.test']);
    } finally {
      await new Promise<void>((resolve) => tls.close(() => resolve()));
    }
  });
});
