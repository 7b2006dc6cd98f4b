import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNT_ID, seedDemo } from '../../src/services/demo-account.service.js';
import { http, login } from '../factories/index.js';
import { dialects, startTestApp, type TestApp } from '../harness.js';

/** The demo account `npm start` makes on an empty database: a newcomer finds the product set up and working. */
describe.each(dialects)('the demo account on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect);
  });
  afterAll(async () => t.stop());

  it('has agents in two skills, predefined content in categories, the survey on (CSAT and a text question) and a webhook channel that sends nowhere', async () => {
    const demo = await seedDemo(t.deps);
    expect(demo.accountId).toBe(DEMO_ACCOUNT_ID);
    const req = http(t);
    const password = (u: string) => demo.users.find((x) => x.username === u)?.password ?? '';
    const boss = await login(t, demo.accountId, 'manager', password('manager'));
    const alice = await login(t, demo.accountId, 'alice', password('alice'));

    // ---- predefined content: every item in a category, at least two categories of two or more
    const categories: { id: string; name: string }[] = (await req('GET', '/api/v1/content/categories', { token: boss })).json().items;
    const content: { categoryId: string | null; title: string; text: string }[] = (await req('GET', '/api/v1/content', { token: alice })).json().items;
    expect(categories.length).toBeGreaterThanOrEqual(2);
    for (const c of categories) expect(content.filter((i) => i.categoryId === c.id).length, c.name).toBeGreaterThanOrEqual(2);
    expect(content.every((i) => categories.some((c) => c.id === i.categoryId))).toBe(true);

    // ---- the survey is on: CSAT and one text question
    const settings = (await req('GET', '/api/v1/account/settings', { token: boss })).json();
    expect(settings.survey.enabled).toBe(true);
    expect(settings.survey.questions.map((q: { type: string }) => q.type)).toEqual(['csat', 'text']);

    // ---- one signed webhook channel, in a skill, with no outbound URL (no request leaves the server)
    const channels = (await req('GET', '/api/v1/channels', { token: boss })).json().items;
    const skills: { id: string; name: string }[] = (await req('GET', '/api/v1/skills', { token: boss })).json().items;
    expect(channels).toHaveLength(1);
    expect(channels[0]).toMatchObject({ type: 'webhook', name: demo.webhook.name, outboundUrl: null, providerBaseUrl: null });
    expect(skills.find((s) => s.id === channels[0].skillId)?.name).toBe('Support');
    expect(demo.webhook.inboundPath).toBe(`/api/v1/channels/${channels[0].id}/inbound`);

    // ---- and it works: a message signed with the printed secret opens a Support conversation
    const body = JSON.stringify({ from: 'visitor-42', name: 'Web Visitor', text: 'Hello from the website', eventId: randomUUID() });
    const signature = `sha256=${createHmac('sha256', demo.webhook.secret).update(body).digest('hex')}`;
    const inbound = await t.app.inject({
      method: 'POST',
      url: demo.webhook.inboundPath,
      headers: { 'content-type': 'application/json', 'x-parley-signature': signature },
      payload: body,
    });
    expect(inbound.statusCode, inbound.body).toBeLessThan(300);
    const supportId = skills.find((s) => s.name === 'Support')?.id;
    const all = (await req('GET', '/api/v1/conversations', { token: boss })).json().items;
    expect(all.map((c: { skillId: string; consumer: { name: string } }) => [c.skillId, c.consumer.name])).toEqual([[supportId, 'Web Visitor']]);

    // ---- a web consumer whom Alice served gets the survey's two questions when they end the chat
    expect((await req('PUT', '/api/v1/me/status', { token: alice, body: { status: 'online' } })).statusCode).toBe(200);
    const session = (await req('POST', '/api/v1/consumer/session', { body: { accountId: demo.accountId, name: 'Jo' } })).json();
    const conv = (await req('POST', '/api/v1/consumer/conversations', { token: session.consumerToken, body: { skillId: supportId, text: 'Hi' } })).json();
    await t.routingIdle();
    expect((await req('POST', `/api/v1/consumer/conversations/${conv.id}/close`, { token: session.consumerToken })).statusCode).toBe(200);
    const survey = (await req('GET', `/api/v1/consumer/conversations/${conv.id}/survey`, { token: session.consumerToken })).json();
    expect(survey.questions.map((q: { id: string; type: string }) => q.type)).toEqual(['csat', 'text']);
  });
});
