import { randomUUID } from 'node:crypto';
import { SuggestionList } from '@parley/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUGGESTION_INDEX_TTL_MS } from '../../src/services/caches.js';
import { type AccountHandle, type AgentHandle, type ConsumerHandle, http, makeAccount } from '../factories/index.js';
import { dialects, startTestApp, type TestApp } from '../harness.js';
import { expectProblem } from './support.js';

const CONTENT = [
  { title: 'How to return an item', text: 'Start a return from "My orders", print the prepaid label and drop the parcel at any post office.' },
  { title: 'Delivery times', text: 'Standard delivery takes 2 to 4 working days; express arrives the next working day.' },
  { title: 'Payment methods', text: 'We accept Visa, Mastercard and PayPal.' },
  { title: 'Reset password', text: 'Click "Forgot password" on the sign-in page and we will email you a link.' },
  { title: 'Invoice', text: 'Your invoice can be downloaded as a PDF next to each order.' },
  { title: 'Opening hours', text: 'Our shop is open from 9 to 18, Monday to Saturday.' },
];

describe.each(dialects)('suggested answers on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect);
  });
  afterAll(async () => t.stop());

  /** An account with the content above, an agent of Support and a way to ask a question as a new consumer. */
  async function setUp(): Promise<{
    acc: AccountHandle;
    ann: AgentHandle;
    ids: Record<string, string>;
    ask(text: string): Promise<string>;
    /** The consumer of that conversation writes again. */
    more(conversationId: string, text: string): Promise<number>;
  }> {
    const acc = await makeAccount(t);
    const ann = await acc.agent('ann', { skills: ['Support'] });
    const ids: Record<string, string> = {};
    for (const c of CONTENT) {
      const r = await http(t)('POST', '/api/v1/content', { token: acc.manager.token, body: c });
      expect(r.statusCode).toBe(201);
      ids[c.title] = r.json().id;
    }
    const consumers = new Map<string, ConsumerHandle>();
    return {
      acc,
      ann,
      ids,
      async ask(text) {
        const jo = await acc.consumer();
        const c = await jo.open({ skill: 'Support', text });
        consumers.set(c.id, jo);
        return c.id;
      },
      async more(conversationId, text) {
        return (await (consumers.get(conversationId) as ConsumerHandle).send(conversationId, text)).statusCode;
      },
    };
  }

  const suggestions = async (token: string, conversationId: string) => {
    const r = await http(t)('GET', `/api/v1/conversations/${conversationId}/suggestions`, { token });
    expect(r.statusCode, r.body).toBe(200);
    return SuggestionList.parse(r.json()).items;
  };
  const titles = async (token: string, conversationId: string) => (await suggestions(token, conversationId)).map((s) => s.title);
  const answer = (token: string, conversationId: string, text: string) =>
    http(t)('POST', `/api/v1/conversations/${conversationId}/messages`, { token, body: { text, clientMessageId: randomUUID() } });

  it("ranks the content for the consumer's latest messages, typos and other word forms included, with a score, best first", async () => {
    const { ann, ask } = await setUp();
    const c = await ask('Hello, how can I retrun the shoes I ordered?');
    const items = await suggestions(ann.token, c);
    expect(items[0]?.title).toBe('How to return an item');
    expect(items.length).toBeLessThanOrEqual(5);
    const scores = items.map((i) => i.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(scores.every((s) => s > 0)).toBe(true);
    // other word forms: "invoices" finds "invoice"
    expect((await titles(ann.token, await ask('downloading my invoices?')))[0]).toBe('Invoice');
    // nothing in common with any content: no suggestion rather than a random one
    expect(await titles(ann.token, await ask('zzzz qqqq'))).toEqual([]);
  });

  it('follows the latest unanswered messages: a new consumer message changes them, an agent answer clears them', async () => {
    const { ann, ask, more } = await setUp();
    const c = await ask('I forgot my password');
    expect((await titles(ann.token, c))[0]).toBe('Reset password');
    const r = await answer(ann.token, c, 'Click "Forgot password" on the sign-in page and we will email you a link.');
    expect(r.statusCode).toBe(201);
    expect(await titles(ann.token, c)).toEqual([]);
    // the consumer's next question is what counts now
    expect(await more(c, 'and how long is delivery?')).toBe(201);
    expect((await titles(ann.token, c))[0]).toBe('Delivery times');
  });

  it('is fresh when the content changes: created, edited and deleted items at once, without waiting for the cache', async () => {
    const { acc, ann, ids, ask } = await setUp();
    const boss = acc.manager.token;
    const c = await ask('do you sell gift cards?');
    expect(await titles(ann.token, c)).toEqual([]);
    const created = await http(t)('POST', '/api/v1/content', { token: boss, body: { title: 'Gift cards', text: 'Gift cards from 10 to 200, sent by email.' } });
    expect(created.statusCode).toBe(201);
    expect((await titles(ann.token, c))[0]).toBe('Gift cards');
    expect(
      (await http(t)('PATCH', `/api/v1/content/${created.json().id}`, { token: boss, body: { title: 'Vouchers', text: 'Vouchers from 10 to 200.' } }))
        .statusCode,
    ).toBe(200);
    expect(await titles(ann.token, c)).toEqual([]);
    const opening = await ask('when are you open on saturday');
    expect((await titles(ann.token, opening))[0]).toBe('Opening hours');
    expect((await http(t)('DELETE', `/api/v1/content/${ids['Opening hours']}`, { token: boss })).statusCode).toBe(204);
    expect(await titles(ann.token, opening)).not.toContain('Opening hours');
  });

  it("learns from what this account's agents sent after similar messages, and never from another account", async () => {
    const a = await setUp();
    const b = await setUp();
    // "Amex" appears in no content: the content alone cannot suggest anything for it.
    const before = await a.ask('amex?');
    expect(await titles(a.ann.token, before)).toEqual([]);
    // In account A, agents answered such questions with "Payment methods" (edited a little, once).
    for (const [q, sent] of [
      ['can I pay with amex', 'We accept Visa, Mastercard and PayPal.'],
      ['is amex ok for you', 'We accept Visa, Mastercard and PayPal.'],
      ['amex accepted?', 'Hi! We accept Visa, Mastercard and PayPal.'],
    ] as const) {
      const c = await a.ask(q);
      expect((await answer(a.ann.token, c, sent)).statusCode).toBe(201);
    }
    // A's index is rebuilt within a minute (on the injected clock): then it has learnt.
    await t.advance(SUGGESTION_INDEX_TTL_MS + 1);
    const after = await a.ask('Amex??');
    const learned = await suggestions(a.ann.token, after);
    expect(learned[0]?.id).toBe(a.ids['Payment methods']);
    // Account B has the very same content but its own transcripts: nothing of A's.
    const inB = await b.ask('Amex??');
    expect(await titles(b.ann.token, inB)).toEqual([]);
    // and B's agent cannot read A's conversation's suggestions at all
    expectProblem(await http(t)('GET', `/api/v1/conversations/${after}/suggestions`, { token: b.ann.token }), 404);
  });

  it('is read like the conversation: its skill, managers, API keys with conversations:read; others 404, unknown ids 404', async () => {
    const { acc, ann, ask } = await setUp();
    const sam = await acc.agent('sam', { skills: ['Sales'] });
    const c = await ask('how do I return an item');
    expect((await titles(ann.token, c))[0]).toBe('How to return an item');
    expect((await titles(acc.manager.token, c))[0]).toBe('How to return an item');
    expectProblem(await http(t)('GET', `/api/v1/conversations/${c}/suggestions`, { token: sam.token }), 404);
    expectProblem(await http(t)('GET', '/api/v1/conversations/nope/suggestions', { token: ann.token }), 404);
    expectProblem(await http(t)('GET', `/api/v1/conversations/${c}/suggestions`, {}), 401);
    const key = async (scopes: string[]) =>
      (await http(t)('POST', '/api/v1/api-keys', { token: acc.manager.token, body: { name: scopes.join(' '), scopes } })).json().key as string;
    expect((await titles(await key(['conversations:read']), c))[0]).toBe('How to return an item');
    expectProblem(await http(t)('GET', `/api/v1/conversations/${c}/suggestions`, { token: await key(['reports:read']) }), 403);
  });
});
