import type { ActiveItem } from '@parley/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, makeAccount } from '../factories/index.js';
import { dialects, startTestApp, type TestApp } from '../harness.js';
import { connect } from '../socket-client.js';

/**
 * Issue 12: what the agent's rows carry — who wrote the last message, who closed the conversation,
 * whether it is urgent — and the events the workspace needs (a transfer given straight back, a
 * survey answer after the close).
 */
describe.each(dialects)('the agent view of a conversation on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect);
    await t.listen();
  });
  afterAll(async () => t.stop());

  const ok = async <T>(r: Promise<{ statusCode: number; body: string; json(): unknown }>, status = 200): Promise<T> => {
    const res = await r;
    expect(res.statusCode, res.body).toBe(status);
    return res.json() as T;
  };
  const rowOf = async (token: string, id: string) =>
    (await ok<{ items: ActiveItem[] }>(http(t)('GET', '/api/v1/workspace/active', { token }))).items.find((i) => i.id === id);

  it('a transfer to the skill of its only agent online: removed, then upserted in seq order, with its unread count', async () => {
    const acc = await makeAccount(t);
    const bob = await acc.agent('bob', { skills: ['Support'] });
    await acc.agent('alice', { skills: ['Support'], online: false });
    const socket = await connect(t.url, '/agent', bob.token);
    const jo = await acc.consumer({ name: 'Tess Return' });
    const conv = await jo.open({ skill: 'Support', text: 'My parcel never came' });
    await socket.next((e) => e.type === 'conversation.upserted' && (e.data as ActiveItem).id === conv.id);
    await ok(http(t)('POST', `/api/v1/conversations/${conv.id}/transfer`, { token: bob.token, body: { skillId: acc.skills.Support } }));
    await t.routingIdle();
    const removed = await socket.next((e) => e.type === 'conversation.removed');
    const back = await socket.next((e) => e.type === 'conversation.upserted' && (e.data as ActiveItem).id === conv.id);
    expect(back.seq).toBeGreaterThan(removed.seq);
    expect(back.data).toMatchObject({ id: conv.id, state: 'open', agentId: bob.id, unread: 1 });
    expect(await rowOf(bob.token, conv.id)).toMatchObject({ state: 'open', unread: 1 });
    socket.close();
  });

  it("names the last message's author: the previous agent after a transfer, not the one who has it now", async () => {
    const acc = await makeAccount(t);
    const bob = await acc.agent('bob', { skills: ['Support'] });
    const jo = await acc.consumer({ name: 'Pia Handover' });
    const conv = await jo.open({ skill: 'Support', text: 'Where is my invoice?' });
    expect((await rowOf(bob.token, conv.id))?.lastMessage).toMatchObject({ senderType: 'consumer', senderId: jo.consumerId });
    expect((await rowOf(bob.token, conv.id))?.lastMessage).not.toHaveProperty('senderName');
    await ok(http(t)('POST', `/api/v1/conversations/${conv.id}/messages`, { token: bob.token, body: { text: 'Bob here.', clientMessageId: 'b1' } }), 201);
    const alice = await acc.agent('alice', { skills: ['Support'] });
    const socket = await connect(t.url, '/agent', alice.token);
    await ok(http(t)('POST', `/api/v1/conversations/${conv.id}/transfer`, { token: bob.token, body: { agentId: alice.id } }));
    await t.routingIdle();
    const pushed = await socket.next((e) => e.type === 'conversation.upserted' && (e.data as ActiveItem).id === conv.id);
    const expected = { text: 'Bob here.', senderType: 'agent', senderId: bob.id, senderName: 'Bob' };
    expect((pushed.data as ActiveItem).lastMessage).toMatchObject(expected);
    expect((await rowOf(alice.token, conv.id))?.lastMessage).toMatchObject(expected);
    expect((await ok<ActiveItem>(http(t)('GET', `/api/v1/conversations/${conv.id}`, { token: alice.token }))).lastMessage).toMatchObject(expected);
    socket.close();
  });

  it('records who closed it: the agent, a manager, the consumer or the system; resume clears it; transcript.txt says so', async () => {
    const acc = await makeAccount(t);
    const alice = await acc.agent('alice', { skills: ['Sales'] });
    const dana = await acc.agent('dana', { role: 'manager', skills: [] });
    const req = http(t);
    const open = async (name: string) => {
      const c = await acc.consumer({ name });
      return { ...c, conv: await c.open({ skill: 'Sales', text: `Hello from ${name}` }) };
    };
    const closedOf = async (id: string) => {
      const row = await rowOf(alice.token, id);
      const details = await ok<ActiveItem & { closedBy: string | null }>(req('GET', `/api/v1/conversations/${id}`, { token: alice.token }));
      const text = (await req('GET', `/api/v1/conversations/${id}/transcript.txt`, { token: alice.token })).body;
      expect(details).toMatchObject({ closedBy: row?.closedBy, closedById: row?.closedById, closedByName: row?.closedByName });
      return { closedBy: row?.closedBy, closedById: row?.closedById, closedByName: row?.closedByName, line: text.trimEnd().split('\n').at(-1) };
    };

    const a = await open('Ann');
    expect(await rowOf(alice.token, a.conv.id)).toMatchObject({ closedBy: null, closedById: null, closedByName: null, urgent: false });
    const closed = await ok<ActiveItem>(req('POST', `/api/v1/conversations/${a.conv.id}/close`, { token: alice.token }));
    expect(closed).toMatchObject({ closedBy: 'agent', closedById: alice.id, closedByName: 'Alice' });
    expect(await closedOf(a.conv.id)).toMatchObject({
      closedBy: 'agent',
      closedById: alice.id,
      closedByName: 'Alice',
      line: expect.stringMatching(/^Closed .+ by Alice$/),
    });

    const b = await open('Ben');
    await ok(req('POST', `/api/v1/conversations/${b.conv.id}/close`, { token: dana.token }));
    expect(await closedOf(b.conv.id)).toMatchObject({ closedBy: 'agent', closedById: dana.id, closedByName: 'Dana', line: expect.stringMatching(/ by Dana$/) });

    const c = await open('Cleo');
    await ok(req('POST', `/api/v1/consumer/conversations/${c.conv.id}/close`, { token: c.token }));
    expect(await closedOf(c.conv.id)).toMatchObject({
      closedBy: 'consumer',
      closedById: null,
      closedByName: null,
      line: expect.stringMatching(/ by the consumer$/),
    });

    await ok(req('PATCH', '/api/v1/account/settings', { token: acc.manager.token, body: { autoClose: { enabled: true, afterSec: 60 } } }));
    const d = await open('Otto');
    await ok(req('POST', `/api/v1/conversations/${d.conv.id}/messages`, { token: alice.token, body: { text: 'Anything else?', clientMessageId: 'o1' } }), 201);
    await t.advance(61_000);
    expect(await closedOf(d.conv.id)).toMatchObject({
      closedBy: 'system',
      closedById: null,
      closedByName: null,
      line: expect.stringMatching(/^Closed .+ automatically$/),
    });

    // Resumed: open again, nobody closed it.
    await ok(req('POST', `/api/v1/conversations/${a.conv.id}/resume`, { token: alice.token }));
    expect(await rowOf(alice.token, a.conv.id)).toMatchObject({ state: 'open', closedBy: null, closedById: null, closedByName: null });

    // The All tab's rows carry it too.
    const all = await ok<{ items: ActiveItem[] }>(req('GET', '/api/v1/conversations', { token: alice.token }));
    expect(all.items.find((i) => i.id === b.conv.id)).toMatchObject({ closedBy: 'agent', closedByName: 'Dana' });
  });

  it('marks urgent rows', async () => {
    const acc = await makeAccount(t);
    const alice = await acc.agent('alice', { skills: ['Sales'] });
    const jo = await acc.consumer({ name: 'Uma' });
    const conv = await jo.open({ skill: 'Sales', text: 'Charged twice!' });
    const socket = await connect(t.url, '/agent', alice.token);
    await ok(http(t)('POST', `/api/v1/consumer/conversations/${conv.id}/urgent`, { token: jo.token }));
    const pushed = await socket.next((e) => e.type === 'conversation.upserted' && (e.data as ActiveItem).urgent);
    expect(pushed.data).toMatchObject({ id: conv.id, urgent: true });
    expect(await rowOf(alice.token, conv.id)).toMatchObject({ urgent: true });
    socket.close();
  });

  it('tells the agent when a survey answer of their conversation arrives after the close', async () => {
    const acc = await makeAccount(t);
    const req = http(t);
    await ok(
      req('PATCH', '/api/v1/account/settings', {
        token: acc.manager.token,
        body: { survey: { enabled: true, questions: [{ id: 'csat', type: 'csat', text: 'How did we do?' }] } },
      }),
    );
    const alice = await acc.agent('alice', { skills: ['Sales'] });
    const jo = await acc.consumer({ name: 'Cora' });
    const conv = await jo.open({ skill: 'Sales', text: 'Hi' });
    await ok(req('POST', `/api/v1/conversations/${conv.id}/messages`, { token: alice.token, body: { text: 'Hello!', clientMessageId: 'c1' } }), 201);
    await ok(req('POST', `/api/v1/conversations/${conv.id}/close`, { token: alice.token }));
    expect((await ok<{ csat: number | null }>(req('GET', '/api/v1/me/kpis', { token: alice.token }))).csat).toBeNull();
    const socket = await connect(t.url, '/agent', alice.token);
    await ok(req('POST', `/api/v1/consumer/conversations/${conv.id}/survey`, { token: jo.token, body: { answers: { csat: 5 } } }));
    const answered = await socket.next((e) => e.type === 'survey.answered');
    expect(answered.data).toMatchObject({ conversationId: conv.id, complete: true });
    expect((await ok<{ csat: number | null }>(req('GET', '/api/v1/me/kpis', { token: alice.token }))).csat).not.toBeNull();
    socket.close();
  });
});
