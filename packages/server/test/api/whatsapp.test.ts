/**
 * WhatsApp Business Cloud API end to end: Meta's documented webhook payloads signed as Meta signs
 * them (X-Hub-Signature-256, HMAC-SHA256 of the raw body with the app secret), a loopback Graph
 * API that records what Parley sends and answers as the real one does (message ids, media URLs,
 * and its errors: rate limit, expired token, re-engagement window), receipts moving `delivery` on
 * and never back, the 24-hour window and templates.
 */
import { createHmac, randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { Message } from '@parley/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { retryDelayMs } from '../../src/domain/delivery.js';
import { HTML, multipart, PDF, PNG } from '../factories/files.js';
import { type AgentHandle, http, makeAccount } from '../factories/index.js';
import { dialects, startTestApp, type TestApp } from '../harness.js';
import { connect } from '../socket-client.js';
import { type StubServer, startStubServer } from '../stub-server.js';

const PUBLIC_URL = 'https://parley.example.test';
const APP_SECRET = 'whatsapp-app-secret-0123456789';
const ACCESS_TOKEN = 'EAAG-system-user-token';
const PHONE_NUMBER_ID = '106540352242922';
const WA_ID = '16505551234';

const hub = (secret: string, body: string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

// ---------------------------------------------------------------- Meta's documented payloads

const envelope = (value: Record<string, unknown>) =>
  JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550783881', phone_number_id: PHONE_NUMBER_ID }, ...value },
            field: 'messages',
          },
        ],
      },
    ],
  });
const contacts = [{ profile: { name: 'Sheena Nelson' }, wa_id: WA_ID }];
const textMessage = (id: string, body: string) =>
  envelope({ contacts, messages: [{ from: WA_ID, id, timestamp: '1749416383', type: 'text', text: { body } }] });
const imageMessage = (id: string, mediaId: string, caption?: string) =>
  envelope({
    contacts,
    messages: [
      {
        from: WA_ID,
        id,
        timestamp: '1750090702',
        type: 'image',
        image: { ...(caption && { caption }), mime_type: 'image/jpeg', sha256: 'DvOGbVbrhiKdc3nYNQYZoCspnpdqT0qCi4wRKKsmtsU=', id: mediaId },
      },
    ],
  });
const documentMessage = (id: string, mediaId: string) =>
  envelope({
    contacts,
    messages: [
      {
        from: WA_ID,
        id,
        timestamp: '1750090702',
        type: 'document',
        document: { filename: 'receipt.pdf', mime_type: 'application/pdf', sha256: 'JXnDq5bh4f1qB5y5P4F7Z5yK4o9uX6m3f9hR7cP2Y3M=', id: mediaId },
      },
    ],
  });
const locationMessage = (id: string) =>
  envelope({
    contacts,
    messages: [
      {
        from: WA_ID,
        id,
        timestamp: '1750090702',
        type: 'location',
        location: { address: '1 Hacker Way, Menlo Park, CA 94025', latitude: 37.483872693672, longitude: -122.14835893363, name: 'Meta Headquarters' },
      },
    ],
  });
const buttonReply = (id: string, replyId: string, title: string, context: string) =>
  envelope({
    contacts,
    messages: [
      {
        context: { from: '15550783881', id: context },
        from: WA_ID,
        id,
        timestamp: '1750090702',
        type: 'interactive',
        interactive: { type: 'button_reply', button_reply: { id: replyId, title } },
      },
    ],
  });
const listReply = (id: string, replyId: string, title: string) =>
  envelope({
    contacts,
    messages: [
      {
        from: WA_ID,
        id,
        timestamp: '1750090702',
        type: 'interactive',
        interactive: { type: 'list_reply', list_reply: { id: replyId, title, description: 'Next business day' } },
      },
    ],
  });
