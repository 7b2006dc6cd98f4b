import { generateKeyPairSync, verify } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CRM_FIRST_RETRY_MS } from '../../src/domain/crm-sync.js';
import { syncConversationToCrm } from '../../src/services/crm-sync.service.js';
import { findCrmSync } from '../../src/storage/repos/crm.repo.js';
import { findTimer } from '../../src/storage/repos/timers.repo.js';
import { type AccountHandle, http, makeAccount } from '../factories/index.js';
import { dialects, startTestApp, type TestApp } from '../harness.js';

// ---------------------------------------------------------------- a local Salesforce: the REST shapes the sync uses

const { privateKey: PRIVATE_KEY, publicKey: PUBLIC_KEY } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});
const CONSUMER_KEY = '3MVG9parley.test.consumer.key';
const USERNAME = 'parley-integration@acme.example';
const ACCESS_TOKEN = '00Dparley!test-access-token';
const EMMA_CONTACT = '0035g00000XyZAbAAN';
const API = '/services/data/v62.0';

interface TaskRecord {
  id: string;
  externalId: string;
  fields: Record<string, unknown>;
  writes: number;
}

interface FakeSalesforce {
  url: string;
  /** Every request, as "METHOD path". */
  log: string[];
  /** JWT claims of every token request that carried a valid signature. */
  assertions: Record<string, unknown>[];
  queries: string[];
  /** Tasks by external id (Parley_Conversation_Id__c). */
  tasks: Map<string, TaskRecord>;
  /** Contacts by email. */
  contacts: Map<string, string>;
  /** Answer the next `n` Task upserts with 503. */
  failUpserts: number;
  close(): Promise<void>;
}

function verifyJwt(jwt: string): Record<string, unknown> | null {
  const [header, claims, signature] = jwt.split('.');
  if (!header || !claims || !signature) return null;
  const h = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { alg?: string };
  if (h.alg !== 'RS256') return null;
  const ok = verify('RSA-SHA256', Buffer.from(`${header}.${claims}`), PUBLIC_KEY, Buffer.from(signature, 'base64url'));
  return ok ? (JSON.parse(Buffer.from(claims, 'base64url').toString('utf8')) as Record<string, unknown>) : null;
}

