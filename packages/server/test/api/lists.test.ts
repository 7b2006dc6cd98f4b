import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AccountHandle, type AgentHandle, type ConsumerHandle, http, makeAccount } from '../factories/index.js';
import { dialects, startTestApp, type TestApp } from '../harness.js';

/** API.md: "the response has `items` and `nextCursor` (null at the end)" — for every list, paginated or not. */
describe.each(dialects)('lists on %s', (dialect) => {
  let t: TestApp;
  let acc: AccountHandle;
  let alice: AgentHandle;
  let jo: ConsumerHandle;
  let conv: string;

  beforeAll(async () => {
    t = await startTestApp(dialect);
    acc = await makeAccount(t);
    alice = await acc.agent('alice');
    jo = await acc.consumer({ name: 'Jo' });
    conv = (await jo.open({ skill: 'Sales', text: 'hello' })).id;
  });
  afterAll(async () => t.stop());

  it('every list answers items and nextCursor: null when there is no further page', async () => {
    const req = http(t);
    const m = acc.manager.token;
    const lists: [string, string][] = [
      ['/api/v1/skills', m],
      ['/api/v1/users', m],
      ['/api/v1/channels', m],
      ['/api/v1/content', alice.token],
      ['/api/v1/content/categories', alice.token],
      ['/api/v1/workspace/active', alice.token],
      ['/api/v1/conversations', alice.token],
      [`/api/v1/conversations/${conv}/messages`, alice.token],
      [`/api/v1/conversations/${conv}/notes`, alice.token],
      ['/api/v1/me/notifications', alice.token],
      [`/api/v1/consumer/skills?accountId=${acc.accountId}`, ''],
      [`/api/v1/consumer/conversations/${conv}/messages`, jo.token],
    ];
    for (const [url, token] of lists) {
      const res = await req('GET', url, token ? { token } : {});
      expect(res.statusCode, `${url} ${res.body.slice(0, 200)}`).toBe(200);
      const body = res.json();
      expect(Array.isArray(body.items), url).toBe(true);
      expect(body, url).toHaveProperty('nextCursor', null);
    }
  });

  it('the OpenAPI document declares nextCursor, required, beside every items list', async () => {
    type Schema = { properties?: Record<string, Schema>; required?: string[]; type?: string | string[] };
    type Op = { responses?: Record<string, { content?: Record<string, { schema?: Schema }> }> };
    const doc = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json() as { paths: Record<string, Record<string, Op>> };
    const lists: string[] = [];
    const missing: string[] = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const schema = op.responses?.['200']?.content?.['application/json']?.schema;
        if (schema?.properties?.items?.type !== 'array') continue;
        lists.push(`${method} ${path}`);
        if (!schema.properties.nextCursor || !schema.required?.includes('nextCursor')) missing.push(`${method} ${path}`);
      }
    }
    expect(lists.length).toBeGreaterThanOrEqual(12);
    expect(missing).toEqual([]);
  });
});
