import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ActiveItem, Message } from '@parley/contract';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { FakeClock } from '../../src/domain/clock.js';
import { MAX_DELIVERY_ATTEMPTS, retryDelayMs } from '../../src/domain/delivery.js';
import { deliverConversation } from '../../src/services/outbound.service.js';
import { hashToken, newToken } from '../../src/services/tokens.js';
import { type Database, dropPgSchema, openDatabase } from '../../src/storage/db.js';
import { findChannel } from '../../src/storage/repos/channels.repo.js';
import { findDelivery } from '../../src/storage/repos/deliveries.repo.js';
import { insertConsumerSession } from '../../src/storage/repos/tokens.repo.js';
import { type AccountHandle, type AgentHandle, http, makeAccount } from '../factories/index.js';
import { type DialectName, dialects, pgUrl, startTestApp, TEST_OUTBOUND_ALLOW, TEST_SECRET_KEY, type TestApp } from '../harness.js';
import { connect } from '../socket-client.js';

const PUBLIC_URL = 'https://parley.example.test';

interface CreatedChannel {
  id: string;
  type: string;
  secret: string;
  inboundUrl: string;
  credentials: Record<string, string>;
}

// ---------------------------------------------------------------- a local provider (Twilio, Meta, a brand's webhook)

interface ProviderRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
}

interface Provider {
  url: string;
  requests: ProviderRequest[];
  /** Answer the next `n` requests with 500. */
  failNext(n: number): void;
  delayMs: number;
  close(): Promise<void>;
}

async function startProvider(): Promise<Provider> {
  let failures = 0;
  const requests: ProviderRequest[] = [];
  const p: Provider = {
    url: '',
    requests,
    delayMs: 0,
    failNext(n) {
      failures = n;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      body += c;
    });
    req.on('end', () => {
      const status = failures > 0 ? 500 : 201;
      if (failures > 0) failures--;
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, status });
      setTimeout(() => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(status === 201 ? JSON.stringify({ sid: `SM${requests.length}`, status: 'queued' }) : '{"code":20500,"message":"try later"}');
      }, p.delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  p.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return p;
}

