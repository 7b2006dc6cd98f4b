import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AccountHandle, type AgentHandle, type ConsumerHandle, makeAccount } from '../factories/index.js';
import { dialects, startTestApp, type TestApp } from '../harness.js';
import { expectNoServerError, type OpenApiOperation, openApiOperations, pct, snapshot, validBody } from './support.js';

/** The message and conversation endpoints, consumer and agent side (new ones are picked up from the OpenAPI document). */
const FUZZED = /^\/api\/v1\/(consumer\/conversations|conversations|workspace\/active)(\/|$)/;
/** Only these may touch the live conversation with arbitrary input: the rest (close, transfer, …) would end the run's conversation. */
const harmless = (op: OpenApiOperation) => op.method === 'GET' || /\/(messages|read)$/.test(op.path);

const CONTENT_TYPES = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'application/json; charset=utf-16',
  'application/vnd.api+json',
  'multipart/form-data; boundary=x',
];
const SPECIAL_IDS = [
  '',
  ' ',
  '.',
  '..',
  'null',
  'undefined',
  '0',
  '-1',
  '1e309',
  '__proto__',
  'constructor',
  "' OR '1'='1",
  '"; DROP TABLE messages; --',
  '%',
  '\u0000',
  '\ud800',
];
const RAW_PATH_PARTS = ['%', '%zz', '%E0%A4%A', '%C0%AF', '%FF%FE', '..%2F..%2F'];
const QUERY_KEYS = ['after', 'limit', 'cursor', 'from', 'to', 'q', 'status', 'includePrevious', 'accountId', '__proto__', 'constructor'];
const QUERY_VALUES = [
  '',
  '-1',
  '0',
  '1e400',
  'NaN',
  'Infinity',
  '2147483647',
  '2147483648',
  '9223372036854775808',
  '9007199254740993',
  'true',
  'ongoing,closed',
  ',,,',
  '2026-01-01T00:00:00Z',
  '0001-01-01T00:00:00Z',
  '9999-12-31T23:59:59Z',
  '2026-02-30T00:00:00Z',
];

type Who = 'own' | 'none' | 'otherKind' | 'forged' | 'otherAccount' | 'manager';

interface FuzzOp {
  op: OpenApiOperation;
  id: { raw: string } | { value: string } | { live: true };
  query: [string, string][];
  body: { text: string; type: string } | undefined;
  who: Who;
}

