import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, makeAccount } from '../factories/index.js';
import { dialects, startTestApp, type TestApp } from '../harness.js';

/** Searches match the query's own %, _ and \ literally (they are LIKE wildcards underneath). */
describe.each(dialects)('text search on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect);
  });
  afterAll(async () => t.stop());

  it('content, the directory and the All tab find "50%", "a_b" and a backslash as written, and only those', async () => {
    const acc = await makeAccount(t);
    const r = http(t);
    const m = acc.manager.token;
    const cat = (await r('POST', '/api/v1/content/categories', { token: m, body: { name: 'Offers' } })).json();
    for (const title of ['50% off', '50 off today', 'C:\\temp path', 'C:temp']) {
      expect((await r('POST', '/api/v1/content', { token: m, body: { categoryId: cat.id, title, text: 'body' } })).statusCode).toBe(201);
    }
    const titles = async (q: string) =>
      ((await r('GET', `/api/v1/content?q=${encodeURIComponent(q)}`, { token: m })).json().items as { title: string }[]).map((i) => i.title).sort();
    expect(await titles('50%')).toEqual(['50% off']);
    expect(await titles('C:\\')).toEqual(['C:\\temp path']);
    expect(await titles('0 o')).toEqual(['50 off today']);

    await acc.agent('ann_lee', { skills: ['Sales'], online: false });
    await acc.agent('annxlee', { skills: ['Sales'], online: false });
    const agents = (await r('GET', `/api/v1/directory?q=${encodeURIComponent('ann_')}`, { token: m })).json().agents as {
      username?: string;
      displayName: string;
    }[];
    expect(agents.map((a) => a.displayName)).toEqual(['Ann_lee']);

    const ann = await acc.agent('ann', { skills: ['Sales'] });
    const jo = await acc.consumer({ name: 'Jo 100%' });
    const al = await acc.consumer({ name: 'Al 1000' });
    await jo.open({ skill: 'Sales', text: 'hello' });
    await al.open({ skill: 'Sales', text: 'hello' });
    await t.routingIdle();
    const all = (await r('GET', `/api/v1/conversations?q=${encodeURIComponent('100%')}`, { token: ann.token })).json().items as {
      consumer: { name: string };
    }[];
    expect(all.map((i) => i.consumer.name)).toEqual(['Jo 100%']);
  });
});