const ok = (p: Provider) => p.requests.filter((r) => r.status === 201);
const hub = (secret: string, body: string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

// Meta's documented examples (Messenger Platform, "messages" webhook event), placeholders filled in.
const PSID = '1254459154682919';
const PAGE_ID = '682498302938465';
const metaTextExample = (mid = 'mid.1457764197618:41d102a3e1ae206a38', text = 'hello, world!') =>
  JSON.stringify({
    object: 'page',
    entry: [
      {
        id: PAGE_ID,
        time: 1458692752478,
        messaging: [
          {
            sender: { id: PSID },
            recipient: { id: PAGE_ID },
            timestamp: 1458692752478,
            message: { mid, text, quick_reply: { payload: '<DEVELOPER_DEFINED_PAYLOAD>' } },
          },
        ],
      },
    ],
  });
const metaAttachmentExample = `{
  "object": "page",
  "entry": [
    {
      "id": "682498302938465",
      "time": 1518479195594,
      "messaging": [
        {
          "sender": { "id": "1254459154682919" },
          "recipient": { "id": "682498302938465" },
          "timestamp": 1518479195308,
          "message": {
            "mid": "mid.$cAAJdkrCd2ORnva8ErFhjGm0X_Q_c",
            "attachments": [
              { "type": "image", "payload": { "url": "https://scontent.xx.fbcdn.net/v/t1.15752-9/photo.jpg" } }
            ]
          }
        }
      ]
    }
  ]
}`;
const metaEchoExample = JSON.stringify({
  object: 'page',
  entry: [
    {
      id: PAGE_ID,
      time: 1457764198246,
      messaging: [
        {
          sender: { id: PAGE_ID },
          recipient: { id: PSID },
          timestamp: 1457764197627,
          message: { is_echo: true, app_id: 1517776481860111, metadata: '<DEVELOPER_DEFINED_METADATA_STRING>', mid: 'mid.1457764197618:echo', text: 'hi' },
        },
      ],
    },
  ],
});

describe.each(dialects)('channels on %s', (dialect) => {
  let t: TestApp;
  let provider: Provider;
  let req: ReturnType<typeof http>;

  beforeAll(async () => {
    t = await startTestApp(dialect, { publicUrl: PUBLIC_URL });
    await t.listen();
    provider = await startProvider();
    req = http(t);
  });
  afterAll(async () => {
    await t.stop();
    await provider.close();
  });

  const createChannel = async (acc: AccountHandle, body: Record<string, unknown>): Promise<CreatedChannel> => {
    const r = await req('POST', '/api/v1/channels', { token: acc.manager.token, body: { name: 'Channel', skillId: acc.skills.Sales, ...body } });
    expect(r.statusCode, r.body).toBe(201);
    return r.json();
  };

  const smsChannel = (acc: AccountHandle) =>
    createChannel(acc, {
      type: 'sms',
      name: 'SMS +1 555 765 4321',
      providerBaseUrl: provider.url,
      credentials: { accountSid: 'AC0123456789abcdef0123456789abcdef', from: '+15557654321' },
    });

  const path = (c: CreatedChannel) => new URL(c.inboundUrl).pathname;

  /** Twilio's inbound SMS webhook, signed by the official `twilio` helper with the given token (the channel secret by default). */
  const smsInbound = (c: CreatedChannel, params: Record<string, string>, o: { token?: string; signature?: string | null } = {}) => {
    const signature = o.signature === undefined ? twilio.getExpectedTwilioSignature(o.token ?? c.secret, c.inboundUrl, params) : o.signature;
    return t.app.inject({
      method: 'POST',
      url: path(c),
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', ...(signature !== null && { 'x-twilio-signature': signature }) },
      payload: new URLSearchParams(params).toString(),
    });
  };

  const twilioParams = (from: string, body: string, sid = `SM${randomBytes(16).toString('hex')}`): Record<string, string> => ({
    ToCountry: 'US',
    SmsMessageSid: sid,
    NumMedia: '0',
    SmsSid: sid,
    SmsStatus: 'received',
    Body: body,
    To: '+15557654321',
    NumSegments: '1',
    MessageSid: sid,
    AccountSid: 'AC0123456789abcdef0123456789abcdef',
    From: from,
    ApiVersion: '2010-04-01',
  });

  const signedPost = (c: CreatedChannel, header: string, body: string, secret = c.secret) =>
    t.app.inject({ method: 'POST', url: path(c), headers: { 'content-type': 'application/json', [header]: hub(secret, body) }, payload: body });

  const countRows = async (accountId: string) => {
    const m = await t.db.kysely
      .selectFrom('messages')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('account_id', '=', accountId)
      .executeTakeFirstOrThrow();
    const c = await t.db.kysely
      .selectFrom('conversations')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('account_id', '=', accountId)
      .executeTakeFirstOrThrow();
    return { messages: Number(m.n), conversations: Number(c.n) };
  };

  const activeOf = async (agent: AgentHandle): Promise<ActiveItem[]> => {
    await t.routingIdle();
    const r = await req('GET', '/api/v1/workspace/active', { token: agent.token });
    return r.json().items;
  };

  const transcript = async (agent: AgentHandle, conversationId: string): Promise<Message[]> =>
    (await req('GET', `/api/v1/conversations/${conversationId}/messages`, { token: agent.token })).json().items;

  const reply = async (agent: AgentHandle, conversationId: string, text: string): Promise<Message> => {
    const r = await req('POST', `/api/v1/conversations/${conversationId}/messages`, { token: agent.token, body: { text, clientMessageId: randomUUID() } });
    expect(r.statusCode, r.body).toBe(201);
    return r.json();
  };

  /** A session token for a channel consumer (they have none of their own) to show what the consumer API allows them. */
  const consumerToken = async (accountId: string, consumerId: string) => {
    const token = newToken('cst');
    const now = t.clock.now();
    await insertConsumerSession(t.db.kysely, { hash: hashToken(token), accountId, consumerId, createdAt: now, expiresAt: now + 3600_000 });
    return token;
  };

  // ---------------------------------------------------------------- management

  it('creates channels for managers: the secret is shown at creation and on rotation only', async () => {
    const acc = await makeAccount(t);
    const agent = await acc.agent('amy');
    const c = await createChannel(acc, {
      type: 'messenger',
      credentials: { appSecret: 'app-secret-0123456789abcdef', pageAccessToken: 'EAAB-page-token', verifyToken: 'verify-me', apiVersion: 'v21.0' },
      providerBaseUrl: provider.url,
    });
    expect(c).toMatchObject({ type: 'messenger', secret: 'app-secret-0123456789abcdef', inboundUrl: `${PUBLIC_URL}/api/v1/channels/${c.id}/inbound` });
    expect(c.credentials).toEqual({ pageAccessToken: '********', verifyToken: '********', apiVersion: 'v21.0' });

    const list = await req('GET', '/api/v1/channels', { token: acc.manager.token });
    expect(list.statusCode).toBe(200);
    expect(list.json().items).toHaveLength(1);
    expect(list.json().items[0]).not.toHaveProperty('secret');
    expect(list.body).not.toContain('app-secret-0123456789abcdef');
    expect(list.body).not.toContain('EAAB-page-token');
    expect((await req('GET', `/api/v1/channels/${c.id}`, { token: acc.manager.token })).json()).not.toHaveProperty('secret');

    const web = await createChannel(acc, { type: 'webhook', outboundUrl: `${provider.url}/hooks/parley` });
    expect(web.secret.length).toBeGreaterThanOrEqual(32);
    const rotated = await req('POST', `/api/v1/channels/${web.id}/rotate-secret`, { token: acc.manager.token, body: {} });
    expect(rotated.statusCode).toBe(200);
    expect(rotated.json().secret).not.toBe(web.secret);
    const set = await req('POST', `/api/v1/channels/${web.id}/rotate-secret`, { token: acc.manager.token, body: { secret: 'my-own-secret-0123456789' } });
    expect(set.json().secret).toBe('my-own-secret-0123456789');

    expect((await req('GET', '/api/v1/channels', { token: agent.token })).statusCode).toBe(403);
    expect((await req('POST', '/api/v1/channels', { token: agent.token, body: { type: 'sms', name: 'x', skillId: acc.skills.Sales } })).statusCode).toBe(403);
    const bad = await req('POST', '/api/v1/channels', {
      token: acc.manager.token,
      body: { type: 'sms', name: 'x', skillId: acc.skills.Sales, credentials: { password: 'x' } },
    });
    expect(bad.statusCode).toBe(400);
    const wrongKind = await req('POST', '/api/v1/channels', {
      token: acc.manager.token,
      body: { type: 'sms', name: 'x', skillId: acc.skills.Sales, outboundUrl: provider.url },
    });
    expect(wrongKind.statusCode).toBe(400);
    const noSkill = await req('POST', '/api/v1/channels', { token: acc.manager.token, body: { type: 'webhook', name: 'x', skillId: 'nope' } });
    expect(noSkill.statusCode).toBe(400);
    const other = await makeAccount(t);
    expect((await req('GET', `/api/v1/channels/${c.id}`, { token: other.manager.token })).statusCode).toBe(404);
  });

  it('PATCH merges credentials: a given key replaces, null removes one; the secret-bearing key replaces the secret and cannot be removed', async () => {
    const acc = await makeAccount(t);
    const c = await createChannel(acc, {
      type: 'messenger',
      credentials: { appSecret: 'app-secret-0123456789abcdef', pageAccessToken: 'EAAB-page-token', verifyToken: 'verify-me', apiVersion: 'v21.0' },
      providerBaseUrl: provider.url,
    });
    const patch = (body: Record<string, unknown>) => req('PATCH', `/api/v1/channels/${c.id}`, { token: acc.manager.token, body });
    const stored = async () => (await findChannel(t.db.kysely, acc.accountId, c.id))?.secret;

    const removed = await patch({ credentials: { verifyToken: null, apiVersion: null, pageAccessToken: 'EAAB-new-token' } });
    expect(removed.statusCode, removed.body).toBe(200);
    expect(removed.json().credentials).toEqual({ pageAccessToken: '********' });
    expect(await stored()).toBe('app-secret-0123456789abcdef');

    const refused = await patch({ credentials: { appSecret: null } });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().errors).toEqual([expect.objectContaining({ path: 'credentials.appSecret' })]);
    expect(await stored()).toBe('app-secret-0123456789abcdef');

    const replaced = await patch({ credentials: { appSecret: 'a-new-app-secret-0123456789' }, providerBaseUrl: null });
    expect(replaced.statusCode, replaced.body).toBe(200);
    expect(replaced.json()).toMatchObject({ providerBaseUrl: null, credentials: { pageAccessToken: '********' } });
    expect(replaced.body).not.toContain('a-new-app-secret');
    expect(await stored()).toBe('a-new-app-secret-0123456789');
  });

  // ---------------------------------------------------------------- SMS (Twilio)

  it('SMS: requests signed by the twilio package are accepted; a wrong or missing signature is refused and nothing is stored', async () => {
    const acc = await makeAccount(t);
    const alice = await acc.agent('alice', { skills: ['Sales'] });
    const c = await smsChannel(acc);

    const wrong = await smsInbound(c, twilioParams('+15551230001', 'forged'), { token: 'not-the-auth-token-000000' });
    expect(wrong.statusCode).toBe(401);
    expect((await smsInbound(c, twilioParams('+15551230001', 'unsigned'), { signature: null })).statusCode).toBe(401);
    const params = twilioParams('+15551230001', 'original');
    const tampered = await t.app.inject({
      method: 'POST',
      url: path(c),
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilio.getExpectedTwilioSignature(c.secret, c.inboundUrl, params) },
      payload: new URLSearchParams({ ...params, Body: 'changed in flight' }).toString(),
    });
    expect(tampered.statusCode).toBe(401);
    expect(await countRows(acc.accountId)).toEqual({ messages: 0, conversations: 0 });

    const sid = `SM${randomBytes(16).toString('hex')}`;
    const first = await smsInbound(c, {
      ...twilioParams('+15551230001', 'Hi, is my order shipped?', sid),
      NumMedia: '1',
      MediaContentType0: 'image/jpeg',
      MediaUrl0: 'https://api.twilio.com/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages/MM1/Media/ME1',
    });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.headers['content-type']).toContain('text/xml');
    expect(first.body).toContain('<Response></Response>');
    // the official validator agrees with what we checked
    expect(twilio.validateRequest(c.secret, twilio.getExpectedTwilioSignature(c.secret, c.inboundUrl, params), c.inboundUrl, params)).toBe(true);

    const [item] = await activeOf(alice);
    expect(item).toMatchObject({ channel: 'sms', skillId: acc.skills.Sales, state: 'open', consumer: { name: '+15551230001' } });
    if (!item) throw new Error('no conversation');
    const messages = await transcript(alice, item.id);
    expect(messages.map((m) => m.text)).toEqual([
      'Hi, is my order shipped?\nhttps://api.twilio.com/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages/MM1/Media/ME1',
    ]);
    const details = (await req('GET', `/api/v1/conversations/${item.id}`, { token: alice.token })).json();
    expect(details.consumer).toMatchObject({ channel: 'sms', customVariables: { phone: '+15551230001' } });

    // Twilio retrying the same MessageSid: stored once
    const again = await smsInbound(c, { ...twilioParams('+15551230001', 'Hi, is my order shipped?', sid) });
    expect(again.statusCode).toBe(200);
    expect(await countRows(acc.accountId)).toEqual({ messages: 1, conversations: 1 });

    // a second message appends to the open conversation
    expect((await smsInbound(c, twilioParams('+15551230001', 'order 1234'))).statusCode).toBe(200);
    expect((await transcript(alice, item.id)).map((m) => m.text)).toHaveLength(2);
    expect(await countRows(acc.accountId)).toEqual({ messages: 2, conversations: 1 });

    // the SMS consumer cannot close; the agent can; writing after a close starts a new conversation
    const token = await consumerToken(acc.accountId, item.consumer.id);
    const close = await req('POST', `/api/v1/consumer/conversations/${item.id}/close`, { token });
    expect(close.statusCode).toBe(403);
    expect((await req('POST', `/api/v1/conversations/${item.id}/close`, { token: alice.token })).statusCode).toBe(200);
    expect((await smsInbound(c, twilioParams('+15551230001', 'one more thing'))).statusCode).toBe(200);
    expect(await countRows(acc.accountId)).toEqual({ messages: 3, conversations: 2 });
    const open = (await activeOf(alice)).filter((i) => i.state === 'open');
    expect(open).toHaveLength(1);
    expect(open[0]?.id).not.toBe(item.id);
    expect(open[0]?.consumer.id).toBe(item.consumer.id);

    // a rotated secret (e.g. a new Twilio auth token) replaces the old one
    const rotated = (
      await req('POST', `/api/v1/channels/${c.id}/rotate-secret`, { token: acc.manager.token, body: { secret: 'rotated-auth-token-0123456789ab' } })
    ).json();
    expect((await smsInbound(c, twilioParams('+15551230001', 'old token'))).statusCode).toBe(401);
    expect((await smsInbound({ ...c, secret: rotated.secret }, twilioParams('+15551230001', 'new token'))).statusCode).toBe(200);
  });

  it('SMS outbound: the Twilio Messages API shape, retried after two failures, each message once and in order; queued → sent', async () => {
    const acc = await makeAccount(t);
    const alice = await acc.agent('alice', { skills: ['Sales'] });
    const c = await smsChannel(acc);
    expect((await smsInbound(c, twilioParams('+15551230002', 'hello?'))).statusCode).toBe(200);
    const [item] = await activeOf(alice);
    if (!item) throw new Error('no conversation');
    const socket = await connect(t.url, '/agent', alice.token);

    provider.requests.length = 0;
    provider.failNext(2);
    const sent = [await reply(alice, item.id, 'first'), await reply(alice, item.id, 'second'), await reply(alice, item.id, 'third')];
    expect(sent.map((m) => m.delivery)).toEqual(['queued', 'queued', 'queued']);
    expect(provider.requests).toHaveLength(0);

    await t.advance(0);
    expect(provider.requests.map((r) => r.status)).toEqual([500]);
    await t.advance(retryDelayMs(1) - 1);
    expect(provider.requests).toHaveLength(1); // not before the backoff
    await t.advance(1);
    expect(provider.requests.map((r) => r.status)).toEqual([500, 500]);
    expect((await transcript(alice, item.id)).filter((m) => m.senderType === 'agent').map((m) => m.delivery)).toEqual(['queued', 'queued', 'queued']);
    await t.advance(retryDelayMs(2));

    const delivered = ok(provider).map((r) => Object.fromEntries(new URLSearchParams(r.body)));
    expect(delivered).toEqual([
      { To: '+15551230002', From: '+15557654321', Body: 'first' },
      { To: '+15551230002', From: '+15557654321', Body: 'second' },
      { To: '+15551230002', From: '+15557654321', Body: 'third' },
    ]);
    expect(provider.requests).toHaveLength(5);
    for (const r of provider.requests) {
      expect(r.method).toBe('POST');
      expect(r.url).toBe('/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages.json');
      expect(r.headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(r.headers.authorization).toBe(`Basic ${Buffer.from(`AC0123456789abcdef0123456789abcdef:${c.secret}`).toString('base64')}`);
    }
    expect((await transcript(alice, item.id)).filter((m) => m.senderType === 'agent').map((m) => m.delivery)).toEqual(['sent', 'sent', 'sent']);
    const third = sent[2];
    const updated = await socket.next((e) => e.type === 'message.updated' && (e.data as Message).id === third?.id);
    expect(updated.data).toMatchObject({ text: 'third', delivery: 'sent' });

    // nothing more goes out later
    await t.advance(120_000);
    expect(provider.requests).toHaveLength(5);
    socket.close();
  });

  it(`outbound gives up after ${MAX_DELIVERY_ATTEMPTS} attempts (failed) and the next message still goes out`, async () => {
    const acc = await makeAccount(t);
    const alice = await acc.agent('alice', { skills: ['Sales'] });
    const c = await smsChannel(acc);
    await smsInbound(c, twilioParams('+15551230003', 'hi'));
    const [item] = await activeOf(alice);
    if (!item) throw new Error('no conversation');

    provider.requests.length = 0;
    provider.failNext(MAX_DELIVERY_ATTEMPTS);
    const doomed = await reply(alice, item.id, 'doomed');
    const next = await reply(alice, item.id, 'after');
    await t.advance(0);
    for (let n = 1; n < MAX_DELIVERY_ATTEMPTS; n++) {
      expect(provider.requests).toHaveLength(n);
      await t.advance(retryDelayMs(n));
    }
    const bodies = provider.requests.map((r) => new URLSearchParams(r.body).get('Body'));
    expect(bodies).toEqual([...Array(MAX_DELIVERY_ATTEMPTS).fill('doomed'), 'after']);
    expect(ok(provider)).toHaveLength(1);
    const states = Object.fromEntries((await transcript(alice, item.id)).map((m) => [m.id, m.delivery]));
    expect(states[doomed.id]).toBe('failed');
    expect(states[next.id]).toBe('sent');
    const row = await findDelivery(t.db.kysely, acc.accountId, doomed.id);
    expect(row).toMatchObject({ status: 'failed', attempts: MAX_DELIVERY_ATTEMPTS, lastStatus: 500 });
    expect(row?.lastError).toContain('HTTP 500');
  });

  it('two workers delivering the same conversation at once send each message once, in order', async () => {
    const acc = await makeAccount(t);
    const alice = await acc.agent('alice', { skills: ['Sales'] });
    const c = await smsChannel(acc);
    await smsInbound(c, twilioParams('+15551230004', 'hi'));
    const [item] = await activeOf(alice);
    if (!item) throw new Error('no conversation');
    provider.requests.length = 0;
    provider.delayMs = 30;
    try {
      for (const text of ['a', 'b', 'c']) await reply(alice, item.id, text);
      await Promise.all([deliverConversation(t.deps, acc.accountId, item.id), deliverConversation(t.deps, acc.accountId, item.id)]);
      await t.advance(60_000); // whatever the loser re-armed finds nothing left
    } finally {
      provider.delayMs = 0;
    }
    expect(provider.requests.map((r) => new URLSearchParams(r.body).get('Body'))).toEqual(['a', 'b', 'c']);
  });

  it('SMS survey: on close the first question goes out; replies answer one question per message and move the CSAT', async () => {
    const acc = await makeAccount(t);
    const patch = await req('PATCH', '/api/v1/account/settings', { token: acc.manager.token, body: { survey: { enabled: true } } });
    expect(patch.statusCode, patch.body).toBe(200);
    const alice = await acc.agent('alice', { skills: ['Sales'] });
    const c = await smsChannel(acc);
    const phone = '+15551230009';
    await smsInbound(c, twilioParams(phone, 'need help'));
    const [item] = await activeOf(alice);
    if (!item) throw new Error('no conversation');
    await reply(alice, item.id, 'All sorted!');
    provider.requests.length = 0;
    expect((await req('POST', `/api/v1/conversations/${item.id}/close`, { token: alice.token })).statusCode).toBe(200);
    await t.advance(0);
    const bodies = () => ok(provider).map((r) => new URLSearchParams(r.body).get('Body') ?? '');
    expect(bodies()).toHaveLength(2);
    expect(bodies()[0]).toBe('All sorted!');
    expect(bodies()[1]).toContain('How satisfied are you with this conversation?');

    // each reply answers the current question; the next one goes out
    expect((await smsInbound(c, twilioParams(phone, '5'))).statusCode).toBe(200);
    await t.advance(0);
    expect(bodies()[2]).toContain('How likely are you to recommend us to a friend?');
    expect((await smsInbound(c, twilioParams(phone, '10'))).statusCode).toBe(200);
    await t.advance(0);
    expect(bodies()[3]).toBe('Thank you for your feedback!');
    expect(await countRows(acc.accountId)).toMatchObject({ conversations: 1 });
    const kpis = (await req('GET', '/api/v1/me/kpis', { token: alice.token })).json();
    expect(kpis).toMatchObject({ csat: 100, nps: 100, csatResponses: 1, npsResponses: 1 });
    const texts = (await transcript(alice, item.id)).map((m) => [m.senderType, m.text?.split('\n')[0]]);
    expect(texts.slice(-5)).toEqual([
      ['system', expect.stringContaining('How satisfied')],
      ['consumer', '5'],
      ['system', expect.stringContaining('How likely')],
      ['consumer', '10'],
      ['system', 'Thank you for your feedback!'],
    ]);

    // after the survey, a new text starts a new conversation
    expect((await smsInbound(c, twilioParams(phone, 'hello again'))).statusCode).toBe(200);
    expect(await countRows(acc.accountId)).toMatchObject({ conversations: 2 });
    await t.advance(0);
  });

  it('SMS survey: a reply that is not an answer is an ordinary message and starts a new conversation', async () => {
    const acc = await makeAccount(t);
    await req('PATCH', '/api/v1/account/settings', { token: acc.manager.token, body: { survey: { enabled: true } } });
    const alice = await acc.agent('alice', { skills: ['Sales'] });
    const c = await smsChannel(acc);
    const phone = '+15551230010';
    await smsInbound(c, twilioParams(phone, 'need help'));
    const [item] = await activeOf(alice);
    if (!item) throw new Error('no conversation');
    await reply(alice, item.id, 'Done');
    await req('POST', `/api/v1/conversations/${item.id}/close`, { token: alice.token });
    expect((await smsInbound(c, twilioParams(phone, 'actually, one more question'))).statusCode).toBe(200);
    expect(await countRows(acc.accountId)).toMatchObject({ conversations: 2 });
    const open = (await activeOf(alice)).find((i) => i.state === 'open');
    expect(open?.lastMessage?.text).toBe('actually, one more question');
    await t.advance(0); // deliver what this test queued before the next test watches the provider
  });

  // ---------------------------------------------------------------- Messenger

  it("Messenger: the hub.challenge check, Meta's documented text and attachment payloads, echoes ignored, repeats stored once", async () => {
    const acc = await makeAccount(t);
    const alice = await acc.agent('alice', { skills: ['Sales'] });
    const c = await createChannel(acc, {
      type: 'messenger',
      providerBaseUrl: provider.url,
      credentials: { appSecret: 'meta-app-secret-0123456789', pageAccessToken: 'EAAB-page-token', verifyToken: 'parley-verify-token' },
    });

    const challenge = await t.app.inject({
      method: 'GET',
      url: `${path(c)}?hub.mode=subscribe&hub.verify_token=parley-verify-token&hub.challenge=1158201444`,
    });
    expect(challenge.statusCode).toBe(200);
    expect(challenge.body).toBe('1158201444');
    const refused = await t.app.inject({ method: 'GET', url: `${path(c)}?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1158201444` });
    expect(refused.statusCode).toBe(403);

    const text = metaTextExample();
    expect((await signedPost(c, 'x-hub-signature-256', text, 'wrong-app-secret-000000')).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'POST', url: path(c), headers: { 'content-type': 'application/json' }, payload: text })).statusCode).toBe(401);
    expect(await countRows(acc.accountId)).toEqual({ messages: 0, conversations: 0 });

    const r = await signedPost(c, 'x-hub-signature-256', text);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.body).toBe('EVENT_RECEIVED');
    expect((await signedPost(c, 'x-hub-signature-256', text)).statusCode).toBe(200); // Meta redelivers
    expect((await signedPost(c, 'x-hub-signature-256', metaAttachmentExample)).statusCode).toBe(200);
    expect((await signedPost(c, 'x-hub-signature-256', metaEchoExample)).statusCode).toBe(200);

    const [item] = await activeOf(alice);
    if (!item) throw new Error('no conversation');
    expect(item).toMatchObject({ channel: 'messenger', consumer: { name: 'Messenger user 2919' } });
    expect((await transcript(alice, item.id)).map((m) => m.text)).toEqual(['hello, world!', 'https://scontent.xx.fbcdn.net/v/t1.15752-9/photo.jpg']);
    expect(await countRows(acc.accountId)).toEqual({ messages: 2, conversations: 1 });

    const token = await consumerToken(acc.accountId, item.consumer.id);
    expect((await req('POST', `/api/v1/consumer/conversations/${item.id}/close`, { token })).statusCode).toBe(403);
  });

  it('Messenger outbound: the Send API shape, retried after two failures, in order', async () => {
    const acc = await makeAccount(t);
    const alice = await acc.agent('alice', { skills: ['Sales'] });
    const c = await createChannel(acc, {
      type: 'messenger',
      providerBaseUrl: `${provider.url}/graph`,
      credentials: { appSecret: 'meta-app-secret-0123456789', pageAccessToken: 'EAAB page/token', apiVersion: '21.0' },
    });
    await signedPost(c, 'x-hub-signature-256', metaTextExample('m_outbound_1', 'can you help?'));
    const [item] = await activeOf(alice);
    if (!item) throw new Error('no conversation');

    provider.requests.length = 0;
    provider.failNext(2);
    for (const text of ['one', 'two', 'three']) await reply(alice, item.id, text);
    await t.advance(0);
    await t.advance(retryDelayMs(1));
    await t.advance(retryDelayMs(2));
    expect(provider.requests.map((r) => r.status)).toEqual([500, 500, 201, 201, 201]);
    for (const r of provider.requests) {
      expect(r.url).toBe('/graph/v21.0/me/messages?access_token=EAAB%20page%2Ftoken');
      expect(r.headers['content-type']).toBe('application/json');
    }
    expect(ok(provider).map((r) => JSON.parse(r.body))).toEqual(
      ['one', 'two', 'three'].map((text) => ({ recipient: { id: PSID }, messaging_type: 'RESPONSE', message: { text } })),
    );
    expect((await transcript(alice, item.id)).filter((m) => m.senderType === 'agent').map((m) => m.delivery)).toEqual(['sent', 'sent', 'sent']);
  });

  // ---------------------------------------------------------------- generic signed webhook

  it('webhook: signed inbound in, signed outbound out; bad signatures refused, repeated eventId stored once', async () => {
    const acc = await makeAccount(t);
    const alice = await acc.agent('alice', { skills: ['Sales'] });
    const c = await createChannel(acc, { type: 'webhook', outboundUrl: `${provider.url}/brand/hook` });

    const body = JSON.stringify({
      from: 'user-42',
      name: 'Dana Brand',
      text: 'Hello from the app',
      mediaUrl: 'https://cdn.example.com/p.png',
      eventId: 'evt-1',
    });
    expect((await signedPost(c, 'x-parley-signature', body, 'another-secret-0123456789')).statusCode).toBe(401);
    expect((await signedPost(c, 'x-hub-signature-256', body)).statusCode).toBe(401); // the wrong header
    const tampered = await t.app.inject({
      method: 'POST',
      url: path(c),
      headers: { 'content-type': 'application/json', 'x-parley-signature': hub(c.secret, body) },
      payload: body.replace('Hello', 'Hallo'),
    });
    expect(tampered.statusCode).toBe(401);
    expect(await countRows(acc.accountId)).toEqual({ messages: 0, conversations: 0 });

    const r = await signedPost(c, 'x-parley-signature', body);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ messageIds: [expect.any(String)], duplicates: 0 });
    expect((await signedPost(c, 'x-parley-signature', body)).json()).toEqual({ messageIds: [], duplicates: 1 });
    const unsignedShape = JSON.stringify({ from: 'user-42', eventId: 'evt-2' });
    expect((await signedPost(c, 'x-parley-signature', unsignedShape)).statusCode).toBe(400); // signed, but no text or media
    const extraKey = await signedPost(c, 'x-parley-signature', JSON.stringify({ from: 'user-42', text: 'hi', eventId: 'evt-3', bogus: 1 }));
    expect(extraKey.json().errors).toEqual([{ path: 'body', message: expect.stringContaining('bogus') }]); // the whole body: no trailing dot

    const [item] = await activeOf(alice);
    if (!item) throw new Error('no conversation');
    expect(item).toMatchObject({ channel: 'webhook', consumer: { name: 'Dana Brand' } });
    expect((await transcript(alice, item.id)).map((m) => m.text)).toEqual(['Hello from the app\nhttps://cdn.example.com/p.png']);

    provider.requests.length = 0;
    provider.failNext(2);
    const m1 = await reply(alice, item.id, 'Hi Dana');
    const m2 = await reply(alice, item.id, 'How can I help?');
    await t.advance(0);
    await t.advance(retryDelayMs(1));
    await t.advance(retryDelayMs(2));
    expect(provider.requests).toHaveLength(4);
    const delivered = ok(provider);
    expect(delivered.map((x) => JSON.parse(x.body))).toEqual([
      { eventId: m1.id, conversationId: item.id, to: 'user-42', text: 'Hi Dana', createdAt: m1.createdAt },
      { eventId: m2.id, conversationId: item.id, to: 'user-42', text: 'How can I help?', createdAt: m2.createdAt },
    ]);
    for (const x of delivered) {
      expect(x.url).toBe('/brand/hook');
      expect(x.headers['x-parley-signature']).toBe(hub(c.secret, x.body));
    }
  });

  it('unknown channels answer 404; an inbound body that is not the provider format answers 400 after the signature check', async () => {
    const acc = await makeAccount(t);
    const c = await smsChannel(acc);
    expect(
      (await t.app.inject({ method: 'POST', url: '/api/v1/channels/nope/inbound', headers: { 'content-type': 'application/json' }, payload: '{}' })).statusCode,
    ).toBe(404);
    const noSid = await smsInbound(c, { From: '+15551239999', Body: 'no sid' });
    expect(noSid.statusCode).toBe(400);
    const xml = await t.app.inject({ method: 'POST', url: path(c), headers: { 'content-type': 'application/xml' }, payload: '<x/>' });
    expect(xml.statusCode).toBe(415);
  });
});