describe.each(dialects)('fuzzing messages and conversations on %s', (dialect) => {
  let t: TestApp;
  let acc: AccountHandle;
  let alice: AgentHandle;
  let jo: ConsumerHandle;
  let conv: string;
  let closedConv: string;
  /** Account B: its ids are fuzzed into A's requests, and it must never change. */
  let other: { acc: AccountHandle; conv: string };
  /** Account C: its principals' tokens are used on A's and B's ids (and may change C itself). */
  let third: { agent: AgentHandle; consumer: ConsumerHandle };

  beforeAll(async () => {
    t = await startTestApp(dialect);
    acc = await makeAccount(t);
    alice = await acc.agent('alice');
    jo = await acc.consumer({ name: 'Jo Fuzz' });
    closedConv = (await jo.open({ skill: 'Sales', text: 'earlier' })).id;
    const closed = await t.app.inject({
      method: 'POST',
      url: `/api/v1/conversations/${closedConv}/close`,
      headers: { authorization: `Bearer ${alice.token}` },
    });
    expect(closed.statusCode).toBe(200);
    conv = (await jo.open({ skill: 'Sales', text: 'first' })).id;
    const o = await makeAccount(t);
    await o.agent('bob');
    const zed = await o.consumer();
    other = { acc: o, conv: (await zed.open({ skill: 'Sales', text: 'other account' })).id };
    const c = await makeAccount(t);
    const carol = await c.agent('carol');
    const cleo = await c.consumer();
    await cleo.open({ skill: 'Sales', text: 'third account' });
    third = { agent: carol, consumer: cleo };
  });
  afterAll(async () => t.stop());

  it('arbitrary ids, queries, bodies and tokens: never a 5xx, every 4xx problem JSON; interleaved valid sends keep seqs gapless', async () => {
    const ops = (await openApiOperations(t)).filter((o) => FUZZED.test(o.path));
    expect(ops.length).toBeGreaterThanOrEqual(10);
    const otherBefore = await snapshot(t, [other.acc.accountId]);

    // Text biased towards what breaks parsers and databases: NUL, lone surrogates, quotes, separators.
    const nasty = fc.oneof(
      fc.constantFrom('\u0000', '\ud800', '\udc00', '\uffff', '\u202e', '\u2028', '%', "'", '"', '\\', '\n', ' ', 'é', '😀'),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
    );
    const text = fc.oneof(fc.string({ unit: nasty, maxLength: 60 }), fc.string({ unit: 'binary', maxLength: 60 }));
    const bigNumber = fc.oneof(fc.integer(), fc.double(), fc.maxSafeInteger(), fc.constantFrom(2 ** 31, 2 ** 53, 1e20, -1, 0.5));
    const idArb = fc.oneof(
      { weight: 4, arbitrary: fc.constant({ live: true as const }) },
      { weight: 1, arbitrary: fc.constantFrom(...SPECIAL_IDS).map((value) => ({ value })) },
      { weight: 2, arbitrary: fc.oneof(fc.string({ maxLength: 120 }), text, fc.uuid()).map((value) => ({ value })) },
      { weight: 1, arbitrary: fc.constantFrom('other', 'closed').map((value) => ({ value })) },
      { weight: 1, arbitrary: fc.constantFrom(...RAW_PATH_PARTS).map((raw) => ({ raw })) },
    );
    const queryArb = fc.array(
      fc.tuple(
        fc.oneof(fc.constantFrom(...QUERY_KEYS), fc.string({ maxLength: 8 })),
        fc.oneof(
          fc.constantFrom(...QUERY_VALUES),
          bigNumber.map(String),
          text,
          fc
            .tuple(fc.oneof(bigNumber, fc.string()), fc.oneof(text, fc.integer(), fc.constant(null)))
            .map((x) => Buffer.from(JSON.stringify(x)).toString('base64url')),
        ),
      ),
      { maxLength: 4 },
    );
    /** Bodies for one operation: its valid sample with nasty strings, one field changed/dropped/added, or anything at all. */
    const bodyArbFor = (op: OpenApiOperation): fc.Arbitrary<FuzzOp['body']> => {
      const sample = validBody(op);
      const base = sample && typeof sample === 'object' && !Array.isArray(sample) ? (sample as Record<string, unknown>) : {};
      const keys = Object.keys(base);
      const stringKeys = keys.filter((k) => typeof base[k] === 'string');
      const json = (v: unknown) => ({ text: JSON.stringify(v) ?? 'null', type: 'application/json' });
      const variants: fc.Arbitrary<unknown>[] = [
        fc.tuple(fc.constantFrom(...keys, 'extra', '__proto__'), fc.oneof(text, fc.jsonValue({ maxDepth: 2 }))).map(([k, v]) => ({ ...base, [k]: v })),
        fc.jsonValue({ maxDepth: 4 }),
        fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 }),
      ];
      if (stringKeys.length)
        variants.push(fc.tuple(...stringKeys.map(() => text)).map((vs) => ({ ...base, ...Object.fromEntries(stringKeys.map((k, i) => [k, vs[i]])) })));
      if (keys.length) variants.push(fc.constantFrom(...keys).map((k) => Object.fromEntries(Object.entries(base).filter(([x]) => x !== k))));
      return fc.option(
        fc.oneof(
          { weight: 5, arbitrary: fc.oneof(...variants).map(json) },
          { weight: 1, arbitrary: text.map((raw) => ({ text: raw, type: 'application/json' })) },
          { weight: 1, arbitrary: fc.tuple(text, fc.constantFrom(...CONTENT_TYPES)).map(([raw, type]) => ({ text: raw, type })) },
        ),
        { freq: 5 },
      );
    };
    const whoArb = fc.oneof(
      { weight: 6, arbitrary: fc.constant<Who>('own') },
      { weight: 1, arbitrary: fc.constantFrom<Who>('none', 'otherKind', 'forged', 'otherAccount', 'manager') },
    );
    /** One input for every fuzzed operation per run, so each endpoint gets numRuns cases. */
    const roundArb = fc.tuple(...ops.map((op) => fc.record({ op: fc.constant(op), id: idArb, query: queryArb, body: bodyArbFor(op), who: whoArb })));
    const validArb = fc.record({
      side: fc.constantFrom('consumer', 'agent', 'manager'),
      text: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 200 }).filter((s) => s.trim().length > 0),
      repeat: fc.boolean(),
    });

    const statuses = new Map<number, number>();
    let created = 0;
    const sent = { consumer: [] as { cmid: string; id: string }[], agent: [] as { cmid: string; id: string }[] };

    const tokenFor = (op: OpenApiOperation, who: Who): string | undefined => {
      const consumerSide = op.path.startsWith('/api/v1/consumer/');
      switch (who) {
        case 'own':
          return consumerSide ? jo.token : alice.token;
        case 'manager':
          return consumerSide ? jo.token : acc.manager.token;
        case 'otherKind':
          return consumerSide ? alice.token : jo.token;
        case 'otherAccount':
          return consumerSide ? third.consumer.token : third.agent.token;
        case 'forged':
          return `pat_${randomUUID()}`;
        default:
          return undefined;
      }
    };

    const run = async (f: FuzzOp): Promise<LightMyRequestResponse> => {
      let id: string;
      if ('raw' in f.id) id = f.id.raw;
      else if ('live' in f.id) id = harmless(f.op) ? conv : other.conv;
      else id = pct(f.id.value === 'other' ? other.conv : f.id.value === 'closed' ? closedConv : f.id.value);
      const path = f.op.path.replace(/\{[^}]+\}/g, id);
      const qs = f.query.map(([k, v]) => `${pct(k)}=${pct(v)}`).join('&');
      const token = tokenFor(f.op, f.who);
      const res = await t.app.inject({
        method: f.op.method as 'GET',
        url: qs ? `${path}?${qs}` : path,
        headers: { ...(token && { authorization: `Bearer ${token}` }), ...(f.body && { 'content-type': f.body.type }) },
        ...(f.body && { payload: f.body.text }),
      });
      expectNoServerError(res, `${f.op.method} ${path}${qs ? `?${qs}` : ''} ${f.body ? `${f.body.type} ${f.body.text.slice(0, 200)}` : ''}`);
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
      if (res.statusCode === 201 && f.op.method === 'POST' && path.endsWith(`${conv}/messages`)) created++;
      return res;
    };

    const valid = async (v: { side: string; text: string; repeat: boolean }) => {
      const kind = v.side === 'consumer' ? 'consumer' : 'agent';
      const earlier = sent[kind];
      const again = v.repeat ? earlier[earlier.length - 1] : undefined;
      const cmid = again?.cmid ?? randomUUID();
      const url = kind === 'consumer' ? `/api/v1/consumer/conversations/${conv}/messages` : `/api/v1/conversations/${conv}/messages`;
      const token = v.side === 'consumer' ? jo.token : v.side === 'agent' ? alice.token : acc.manager.token;
      const res = await t.app.inject({
        method: 'POST',
        url,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        payload: JSON.stringify({ text: v.text, clientMessageId: cmid }),
      });
      if (again) {
        expect(res.statusCode, res.body).toBe(200);
        expect(res.json().id).toBe(again.id);
      } else {
        expect(res.statusCode, res.body).toBe(201);
        earlier.push({ cmid, id: res.json().id });
        created++;
      }
    };

    await fc.assert(
      fc.asyncProperty(roundArb, fc.array(validArb, { maxLength: 4 }), fc.array(validArb, { maxLength: 4 }), async (round, between, burst) => {
        for (const [i, f] of round.entries()) {
          await run(f as FuzzOp);
          const v = between[i];
          if (v) await valid(v);
        }
        // concurrent valid sends from both sides must still get distinct, consecutive seqs
        await Promise.all(burst.map((b) => valid({ ...b, repeat: false })));
      }),
      { numRuns: 20 },
    );

    // the live conversation is still open and its transcript is gapless, the same on both sides
    const consumerView = (
      await t.app.inject({ method: 'GET', url: `/api/v1/consumer/conversations/${conv}`, headers: { authorization: `Bearer ${jo.token}` } })
    ).json();
    expect(consumerView.state).toBe('open');
    const items = (
      await t.app.inject({ method: 'GET', url: `/api/v1/consumer/conversations/${conv}/messages`, headers: { authorization: `Bearer ${jo.token}` } })
    ).json().items as { id: string; seq: number }[];
    expect(items.map((m) => m.seq)).toEqual(Array.from({ length: items.length }, (_, i) => i + 1));
    expect(items.length).toBe(1 + created);
    expect(new Set(items.map((m) => m.id)).size).toBe(items.length);
    const agentItems = (
      await t.app.inject({ method: 'GET', url: `/api/v1/conversations/${conv}/messages`, headers: { authorization: `Bearer ${alice.token}` } })
    ).json().items as { id: string; seq: number }[];
    expect(agentItems.map((m) => [m.id, m.seq])).toEqual(items.map((m) => [m.id, m.seq]));
    for (const after of [0, 1, Math.floor(items.length / 2), items.length, items.length + 5]) {
      const page = (
        await t.app.inject({
          method: 'GET',
          url: `/api/v1/consumer/conversations/${conv}/messages?after=${after}`,
          headers: { authorization: `Bearer ${jo.token}` },
        })
      ).json().items as { seq: number }[];
      expect(page.map((m) => m.seq)).toEqual(items.filter((m) => m.seq > after).map((m) => m.seq));
    }

    // the other account was never touched, and the run exercised more than the error paths
    expect(await snapshot(t, [other.acc.accountId])).toEqual(otherBefore);
    expect([...statuses.keys()].some((s) => s < 300)).toBe(true);
    expect([...statuses.keys()].filter((s) => s >= 400).length).toBeGreaterThanOrEqual(3);
  }, 120_000);
});
