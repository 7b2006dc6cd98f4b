import type { ActiveItem, Message } from '@parley/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, makeAccount } from '../factories/index.js';
import { dialects, startTestApp, type TestApp } from '../harness.js';
import { connect } from '../socket-client.js';

describe.each(dialects)('messaging core on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect);
    await t.listen();
  });
  afterAll(async () => t.stop());

  it('routes a consumer to an online agent; both sides exchange messages live', async () => {
    const acc = await makeAccount(t);
    const alice = await acc.agent('alice', { skills: ['Sales'] });
    const agentSocket = await connect(t.url, '/agent', alice.token);
    const jo = await acc.consumer({ name: 'Jo Buyer', customVariables: { email: 'jo@example.com' } });
    const consumerSocket = await connect(t.url, '/consumer', jo.token);

    const conv = await jo.open({ skill: 'Sales', text: 'Hello, is the red one in stock?' });
    const upserted = await agentSocket.next((e) => e.type === 'conversation.upserted');
    const item = upserted.data as ActiveItem;
    expect(item).toMatchObject({ id: conv.id, state: 'open', status: 'ongoing', awaiting: 'agent', unread: 1, channel: 'web', consumer: { name: 'Jo Buyer' } });
    expect(item.lastMessage?.text).toBe('Hello, is the red one in stock?');

    const sent = await jo.send(conv.id, 'Size M please');
    expect(sent.statusCode).toBe(201);
    const msgEvent = await agentSocket.next((e) => e.type === 'message.created');
    expect((msgEvent.data as Message).text).toBe('Size M please');
    expect((msgEvent.data as Message).seq).toBe(2);

    const req = http(t);
    const reply = await req('POST', `/api/v1/conversations/${conv.id}/messages`, {
      token: alice.token,
      body: { text: 'Yes, we have it!', clientMessageId: 'a-1' },
    });
    expect(reply.statusCode).toBe(201);
    const got = await consumerSocket.next((e) => e.type === 'message.created' && (e.data as Message).senderType === 'agent');
    expect((got.data as Message).text).toBe('Yes, we have it!');
    expect((got.data as Message).seq).toBe(3);

    // the list row turned to awaiting the consumer, unread cleared by the answer
    const active = await req('GET', '/api/v1/workspace/active', { token: alice.token });
    expect(active.json().items[0]).toMatchObject({ id: conv.id, awaiting: 'consumer', unread: 0, slaDueAt: null });

    const transcript = await req('GET', `/api/v1/conversations/${conv.id}/messages`, { token: alice.token });
    expect(transcript.json().items.map((m: Message) => m.text)).toEqual(['Hello, is the red one in stock?', 'Size M please', 'Yes, we have it!']);
    const details = await req('GET', `/api/v1/conversations/${conv.id}`, { token: alice.token });
    expect(details.json()).toMatchObject({
      consumer: { channel: 'web', customVariables: { email: 'jo@example.com' } },
      routing: { outcome: 'assigned', agentId: alice.id },
    });
    agentSocket.close();
    consumerSocket.close();
  });

  it('the same clientMessageId returns the same message with 200 and stores it once', async () => {
    const acc = await makeAccount(t);
    await acc.agent('bob');
    const jo = await acc.consumer();
    const conv = await jo.open({ skill: 'Support' });
    const first = await jo.send(conv.id, 'once', 'dup-1');
    const again = await jo.send(conv.id, 'once', 'dup-1');
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(first.json().id);
    const list = await http(t)('GET', `/api/v1/consumer/conversations/${conv.id}/messages`, { token: jo.token });
    expect(list.json().items).toHaveLength(1);
  });

  it('waits queued when nobody is online, then goes to the agent who comes online', async () => {
    const acc = await makeAccount(t);
    const carol = await acc.agent('carol', { online: false });
    const jo = await acc.consumer();
    const conv = await jo.open({ skill: 'Sales', text: 'anyone?' });
    expect(conv.state).toBe('queued');
    const waiting = await http(t)('GET', `/api/v1/consumer/conversations/${conv.id}`, { token: jo.token });
    expect(waiting.json()).toMatchObject({ state: 'queued', queuePosition: 1 });
    expect(waiting.json().expectedResponseSec).toBeGreaterThan(0);

    const sock = await connect(t.url, '/agent', carol.token);
    await http(t)('PUT', '/api/v1/me/status', { token: carol.token, body: { status: 'online' } });
    const e = await sock.next((x) => x.type === 'conversation.upserted');
    expect((e.data as ActiveItem).id).toBe(conv.id);
    sock.close();
  });

  it('assigns to the least loaded agent and never over capacity', async () => {
    const acc = await makeAccount(t);
    const a = await acc.agent('ann', { maxConcurrent: 2 });
    const b = await acc.agent('ben', { maxConcurrent: 2 });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const c = await acc.consumer();
      ids.push((await c.open({ skill: 'Support', text: `q${i}` })).id);
    }
    await t.routingIdle();
    const req = http(t);
    const la = (await req('GET', '/api/v1/workspace/active', { token: a.token })).json().items.length;
    const lb = (await req('GET', '/api/v1/workspace/active', { token: b.token })).json().items.length;
    expect(la).toBe(2);
    expect(lb).toBe(2);
    const queued = await req('GET', `/api/v1/conversations/${ids[4]}`, { token: acc.manager.token });
    expect(queued.json()).toMatchObject({ state: 'queued', routing: { outcome: 'waiting', rule: 'no_eligible_agent' } });
  });

  it('read clears unread; previous conversations come first with includePrevious; transcript.txt', async () => {
    const acc = await makeAccount(t);
    const agent = await acc.agent('dana');
    const jo = await acc.consumer({ name: 'Jo Repeat' });
    const first = await jo.open({ skill: 'Support', text: 'first time' });
    const req = http(t);
    expect((await req('POST', `/api/v1/conversations/${first.id}/close`, { token: agent.token })).statusCode).toBe(200);
    const second = await jo.open({ skill: 'Support', text: 'back again' });
    expect(second.id).not.toBe(first.id);
    await t.routingIdle();
    const withPrev = await req('GET', `/api/v1/conversations/${second.id}/messages?includePrevious=true`, { token: agent.token });
    expect(withPrev.json().items.map((m: Message) => [m.conversationId, m.text])).toEqual([
      [first.id, 'first time'],
      [second.id, 'back again'],
    ]);
    const row = (await req('GET', '/api/v1/workspace/active', { token: agent.token })).json().items.find((i: ActiveItem) => i.id === second.id);
    expect(row.unread).toBe(1);
    expect((await req('POST', `/api/v1/conversations/${second.id}/read`, { token: agent.token })).statusCode).toBe(204);
    const after = (await req('GET', '/api/v1/workspace/active', { token: agent.token })).json().items.find((i: ActiveItem) => i.id === second.id);
    expect(after.unread).toBe(0);
    const txt = await req('GET', `/api/v1/conversations/${second.id}/transcript.txt`, { token: agent.token });
    expect(txt.headers['content-type']).toContain('text/plain');
    expect(txt.body).toContain('Jo Repeat: back again');
    expect(txt.body).toMatch(/^Conversation with Jo Repeat \(Web\), started \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC\n/);
    // In the agent's own date format, clock and time zone once set.
    const prefs = { dateFormat: 'DD/MM/YYYY', timeFormat: '12h', timeZone: 'Asia/Kolkata' };
    expect((await req('PATCH', '/api/v1/me/settings', { token: agent.token, body: prefs })).statusCode).toBe(200);
    const mine = (await req('GET', `/api/v1/conversations/${second.id}/transcript.txt`, { token: agent.token })).body;
    const line = mine.split('\n').find((l) => l.endsWith('Jo Repeat: back again')) ?? '';
    const at = new Date((await req('GET', `/api/v1/conversations/${second.id}/messages`, { token: agent.token })).json().items.at(-1).createdAt);
    const ist = new Date(at.getTime() + 5.5 * 3600_000); // Kolkata is UTC+5:30, no daylight saving
    const h = ist.getUTCHours();
    const two = (n: number) => String(n).padStart(2, '0');
    expect(line).toBe(
      `[${two(ist.getUTCDate())}/${two(ist.getUTCMonth() + 1)}/${ist.getUTCFullYear()} ${h % 12 || 12}:${two(ist.getUTCMinutes())} ${h < 12 ? 'AM' : 'PM'}] Jo Repeat: back again`,
    );
  });
});