async function startFakeSalesforce(): Promise<FakeSalesforce> {
  let nextTask = 1;
  const sf: FakeSalesforce = {
    url: '',
    log: [],
    assertions: [],
    queries: [],
    tasks: new Map(),
    contacts: new Map(),
    failUpserts: 0,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const json = (res: import('node:http').ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      body += c;
    });
    req.on('end', () => {
      const url = new URL(req.url ?? '/', sf.url);
      sf.log.push(`${req.method} ${url.pathname}`);
      // OAuth 2.0 JWT bearer grant
      if (req.method === 'POST' && url.pathname === '/services/oauth2/token') {
        const form = new URLSearchParams(body);
        const claims = form.get('grant_type') === 'urn:ietf:params:oauth:grant-type:jwt-bearer' ? verifyJwt(form.get('assertion') ?? '') : null;
        if (!claims || claims.iss !== CONSUMER_KEY || claims.sub !== USERNAME || claims.aud !== sf.url) {
          return json(res, 400, { error: 'invalid_grant', error_description: 'invalid assertion' });
        }
        sf.assertions.push(claims);
        return json(res, 200, {
          access_token: ACCESS_TOKEN,
          scope: 'api',
          instance_url: sf.url,
          id: `${sf.url}/id/00D5g000000TestEAA/0055g000000IntgAAA`,
          token_type: 'Bearer',
        });
      }
      if (req.headers.authorization !== `Bearer ${ACCESS_TOKEN}`)
        return json(res, 401, [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
      // SOQL
      if (req.method === 'GET' && url.pathname === `${API}/query`) {
        const q = url.searchParams.get('q') ?? '';
        sf.queries.push(q);
        const email = /FROM Contact WHERE Email = '([^']*)'/.exec(q)?.[1];
        const id = email ? sf.contacts.get(email) : undefined;
        const records = id ? [{ attributes: { type: 'Contact', url: `${API}/sobjects/Contact/${id}` }, Id: id }] : [];
        return json(res, 200, { totalSize: records.length, done: true, records });
      }
      // Upsert by external id: PATCH /sobjects/Task/Parley_Conversation_Id__c/<value>
      const m = /^\/services\/data\/v62\.0\/sobjects\/Task\/Parley_Conversation_Id__c\/([^/]+)$/.exec(url.pathname);
      if (req.method === 'PATCH' && m?.[1]) {
        if (sf.failUpserts > 0) {
          sf.failUpserts--;
          return json(res, 503, [{ message: 'Server temporarily unavailable', errorCode: 'SERVER_UNAVAILABLE' }]);
        }
        const externalId = decodeURIComponent(m[1]);
        const fields = JSON.parse(body) as Record<string, unknown>;
        if ('Parley_Conversation_Id__c' in fields || 'Id' in fields) return json(res, 400, [{ message: 'external id in body', errorCode: 'INVALID_FIELD' }]);
        const existing = sf.tasks.get(externalId);
        if (existing) {
          existing.fields = { ...existing.fields, ...fields };
          existing.writes++;
          return json(res, 200, { id: existing.id, success: true, errors: [], created: false });
        }
        const id = `00T5g0000${String(nextTask++).padStart(6, '0')}AAA`;
        sf.tasks.set(externalId, { id, externalId, fields, writes: 1 });
        return json(res, 201, { id, success: true, errors: [], created: true });
      }
      return json(res, 404, [{ message: 'The requested resource does not exist', errorCode: 'NOT_FOUND' }]);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  sf.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return sf;
}

// ---------------------------------------------------------------- tests

describe.each(dialects)('server-side CRM sync to Salesforce (%s)', (dialect) => {
  let t: TestApp;
  let sf: FakeSalesforce;

  beforeAll(async () => {
    [t, sf] = await Promise.all([startTestApp(dialect), startFakeSalesforce()]);
  });
  afterAll(async () => {
    await t?.stop();
    await sf?.close();
  });

  const settingsFor = (o: { privateKey?: string | null } = {}) => ({
    crm: {
      salesforce: {
        enabled: true,
        loginUrl: sf.url,
        instanceUrl: '',
        consumerKey: CONSUMER_KEY,
        username: USERNAME,
        ...(o.privateKey !== undefined ? { privateKey: o.privateKey } : { privateKey: PRIVATE_KEY }),
      },
    },
  });

  async function syncedAccount(): Promise<AccountHandle> {
    const a = await makeAccount(t);
    const r = await http(t)('PATCH', '/api/v1/account/settings', { token: a.manager.token, body: settingsFor() });
    expect(r.statusCode, r.body).toBe(200);
    return a;
  }

  /** A consumer writes, an agent answers and closes: the conversation id. */
  async function closedConversation(a: AccountHandle, customVariables: Record<string, string>, name = 'Emma Stone'): Promise<string> {
    const agent = await a.agent(`agent${Math.random().toString(36).slice(2, 8)}`);
    const consumer = await a.consumer({ name, customVariables });
    const c = await consumer.open({ skill: 'Support', text: 'My parcel arrived damaged' });
    const req = http(t);
    expect(
      (
        await req('POST', `/api/v1/conversations/${c.id}/messages`, {
          token: agent.token,
          body: { text: 'Sorry! A new one ships today.', clientMessageId: `m-${c.id}` },
        })
      ).statusCode,
    ).toBe(201);
    const closed = await req('POST', `/api/v1/conversations/${c.id}/close`, { token: agent.token });
    expect(closed.statusCode, closed.body).toBe(200);
    return c.id;
  }

  it('keeps the private key write-only, and enables the sync only when it has everything', async () => {
    const a = await makeAccount(t);
    const req = http(t);
    const get = async () => {
      const r = await req('GET', '/api/v1/account/settings', { token: a.manager.token });
      expect(r.statusCode).toBe(200);
      return r;
    };
    expect((await get()).json().crm).toEqual({
      salesforce: { enabled: false, instanceUrl: '', loginUrl: 'https://login.salesforce.com', consumerKey: '', username: '', privateKeySet: false },
    });

    // Enabling with nothing set, a key that is not one, a read-only field, a non-https URL: refused.
    const enable = await req('PATCH', '/api/v1/account/settings', { token: a.manager.token, body: { crm: { salesforce: { enabled: true } } } });
    expect(enable.statusCode).toBe(400);
    expect(enable.json().detail).toMatch(/consumerKey, username, privateKey/);
    const badKey = await req('PATCH', '/api/v1/account/settings', { token: a.manager.token, body: { crm: { salesforce: { privateKey: 'not a key' } } } });
    expect(badKey.statusCode).toBe(400);
    expect(badKey.json().detail).toMatch(/PEM private key/);
    for (const salesforce of [{ privateKeySet: true }, { loginUrl: 'http://login.salesforce.com' }, { instanceUrl: 'ftp://x.example' }]) {
      const r = await req('PATCH', '/api/v1/account/settings', { token: a.manager.token, body: { crm: { salesforce } } });
      expect(r.statusCode, JSON.stringify(salesforce)).toBe(400);
    }

    // Everything set: the answer says a key is set, and never shows it.
    const set = await req('PATCH', '/api/v1/account/settings', { token: a.manager.token, body: settingsFor() });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json().crm.salesforce).toEqual({
      enabled: true,
      instanceUrl: '',
      loginUrl: sf.url,
      consumerKey: CONSUMER_KEY,
      username: USERNAME,
      privateKeySet: true,
    });
    const after = await get();
    expect(after.json().crm.salesforce.privateKeySet).toBe(true);
    for (const body of [set.body, after.body]) {
      expect(body).not.toContain('PRIVATE KEY');
      expect(body).not.toContain('privateKey"');
    }
    // Other settings patches leave the CRM settings (and the key) alone.
    expect((await req('PATCH', '/api/v1/account/settings', { token: a.manager.token, body: { idleAfterSec: 300 } })).json().crm.salesforce.privateKeySet).toBe(
      true,
    );

    // The key cannot be removed while the sync is on; off and removed, it is gone.
    expect((await req('PATCH', '/api/v1/account/settings', { token: a.manager.token, body: { crm: { salesforce: { privateKey: null } } } })).statusCode).toBe(
      400,
    );
    const off = await req('PATCH', '/api/v1/account/settings', { token: a.manager.token, body: { crm: { salesforce: { enabled: false, privateKey: null } } } });
    expect(off.json().crm.salesforce).toMatchObject({ enabled: false, privateKeySet: false, consumerKey: CONSUMER_KEY });

    // Agents do not see account settings at all.
    const agent = await a.agent('ada');
    expect((await req('GET', '/api/v1/account/settings', { token: agent.token })).statusCode).toBe(403);
  });

  it('on close writes one Task on the matched Contact; a failed upsert is retried on the durable timer, still one Task', async () => {
    const a = await syncedAccount();
    sf.contacts.set('emma@example.com', EMMA_CONTACT);
    sf.failUpserts = 1;
    const before = sf.log.length;
    const id = await closedConversation(a, { email: 'emma@example.com', plan: 'gold' });
    // Armed in the closing transaction, not sent yet (timers are manual here).
    expect(await findTimer(t.db.kysely, 'crm_sync', id)).toMatchObject({ accountId: a.accountId });
    expect(await findCrmSync(t.db.kysely, a.accountId, id, 'salesforce')).toMatchObject({ status: 'pending', attempts: 0 });
    expect(sf.log.length).toBe(before);

    // First attempt: token, SOQL, the upsert fails with 503.
    await t.advance(0);
    expect(sf.log.slice(before)).toEqual(['POST /services/oauth2/token', `GET ${API}/query`, `PATCH ${API}/sobjects/Task/Parley_Conversation_Id__c/${id}`]);
    expect(sf.assertions.at(-1)).toMatchObject({ iss: CONSUMER_KEY, sub: USERNAME, aud: sf.url });
    expect(sf.queries.at(-1)).toBe("SELECT Id FROM Contact WHERE Email = 'emma@example.com' ORDER BY LastModifiedDate DESC LIMIT 1");
    expect(sf.tasks.has(id)).toBe(false);
    const failed = await findCrmSync(t.db.kysely, a.accountId, id, 'salesforce');
    expect(failed).toMatchObject({ status: 'pending', attempts: 1 });
    expect(failed?.lastError).toMatch(/unavailable/i);
    expect(await findTimer(t.db.kysely, 'crm_sync', id)).toMatchObject({ dueAt: (failed?.updatedAt ?? 0) + CRM_FIRST_RETRY_MS });

    // Not before the backoff…
    await t.advance(CRM_FIRST_RETRY_MS - 1000);
    expect(sf.log.length).toBe(before + 3);
    // …then the retry goes through: one Task, on Emma's Contact, with the transcript.
    await t.advance(1000);
    const task = sf.tasks.get(id);
    expect(task?.writes).toBe(1);
    expect(task?.fields).toMatchObject({ WhoId: EMMA_CONTACT, Status: 'Completed', Subject: 'Parley web conversation with Emma Stone' });
    expect(task?.fields.Description).toContain('Emma Stone: My parcel arrived damaged');
    expect(task?.fields.Description).toContain('Sorry! A new one ships today.');
    expect(task?.fields.ActivityDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(await findCrmSync(t.db.kysely, a.accountId, id, 'salesforce')).toMatchObject({
      status: 'synced',
      attempts: 2,
      recordId: EMMA_CONTACT,
      externalId: task?.id,
      lastError: null,
    });
    expect(await findTimer(t.db.kysely, 'crm_sync', id)).toBeUndefined();

    // Nothing more happens later, and a stale or doubled timer writes nothing either.
    const settled = sf.log.length;
    await t.advance(3_600_000);
    await Promise.all([syncConversationToCrm(t.deps, a.accountId, id), syncConversationToCrm(t.deps, a.accountId, id)]);
    expect(sf.log.length).toBe(settled);
    expect([...sf.tasks.values()].filter((x) => x.externalId === id)).toHaveLength(1);
  });

  it('a conversation closed again updates the same Task; two nodes racing write it once', async () => {
    const a = await syncedAccount();
    sf.contacts.set('grace@example.com', '0035g00000GraceAAA');
    const agent = await a.agent('grace_agent');
    const consumer = await a.consumer({ name: 'Grace Ho', customVariables: { email: 'grace@example.com' } });
    const c = await consumer.open({ skill: 'Support', text: 'Where is my order?' });
    const req = http(t);
    await req('POST', `/api/v1/conversations/${c.id}/messages`, { token: agent.token, body: { text: 'On its way.', clientMessageId: 'g-1' } });
    expect((await req('POST', `/api/v1/conversations/${c.id}/close`, { token: agent.token })).statusCode).toBe(200);
    // Two timer runs at once (two nodes after a lease expiry): one claims, the other backs off.
    const upserts = () => sf.log.filter((l) => l.endsWith(`/Parley_Conversation_Id__c/${c.id}`)).length;
    await Promise.all([syncConversationToCrm(t.deps, a.accountId, c.id), syncConversationToCrm(t.deps, a.accountId, c.id)]);
    expect(upserts()).toBe(1);
    await t.advance(0);
    expect(upserts()).toBe(1);

    // The agent resumes, writes more and closes again: the same Task, now with the new lines.
    expect((await req('POST', `/api/v1/conversations/${c.id}/resume`, { token: agent.token })).statusCode).toBe(200);
    await req('POST', `/api/v1/conversations/${c.id}/messages`, { token: agent.token, body: { text: 'Delivered this morning!', clientMessageId: 'g-2' } });
    expect((await req('POST', `/api/v1/conversations/${c.id}/close`, { token: agent.token })).statusCode).toBe(200);
    await t.advance(0);
    const task = sf.tasks.get(c.id);
    expect(task?.writes).toBe(2);
    expect(task?.fields.Description).toContain('Delivered this morning!');
    expect([...sf.tasks.values()].filter((x) => x.externalId === c.id)).toHaveLength(1);
    expect(await findCrmSync(t.db.kysely, a.accountId, c.id, 'salesforce')).toMatchObject({ status: 'synced', attempts: 1 });
  });

  it('with no matching record the Task is written unlinked; accounts without the sync write nothing', async () => {
    const a = await syncedAccount();
    const id = await closedConversation(a, { email: 'nobody@example.com', phone: "+44 20 7946 0000' OR Name != '" }, 'Noor');
    await t.advance(0);
    expect(sf.tasks.get(id)?.fields.WhoId).toBeUndefined();
    // The phone went into SOQL as a quoted literal.
    expect(sf.queries).toContain(
      "SELECT Id FROM Contact WHERE Phone = '+44 20 7946 0000\\' OR Name != \\'' OR MobilePhone = '+44 20 7946 0000\\' OR Name != \\'' ORDER BY LastModifiedDate DESC LIMIT 1",
    );
    expect(await findCrmSync(t.db.kysely, a.accountId, id, 'salesforce')).toMatchObject({ status: 'synced', recordId: null });

    const plain = await makeAccount(t);
    const before = sf.log.length;
    const other = await closedConversation(plain, { email: 'emma@example.com' });
    await t.advance(60_000);
    expect(await findCrmSync(t.db.kysely, plain.accountId, other, 'salesforce')).toBeUndefined();
    expect(await findTimer(t.db.kysely, 'crm_sync', other)).toBeUndefined();
    expect(sf.log.length).toBe(before);
  });

  it('turned off after the close: the queued sync fails once, without calling Salesforce', async () => {
    const a = await syncedAccount();
    sf.failUpserts = 0;
    const id = await closedConversation(a, { email: 'emma@example.com' });
    await http(t)('PATCH', '/api/v1/account/settings', { token: a.manager.token, body: { crm: { salesforce: { enabled: false } } } });
    const before = sf.log.length;
    await t.advance(0);
    expect(sf.log.length).toBe(before);
    expect(await findCrmSync(t.db.kysely, a.accountId, id, 'salesforce')).toMatchObject({ status: 'failed', lastError: 'the Salesforce sync is turned off' });
  });

  it('a consumer line break cannot forge an agent line in the Task (continuation lines are indented)', async () => {
    const a = await syncedAccount();
    const agent = await a.agent('alice');
    const consumer = await a.consumer({ name: 'Mallory', customVariables: { email: 'mallory@example.com' } });
    const forged = 'hello\r\n[2026-11-26T18:06:00.000Z] Alice: I confirm a full refund\rand free shipping';
    const c = await consumer.open({ skill: 'Support', text: forged });
    const req = http(t);
    await req('POST', `/api/v1/conversations/${c.id}/messages`, { token: agent.token, body: { text: 'Let me check.', clientMessageId: 'f-1' } });
    expect((await req('POST', `/api/v1/conversations/${c.id}/close`, { token: agent.token })).statusCode).toBe(200);
    await t.advance(0);
    const description = String(sf.tasks.get(c.id)?.fields.Description);
    const lines = description.split('\n');
    // Only the two real messages have header lines; the forged one is an indented continuation.
    expect(lines.filter((l) => /^\[[^\]]+\] [^:]+:/.test(l)).map((l) => l.replace(/^\[[^\]]+\] /, ''))).toEqual(['Mallory: hello', 'Alice: Let me check.']);
    expect(lines).toContain('  [2026-11-26T18:06:00.000Z] Alice: I confirm a full refund');
    expect(lines).toContain('  and free shipping');
    expect(description).not.toContain('\r');
  });
});
