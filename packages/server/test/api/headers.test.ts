import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HSTS_VALUE } from '../../src/http/security-headers.js';
import { http, makeAccount } from '../factories/index.js';
import { dialects, startTestApp, type TestApp } from '../harness.js';
import { expectProblem } from './support.js';

/** `X-Content-Type-Options: nosniff` on every kind of response, PARLEY_HSTS and PARLEY_METRICS_TOKEN. */

const workspaceAssets = join(import.meta.dirname, '../../../workspace/dist/assets');

interface Probe {
  what: string;
  send: () => Promise<LightMyRequestResponse>;
  status: number;
}

/** One request of every kind Parley answers: API JSON, problem JSON of each origin, text, docs, static files, widget, metrics. */
async function probes(t: TestApp): Promise<Probe[]> {
  const acc = await makeAccount(t);
  const req = http(t);
  const m = acc.manager.token;
  const jo = await acc.consumer();
  const conv = await jo.open({ skill: 'Sales', text: 'hello' });
  const get = (url: string, token?: string) => () => req('GET', url, token ? { token } : {});
  const list: Probe[] = [
    { what: 'API JSON', send: get('/api/v1/me', m), status: 200 },
    { what: 'problem: 401', send: get('/api/v1/me'), status: 401 },
    { what: 'problem: 404 route', send: get('/api/v1/nothing-here', m), status: 404 },
    { what: 'problem: 405', send: () => req('DELETE', '/api/v1/auth/login'), status: 405 },
    { what: 'problem: 400 validation', send: () => req('POST', '/api/v1/auth/login', { body: { accountId: 1 } }), status: 400 },
    { what: 'problem: 400 bad JSON', send: () => req('POST', '/api/v1/auth/login', { body: '{nope' }), status: 400 },
    { what: 'problem: bad URL (router)', send: get('/api/v1/conversations/%E0%A4%A'), status: 400 },
    { what: 'transcript.txt', send: get(`/api/v1/conversations/${conv.id}/transcript.txt`, m), status: 200 },
    { what: 'OpenAPI JSON', send: get('/api/v1/openapi.json'), status: 200 },
    { what: '/docs', send: get('/docs'), status: 200 },
    { what: '/docs redirect', send: get('/docs/static/index.html'), status: 302 },
    { what: '/docs asset', send: get('/docs/static/swagger-ui.css'), status: 200 },
    { what: 'workspace page', send: get('/'), status: 200 },
    { what: 'widget loader', send: get('/widget.js'), status: 200 },
    { what: 'widget frame', send: get('/widget/frame.html'), status: 200 },
    { what: 'embed SDK', send: get('/embed.js'), status: 200 },
    { what: 'metrics', send: get('/metrics'), status: 200 },
    { what: 'health', send: get('/healthz'), status: 200 },
  ];
  const assets = await readdir(workspaceAssets).catch(() => [] as string[]);
  const asset = assets.find((f) => f.endsWith('.js'));
  if (asset) list.push({ what: 'static file', send: get(`/assets/${asset}`), status: 200 });
  return list;
}

describe.each(dialects)('response headers on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect);
  });
  afterAll(async () => t.stop());

  it('every response carries X-Content-Type-Options: nosniff, and no HSTS unless asked for', async () => {
    for (const p of await probes(t)) {
      const res = await p.send();
      expect(res.statusCode, `${p.what}: ${res.body.slice(0, 200)}`).toBe(p.status);
      expect(res.headers['x-content-type-options'], p.what).toBe('nosniff');
      expect(res.headers['strict-transport-security'], p.what).toBeUndefined();
    }
  });

  it('a 429 carries nosniff and Retry-After', async () => {
    const limited = await startTestApp(dialect, { consumerSessionRateLimitPerMinute: 1 });
    try {
      const acc = await makeAccount(limited);
      const body = { accountId: acc.accountId, name: 'Visitor' };
      expect((await http(limited)('POST', '/api/v1/consumer/session', { body })).statusCode).toBe(201);
      const res = await http(limited)('POST', '/api/v1/consumer/session', { body });
      expectProblem(res, 429, 'rate_limited');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      await limited.stop();
    }
  });

  it('Socket.IO long-polling answers (which Fastify never sees) carry nosniff too', async () => {
    const url = await t.listen();
    const res = await fetch(`${url}/socket.io/?EIO=4&transport=polling`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    await res.body?.cancel();
  });

  it('PARLEY_HSTS=on: Strict-Transport-Security on every response', async () => {
    const strict = await startTestApp(dialect, { hsts: true });
    try {
      for (const p of await probes(strict)) {
        const res = await p.send();
        expect(res.statusCode, p.what).toBe(p.status);
        expect(res.headers['strict-transport-security'], p.what).toBe('max-age=31536000; includeSubDomains');
        expect(res.headers['x-content-type-options'], p.what).toBe('nosniff');
      }
      expect(HSTS_VALUE).toBe('max-age=31536000; includeSubDomains');
    } finally {
      await strict.stop();
    }
  });
});

describe.each(dialects)('/metrics on %s', (dialect) => {
  const token = 'scrape-me-0123456789abcdef';
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect, { metricsToken: token });
  });
  afterAll(async () => t.stop());

  const scrape = (app: TestApp, authorization?: string) =>
    app.app.inject({ method: 'GET', url: '/metrics', ...(authorization !== undefined && { headers: { authorization } }) });

  it('open when PARLEY_METRICS_TOKEN is unset', async () => {
    const open = await startTestApp(dialect);
    try {
      const res = await scrape(open);
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('parley_http_request_duration_seconds');
    } finally {
      await open.stop();
    }
  });

  it('with a token: the right bearer token scrapes; none, a wrong one, a longer or shorter one or another scheme get 401 problem JSON', async () => {
    const ok = await scrape(t, `Bearer ${token}`);
    expect(ok.statusCode).toBe(200);
    expect(ok.headers['content-type']).toMatch(/^text\/plain/);
    expect(ok.body).toContain('parley_queue_depth');
    expect((await scrape(t, `bearer ${token}`)).statusCode).toBe(200);

    for (const authorization of [
      undefined,
      '',
      'Bearer',
      `Bearer ${token.slice(0, -1)}x`,
      `Bearer ${token}x`,
      `Bearer ${token.slice(0, 5)}`,
      `Basic ${Buffer.from(`metrics:${token}`).toString('base64')}`,
      `Bearer ${token} extra`,
    ]) {
      const res = await scrape(t, authorization);
      const body = expectProblem(res, 401, 'unauthorized');
      expect(body.detail).not.toContain(token);
      expect(res.body).not.toContain('parley_');
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    }
  });
});
