/**
 * Server-side request forgery, through the API: URLs that point at refused addresses are refused
 * when saved (400 outbound_address_refused, nothing stored); a delivery or CRM sync to a refused
 * address fails without connecting and without telling whether anything answers there; redirects
 * and DNS answers cannot lead a request where a URL could not.
 */
import { createHmac, generateKeyPairSync, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Resolver } from '../../src/outbound/guarded-http.js';
import { findCrmSync } from '../../src/storage/repos/crm.repo.js';
import { findDelivery } from '../../src/storage/repos/deliveries.repo.js';
import { type AccountHandle, http, makeAccount } from '../factories/index.js';
import { dialects, startTestApp, type TestApp } from '../harness.js';
import { type StubServer, startStubServer } from '../stub-server.js';

const startStub = (host = '127.0.0.1') =>
  startStubServer(host, (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  });
type Stub = StubServer;

/** DNS for the tests: `name → answers`, one per lookup (the last one repeats); unknown names do not resolve. */
function dns(answers: Record<string, string[][]>): Resolver {
  return async (hostname) => {
    const script = answers[hostname];
    if (!script) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    const answer = script.length > 1 ? (script.shift() as string[]) : (script[0] ?? []);
    return answer.map((address) => ({ address, family: address.includes(':') ? (6 as const) : (4 as const) }));
  };
}

const { privateKey: PRIVATE_KEY } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});

const FORBIDDEN = [
  'http://127.0.0.1:8080/hook',
  'http://localhost.:8080/hook',
  'http://0x7f000001/hook',
  'http://2130706433/hook',
  'http://0177.0.0.1/hook',
  'http://127.1/hook',
  'http://169.254.169.254/latest/meta-data/',
  'http://10.0.0.1/hook',
  'http://172.16.5.4/hook',
  'http://192.168.0.10/hook',
  'http://100.64.0.1/hook',
  'http://0.0.0.0/hook',
  'http://224.0.0.1/hook',
  'http://255.255.255.255/hook',
  'http://[::1]/hook',
  'http://[::]/hook',
  'http://[fe80::1]/hook',
  'http://[fd00::1]/hook',
  'http://[::ffff:127.0.0.1]/hook',
  'http://[::ffff:a9fe:a9fe]/hook',
  'http://[64:ff9b::10.0.0.1]/hook',
  'https://intranet.test/hook',
];

