import type { Message } from '@parley/contract';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, makeAccount } from '../factories/index.js';
import { dialects, startTestApp, type TestApp } from '../harness.js';
import { connect, roundTrip } from '../socket-client.js';
import { expectProblem } from './support.js';

/** What the web widget needs from the server: identity tokens, the consumer's history, "agent is typing". */
describe.each(dialects)('web widget server side on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect);
    await t.listen();
  });
  afterAll(async () => t.stop());

  const sign = (secret: string, claims: Record<string, unknown>, o: { alg?: string; exp?: string | number } = {}) => {
    let jwt = new SignJWT(claims).setProtectedHeader({ alg: o.alg ?? 'HS256' }).setIssuedAt();
    if (o.exp !== undefined) jwt = jwt.setExpirationTime(o.exp);
    return jwt.sign(new TextEncoder().encode(secret));
  };

  it('identity tokens: the same brand user gets the same consumer and history on every device; forged, expired and rotated-out tokens get 401', async () => {
    const req = http(t);
    const acc = await makeAccount(t);
    const agent = await acc.agent('alice');
    expectProblem(await req('GET', '/api/v1/account/identity-secret', { token: agent.token }), 403, 'forbidden');
    const { secret } = (await req('GET', '/api/v1/account/identity-secret', { token: acc.manager.token })).json() as { secret: string };
    expect(secret.length).toBeGreaterThanOrEqual(32);

    const session = async (identityToken: string, extra: Record<string, unknown> = {}) =>
      req('POST', '/api/v1/consumer/session', { body: { accountId: acc.accountId, identityToken, ...extra } });

    // Device 1: a conversation.
    const token = await sign(secret, { sub: 'crm-42', name: 'Jo Known' }, { exp: '10m' });
    const s1 = await session(token, { customVariables: { plan: 'gold' } });
    expect(s1.statusCode).toBe(201);
    const one = s1.json() as { consumerToken: string; consumerId: string };
    const open = await req('POST', '/api/v1/consumer/conversations', { token: one.consumerToken, body: { text: 'Hi from my laptop' } });
    expect(open.statusCode).toBe(201);
    const convId = (open.json() as { id: string }).id;
    await t.routingIdle();

    // Device 2: the same consumer, who sees that conversation (still open) in their history.
    const s2 = await session(await sign(secret, { sub: 'crm-42' }, { exp: '10m' }));
    const two = s2.json() as { consumerToken: string; consumerId: string };
    expect(two.consumerId).toBe(one.consumerId);
    expect(two.consumerToken).not.toBe(one.consumerToken);
    const hist = (await req('GET', '/api/v1/consumer/history', { token: two.consumerToken })).json() as {
      conversations: { id: string; state: string }[];
      messages: Message[];
    };
    expect(hist.conversations.map((c) => c.id)).toEqual([convId]);
    expect(hist.messages.map((m) => m.text)).toEqual(['Hi from my laptop']);
    // Opening "again" from device 2 is the same open conversation.
    expect((await req('POST', '/api/v1/consumer/conversations', { token: two.consumerToken, body: {} })).statusCode).toBe(200);

    // The agent sees the name from the token and the custom variables.
    const details = (await req('GET', `/api/v1/conversations/${convId}`, { token: acc.manager.token })).json() as {
      consumer: { name: string; customVariables: Record<string, unknown> };
    };
    expect(details.consumer).toMatchObject({ name: 'Jo Known', customVariables: { plan: 'gold' } });

    // Another brand user is another consumer; an anonymous session is always new.
    const other = (await session(await sign(secret, { sub: 'crm-43' }))).json() as { consumerId: string };
    expect(other.consumerId).not.toBe(one.consumerId);

    // Refused: wrong secret, expired, other algorithm, no sub, garbage, another account's secret.
    expectProblem(await session(await sign('not the secret at all, really not', { sub: 'crm-42' })), 401, 'unauthorized');
    expectProblem(await session(await sign(secret, { sub: 'crm-42' }, { exp: Math.floor(Date.now() / 1000) - 3600 })), 401, 'unauthorized');
    expectProblem(await session(await sign(secret, { sub: 'crm-42' }, { alg: 'HS512' })), 401, 'unauthorized');
    expectProblem(await session(await sign(secret, { name: 'no sub' })), 401, 'unauthorized');
    expectProblem(await session('a.b.c'), 401, 'unauthorized');
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"crm-42"}').toString('base64url')}.`;
    expectProblem(await session(unsigned), 401, 'unauthorized');
    const acc2 = await makeAccount(t);
    const secret2 = ((await req('GET', '/api/v1/account/identity-secret', { token: acc2.manager.token })).json() as { secret: string }).secret;
    expectProblem(await session(await sign(secret2, { sub: 'crm-42' })), 401, 'unauthorized');

    // Rotation: the old secret stops working, the new one works, sessions already made stay valid.
    const rotated = await req('POST', '/api/v1/account/identity-secret/rotate', { token: acc.manager.token });
    expect(rotated.statusCode).toBe(200);
    const fresh = (rotated.json() as { secret: string }).secret;
    expect(fresh).not.toBe(secret);
    expectProblem(await session(await sign(secret, { sub: 'crm-42' })), 401, 'unauthorized');
    expect(((await session(await sign(fresh, { sub: 'crm-42' }))).json() as { consumerId: string }).consumerId).toBe(one.consumerId);
    expect((await req('GET', '/api/v1/consumer/history', { token: one.consumerToken })).statusCode).toBe(200);
    expectProblem(await req('POST', '/api/v1/account/identity-secret/rotate', { token: agent.token }), 403, 'forbidden');
  });

  /** Alice (Sales) has Jo's new conversation, Bob (Support) is online too; Jo listens on /consumer. */
  const joWritesToAlice = async () => {
    const acc = await makeAccount(t);
    const alice = await acc.agent('alice', { skills: ['Sales'] });
    const bob = await acc.agent('bob', { skills: ['Support'] });
    const jo = await acc.consumer({ name: 'Jo' });
    const conv = await jo.open({ skill: 'Sales', text: 'Hello?' });
    return { alice, bob, jo, conv, consumer: await connect(t.url, '/consumer', jo.token) };
  };

  it("history: the consumer's own conversations, oldest first, earlier closed ones with their messages; nobody else's", async () => {
    const req = http(t);
    const acc = await makeAccount(t);
    const alice = await acc.agent('alice');
    const jo = await acc.consumer({ name: 'Jo' });
    const first = await jo.open({ skill: 'Sales', text: 'First question' });
    await req('POST', `/api/v1/conversations/${first.id}/messages`, { token: alice.token, body: { text: 'First answer', clientMessageId: 'a1' } });
    expect((await req('POST', `/api/v1/consumer/conversations/${first.id}/close`, { token: jo.token })).statusCode).toBe(200);
    const second = await jo.open({ skill: 'Support', text: 'Second question' });
    const stranger = await acc.consumer({ name: 'Stranger' });
    await stranger.open({ text: 'Not yours' });

    const h = (await req('GET', '/api/v1/consumer/history', { token: jo.token })).json() as {
      conversations: { id: string; state: string; agent: { displayName: string } | null }[];
      messages: Message[];
    };
    expect(h.conversations.map((c) => [c.id, c.state])).toEqual([
      [first.id, 'closed'],
      [second.id, 'open'],
    ]);
    // The agent who answered an earlier conversation is named, to label their messages.
    expect(h.conversations[0]?.agent?.displayName).toBe('Alice');
    expect(h.messages.map((m) => [m.conversationId, m.senderType, m.text])).toEqual([
      [first.id, 'consumer', 'First question'],
      [first.id, 'agent', 'First answer'],
      [second.id, 'consumer', 'Second question'],
    ]);
    const limited = (await req('GET', '/api/v1/consumer/history?limit=1', { token: jo.token })).json() as { conversations: { id: string }[] };
    expect(limited.conversations.map((c) => c.id)).toEqual([second.id]);
    expectProblem(await req('GET', '/api/v1/consumer/history'), 401, 'unauthorized');
    expectProblem(await req('GET', '/api/v1/consumer/history', { token: alice.token }), 401, 'unauthorized');
    expectProblem(await req('GET', '/api/v1/consumer/history?limit=0', { token: jo.token }), 400, 'invalid_request');
  });

  it('after a transfer each agent message still names its own author for the consumer (senderName), live, on reload and in the history', async () => {
    const req = http(t);
    const { alice, bob, jo, conv, consumer } = await joWritesToAlice();
    try {
      const answer = async (token: string, text: string) =>
        expect((await req('POST', `/api/v1/conversations/${conv.id}/messages`, { token, body: { text, clientMessageId: text } })).statusCode).toBe(201);
      await answer(alice.token, 'Alice here');
      const live = await consumer.next((e) => e.type === 'message.created' && (e.data as Message).text === 'Alice here');
      expect(live.data).toMatchObject({ senderType: 'agent', senderId: alice.id, senderName: 'Alice' });
      expect((await req('POST', `/api/v1/conversations/${conv.id}/transfer`, { token: alice.token, body: { agentId: bob.id } })).statusCode).toBe(200);
      await t.routingIdle();
      await answer(bob.token, 'Bob now');
      const later = await consumer.next((e) => e.type === 'message.created' && (e.data as Message).text === 'Bob now');
      expect(later.data).toMatchObject({ senderId: bob.id, senderName: 'Bob' });

      const byText = (messages: Message[]) => messages.map((m) => [m.senderType, m.text, m.senderName]);
      const expected = [
        ['consumer', 'Hello?', undefined],
        ['agent', 'Alice here', 'Alice'],
        ['agent', 'Bob now', 'Bob'],
      ];
      const listed = (await req('GET', `/api/v1/consumer/conversations/${conv.id}/messages`, { token: jo.token })).json() as { items: Message[] };
      expect(byText(listed.items)).toEqual(expected);
      const history = (await req('GET', '/api/v1/consumer/history', { token: jo.token })).json() as { messages: Message[] };
      expect(byText(history.messages)).toEqual(expected);
      // the conversation's agent is the current one: the widget must not label Alice's message with it
      expect((await req('GET', `/api/v1/consumer/conversations/${conv.id}`, { token: jo.token })).json().agent).toMatchObject({ displayName: 'Bob' });
      // the OpenAPI document shows the extension on the consumer's message list
      const doc = (await req('GET', '/api/v1/openapi.json')).json();
      const schema = doc.paths['/api/v1/consumer/conversations/{id}/messages'].get.responses['200'].content['application/json'].schema;
      expect(schema.properties.items.items.properties).toHaveProperty('senderName');
    } finally {
      consumer.close();
    }
  });

  it('"agent is typing" reaches the consumer as an ephemeral event, only from the agent who has the conversation', async () => {
    const { alice, bob, conv, consumer } = await joWritesToAlice();
    const aliceSocket = await connect(t.url, '/agent', alice.token);
    const bobSocket = await connect(t.url, '/agent', bob.token);
    try {
      const typing: unknown[] = [];
      consumer.socket.on('typing', (d: unknown) => typing.push(d));
      // Each relay is acknowledged after it was sent (or refused); a round trip on the consumer's socket then shows all it got.
      const typingAck = (from: typeof aliceSocket, conversationId: unknown) => from.socket.timeout(5000).emitWithAck('typing', { conversationId });
      expect(await typingAck(bobSocket, conv.id)).toEqual({ ok: false, code: 'forbidden' }); // not his
      expect(await typingAck(aliceSocket, 'no-such-conversation')).toEqual({ ok: false, code: 'not_found' });
      expect(await typingAck(aliceSocket, 42)).toEqual({ ok: false, code: 'invalid_request' });
      expect(await typingAck(aliceSocket, conv.id)).toEqual({ ok: true });
      expect(await typingAck(aliceSocket, conv.id)).toEqual({ ok: true }); // throttled
      await roundTrip(consumer);
      expect(typing).toEqual([{ conversationId: conv.id, agent: { displayName: 'Alice' } }]);
      // Ephemeral: not in the event log, so not replayed and the seq does not move.
      const seqBefore = consumer.tracker.seq;
      expect(await consumer.socket.timeout(5000).emitWithAck('sync', { afterSeq: 0 })).toEqual({ ok: true });
      expect(consumer.events.some((e) => (e.type as string) === 'typing')).toBe(false);
      expect(consumer.tracker.seq).toBe(seqBefore);
    } finally {
      consumer.close();
      aliceSocket.close();
      bobSocket.close();
    }
  });
});
