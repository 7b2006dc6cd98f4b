import type { Message } from '@parley/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, makeAccount } from '../factories/index.js';
import { dialects, startTestApp, type TestApp } from '../harness.js';
import { connect } from '../socket-client.js';

describe.each(dialects)('predefined content and internal notes on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect);
    await t.listen();
  });
  afterAll(async () => t.stop());

  it('managers write content in categories; agents search title and text but not category names', async () => {
    const acc = await makeAccount(t);
    const ann = await acc.agent('ann');
    const req = http(t);
    const boss = acc.manager.token;
    const cat = (await req('POST', '/api/v1/content/categories', { token: boss, body: { name: 'Shipping' } })).json();
    const a = await req('POST', '/api/v1/content', { token: boss, body: { categoryId: cat.id, title: 'Delivery times', text: 'Orders arrive in 2–3 days.' } });
    expect(a.statusCode).toBe(201);
    await req('POST', '/api/v1/content', { token: boss, body: { title: 'Greeting', text: 'Hello! How can I help?' } });
    expect((await req('POST', '/api/v1/content', { token: ann.token, body: { title: 'x', text: 'y' } })).statusCode).toBe(403);
    expect((await req('POST', '/api/v1/content', { token: boss, body: { categoryId: 'nope', title: 'x', text: 'y' } })).statusCode).toBe(400);
    const titles = async (q: string) =>
      (await req('GET', `/api/v1/content?q=${encodeURIComponent(q)}`, { token: ann.token })).json().items.map((i: { title: string }) => i.title);
    expect(await titles('')).toEqual(['Delivery times', 'Greeting']);
    expect(await titles('days')).toEqual(['Delivery times']);
    expect(await titles('HELLO')).toEqual(['Greeting']);
    expect(await titles('shipping')).toEqual([]);
    // reorder
    await req('PATCH', `/api/v1/content/${a.json().id}`, { token: boss, body: { position: 99 } });
    expect(await titles('')).toEqual(['Greeting', 'Delivery times']);
  });

  it('notes never reach the consumer; @mentions notify the mentioned user live', async () => {
    const acc = await makeAccount(t);
    const ann = await acc.agent('ann', { skills: ['Support'] });
    const ben = await acc.agent('ben', { skills: ['Sales'] });
    const sb = await connect(t.url, '/agent', ben.token);
    const jo = await acc.consumer();
    const sc = await connect(t.url, '/consumer', jo.token);
    const c = await jo.open({ skill: 'Support', text: 'my order is late' });
    const req = http(t);
    const note = await req('POST', `/api/v1/conversations/${c.id}/notes`, {
      token: ann.token,
      body: { text: 'VIP customer, @ben can you check the warehouse?' },
    });
    expect(note.statusCode).toBe(201);
    expect(note.json().mentions).toEqual([ben.id]);
    const ev = await sb.next((e) => e.type === 'notification.created');
    expect(ev.data).toMatchObject({ type: 'mention', data: { conversationId: c.id, by: 'Ann' } });
    const list = (await req('GET', '/api/v1/me/notifications', { token: ben.token })).json();
    expect(list.unread).toBe(1);
    expect((await req('POST', `/api/v1/me/notifications/${list.items[0].id}/read`, { token: ben.token })).statusCode).toBe(204);
    expect((await req('GET', '/api/v1/me/notifications', { token: ben.token })).json().unread).toBe(0);
    expect((await req('POST', `/api/v1/me/notifications/${list.items[0].id}/read`, { token: ann.token })).statusCode).toBe(404);
    // the consumer sees messages only
    const msgs = (await req('GET', `/api/v1/consumer/conversations/${c.id}/messages`, { token: jo.token })).json().items as Message[];
    expect(msgs.map((m) => m.text)).toEqual(['my order is late']);
    expect(sc.events.some((e) => JSON.stringify(e.data).includes('warehouse'))).toBe(false);
    expect((await req('GET', `/api/v1/conversations/${c.id}/notes`, { token: ann.token })).json().items).toHaveLength(1);
    sb.close();
    sc.close();
  });
});