// ---------------------------------------------------------------- over real HTTP, and across a restart

/** A database that outlives an app: a SQLite file, or a PostgreSQL schema. */
async function durableDb(dialect: DialectName): Promise<{ open(): Promise<Database>; destroy(): Promise<void> }> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'parley-channels-'));
    return { open: () => openDatabase({ sqlitePath: join(dir, 'parley.db') }), destroy: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const url = pgUrl;
  if (!url) throw new Error('PARLEY_TEST_DATABASE_URL is not set');
  const schema = `t_${process.pid}_${randomBytes(4).toString('hex')}`;
  // the same master key on every open, as a restarted node has
  return {
    open: () => openDatabase({ url, pgSchema: schema, poolSize: 3, secrets: { secretKey: TEST_SECRET_KEY } }),
    destroy: () => dropPgSchema(url, schema),
  };
}

describe.each(dialects)('channel deliveries across a restart on %s', (dialect) => {
  it('a message queued before a restart is delivered once by the next process; without PARLEY_PUBLIC_URL the URL is the request host', async () => {
    const provider = await startProvider();
    const store = await durableDb(dialect);
    const clock = new FakeClock(Date.now());
    const boot = async () => {
      const db = await store.open();
      const parley = await buildApp({ db, clock, timers: 'manual', loginRateLimitPerMinute: 10_000, outboundAllow: TEST_OUTBOUND_ALLOW });
      const t = { ...parley, db, clock } as unknown as TestApp;
      return { t, db, parley };
    };
    try {
      const one = await boot();
      await one.parley.app.listen({ port: 0, host: '127.0.0.1' });
      const base = `http://127.0.0.1:${(one.parley.app.server.address() as AddressInfo).port}`;
      const acc = await makeAccount(one.t);
      const alice = await acc.agent('alice', { skills: ['Sales'] });
      const created = await fetch(`${base}/api/v1/channels`, {
        method: 'POST',
        headers: { authorization: `Bearer ${acc.manager.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          type: 'sms',
          name: 'SMS',
          skillId: acc.skills.Sales,
          providerBaseUrl: provider.url,
          credentials: { accountSid: 'AC1', from: '+15550000000', authToken: 'twilio-auth-token-0123456789abcdef' },
        }),
      });
      const c = (await created.json()) as CreatedChannel;
      expect(c.inboundUrl).toBe(`${base}/api/v1/channels/${c.id}/inbound`);
      expect(c.secret).toBe('twilio-auth-token-0123456789abcdef');
      const params = { MessageSid: 'SM-restart-1', From: '+15559990000', To: '+15550000000', Body: 'over real HTTP', NumMedia: '0' };
      const inbound = await fetch(c.inboundUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': twilio.getExpectedTwilioSignature(c.secret, c.inboundUrl, params),
        },
        body: new URLSearchParams(params).toString(),
      });
      expect(inbound.status).toBe(200);
      await one.parley.routingIdle();
      const [item] = (await http(one.t)('GET', '/api/v1/workspace/active', { token: alice.token })).json().items as ActiveItem[];
      if (!item) throw new Error('no conversation');
      const sent = await http(one.t)('POST', `/api/v1/conversations/${item.id}/messages`, {
        token: alice.token,
        body: { text: 'before the restart', clientMessageId: 'r-1' },
      });
      expect(sent.json().delivery).toBe('queued');
      await one.parley.close(); // stops before any timer fired
      await one.db.close();
      expect(provider.requests).toHaveLength(0);

      const two = await boot();
      await two.parley.timers.tick();
      expect(provider.requests.map((r) => new URLSearchParams(r.body).get('Body'))).toEqual(['before the restart']);
      await two.parley.timers.tick();
      clock.advance(120_000);
      await two.parley.timers.tick();
      expect(provider.requests).toHaveLength(1);
      const messages = (await http(two.t)('GET', `/api/v1/conversations/${item.id}/messages`, { token: alice.token })).json().items as Message[];
      expect(messages.find((m) => m.text === 'before the restart')?.delivery).toBe('sent');
      await two.parley.close();
      await two.db.close();
    } finally {
      await provider.close();
      await store.destroy();
    }
  });
});