describe.each(dialects)('outbound address policy through the API (%s)', (dialect) => {
  /** As in production: no allow list. `localhost.` and intranet.test resolve to refused addresses; brand.test is public, then rebinds. */
  let prod: TestApp;
  /** The harness default: loopback allowed (the stubs listen there); 127.0.0.2 is not. */
  let dev: TestApp;
  let stub: Stub;
  let other: Stub;

  beforeAll(async () => {
    stub = await startStub();
    other = await startStub('127.0.0.2');
    prod = await startTestApp(dialect, {
      outboundAllow: [],
      outboundResolver: dns({
        'localhost.': [['127.0.0.1', '::1']],
        localhost: [['127.0.0.1', '::1']],
        'intranet.test': [['10.20.30.40']],
        'brand.test': [['93.184.215.14'], ['127.0.0.1']],
      }),
    });
    dev = await startTestApp(dialect);
  });
  afterAll(async () => {
    await prod?.stop();
    await dev?.stop();
    await stub?.close();
    await other?.close();
  });

  const reset = () => {
    for (const s of [stub, other]) {
      s.connections = 0;
      s.requests.length = 0;
    }
  };

  const channelCount = async (t: TestApp, accountId: string) =>
    Number(
      (
        await t.db.kysely
          .selectFrom('channels')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('account_id', '=', accountId)
          .executeTakeFirstOrThrow()
      ).n,
    );

  const expectRefused = (r: { statusCode: number; body: string; json(): unknown }, path: string) => {
    expect(r.statusCode, r.body).toBe(400);
    expect(r.json()).toMatchObject({ code: 'outbound_address_refused', status: 400, errors: [{ path }] });
    expect(r.body).not.toMatch(/10\.20\.30\.40/); // the answer does not tell what a name resolved to
  };

  it('refuses every forbidden outboundUrl and providerBaseUrl on create and update, storing nothing', async () => {
    const acc = await makeAccount(prod);
    const req = http(prod);
    const token = acc.manager.token;
    for (const url of FORBIDDEN) {
      const web = await req('POST', '/api/v1/channels', { token, body: { type: 'webhook', name: 'W', skillId: acc.skills.Sales, outboundUrl: url } });
      expectRefused(web, 'outboundUrl');
      const sms = await req('POST', '/api/v1/channels', {
        token,
        body: { type: 'sms', name: 'S', skillId: acc.skills.Sales, providerBaseUrl: url, credentials: { accountSid: 'AC1', from: '+15550001111' } },
      });
      expectRefused(sms, 'providerBaseUrl');
    }
    expect(await channelCount(prod, acc.accountId)).toBe(0);

    // A public address and a name that does not resolve now are accepted (send time checks again).
    const ok = await req('POST', '/api/v1/channels', {
      token,
      body: { type: 'webhook', name: 'W', skillId: acc.skills.Sales, outboundUrl: 'https://hooks.brand.example/parley' },
    });
    expect(ok.statusCode, ok.body).toBe(201);
    const id = ok.json().id as string;
    for (const url of FORBIDDEN)
      expectRefused(await req('PATCH', `/api/v1/channels/${id}`, { token, body: { outboundUrl: url, name: 'Renamed' } }), 'outboundUrl');
    const stored = await req('GET', `/api/v1/channels/${id}`, { token });
    expect(stored.json()).toMatchObject({ outboundUrl: 'https://hooks.brand.example/parley', name: 'W' });
  });

  it('refuses a forbidden Salesforce loginUrl or instanceUrl, changing no setting', async () => {
    const acc = await makeAccount(prod);
    const req = http(prod);
    const before = (await req('GET', '/api/v1/account/settings', { token: acc.manager.token })).json();
    const urls = [
      'https://127.0.0.1',
      'https://0x7f000001',
      'https://169.254.169.254',
      'https://10.0.0.1',
      'https://[::1]',
      'https://intranet.test',
      'http://localhost:8080',
    ];
    for (const url of urls) {
      for (const key of ['loginUrl', 'instanceUrl']) {
        const r = await req('PATCH', '/api/v1/account/settings', {
          token: acc.manager.token,
          body: { idleAfterSec: 321, crm: { salesforce: { [key]: url, consumerKey: 'changed', privateKey: PRIVATE_KEY } } },
        });
        expectRefused(r, `crm.salesforce.${key}`);
      }
    }
    expect((await req('GET', '/api/v1/account/settings', { token: acc.manager.token })).json()).toEqual(before);
  });

  it('a delivery to a refused address fails at once, without connecting, with the same text whether anything listens there', async () => {
    reset();
    const acc = await makeAccount(prod);
    const alice = await acc.agent('alice', { skills: ['Sales'] });
    // Two channels stored before the rule existed (or by hand): one at a listening stub, one at a closed port.
    const listening = await legacyWebhook(prod, acc, `${stub.url}/hook`);
    const closed = await legacyWebhook(prod, acc, 'http://127.0.0.1:1/hook');
    const a = await deliverOne(prod, listening, alice, 'to the stub');
    const b = await deliverOne(prod, closed, alice, 'to a closed port');
    expect(stub.connections).toBe(0);
    expect(a).toMatchObject({ status: 'failed', attempts: 1 });
    expect(b).toMatchObject({ status: 'failed', attempts: 1 });
    expect(a.lastError).toBe(b.lastError);
    expect(a.lastError).toMatch(/^outbound address refused/);
    expect(a.lastError).not.toContain('127.0.0.1');
  });

  it('the same delivery goes out where the address is allowed (the harness allows loopback)', async () => {
    reset();
    const acc = await makeAccount(dev);
    const alice = await acc.agent('alice', { skills: ['Sales'] });
    const c = await createWebhook(dev, acc, `${stub.url}/hook`);
    expect(await deliverOne(dev, c, alice, 'hello')).toMatchObject({ status: 'sent', attempts: 1 });
    expect(stub.requests.map((r) => [r.method, r.url])).toEqual([['POST', '/hook']]);
    expect(JSON.parse(stub.requests[0]?.body ?? '{}')).toMatchObject({ text: 'hello' });
  });

  it('a redirect from an allowed provider to a refused address is not followed', async () => {
    reset();
    stub.handle = (_req, res) => {
      res.writeHead(307, { location: `${other.url}/internal` });
      res.end();
    };
    try {
      const acc = await makeAccount(dev);
      const alice = await acc.agent('alice', { skills: ['Sales'] });
      const c = await createWebhook(dev, acc, `${stub.url}/hook`);
      const row = await deliverOne(dev, c, alice, 'redirected');
      expect(row).toMatchObject({ status: 'queued', attempts: 1 });
      expect(row.lastError).toContain('HTTP 307');
      expect(stub.requests).toHaveLength(1);
      expect(other.connections).toBe(0);
    } finally {
      stub.handle = (_req, res) => res.end('{}');
    }
  });

  it('DNS rebinding: a name public when saved and loopback when sent is refused at send time, without connecting', async () => {
    reset();
    const acc = await makeAccount(prod);
    const alice = await acc.agent('alice', { skills: ['Sales'] });
    const c = await createWebhook(prod, acc, `http://brand.test:${stub.port}/hook`);
    const row = await deliverOne(prod, c, alice, 'rebound');
    expect(row).toMatchObject({ status: 'failed', attempts: 1 });
    expect(row.lastError).toMatch(/^outbound address refused/);
    expect(stub.connections).toBe(0);
  });

  describe('Salesforce sync', () => {
    async function syncedAccount(loginUrl: string): Promise<AccountHandle> {
      const a = await makeAccount(dev);
      const r = await http(dev)('PATCH', '/api/v1/account/settings', {
        token: a.manager.token,
        body: { crm: { salesforce: { enabled: true, loginUrl, instanceUrl: '', consumerKey: 'ck', username: 'u@example.com', privateKey: PRIVATE_KEY } } },
      });
      expect(r.statusCode, r.body).toBe(200);
      return a;
    }

    async function closeOne(a: AccountHandle): Promise<string> {
      const agent = await a.agent(`agent${randomUUID().slice(0, 6)}`);
      const consumer = await a.consumer({ name: 'Emma', customVariables: { email: 'emma@example.com' } });
      const c = await consumer.open({ skill: 'Support', text: 'hello' });
      const closed = await http(dev)('POST', `/api/v1/conversations/${c.id}/close`, { token: agent.token });
      expect(closed.statusCode, closed.body).toBe(200);
      await dev.advance(0);
      return c.id;
    }

    it('a token endpoint redirecting to a refused address: not followed, the sync fails without retrying', async () => {
      reset();
      stub.handle = (_req, res) => {
        res.writeHead(307, { location: `${other.url}/services/oauth2/token` });
        res.end();
      };
      try {
        const a = await syncedAccount(stub.url);
        const id = await closeOne(a);
        expect(stub.requests.map((r) => `${r.method} ${r.url}`)).toEqual(['POST /services/oauth2/token']);
        expect(other.connections).toBe(0);
        const row = await findCrmSync(dev.db.kysely, a.accountId, id, 'salesforce');
        expect(row).toMatchObject({ status: 'failed', attempts: 1 });
        expect(row?.lastError).toMatch(/^outbound address refused/);
      } finally {
        stub.handle = (_req, res) => res.end('{}');
      }
    });

    it('an instance_url in the token answer that is refused: no REST call reaches it', async () => {
      reset();
      stub.handle = (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ access_token: 'tok', instance_url: other.url, id: `${stub.url}/id/00D/005`, token_type: 'Bearer' }));
      };
      try {
        const a = await syncedAccount(stub.url);
        const id = await closeOne(a);
        expect(stub.requests.map((r) => `${r.method} ${r.url}`)).toEqual(['POST /services/oauth2/token']);
        expect(other.connections).toBe(0);
        expect(await findCrmSync(dev.db.kysely, a.accountId, id, 'salesforce')).toMatchObject({ status: 'failed', attempts: 1 });
      } finally {
        stub.handle = (_req, res) => res.end('{}');
      }
    });
  });
});

