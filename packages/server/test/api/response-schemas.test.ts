import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../harness.js';

/**
 * The contract is the one source of the API's types (issue 13): every JSON answer of /api/v1 is
 * declared, so the typed client of packages/contract and the OpenAPI document say the same thing.
 * Not JSON, and so without a schema: text and CSV exports (`.txt`, `.csv`), file downloads,
 * the channels' inbound webhooks (which answer each provider in its own format), and the SSO
 * callback (a browser navigation answered with a page).
 */
const NOT_JSON = [
  'GET /api/v1/files/{id}',
  'GET /api/v1/consumer/files/{id}',
  'GET /api/v1/channels/{id}/inbound',
  'POST /api/v1/channels/{id}/inbound',
  'GET /api/v1/auth/oidc/callback',
];

describe('response schemas', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('sqlite');
  });
  afterAll(async () => t.stop());

  it('every /api/v1 operation declares the schema of its success answer', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    const doc = res.json() as { paths: Record<string, Record<string, { responses?: Record<string, { content?: unknown }> }>> };
    const missing: string[] = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
        const key = `${method.toUpperCase()} ${path}`;
        if (NOT_JSON.includes(key) || /\.(txt|csv)$/.test(path)) continue;
        // 204 has no body; a redirect (3xx, e.g. the SSO start and callback) none worth a schema.
        const ok = Object.entries(op.responses ?? {}).some(([code, r]) => (/^2/.test(code) && (code === '204' || r.content !== undefined)) || /^3/.test(code));
        if (!ok) missing.push(key);
      }
    }
    expect(missing).toEqual([]);
  });
});