const status = (wamid: string, s: 'sent' | 'delivered' | 'read' | 'failed') =>
  envelope({
    statuses: [
      {
        id: wamid,
        status: s,
        timestamp: '1750263773',
        recipient_id: WA_ID,
        ...(s !== 'failed' && {
          conversation: { id: '6ceb9d929c0b3a2f16a0e2bd7b5bd5f5', origin: { type: 'service' } },
          pricing: { billable: false, pricing_model: 'PMP', category: 'service', type: 'free_customer_service' },
        }),
        ...(s === 'failed' && {
          errors: [
            {
              code: 131026,
              title: 'Message undeliverable',
              message: 'Message undeliverable',
              error_data: { details: 'Message Undeliverable.' },
              href: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/',
            },
          ],
        }),
      },
    ],
  });

// ---------------------------------------------------------------- a loopback Graph API

interface Graph {
  stub: StubServer;
  /** Sends (POST …/messages) answered so far, parsed. */
  sent(): Record<string, unknown>[];
  /** Answer the next sends with this (status, Graph error body). */
  failNext(answers: { status: number; code: number; message: string; headers?: Record<string, string> }[]): void;
  /** Media the Graph API keeps: id → bytes. */
  media: Map<string, Buffer>;
  /** The message id the next successful send will answer. */
  nextId(): string;
}

async function startGraph(): Promise<Graph> {
  let n = 0;
  const failures: { status: number; code: number; message: string; headers?: Record<string, string> }[] = [];
  const media = new Map<string, Buffer>();
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const stub = await startStubServer('127.0.0.1', (req, res) => {
    const url = new URL(req.url ?? '/', 'http://graph.test');
    if (req.headers.authorization !== `Bearer ${ACCESS_TOKEN}`) {
      return json(res, 401, { error: { message: 'Invalid OAuth access token.', type: 'OAuthException', code: 190, fbtrace_id: 'A1' } });
    }
    if (req.method === 'POST' && url.pathname === `/v21.0/${PHONE_NUMBER_ID}/messages`) {
      const f = failures.shift();
      if (f) return json(res, f.status, { error: { message: f.message, type: 'OAuthException', code: f.code, fbtrace_id: 'A2' } }, f.headers);
      n++;
      return json(res, 200, { messaging_product: 'whatsapp', contacts: [{ input: WA_ID, wa_id: WA_ID }], messages: [{ id: `wamid.OUT${n}` }] });
    }
    const lookup = /^\/v21\.0\/(\d+)$/.exec(url.pathname);
    if (req.method === 'GET' && lookup?.[1] && media.has(lookup[1])) {
      const id = lookup[1];
      return json(res, 200, {
        messaging_product: 'whatsapp',
        url: `${stub.url}/whatsapp_business/attachments/?mid=${id}&ext=1&hash=xyz`,
        mime_type: 'image/jpeg',
        sha256: 'x',
        file_size: media.get(id)?.length,
        id,
      });
    }
    if (req.method === 'GET' && url.pathname === '/whatsapp_business/attachments/') {
      const bytes = media.get(url.searchParams.get('mid') ?? '');
      if (!bytes) return json(res, 404, {});
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      return res.end(bytes);
    }
    json(res, 404, { error: { message: 'Unknown path', code: 100 } });
  });
  return {
    stub,
    media,
    sent: () => stub.requests.filter((r) => r.method === 'POST').map((r) => JSON.parse(r.body) as Record<string, unknown>),
    failNext: (answers) => failures.push(...answers),
    nextId: () => `wamid.OUT${n + 1}`,
  };
}

