import type { EventEnvelope } from '@parley/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsumerHandle, http, makeAccount } from '../factories/index.js';
import { dialects, startTestApp, type TestApp } from '../harness.js';
import { connect, type Listener } from '../socket-client.js';

type Update = { id: string; state: string; queuePosition?: number | null; expectedResponseSec?: number | null };

describe.each(dialects)('queue position pushed live on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect);
    await t.listen();
  });
  afterAll(async () => t.stop());

  /** The next conversation.updated with a queue position for `id`. */
  const position = async (s: Listener, id: string): Promise<number | null | undefined> => {
    const e: EventEnvelope = await s.next(
      (x) => x.type === 'conversation.updated' && (x.data as Update).id === id && (x.data as Update).queuePosition !== undefined,
    );
    return (e.data as Update).queuePosition;
  };

  it('waiting consumers hear their new place when the queue moves (close ahead, urgent, assignment)', async () => {
    const acc = await makeAccount(t);
    const alice = await acc.agent('alice', { skills: ['Sales'], online: false, maxConcurrent: 1 });
    const people: { c: ConsumerHandle; s: Listener; id: string }[] = [];
    for (const name of ['Ann', 'Ben', 'Cat']) {
      const c = await acc.consumer({ name });
      const s = await connect(t.url, '/consumer', c.token);
      const { id } = await c.open({ skill: 'Sales', text: `hi from ${name}` });
      people.push({ c, s, id });
    }
    const [ann, ben, cat] = people as [(typeof people)[0], (typeof people)[0], (typeof people)[0]];
    expect(await position(ann.s, ann.id)).toBe(1);
    expect(await position(ben.s, ben.id)).toBe(2);
    expect(await position(cat.s, cat.id)).toBe(3);
    const first = (await http(t)('GET', `/api/v1/consumer/conversations/${cat.id}`, { token: cat.c.token })).json();
    expect(first).toMatchObject({ queuePosition: 3 });

    // Ann gives up: Ben and Cat move up
    expect((await http(t)('POST', `/api/v1/consumer/conversations/${ann.id}/close`, { token: ann.c.token })).statusCode).toBe(200);
    await t.routingIdle();
    expect(await position(ben.s, ben.id)).toBe(1);
    expect(await position(cat.s, cat.id)).toBe(2);

    // Cat marks it urgent: Cat first, Ben second
    expect((await http(t)('POST', `/api/v1/consumer/conversations/${cat.id}/urgent`, { token: cat.c.token })).statusCode).toBe(200);
    await t.routingIdle();
    expect(await position(cat.s, cat.id)).toBe(1);
    expect(await position(ben.s, ben.id)).toBe(2);

    // Alice comes online and takes Cat: Ben is next
    expect((await http(t)('PUT', '/api/v1/me/status', { token: alice.token, body: { status: 'online' } })).statusCode).toBe(200);
    await t.routingIdle();
    expect(await position(ben.s, ben.id)).toBe(1);
    const benView = (await http(t)('GET', `/api/v1/consumer/conversations/${ben.id}`, { token: ben.c.token })).json();
    expect(benView).toMatchObject({ state: 'queued', queuePosition: 1 });
    for (const p of people) p.s.close();
  });
});