// ---------------------------------------------------------------- helpers

interface WebhookChannel {
  id: string;
  secret: string;
  inboundUrl: string;
}

async function createWebhook(t: TestApp, acc: AccountHandle, outboundUrl: string): Promise<WebhookChannel> {
  const r = await http(t)('POST', '/api/v1/channels', {
    token: acc.manager.token,
    body: { type: 'webhook', name: 'Brand app', skillId: acc.skills.Sales, outboundUrl },
  });
  expect(r.statusCode, r.body).toBe(201);
  return r.json();
}

/** A webhook channel whose outboundUrl was stored without the save-time check (as before this rule, or edited in the database). */
async function legacyWebhook(t: TestApp, acc: AccountHandle, outboundUrl: string): Promise<WebhookChannel> {
  const c = await createWebhook(t, acc, 'https://hooks.brand.example/parley');
  await t.db.kysely.updateTable('channels').set({ outbound_url: outboundUrl }).where('id', '=', c.id).execute();
  return c;
}

/** A consumer writes on the channel, the agent answers, the delivery timer fires once: the delivery row. */
async function deliverOne(t: TestApp, c: WebhookChannel, agent: { token: string }, text: string) {
  const req = http(t);
  const body = JSON.stringify({ from: `user-${randomUUID()}`, name: 'Dana', text: 'hi', eventId: randomUUID() });
  const sig = `sha256=${createHmac('sha256', c.secret).update(body).digest('hex')}`;
  const inbound = await t.app.inject({
    method: 'POST',
    url: new URL(c.inboundUrl).pathname,
    headers: { 'content-type': 'application/json', 'x-parley-signature': sig },
    payload: body,
  });
  expect(inbound.statusCode, inbound.body).toBe(200);
  await t.routingIdle();
  const active = (await req('GET', '/api/v1/workspace/active', { token: agent.token })).json().items as { id: string; channel: string }[];
  const item = active.find((i) => i.channel === 'webhook');
  if (!item) throw new Error('no webhook conversation assigned');
  const sent = await req('POST', `/api/v1/conversations/${item.id}/messages`, { token: agent.token, body: { text, clientMessageId: randomUUID() } });
  expect(sent.statusCode, sent.body).toBe(201);
  await t.advance(0);
  const { account_id } = await t.db.kysely.selectFrom('channels').select('account_id').where('id', '=', c.id).executeTakeFirstOrThrow();
  const row = await findDelivery(t.db.kysely, account_id, sent.json().id);
  if (!row) throw new Error('no delivery');
  // Close it so the agent is free for the next test's conversation.
  await req('POST', `/api/v1/conversations/${item.id}/close`, { token: agent.token });
  return row;
}