describe.each(dialects)('WhatsApp on %s', (dialect) => {
  let t: TestApp;
  let graph: Graph;
  let req: ReturnType<typeof http>;

  beforeAll(async () => {
    t = await startTestApp(dialect, { publicUrl: PUBLIC_URL });
    await t.listen();
    graph = await startGraph();
    req = http(t);
  });
  afterAll(async () => {
    await t?.stop();
    await graph?.stub.close();
  });

  const setup = async () => {
    // What earlier tests left queued goes out now, not into this test's record.
    await t.advance(0);
    graph.stub.requests.length = 0;
    const acc = await makeAccount(t);
    const alice = await acc.agent('alice', { skills: ['Sales'] });
    const r = await req('POST', '/api/v1/channels', {
      token: acc.manager.token,
      body: {
        type: 'whatsapp',
        name: 'WhatsApp +1 555 078 3881',
        skillId: acc.skills.Sales,
        providerBaseUrl: graph.stub.url,
        credentials: { appSecret: APP_SECRET, accessToken: ACCESS_TOKEN, phoneNumberId: PHONE_NUMBER_ID, verifyToken: 'my-verify-token' },
      },
    });
    expect(r.statusCode, r.body).toBe(201);
    const channel = r.json() as { id: string; inboundUrl: string; secret: string; credentials: Record<string, string> };
    return { acc, alice, channel };
  };

  const inbound = (channelId: string, body: string, secret = APP_SECRET) =>
    t.app.inject({
      method: 'POST',
      url: `/api/v1/channels/${channelId}/inbound`,
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': hub(secret, body) },
      payload: body,
    });

  const activeId = async (agent: AgentHandle): Promise<string> => {
    await t.routingIdle();
    const items = (await req('GET', '/api/v1/workspace/active', { token: agent.token })).json().items as { id: string }[];
    const id = items[0]?.id;
    if (!id) throw new Error('no conversation');
    return id;
  };
  const transcript = async (agent: AgentHandle, id: string): Promise<Message[]> =>
    (await req('GET', `/api/v1/conversations/${id}/messages`, { token: agent.token })).json().items;
  const send = (agent: AgentHandle, id: string, body: Record<string, unknown>) =>
    req('POST', `/api/v1/conversations/${id}/messages`, { token: agent.token, body: { clientMessageId: randomUUID(), ...body } });
  const sends = () => graph.sent();
  const providerIdOf = async (messageId: string) =>
    (await t.db.kysely.selectFrom('provider_messages').select('provider_id').where('message_id', '=', messageId).executeTakeFirstOrThrow()).provider_id;
  const reset = () => {
    graph.stub.requests.length = 0;
  };

  it('verifies the hub.challenge and the signature; stores text with the profile name once per wamid', async () => {
    const { acc, alice, channel } = await setup();
    expect(channel.secret).toBe(APP_SECRET);
    expect(channel.credentials).toEqual({ accessToken: '********', verifyToken: '********', phoneNumberId: PHONE_NUMBER_ID });

    const challenge = await t.app.inject({
      method: 'GET',
      url: `/api/v1/channels/${channel.id}/inbound?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=my-verify-token`,
    });
    expect(challenge.statusCode).toBe(200);
    expect(challenge.body).toBe('1158201444');
    const wrong = await t.app.inject({
      method: 'GET',
      url: `/api/v1/channels/${channel.id}/inbound?hub.mode=subscribe&hub.challenge=1&hub.verify_token=guess`,
    });
    expect(wrong.statusCode).toBe(403);

    const body = textMessage('wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=', 'Does it come in another color?');
    expect((await inbound(channel.id, body, 'not-the-app-secret-0000000')).statusCode).toBe(401);
    const unsigned = await t.app.inject({
      method: 'POST',
      url: `/api/v1/channels/${channel.id}/inbound`,
      headers: { 'content-type': 'application/json' },
      payload: body,
    });
    expect(unsigned.statusCode).toBe(401);

    const first = await inbound(channel.id, body);
    expect(first.statusCode, first.body).toBe(200);
    expect((await inbound(channel.id, body)).statusCode).toBe(200); // Meta retrying: stored once
    const id = await activeId(alice);
    const details = (await req('GET', `/api/v1/conversations/${id}`, { token: alice.token })).json();
    expect(details.consumer).toMatchObject({ name: 'Sheena Nelson', channel: 'whatsapp', customVariables: { phone: WA_ID } });
    expect((await transcript(alice, id)).map((m) => m.text)).toEqual(['Does it come in another color?']);

    // The one ingestion path: masking applies to channel messages as to the widget's
    expect((await inbound(channel.id, textMessage('wamid.CARD1', 'my card is 4111 1111 1111 1111'))).statusCode).toBe(200);
    const masked = (await transcript(alice, id)).at(-1)?.text ?? '';
    expect(masked).not.toContain('4111 1111 1111 1111');
    expect(masked).toContain('1111');

    // Not the format: 400 after the signature check
    const bad = JSON.stringify({ object: 'page', entry: [] });
    expect((await inbound(channel.id, bad)).statusCode).toBe(400);
    expect(acc.accountId).toBeTruthy();
  });

  it('media: fetched from the Graph API with the access token and stored as files checked by content; location and replies as text', async () => {
    const { alice, channel } = await setup();
    graph.media.set('1003383421387256', PNG);
    graph.media.set('1003383421387257', PDF);
    graph.media.set('1003383421387258', HTML); // said to be an image, is a page
    reset();
    expect((await inbound(channel.id, imageMessage('wamid.IMG1', '1003383421387256', 'Like this one'))).statusCode).toBe(200);
    expect(graph.stub.requests.map((r) => [r.method, r.url.split('?')[0], r.headers.authorization])).toEqual([
      ['GET', '/v21.0/1003383421387256', `Bearer ${ACCESS_TOKEN}`],
      ['GET', '/whatsapp_business/attachments/', `Bearer ${ACCESS_TOKEN}`],
    ]);
    expect((await inbound(channel.id, documentMessage('wamid.DOC1', '1003383421387257'))).statusCode).toBe(200);
    expect((await inbound(channel.id, imageMessage('wamid.IMG2', '1003383421387258'))).statusCode).toBe(200);
    expect((await inbound(channel.id, imageMessage('wamid.IMG3', '999'))).statusCode).toBe(200); // unknown to the Graph API
    expect((await inbound(channel.id, locationMessage('wamid.LOC1'))).statusCode).toBe(200);
    expect((await inbound(channel.id, listReply('wamid.LIST1', 'ship_fast', 'Express'))).statusCode).toBe(200);
    expect((await inbound(channel.id, buttonReply('wamid.BTN1', 'yes_please', 'Yes', 'wamid.OUT1'))).statusCode).toBe(200);

    const id = await activeId(alice);
    const messages = await transcript(alice, id);
    expect(messages.map((m) => ({ text: m.text, file: m.file && { name: m.file.name, contentType: m.file.contentType }, quickReply: m.quickReply }))).toEqual([
      { text: 'Like this one', file: { name: 'image.png', contentType: 'image/png' }, quickReply: undefined },
      { text: null, file: { name: 'receipt.pdf', contentType: 'application/pdf' }, quickReply: undefined },
      { text: '[image not accepted: this file type is not kept]', file: null, quickReply: undefined },
      { text: '[image not received: the provider answered HTTP 404]', file: null, quickReply: undefined },
      {
        text: '📍 Meta Headquarters, 1 Hacker Way, Menlo Park, CA 94025\nhttps://www.google.com/maps/search/?api=1&query=37.483872693672,-122.14835893363',
        file: null,
        quickReply: undefined,
      },
      { text: 'Express', file: null, quickReply: { payload: 'ship_fast' } },
      { text: 'Yes', file: null, quickReply: { payload: 'yes_please' } },
    ]);
    // The stored photo is the provider's bytes
    const photo = messages[0]?.file;
    if (!photo) throw new Error('no file');
    const download = await t.app.inject({ method: 'GET', url: photo.url });
    expect(download.statusCode).toBe(200);
    expect(download.rawPayload.equals(PNG)).toBe(true);
  });

  it('outbound in the Graph API shape; receipts move delivery on (sent → delivered → read), never back, pushed as message.updated', async () => {
    const { alice, channel } = await setup();
    expect((await inbound(channel.id, textMessage('wamid.IN-R1', 'hello'))).statusCode).toBe(200);
    const id = await activeId(alice);
    const socket = await connect(t.url, '/agent', alice.token);
    try {
      reset();
      const text = (await send(alice, id, { text: 'Hi Sheena! Which color?' })).json() as Message;
      const buttons = await send(alice, id, { text: 'Pick one', quickReplies: [{ title: 'Red', payload: 'red' }, { title: 'Blue' }] });
      expect(buttons.statusCode, buttons.body).toBe(201);
      const list = await send(alice, id, {
        text: 'Or one of these',
        quickReplies: ['Green', 'Yellow', 'Black', 'White', 'Pink'].map((title) => ({ title, payload: title.toLowerCase() })),
      });
      expect(list.statusCode).toBe(201);
      const tooMany = await send(alice, id, { text: 'x', quickReplies: Array.from({ length: 11 }, (_, i) => ({ title: `Option ${i}` })) });
      expect(tooMany.statusCode).toBe(400);
      expect(tooMany.json().errors[0].path).toBe('quickReplies');
      const overContract = await send(alice, id, { text: 'x', quickReplies: Array.from({ length: 14 }, (_, i) => ({ title: `Option ${i}` })) });
      expect(overContract.statusCode).toBe(400);
      expect(text.delivery).toBe('queued');

      await t.advance(0);
      const base = { messaging_product: 'whatsapp', recipient_type: 'individual', to: WA_ID };
      expect(sends()).toEqual([
        { ...base, type: 'text', text: { preview_url: false, body: 'Hi Sheena! Which color?' } },
        {
          ...base,
          type: 'interactive',
          interactive: {
            type: 'button',
            body: { text: 'Pick one' },
            action: {
              buttons: [
                { type: 'reply', reply: { id: 'red', title: 'Red' } },
                { type: 'reply', reply: { id: 'Blue', title: 'Blue' } },
              ],
            },
          },
        },
        {
          ...base,
          type: 'interactive',
          interactive: {
            type: 'list',
            body: { text: 'Or one of these' },
            action: {
              button: 'Choose',
              sections: [{ rows: ['Green', 'Yellow', 'Black', 'White', 'Pink'].map((title) => ({ id: title.toLowerCase(), title })) }],
            },
          },
        },
      ]);
      expect(graph.stub.requests[0]?.headers.authorization).toBe(`Bearer ${ACCESS_TOKEN}`);
      const deliveryOf = async (messageId: string) => (await transcript(alice, id)).find((m) => m.id === messageId)?.delivery;
      expect(await deliveryOf(text.id)).toBe('sent');
      const wamid = await providerIdOf(text.id);

      expect((await inbound(channel.id, status(wamid, 'delivered'))).statusCode).toBe(200);
      expect(await deliveryOf(text.id)).toBe('delivered');
      expect((await inbound(channel.id, status(wamid, 'read'))).statusCode).toBe(200);
      expect(await deliveryOf(text.id)).toBe('read');
      // Late and repeated receipts never move it back
      expect((await inbound(channel.id, status(wamid, 'delivered'))).statusCode).toBe(200);
      expect((await inbound(channel.id, status(wamid, 'sent'))).statusCode).toBe(200);
      expect((await inbound(channel.id, status(wamid, 'failed'))).statusCode).toBe(200);
      expect(await deliveryOf(text.id)).toBe('read');
      const pushed = (d: string) =>
        socket.next((e) => e.type === 'message.updated' && (e.data as Message).id === text.id && (e.data as Message).delivery === d);
      await pushed('delivered');
      await pushed('read');

      // failed with the provider's error
      const pick = (await transcript(alice, id)).find((m) => m.text === 'Pick one');
      expect((await inbound(channel.id, status(await providerIdOf(pick?.id ?? ''), 'failed'))).statusCode).toBe(200);
      const failed = (await transcript(alice, id)).find((m) => m.text === 'Pick one');
      expect(failed).toMatchObject({ delivery: 'failed', deliveryError: '131026: Message undeliverable: Message Undeliverable.' });
    } finally {
      socket.close();
    }
  });

  it('a receipt that arrives before the send is recorded is held and applied then', async () => {
    const { alice, channel } = await setup();
    expect((await inbound(channel.id, textMessage('wamid.IN-H1', 'hello'))).statusCode).toBe(200);
    const id = await activeId(alice);
    const m = (await send(alice, id, { text: 'racing the receipt' })).json() as Message;
    // The provider's next id is known here: its receipt comes before the send is recorded.
    expect((await inbound(channel.id, status(graph.nextId(), 'delivered'))).statusCode).toBe(200);
    expect((await transcript(alice, id)).find((x) => x.id === m.id)?.delivery).toBe('queued');
    await t.advance(0);
    expect((await transcript(alice, id)).find((x) => x.id === m.id)?.delivery).toBe('delivered');
  });

  it('ordering with receipts: messages go out in order after retries, and receipts out of order each move their own message', async () => {
    const { alice, channel } = await setup();
    expect((await inbound(channel.id, textMessage('wamid.IN-O1', 'hello'))).statusCode).toBe(200);
    const id = await activeId(alice);
    graph.failNext([
      { status: 500, code: 2, message: 'Service temporarily unavailable' },
      { status: 503, code: 2, message: 'Service temporarily unavailable' },
    ]);
    const [one, two, three] = [
      (await send(alice, id, { text: 'one' })).json() as Message,
      (await send(alice, id, { text: 'two' })).json() as Message,
      (await send(alice, id, { text: 'three' })).json() as Message,
    ];
    await t.advance(0);
    await t.advance(retryDelayMs(1));
    expect(sends()).toHaveLength(2); // two failed attempts of "one"; "two" and "three" wait behind it
    await t.advance(retryDelayMs(2));
    expect(sends().map((b) => (b.text as { body: string }).body)).toEqual(['one', 'one', 'one', 'two', 'three']);
    const ids = { one: await providerIdOf(one?.id ?? ''), two: await providerIdOf(two?.id ?? ''), three: await providerIdOf(three?.id ?? '') };
    // Receipts arrive in any order, repeated: each message moves on its own, never back
    for (const [wamid, s] of [
      [ids.three, 'read'],
      [ids.one, 'delivered'],
      [ids.three, 'delivered'],
      [ids.two, 'failed'],
      [ids.one, 'delivered'],
      [ids.two, 'read'],
    ] as const) {
      expect((await inbound(channel.id, status(wamid, s))).statusCode).toBe(200);
    }
    const byId = new Map((await transcript(alice, id)).map((m) => [m.id, m]));
    expect([one, two, three].map((m) => byId.get(m?.id ?? '')?.delivery)).toEqual(['delivered', 'read', 'read']);
    expect(byId.get(two?.id ?? '')?.deliveryError).toBeUndefined();
  });

  it("the provider's errors: a rate limit waits and retries, an expired token and a closed window fail at once with the reason", async () => {
    const { alice, channel } = await setup();
    expect((await inbound(channel.id, textMessage('wamid.IN-E1', 'hello'))).statusCode).toBe(200);
    const id = await activeId(alice);
    reset();
    graph.failNext([{ status: 429, code: 130429, message: '(#130429) Rate limit hit', headers: { 'retry-after': '5' } }]);
    const limited = (await send(alice, id, { text: 'after the limit' })).json() as Message;
    await t.advance(0);
    expect(graph.stub.requests).toHaveLength(1);
    await t.advance(retryDelayMs(1)); // 1 s: the provider asked for 5
    expect(graph.stub.requests).toHaveLength(1);
    await t.advance(5000);
    expect(graph.stub.requests).toHaveLength(2);
    expect((await transcript(alice, id)).find((m) => m.id === limited.id)?.delivery).toBe('sent');

    reset();
    graph.failNext([{ status: 401, code: 190, message: 'Error validating access token: Session has expired' }]);
    const expired = (await send(alice, id, { text: 'token expired' })).json() as Message;
    await t.advance(0);
    await t.advance(60_000);
    expect(graph.stub.requests).toHaveLength(1);
    const e = (await transcript(alice, id)).find((m) => m.id === expired.id);
    expect(e).toMatchObject({ delivery: 'failed' });
    expect(e?.deliveryError).toContain('Session has expired');

    // retry: queued again, sent this time
    const retried = await req('POST', `/api/v1/conversations/${id}/messages/${expired.id}/retry`, { token: alice.token });
    expect(retried.statusCode, retried.body).toBe(202);
    expect(retried.json().delivery).toBe('queued');
    const logged = await t.db.kysely.selectFrom('audit_log').select(['actor_id', 'target_id']).where('action', '=', 'message.delivery_retried').execute();
    expect(logged).toContainEqual({ actor_id: alice.id, target_id: expired.id });
    await t.advance(0);
    expect((await transcript(alice, id)).find((m) => m.id === expired.id)?.delivery).toBe('sent');
    const notFailed = await req('POST', `/api/v1/conversations/${id}/messages/${expired.id}/retry`, { token: alice.token });
    expect(notFailed.statusCode).toBe(409);

    reset();
    graph.failNext([{ status: 400, code: 131047, message: 'Re-engagement message' }]);
    const closed = (await send(alice, id, { text: 'window closed at Meta' })).json() as Message;
    await t.advance(0);
    await t.advance(60_000);
    expect(graph.stub.requests).toHaveLength(1);
    expect((await transcript(alice, id)).find((m) => m.id === closed.id)).toMatchObject({ delivery: 'failed' });
  });

  it('the 24-hour window: free text → 409 outside_service_window, then only an approved template with its parameters', async () => {
    const { acc, alice, channel } = await setup();
    expect((await inbound(channel.id, textMessage('wamid.IN-W1', 'hello'))).statusCode).toBe(200);
    const id = await activeId(alice);
    expect((await send(alice, id, { text: 'within the window' })).statusCode).toBe(201);
    await t.advance(24 * 3600_000 + 1000);
    // Auto-close ended the conversation meanwhile: the agent takes it up again to follow up.
    const resumed = await req('POST', `/api/v1/conversations/${id}/resume`, { token: alice.token });
    expect(resumed.statusCode, resumed.body).toBe(200);
    const refused = await send(alice, id, { text: 'too late for free text' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'outside_service_window', status: 409 });

    const noTemplate = await send(alice, id, { template: { name: 'order_update', language: 'en_US', params: ['1234'] } });
    expect(noTemplate.statusCode).toBe(400);

    const templates = `/api/v1/channels/${channel.id}/templates`;
    expect((await req('POST', templates, { token: alice.token, body: { name: 'order_update', language: 'en_US', params: 1 } })).statusCode).toBe(403);
    const created = await req('POST', templates, { token: acc.manager.token, body: { name: 'order_update', language: 'en_US', params: 1 } });
    expect(created.statusCode, created.body).toBe(201);
    expect((await req('POST', templates, { token: acc.manager.token, body: { name: 'order_update', language: 'en_US', params: 1 } })).statusCode).toBe(409);
    expect((await req('POST', templates, { token: acc.manager.token, body: { name: 'Bad Name', language: 'en_US', params: 1 } })).statusCode).toBe(400);
    expect((await req('GET', templates, { token: acc.manager.token })).json().items).toEqual([
      expect.objectContaining({ name: 'order_update', language: 'en_US', params: 1, channelId: channel.id }),
    ]);
    expect((await req('GET', `/api/v1/conversations/${id}/templates`, { token: alice.token })).json().items).toEqual([
      expect.objectContaining({ name: 'order_update', language: 'en_US', params: 1 }),
    ]);

    expect((await send(alice, id, { template: { name: 'order_update', language: 'en_US', params: [] } })).statusCode).toBe(400);
    reset();
    const sent = await send(alice, id, { template: { name: 'order_update', language: 'en_US', params: ['1234'] } });
    expect(sent.statusCode, sent.body).toBe(201);
    expect(sent.json()).toMatchObject({ template: { name: 'order_update', language: 'en_US', params: ['1234'] }, delivery: 'queued' });
    await t.advance(0);
    expect(sends()).toEqual([
      {
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        to: WA_ID,
        type: 'template',
        template: { name: 'order_update', language: { code: 'en_US' }, components: [{ type: 'body', parameters: [{ type: 'text', text: '1234' }] }] },
      },
    ]);
    // The consumer writes again: the window is open again
    expect((await inbound(channel.id, textMessage('wamid.IN-W2', 'thanks!'))).statusCode).toBe(200);
    expect((await send(alice, id, { text: 'you are welcome' })).statusCode).toBe(201);
    const removed = await req('DELETE', `${templates}/${created.json().id}`, { token: acc.manager.token });
    expect(removed.statusCode).toBe(204);
    // Both changes are in the audit log, by the manager
    const audit = await t.db.kysely
      .selectFrom('audit_log')
      .select(['action', 'actor_id', 'target_id', 'details'])
      .where('account_id', '=', acc.accountId)
      .where('action', '=', 'channel.updated')
      .orderBy('at')
      .execute();
    expect(audit.map((a) => [a.action, a.actor_id, a.target_id, Object.keys(JSON.parse(a.details))])).toEqual([
      ['channel.updated', acc.manager.id, channel.id, ['templateAdded']],
      ['channel.updated', acc.manager.id, channel.id, ['templateRemoved']],
    ]);
  });

  it('files both ways: an agent photo goes as image with a signed link under PARLEY_PUBLIC_URL, a PDF as document', async () => {
    const { alice, channel } = await setup();
    expect((await inbound(channel.id, textMessage('wamid.IN-F1', 'send me the invoice'))).statusCode).toBe(200);
    const id = await activeId(alice);
    reset();
    for (const [file, filename, text] of [
      [PNG, 'photo.png', 'Here it is'],
      [PDF, 'invoice.pdf', ''],
    ] as const) {
      const form = multipart([
        { name: 'file', value: file, filename },
        { name: 'clientMessageId', value: randomUUID() },
        ...(text ? [{ name: 'text', value: text }] : []),
      ]);
      const r = await t.app.inject({
        method: 'POST',
        url: `/api/v1/conversations/${id}/messages`,
        headers: { authorization: `Bearer ${alice.token}`, 'content-type': form.contentType },
        payload: form.payload,
      });
      expect(r.statusCode, r.body).toBe(201);
    }
    await t.advance(0);
    const [photo, doc] = sends() as { type: string; image?: { link: string; caption?: string }; document?: { link: string; filename: string } }[];
    expect(photo).toMatchObject({ type: 'image', image: { caption: 'Here it is' } });
    expect(doc).toMatchObject({ type: 'document', document: { filename: 'invoice.pdf' } });
    const link = photo?.image?.link ?? '';
    expect(link.startsWith(`${PUBLIC_URL}/api/v1/files/`)).toBe(true);
    // What WhatsApp fetches is the file
    const fetched = await t.app.inject({ method: 'GET', url: link.slice(PUBLIC_URL.length) });
    expect(fetched.statusCode).toBe(200);
    expect(fetched.rawPayload.equals(PNG)).toBe(true);
  });
});
