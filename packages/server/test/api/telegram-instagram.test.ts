/**
 * Telegram, Instagram and quick replies on every channel, end to end: the providers' documented
 * payloads, signed (or tokened) as they sign them, against loopback providers that record what
 * Parley sends and answer as the real APIs do, errors included.
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { Message } from '@parley/contract';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { multipart, PDF, PNG } from '../factories/files.js';
import { type AccountHandle, type AgentHandle, http, makeAccount } from '../factories/index.js';
import { dialects, startTestApp, type TestApp } from '../harness.js';
import { startStubServer } from '../stub-server.js';

const PUBLIC_URL = 'https://parley.example.test';
const BOT_TOKEN = '123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11';
const APP_SECRET = 'instagram-app-secret-0123456789';
const PAGE_TOKEN = 'EAAB-instagram-page-token';
const IGSID = '1254459154682919';
const IG_ID = '17841405822304914';

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

/** The Telegram Bot API on loopback: methods under /bot{token}/, files under /file/bot{token}/. */
async function startTelegram() {
  let messageId = 100;
  const failures: { status: number; body: Record<string, unknown> }[] = [];
  const stub = await startStubServer('127.0.0.1', (req, res) => {
    const url = new URL(req.url ?? '/', 'http://tg.test');
    if (url.pathname === `/file/bot${BOT_TOKEN}/photos/file_1.jpg`) {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      return res.end(PNG);
    }
    if (url.pathname === `/file/bot${BOT_TOKEN}/documents/file_2.pdf`) {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      return res.end(PDF);
    }
    const m = /^\/bot([^/]+)\/(\w+)$/.exec(url.pathname);
    if (!m || m[1] !== BOT_TOKEN) return json(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
    const method = m[2];
    if (method === 'getFile') {
      const fileId = url.searchParams.get('file_id');
      const path = fileId === 'AgACAgQAAxkBAAIBQ2Zb' ? 'photos/file_1.jpg' : fileId === 'BQACAgQAAxkBAAIBRGZb' ? 'documents/file_2.pdf' : null;
      if (!path) return json(res, 400, { ok: false, error_code: 400, description: 'Bad Request: invalid file_id' });
      return json(res, 200, { ok: true, result: { file_id: fileId, file_unique_id: 'AQADx', file_size: 95, file_path: path } });
    }
    if (method === 'answerCallbackQuery') return json(res, 200, { ok: true, result: true });
    const f = failures.shift();
    if (f) return json(res, f.status, f.body);
    messageId++;
    json(res, 200, { ok: true, result: { message_id: messageId, date: 1717000000, chat: { id: 987654321, type: 'private' } } });
  });
  return {
    stub,
    failNext: (f: { status: number; body: Record<string, unknown> }) => failures.push(f),
    calls: () => stub.requests.map((r) => ({ method: r.url.replace(/^\/bot[^/]+\//, '').split('?')[0], body: r.body ? JSON.parse(r.body) : null })),
  };
}

/** Meta's Graph API for Instagram and Twilio's Messages API on one loopback server. */
async function startMeta() {
  let n = 0;
  const stub = await startStubServer('127.0.0.1', (req, res) => {
    const url = new URL(req.url ?? '/', 'http://graph.test');
    if (url.pathname === '/cdn/ig_photo.jpg') {
      res.writeHead(200, { 'content-type': 'image/jpeg' });
      return res.end(PNG);
    }
    if (url.pathname.endsWith('/Messages.json')) {
      n++;
      return json(res, 201, { sid: `SM${n}`, status: 'queued' });
    }
    if (url.pathname === '/v21.0/me/messages') {
      if (url.searchParams.get('access_token') !== PAGE_TOKEN)
        return json(res, 400, { error: { message: 'Invalid OAuth access token - Cannot parse access token', type: 'OAuthException', code: 190 } });
      n++;
      return json(res, 200, { recipient_id: IGSID, message_id: `aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQxNDA1${n}` });
    }
    json(res, 404, {});
  });
  return { stub };
}

describe.each(dialects)('Telegram, Instagram and quick replies on %s', (dialect) => {
  let t: TestApp;
  let tg: Awaited<ReturnType<typeof startTelegram>>;
  let meta: Awaited<ReturnType<typeof startMeta>>;
  let req: ReturnType<typeof http>;

  beforeAll(async () => {
    t = await startTestApp(dialect, { publicUrl: PUBLIC_URL });
    await t.listen();
    tg = await startTelegram();
    meta = await startMeta();
    req = http(t);
  });
  afterAll(async () => {
    await t?.stop();
    await tg?.stub.close();
    await meta?.stub.close();
  });

  const flush = async () => {
    await t.advance(0);
    tg.stub.requests.length = 0;
    meta.stub.requests.length = 0;
  };

  const channel = async (acc: AccountHandle, body: Record<string, unknown>) => {
    const r = await req('POST', '/api/v1/channels', { token: acc.manager.token, body: { name: 'Channel', skillId: acc.skills.Sales, ...body } });
    expect(r.statusCode, r.body).toBe(201);
    return r.json() as { id: string; secret: string; inboundUrl: string };
  };
  const activeId = async (agent: AgentHandle): Promise<string> => {
    await t.routingIdle();
    const id = ((await req('GET', '/api/v1/workspace/active', { token: agent.token })).json().items as { id: string }[])[0]?.id;
    if (!id) throw new Error('no conversation');
    return id;
  };
  const transcript = async (agent: AgentHandle, id: string): Promise<Message[]> =>
    (await req('GET', `/api/v1/conversations/${id}/messages`, { token: agent.token })).json().items;
  const send = (agent: AgentHandle, id: string, body: Record<string, unknown>) =>
    req('POST', `/api/v1/conversations/${id}/messages`, { token: agent.token, body: { clientMessageId: randomUUID(), ...body } });

  // ---------------------------------------------------------------- Telegram

  /** Telegram's Update as its Bot API documents it (a private chat). */
  const tgUser = { id: 987654321, is_bot: false, first_name: 'Ana', last_name: 'Lima', username: 'analima', language_code: 'pt-br' };
  const tgChat = { id: 987654321, first_name: 'Ana', last_name: 'Lima', username: 'analima', type: 'private' };
  const update = (updateId: number, message: Record<string, unknown>) =>
    JSON.stringify({ update_id: updateId, message: { message_id: updateId - 10_000, from: tgUser, chat: tgChat, date: 1717000000, ...message } });
  const tgInbound = (channelId: string, body: string, token: string | null) =>
    t.app.inject({
      method: 'POST',
      url: `/api/v1/channels/${channelId}/inbound`,
      headers: { 'content-type': 'application/json', ...(token !== null && { 'x-telegram-bot-api-secret-token': token }) },
      payload: body,
    });

  it('Telegram: updates need the secret token; text, photos (largest size) and documents via getFile; a repeat is stored once', async () => {
    await flush();
    const acc = await makeAccount(t);
    const alice = await acc.agent('alice', { skills: ['Sales'] });
    const c = await channel(acc, { type: 'telegram', providerBaseUrl: tg.stub.url, credentials: { botToken: BOT_TOKEN } });
    expect(c.secret).toMatch(/^[A-Za-z0-9_-]{1,256}$/); // Telegram's secret_token alphabet

    const hello = update(20001, { text: 'Olá! Is my order on its way?' });
    expect((await tgInbound(c.id, hello, null)).statusCode).toBe(401);
    expect((await tgInbound(c.id, hello, 'a-guess')).statusCode).toBe(401);
    expect((await tgInbound(c.id, hello, c.secret)).statusCode).toBe(200);
    expect((await tgInbound(c.id, hello, c.secret)).statusCode).toBe(200);
    const photo = update(20002, {
      caption: 'the box arrived like this',
      photo: [
        { file_id: 'AgACAgQAAxkBAAIBQ2Za', file_unique_id: 'AQADs', file_size: 1234, width: 90, height: 67 },
        { file_id: 'AgACAgQAAxkBAAIBQ2Zb', file_unique_id: 'AQADx', file_size: 45678, width: 1280, height: 960 },
      ],
    });
    expect((await tgInbound(c.id, photo, c.secret)).statusCode).toBe(200);
    const doc = update(20003, {
      document: { file_name: 'invoice.pdf', mime_type: 'application/pdf', file_id: 'BQACAgQAAxkBAAIBRGZb', file_unique_id: 'AgADy', file_size: 95 },
    });
    expect((await tgInbound(c.id, doc, c.secret)).statusCode).toBe(200);
    expect(tg.stub.requests.map((r) => `${r.method} ${r.url.split('?')[0]?.replace(BOT_TOKEN, '{token}')}`)).toEqual([
      'GET /bot{token}/getFile',
      'GET /file/bot{token}/photos/file_1.jpg',
      'GET /bot{token}/getFile',
      'GET /file/bot{token}/documents/file_2.pdf',
    ]);

    const id = await activeId(alice);
    const details = (await req('GET', `/api/v1/conversations/${id}`, { token: alice.token })).json();
    expect(details.consumer).toMatchObject({ name: 'Ana Lima', channel: 'telegram', customVariables: { chatId: '987654321' } });
    const messages = await transcript(alice, id);
    expect(messages.map((m) => [m.text, m.file?.contentType ?? null, m.file?.name ?? null])).toEqual([
      ['Olá! Is my order on its way?', null, null],
      ['the box arrived like this', 'image/png', 'image.png'],
      [null, 'application/pdf', 'invoice.pdf'],
    ]);
    // the largest PhotoSize was fetched
    expect(tg.stub.requests.filter((r) => r.url.includes('getFile')).map((r) => new URL(r.url, 'http://x').searchParams.get('file_id'))).toEqual([
      'AgACAgQAAxkBAAIBQ2Zb',
      'BQACAgQAAxkBAAIBRGZb',
    ]);
  });

  it("Telegram: the user's language_code is the consumer's language: the closed-hours reply comes in Portuguese", async () => {
    await flush();
    const acc = await makeAccount(t);
    const c = await channel(acc, { type: 'telegram', providerBaseUrl: tg.stub.url, credentials: { botToken: BOT_TOKEN } });
    const today = new Date(t.clock.now()).toISOString().slice(0, 10);
    const open = [['00:00', '24:00']];
    const hours = { timeZone: 'UTC', weekly: { mon: open, tue: open, wed: open, thu: open, fri: open, sat: open, sun: open }, holidays: [today] };
    expect((await req('PUT', '/api/v1/business-hours', { token: acc.manager.token, body: hours })).statusCode).toBe(200);
    const text = { en: 'We are closed.', 'pt-BR': 'Estamos fechados.' };
    expect((await req('PATCH', '/api/v1/account/settings', { token: acc.manager.token, body: { closedHoursReply: { text } } })).statusCode).toBe(200);
    expect((await tgInbound(c.id, update(29001, { text: 'Oi?' }), c.secret)).statusCode).toBe(200);
    await t.advance(0);
    await expect
      .poll(() =>
        tg
          .calls()
          .filter((x) => x.method === 'sendMessage')
          .map((x) => x.body?.text),
      )
      .toEqual(['Estamos fechados.']);
  });

  it("Telegram: a French user's channel survey comes in French (questions, choices, instructions, thank-you); answers are stored in the default language", async () => {
    await flush();
    const acc = await makeAccount(t);
    const alice = await acc.agent('alice', { skills: ['Sales'] });
    const c = await channel(acc, { type: 'telegram', providerBaseUrl: tg.stub.url, credentials: { botToken: BOT_TOKEN } });
    const survey = {
      enabled: true,
      questions: [
        { id: 'csat', type: 'csat', text: { en: 'How satisfied are you?', fr: 'Êtes-vous satisfait ?' } },
        {
          id: 'topic',
          type: 'choice',
          text: { en: 'What was it about?', fr: 'C’était à quel sujet ?' },
          choices: [{ en: 'Billing', fr: 'Facturation' }, { en: 'Delivery', fr: 'Livraison' }, 'SAV'],
        },
      ],
    };
    const patched = await req('PATCH', '/api/v1/account/settings', { token: acc.manager.token, body: { survey } });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json().survey.questions).toEqual(survey.questions);
    const marie = { id: 555000111, is_bot: false, first_name: 'Marie', language_code: 'fr' };
    const frUpdate = (updateId: number, text: string) =>
      JSON.stringify({
        update_id: updateId,
        message: { message_id: updateId, from: marie, chat: { id: marie.id, first_name: 'Marie', type: 'private' }, date: 1717000000, text },
      });
    expect((await tgInbound(c.id, frUpdate(40001, 'Bonjour'), c.secret)).statusCode).toBe(200);
    const id = await activeId(alice);
    expect((await send(alice, id, { text: 'Voilà !' })).statusCode).toBe(201);
    expect((await req('POST', `/api/v1/conversations/${id}/close`, { token: alice.token })).statusCode).toBe(200);
    const sent = () =>
      tg
        .calls()
        .filter((x) => x.method === 'sendMessage')
        .map((x) => x.body?.text);
    await t.advance(0);
    await expect.poll(sent).toEqual(['Voilà !', 'Êtes-vous satisfait ? Répondez par un nombre de 1 (très insatisfait) à 5 (très satisfait).']);
    expect((await tgInbound(c.id, frUpdate(40002, '5'), c.secret)).statusCode).toBe(200);
    await t.advance(0);
    await expect.poll(() => sent().at(-1)).toBe('C’était à quel sujet ? Répondez par un numéro\u00a0: 1) Facturation 2) Livraison 3) SAV');
    // a reply by the label the consumer was shown
    expect((await tgInbound(c.id, frUpdate(40003, 'livraison'), c.secret)).statusCode).toBe(200);
    await t.advance(0);
    await expect.poll(() => sent().at(-1)).toBe('Merci pour votre avis\u00a0!');
    // the manager's export (and the reports' rows) hold the default language's label
    const consumerId = (await req('GET', `/api/v1/conversations/${id}`, { token: alice.token })).json().consumer.id as string;
    const exported = await req('GET', `/api/v1/consumers/${consumerId}/export`, { token: acc.manager.token });
    expect(exported.statusCode, exported.body).toBe(200);
    const answers = (exported.json().conversations as { surveyAnswers: { questionId: string; value: unknown }[] }[]).flatMap((x) => x.surveyAnswers);
    expect(answers.map((a) => [a.questionId, a.value])).toEqual([
      ['csat', 5],
      ['topic', 'Delivery'],
    ]);
  });

  it('Telegram outbound: sendMessage with an inline keyboard, sendPhoto/sendDocument by signed link; a button press answers the callback', async () => {
    await flush();
    const acc = await makeAccount(t);
    const alice = await acc.agent('alice', { skills: ['Sales'] });
    const c = await channel(acc, { type: 'telegram', providerBaseUrl: tg.stub.url, credentials: { botToken: BOT_TOKEN } });
    expect((await tgInbound(c.id, update(30001, { text: 'hi' }), c.secret)).statusCode).toBe(200);
    const id = await activeId(alice);
    const offered = await send(alice, id, { text: 'Which size?', quickReplies: [{ title: 'Small', payload: 'size_s' }, { title: 'Large' }] });
    expect(offered.statusCode, offered.body).toBe(201);
    const form = multipart([
      { name: 'file', value: PNG, filename: 'label.png' },
      { name: 'text', value: 'Your label' },
      { name: 'clientMessageId', value: randomUUID() },
    ]);
    const photo = await t.app.inject({
      method: 'POST',
      url: `/api/v1/conversations/${id}/messages`,
      headers: { authorization: `Bearer ${alice.token}`, 'content-type': form.contentType },
      payload: form.payload,
    });
    expect(photo.statusCode, photo.body).toBe(201);
    const pdf = multipart([
      { name: 'file', value: PDF, filename: 'terms.pdf' },
      { name: 'clientMessageId', value: randomUUID() },
    ]);
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: `/api/v1/conversations/${id}/messages`,
          headers: { authorization: `Bearer ${alice.token}`, 'content-type': pdf.contentType },
          payload: pdf.payload,
        })
      ).statusCode,
    ).toBe(201);
    await t.advance(0);
    const calls = tg.calls();
    expect(calls[0]).toEqual({
      method: 'sendMessage',
      body: {
        chat_id: '987654321',
        text: 'Which size?',
        reply_markup: {
          inline_keyboard: [[{ text: 'Small', callback_data: 'size_s' }], [{ text: 'Large', callback_data: 'Large' }]],
        },
      },
    });
    expect(calls[1]).toMatchObject({ method: 'sendPhoto', body: { chat_id: '987654321', caption: 'Your label' } });
    expect(String(calls[1]?.body.photo).startsWith(`${PUBLIC_URL}/api/v1/files/`)).toBe(true);
    expect(calls[2]).toMatchObject({ method: 'sendDocument', body: { chat_id: '987654321' } });
    expect((await transcript(alice, id)).filter((m) => m.senderType === 'agent').map((m) => m.delivery)).toEqual(['sent', 'sent', 'sent']);

    // The consumer presses "Small": Telegram's callback_query, with the message and its keyboard
    tg.stub.requests.length = 0;
    const press = JSON.stringify({
      update_id: 30002,
      callback_query: {
        id: '4382bfdwdsb323b2d9',
        from: tgUser,
        message: {
          message_id: 101,
          from: { id: 123456, is_bot: true, first_name: 'Parley', username: 'parley_bot' },
          chat: tgChat,
          date: 1717000100,
          text: 'Which size?',
          reply_markup: { inline_keyboard: [[{ text: 'Small', callback_data: 'size_s' }], [{ text: 'Large', callback_data: 'Large' }]] },
        },
        chat_instance: '-8123456789012345678',
        data: 'size_s',
      },
    });
    expect((await tgInbound(c.id, press, c.secret)).statusCode).toBe(200);
    const last = (await transcript(alice, id)).at(-1);
    expect(last).toMatchObject({ senderType: 'consumer', text: 'Small', quickReply: { payload: 'size_s' } });
    expect(tg.calls()).toEqual([{ method: 'answerCallbackQuery', body: { callback_query_id: '4382bfdwdsb323b2d9' } }]);
  });

  it('Telegram errors: 429 waits retry_after, a blocked bot (403) and a wrong token (401) fail at once', async () => {
    await flush();
    const acc = await makeAccount(t);
    const alice = await acc.agent('alice', { skills: ['Sales'] });
    const c = await channel(acc, { type: 'telegram', providerBaseUrl: tg.stub.url, credentials: { botToken: BOT_TOKEN } });
    expect((await tgInbound(c.id, update(40001, { text: 'hi' }), c.secret)).statusCode).toBe(200);
    const id = await activeId(alice);
    tg.failNext({ status: 429, body: { ok: false, error_code: 429, description: 'Too Many Requests: retry after 7', parameters: { retry_after: 7 } } });
    const m = (await send(alice, id, { text: 'slow down' })).json() as Message;
    await t.advance(0);
    await t.advance(6000);
    expect(tg.calls()).toHaveLength(1);
    await t.advance(1000);
    expect(tg.calls()).toHaveLength(2);
    expect((await transcript(alice, id)).find((x) => x.id === m.id)?.delivery).toBe('sent');

    tg.failNext({ status: 403, body: { ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' } });
    const blocked = (await send(alice, id, { text: 'are you there?' })).json() as Message;
    await t.advance(0);
    await t.advance(60_000);
    expect((await transcript(alice, id)).find((x) => x.id === blocked.id)).toMatchObject({
      delivery: 'failed',
      deliveryError: 'HTTP 403: Forbidden: bot was blocked by the user',
    });
    const wrong = await req('PATCH', `/api/v1/channels/${c.id}`, { token: acc.manager.token, body: { credentials: { botToken: '999:wrong' } } });
    expect(wrong.statusCode).toBe(200);
    const unauthorized = (await send(alice, id, { text: 'with a wrong token' })).json() as Message;
    await t.advance(0);
    expect((await transcript(alice, id)).find((x) => x.id === unauthorized.id)).toMatchObject({ delivery: 'failed', deliveryError: 'HTTP 401: Unauthorized' });
  });

  // ---------------------------------------------------------------- Instagram

  const igBody = (messaging: Record<string, unknown>[]) => JSON.stringify({ object: 'instagram', entry: [{ time: 1569262486134, id: IG_ID, messaging }] });
  const igInbound = (channelId: string, body: string, secret = APP_SECRET) =>
    t.app.inject({
      method: 'POST',
      url: `/api/v1/channels/${channelId}/inbound`,
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}` },
      payload: body,
    });

  it('Instagram: the Messenger Platform webhook (object instagram) signed with the app secret; photos stored; quick_replies out; read receipts', async () => {
    await flush();
    const acc = await makeAccount(t);
    const alice = await acc.agent('alice', { skills: ['Sales'] });
    const c = await channel(acc, {
      type: 'instagram',
      providerBaseUrl: meta.stub.url,
      credentials: { appSecret: APP_SECRET, pageAccessToken: PAGE_TOKEN, verifyToken: 'ig-verify' },
    });
    const challenge = await t.app.inject({
      method: 'GET',
      url: `/api/v1/channels/${c.id}/inbound?hub.mode=subscribe&hub.challenge=15&hub.verify_token=ig-verify`,
    });
    expect(challenge.body).toBe('15');
    const text = igBody([
      { sender: { id: IGSID }, recipient: { id: IG_ID }, timestamp: 1569262485349, message: { mid: 'aWdfZAG1faXRlbToxOklHTWVzc2FnZA1', text: 'Hi there' } },
    ]);
    expect((await igInbound(c.id, text, 'wrong-secret-000000000000')).statusCode).toBe(401);
    expect((await igInbound(c.id, text)).statusCode).toBe(200);
    const image = igBody([
      {
        sender: { id: IGSID },
        recipient: { id: IG_ID },
        timestamp: 1569262485349,
        message: { mid: 'aWdfZAG1faXRlbToxOklHTWVzc2FnZA2', attachments: [{ type: 'image', payload: { url: `${meta.stub.url}/cdn/ig_photo.jpg` } }] },
      },
    ]);
    expect((await igInbound(c.id, image)).statusCode).toBe(200);
    const id = await activeId(alice);
    expect((await transcript(alice, id)).map((m) => [m.text, m.file?.contentType ?? null])).toEqual([
      ['Hi there', null],
      [null, 'image/png'],
    ]);
    const details = (await req('GET', `/api/v1/conversations/${id}`, { token: alice.token })).json();
    expect(details.consumer).toMatchObject({ channel: 'instagram', customVariables: { igsid: IGSID } });

    meta.stub.requests.length = 0;
    const quick = Array.from({ length: 13 }, (_, i) => ({ title: `Choice number ${i + 1} is long`, payload: `c${i + 1}` }));
    const offered = (await send(alice, id, { text: 'Pick one', quickReplies: quick })).json() as Message;
    await t.advance(0);
    const [sent] = meta.stub.requests;
    expect(sent?.url).toBe(`/v21.0/me/messages?access_token=${PAGE_TOKEN}`);
    expect(JSON.parse(sent?.body ?? '{}')).toEqual({
      recipient: { id: IGSID },
      messaging_type: 'RESPONSE',
      message: { text: 'Pick one', quick_replies: quick.map((q) => ({ content_type: 'text', title: q.title.slice(0, 20), payload: q.payload })) },
    });
    expect((await transcript(alice, id)).find((m) => m.id === offered.id)?.delivery).toBe('sent');
    const { provider_id: mid } = await t.db.kysely
      .selectFrom('provider_messages')
      .select('provider_id')
      .where('message_id', '=', offered.id)
      .executeTakeFirstOrThrow();
    expect(mid).toMatch(/^aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQxNDA1\d+$/);
    const read = igBody([{ sender: { id: IGSID }, recipient: { id: IG_ID }, timestamp: 1569262486000, read: { mid } }]);
    expect((await igInbound(c.id, read)).statusCode).toBe(200);
    expect((await transcript(alice, id)).find((m) => m.id === offered.id)?.delivery).toBe('read');

    // a photo from the agent: an image attachment by its signed link, then the text
    meta.stub.requests.length = 0;
    const form = multipart([
      { name: 'file', value: PNG, filename: 'size-chart.png' },
      { name: 'text', value: 'Our size chart' },
      { name: 'clientMessageId', value: randomUUID() },
    ]);
    const photo = await t.app.inject({
      method: 'POST',
      url: `/api/v1/conversations/${id}/messages`,
      headers: { authorization: `Bearer ${alice.token}`, 'content-type': form.contentType },
      payload: form.payload,
    });
    expect(photo.statusCode, photo.body).toBe(201);
    await t.advance(0);
    const [attachment, caption] = meta.stub.requests.map((r) => JSON.parse(r.body) as { message: Record<string, unknown> });
    expect(attachment?.message).toMatchObject({ attachment: { type: 'image', payload: { is_reusable: false } } });
    const link = (attachment?.message.attachment as { payload?: { url?: string } } | undefined)?.payload?.url ?? '';
    expect(link.startsWith(`${PUBLIC_URL}/api/v1/files/`)).toBe(true);
    expect(caption?.message).toEqual({ text: 'Our size chart' });

    // the consumer taps a quick reply
    const tap = igBody([
      {
        sender: { id: IGSID },
        recipient: { id: IG_ID },
        timestamp: 1569262487000,
        message: { mid: 'aWdfZAG1faXRlbToxOklHTWVzc2FnZA3', text: 'Choice number 2 is l', quick_reply: { payload: 'c2' } },
      },
    ]);
    expect((await igInbound(c.id, tap)).statusCode).toBe(200);
    expect((await transcript(alice, id)).at(-1)).toMatchObject({ text: 'Choice number 2 is l', quickReply: { payload: 'c2' } });
  });

  // ---------------------------------------------------------------- SMS and the widget

  it('SMS: quick replies go as a numbered list and "2" answers the second; the widget consumer answers with one offered', async () => {
    await flush();
    const acc = await makeAccount(t);
    const alice = await acc.agent('alice', { skills: ['Sales'], maxConcurrent: 5 });
    const c = await channel(acc, {
      type: 'sms',
      providerBaseUrl: meta.stub.url,
      credentials: { accountSid: 'AC0123456789abcdef0123456789abcdef', from: '+15557654321' },
    });
    const sms = (body: string) => {
      const sid = `SM${randomBytes(16).toString('hex')}`;
      const params = {
        MessageSid: sid,
        SmsSid: sid,
        AccountSid: 'AC0123456789abcdef0123456789abcdef',
        From: '+15551230009',
        To: '+15557654321',
        Body: body,
        NumMedia: '0',
      };
      return t.app.inject({
        method: 'POST',
        url: new URL(c.inboundUrl).pathname,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': twilio.getExpectedTwilioSignature(c.secret, c.inboundUrl, params),
        },
        payload: new URLSearchParams(params).toString(),
      });
    };
    expect((await sms('I need help with a return')).statusCode).toBe(200);
    const id = await activeId(alice);
    expect(
      (
        await send(alice, id, {
          text: 'What would you like?',
          quickReplies: [
            { title: 'Refund', payload: 'refund' },
            { title: 'Exchange', payload: 'exchange' },
          ],
        })
      ).statusCode,
    ).toBe(201);
    await t.advance(0);
    expect(Object.fromEntries(new URLSearchParams(meta.stub.requests[0]?.body ?? ''))).toMatchObject({ Body: 'What would you like?\n1. Refund\n2. Exchange' });
    expect((await sms(' 2 ')).statusCode).toBe(200);
    expect((await sms('7')).statusCode).toBe(200); // not offered: a message like any other
    const messages = await transcript(alice, id);
    expect(messages.slice(-2).map((m) => [m.text, m.quickReply])).toEqual([
      ['2', { payload: 'exchange' }],
      ['7', undefined],
    ]);

    // the widget: buttons offered to a web consumer; the answer must be one of them
    const jo = await acc.consumer({ name: 'Jo' });
    const conv = await jo.open({ skill: 'Sales', text: 'hello from the site' });
    await t.routingIdle();
    expect(
      (await send(alice, conv.id, { text: 'Shall I call you?', quickReplies: [{ title: 'Yes', payload: 'call_yes' }, { title: 'No thanks' }] })).statusCode,
    ).toBe(201);
    const answer = (body: Record<string, unknown>) =>
      req('POST', `/api/v1/consumer/conversations/${conv.id}/messages`, { token: jo.token, body: { clientMessageId: randomUUID(), ...body } });
    expect((await answer({ text: 'Maybe', quickReply: { payload: 'maybe' } })).statusCode).toBe(400);
    expect((await answer({ text: 'Yes', quickReplies: [{ title: 'x' }] })).statusCode).toBe(400);
    const yes = await answer({ text: 'Yes', quickReply: { payload: 'call_yes' } });
    expect(yes.statusCode, yes.body).toBe(201);
    expect(yes.json()).toMatchObject({ text: 'Yes', quickReply: { payload: 'call_yes' } });
    const mine = (await req('GET', `/api/v1/consumer/conversations/${conv.id}/messages`, { token: jo.token })).json().items as Message[];
    expect(mine.find((m) => m.text === 'Shall I call you?')?.quickReplies).toEqual([{ title: 'Yes', payload: 'call_yes' }, { title: 'No thanks' }]);
  });

  it('predefined content carries quick replies (at most 13): created, listed, changed, removed with []', async () => {
    const acc = await makeAccount(t);
    const m = acc.manager.token;
    const created = await req('POST', '/api/v1/content', {
      token: m,
      body: {
        title: 'Refund or exchange',
        text: 'Would you like a refund or an exchange?',
        quickReplies: [{ title: 'Refund', payload: 'refund' }, { title: 'Exchange' }],
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json().quickReplies).toEqual([{ title: 'Refund', payload: 'refund' }, { title: 'Exchange' }]);
    const tooMany = await req('POST', '/api/v1/content', {
      token: m,
      body: { title: 'x', text: 'x', quickReplies: Array.from({ length: 14 }, (_, i) => ({ title: `B${i}` })) },
    });
    expect(tooMany.statusCode).toBe(400);
    const agent = await acc.agent('ava', { skills: ['Sales'] });
    const listed = (await req('GET', '/api/v1/content', { token: agent.token })).json().items as { id: string; quickReplies?: unknown }[];
    expect(listed.find((i) => i.id === created.json().id)?.quickReplies).toEqual([{ title: 'Refund', payload: 'refund' }, { title: 'Exchange' }]);
    const changed = await req('PATCH', `/api/v1/content/${created.json().id}`, { token: m, body: { quickReplies: [{ title: 'Store credit' }] } });
    expect(changed.json().quickReplies).toEqual([{ title: 'Store credit' }]);
    const removed = await req('PATCH', `/api/v1/content/${created.json().id}`, { token: m, body: { quickReplies: [] } });
    expect(removed.statusCode).toBe(200);
    expect(removed.json()).not.toHaveProperty('quickReplies');
  });
});
