import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AccountHandle, type AgentHandle, type ConsumerHandle, http, login, makeAccount, PASSWORD } from '../factories/index.js';
import { dialects, startTestApp, type TestApp } from '../harness.js';
import { expectProblem, snapshot } from './support.js';

/** zod's own messages ("Too small: expected string to have >=1 characters"): the API words its validation errors for people instead. */
const ZOD_WORDING = /Too (small|big)|Invalid (input|option|string|number)|Unrecognized key|expected \w+, received|>=|<=/;

interface Attempt {
  what: string;
  send: () => Promise<LightMyRequestResponse>;
}

describe.each(dialects)('bad input on %s', (dialect) => {
  let t: TestApp;
  let acc: AccountHandle;
  let other: AccountHandle;
  let alice: AgentHandle;
  let jo: ConsumerHandle;
  let conv: string;
  let otherConv: string;
  let otherAgent: AgentHandle;
  let spare: ConsumerHandle;
  let seq = 0;

  beforeAll(async () => {
    t = await startTestApp(dialect);
    acc = await makeAccount(t);
    alice = await acc.agent('alice');
    jo = await acc.consumer({ name: 'Jo' });
    conv = (await jo.open({ skill: 'Sales', text: 'hello' })).id;
    seq = 1;
    other = await makeAccount(t);
    otherAgent = await other.agent('bob');
    const zed = await other.consumer({ name: 'Zed' });
    otherConv = (await zed.open({ skill: 'Sales', text: 'other account' })).id;
    spare = await acc.consumer({ name: 'Spare' });
  });
  afterAll(async () => t.stop());

  const raw = (method: string, url: string, token: string | undefined, body: string, contentType = 'application/json') =>
    t.app.inject({
      method: method as 'POST',
      url,
      headers: { ...(token && { authorization: `Bearer ${token}` }), 'content-type': contentType },
      payload: body,
    });

  const messagesOf = async (id: string, token: string) =>
    (await http(t)('GET', `/api/v1/consumer/conversations/${id}/messages`, { token })).json().items.length;
  const usernames = async (token: string) =>
    ((await http(t)('GET', '/api/v1/users', { token })).json().items as { username: string }[]).map((u) => u.username).sort();

  /**
   * Each attempt gets `status`/`code` as problem JSON; the database is byte-for-byte what it was
   * (messages, users, tokens, events, …); then the server still serves: the consumer and the agent
   * each send a message and get the next seq.
   */
  async function rejectsAll(attempts: Attempt[], status: number, code: string): Promise<void> {
    const before = await snapshot(t);
    const counts = { mine: await messagesOf(conv, jo.token), users: await usernames(acc.manager.token), others: await usernames(other.manager.token) };
    for (const a of attempts) {
      const res = await a.send();
      const body = expectProblem(res, status, code);
      expect(body.status, a.what).toBe(status);
      expect(body.detail, a.what).not.toMatch(ZOD_WORDING);
    }
    expect(await snapshot(t)).toEqual(before);
    expect({ mine: await messagesOf(conv, jo.token), users: await usernames(acc.manager.token), others: await usernames(other.manager.token) }).toEqual(counts);

    const c = await jo.send(conv, `follow-up ${seq}`);
    expect(c.statusCode).toBe(201);
    expect(c.json().seq).toBe(++seq);
    const a = await http(t)('POST', `/api/v1/conversations/${conv}/messages`, {
      token: alice.token,
      body: { text: `answer ${seq}`, clientMessageId: `a-${seq}` },
    });
    expect(a.statusCode).toBe(201);
    expect(a.json().seq).toBe(++seq);
  }

  const sendUrl = () => `/api/v1/consumer/conversations/${conv}/messages`;
  const agentSendUrl = () => `/api/v1/conversations/${conv}/messages`;

  it('malformed JSON → 400 invalid_request', async () => {
    const bodies = [
      '{"text": ',
      '{text: "hi", clientMessageId: "x"}',
      '{"text":"hi","clientMessageId":"x",}',
      "{'text':'hi'}",
      'NaN',
      '{"text":"hi"}}',
      '\u0000',
      '{"a":1e999999999999',
    ];
    const attempts: Attempt[] = bodies.flatMap((b) => [
      { what: `consumer send ${b}`, send: () => raw('POST', sendUrl(), jo.token, b) },
      { what: `agent send ${b}`, send: () => raw('POST', agentSendUrl(), alice.token, b) },
      { what: `create user ${b}`, send: () => raw('POST', '/api/v1/users', acc.manager.token, b) },
      { what: `login ${b}`, send: () => raw('POST', '/api/v1/auth/login', undefined, b) },
      { what: `consumer session ${b}`, send: () => raw('POST', '/api/v1/consumer/session', undefined, b) },
    ]);
    attempts.push({ what: 'empty JSON body', send: () => raw('POST', sendUrl(), jo.token, '') });
    attempts.push({
      what: 'prototype pollution',
      send: () => raw('POST', sendUrl(), jo.token, '{"__proto__":{"admin":true},"text":"x","clientMessageId":"p"}'),
    });
    attempts.push({
      what: 'constructor pollution',
      send: () => raw('PATCH', '/api/v1/account/settings', acc.manager.token, '{"constructor":{"prototype":{"admin":true}}}'),
    });
    await rejectsAll(attempts, 400, 'invalid_request');
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it('wrong types → 400 invalid_request, with the offending field named', async () => {
    const req = http(t);
    const m = acc.manager.token;
    const attempts: Attempt[] = [
      { what: 'text number', send: () => req('POST', sendUrl(), { token: jo.token, body: { text: 5, clientMessageId: 'x' } }) },
      { what: 'cmid array', send: () => req('POST', agentSendUrl(), { token: alice.token, body: { text: 'hi', clientMessageId: [] } }) },
      { what: 'blank text', send: () => req('POST', sendUrl(), { token: jo.token, body: { text: '   ', clientMessageId: 'x' } }) },
      { what: 'body null', send: () => req('POST', sendUrl(), { token: jo.token, body: 'null' }) },
      { what: 'body array', send: () => req('POST', sendUrl(), { token: jo.token, body: '[{"text":"hi","clientMessageId":"x"}]' }) },
      { what: 'body string', send: () => req('POST', sendUrl(), { token: jo.token, body: '"hi"' }) },
      { what: 'text too long', send: () => req('POST', sendUrl(), { token: jo.token, body: { text: 'x'.repeat(10_001), clientMessageId: 'x' } }) },
      { what: 'NUL in text', send: () => req('POST', sendUrl(), { token: jo.token, body: { text: 'a\u0000b', clientMessageId: 'x' } }) },
      { what: 'open: skillId number', send: () => req('POST', '/api/v1/consumer/conversations', { token: jo.token, body: { skillId: 1 } }) },
      { what: 'status unknown', send: () => req('PUT', '/api/v1/me/status', { token: alice.token, body: { status: 'busy' } }) },
      { what: 'status missing', send: () => req('PUT', '/api/v1/me/status', { token: alice.token, body: {} }) },
      {
        what: 'user maxConcurrent string',
        send: () => req('POST', '/api/v1/users', { token: m, body: { username: 'x1', password: PASSWORD, displayName: 'X', maxConcurrent: '5' } }),
      },
      {
        what: 'user role',
        send: () => req('POST', '/api/v1/users', { token: m, body: { username: 'x2', password: PASSWORD, displayName: 'X', role: 'admin' } }),
      },
      { what: 'user short password', send: () => req('POST', '/api/v1/users', { token: m, body: { username: 'x3', password: 'short', displayName: 'X' } }) },
      { what: 'user bad username', send: () => req('POST', '/api/v1/users', { token: m, body: { username: 'a b/c', password: PASSWORD, displayName: 'X' } }) },
      {
        what: 'user skills string',
        send: () => req('POST', '/api/v1/users', { token: m, body: { username: 'x4', password: PASSWORD, displayName: 'X', skills: 'Sales' } }),
      },
      { what: 'patch user active string', send: () => req('PATCH', `/api/v1/users/${alice.id}`, { token: m, body: { active: 'false' } }) },
      { what: 'settings negative', send: () => req('PATCH', '/api/v1/account/settings', { token: m, body: { idleAfterSec: -1 } }) },
      { what: 'settings fraction', send: () => req('PATCH', '/api/v1/account/settings', { token: m, body: { ringTimeoutSec: 1.5 } }) },
      { what: 'settings retention range', send: () => req('PATCH', '/api/v1/account/settings', { token: m, body: { closedRetentionHours: 1 } }) },
      { what: 'settings origin', send: () => req('PATCH', '/api/v1/account/settings', { token: m, body: { allowedFrameAncestors: ['javascript:alert(1)'] } }) },
      { what: 'me settings tz', send: () => req('PATCH', '/api/v1/me/settings', { token: alice.token, body: { timeZone: 'Mars/Olympus' } }) },
      {
        what: 'login password number',
        send: () => req('POST', '/api/v1/auth/login', { body: { accountId: acc.accountId, username: 'alice', password: 12345678 } }),
      },
      { what: 'session accountId object', send: () => req('POST', '/api/v1/consumer/session', { body: { accountId: { $ne: null } } }) },
      {
        what: 'session customVariables nested',
        send: () => req('POST', '/api/v1/consumer/session', { body: { accountId: acc.accountId, customVariables: { a: { b: 1 } } } }),
      },
      { what: 'limit words', send: () => req('GET', '/api/v1/conversations?limit=ten', { token: alice.token }) },
      { what: 'limit too big', send: () => req('GET', '/api/v1/conversations?limit=100000', { token: alice.token }) },
      { what: 'from not a date', send: () => req('GET', '/api/v1/conversations?from=yesterday', { token: alice.token }) },
      {
        what: 'forged cursor',
        send: () => req('GET', `/api/v1/conversations?cursor=${Buffer.from('[1.5,{}]').toString('base64url')}`, { token: alice.token }),
      },
      { what: 'after negative', send: () => req('GET', `/api/v1/conversations/${conv}/messages?after=-1`, { token: alice.token }) },
      { what: 'after past int range', send: () => req('GET', `/api/v1/consumer/conversations/${conv}/messages?after=4294967296`, { token: jo.token }) },
      { what: 'status filter', send: () => req('GET', '/api/v1/workspace/active?status=ongoing,nope', { token: alice.token }) },
      { what: 'id too long', send: () => req('POST', `/api/v1/conversations/${'x'.repeat(101)}/read`, { token: alice.token }) },
      { what: 'id undecodable', send: () => req('GET', '/api/v1/conversations/%E0%A4%A', { token: alice.token }) },
      {
        what: 'id with NUL',
        send: () => req('POST', `/api/v1/consumer/conversations/a%00b/messages`, { token: jo.token, body: { text: 'x', clientMessageId: 'x' } }),
      },
    ];
    await rejectsAll(attempts, 400, 'invalid_request');
    // a GET past the router's parameter length may land on the app's fallback: 404 then, but problem JSON either way
    const long = await req('GET', `/api/v1/conversations/${'x'.repeat(101)}`, { token: alice.token });
    expectProblem(long, long.statusCode === 404 ? 404 : 400);
    const named = await req('POST', sendUrl(), { token: jo.token, body: { text: 5, clientMessageId: 'x' } });
    expect(named.json().errors).toContainEqual(expect.objectContaining({ path: 'body.text' }));
  });

  it('validation messages are worded for people, next to the field they are about', async () => {
    const req = http(t);
    const m = acc.manager.token;
    const errorsOf = async (res: Promise<LightMyRequestResponse>) => expectProblem(await res, 400, 'invalid_request') && (await res).json().errors;
    expect(await errorsOf(req('POST', '/api/v1/skills', { token: m, body: { name: '', sla: { firstTimeSec: 0 }, autoClose: { afterSec: 'soon' } } }))).toEqual(
      expect.arrayContaining([
        { path: 'body.name', message: 'must not be empty' },
        { path: 'body.sla.firstTimeSec', message: 'must be at least 1' },
        { path: 'body.autoClose.afterSec', message: 'expected a number' },
      ]),
    );
    expect(await errorsOf(req('POST', '/api/v1/skills', { token: m, body: { name: 'x'.repeat(101), bogus: 1 } }))).toEqual(
      expect.arrayContaining([
        { path: 'body.name', message: 'must be at most 100 characters' },
        { path: 'body', message: 'unknown field "bogus"' },
      ]),
    );
    expect(await errorsOf(req('PUT', '/api/v1/me/status', { token: alice.token, body: { status: 'busy' } }))).toEqual([
      { path: 'body.status', message: 'must be one of "online", "back_soon", "away" or "offline"' },
    ]);
    expect(await errorsOf(req('PUT', '/api/v1/me/status', { token: alice.token, body: {} }))).toEqual([{ path: 'body.status', message: 'is required' }]);
    expect(await errorsOf(req('GET', '/api/v1/conversations?limit=ten&from=yesterday', { token: alice.token }))).toEqual(
      expect.arrayContaining([
        { path: 'querystring.limit', message: 'expected a number' },
        { path: 'querystring.from', message: expect.stringMatching(/^must be a date and time in ISO 8601 form/) },
      ]),
    );
    expect(await errorsOf(req('PATCH', `/api/v1/users/${alice.id}`, { token: m, body: { maxConcurrent: 1.5, active: 'no' } }))).toEqual(
      expect.arrayContaining([
        { path: 'body.maxConcurrent', message: 'expected a whole number' },
        { path: 'body.active', message: 'expected true or false' },
      ]),
    );
    const session = await req('POST', '/api/v1/consumer/session', { body: { accountId: acc.accountId, customVariables: { a: { b: 1 } } } });
    expect(await errorsOf(Promise.resolve(session))).toEqual([{ path: 'body.customVariables.a', message: 'expected a string, a number or a boolean' }]);
    // a message the schema states itself is kept
    expect(await errorsOf(req('POST', '/api/v1/users', { token: m, body: { username: 'pw', password: 'short', displayName: 'P' } }))).toEqual([
      { path: 'body.password', message: 'at least 8 characters' },
    ]);
  });

  it('unknown fields → 400 invalid_request (bodies are strict, nothing is silently dropped)', async () => {
    const req = http(t);
    const m = acc.manager.token;
    const attempts: Attempt[] = [
      { what: 'send extra', send: () => req('POST', sendUrl(), { token: jo.token, body: { text: 'hi', clientMessageId: 'u1', senderType: 'agent' } }) },
      { what: 'agent send extra', send: () => req('POST', agentSendUrl(), { token: alice.token, body: { text: 'hi', clientMessageId: 'u2', seq: 1 } }) },
      { what: 'open extra', send: () => req('POST', '/api/v1/consumer/conversations', { token: jo.token, body: { agentId: alice.id } }) },
      {
        what: 'user isAdmin',
        send: () => req('POST', '/api/v1/users', { token: m, body: { username: 'u3', password: PASSWORD, displayName: 'U', isAdmin: true } }),
      },
      {
        what: 'user accountId',
        send: () => req('POST', '/api/v1/users', { token: m, body: { username: 'u4', password: PASSWORD, displayName: 'U', accountId: other.accountId } }),
      },
      { what: 'patch user username', send: () => req('PATCH', `/api/v1/users/${alice.id}`, { token: m, body: { username: 'root' } }) },
      { what: 'settings unknown', send: () => req('PATCH', '/api/v1/account/settings', { token: m, body: { superMode: true } }) },
      { what: 'settings nested unknown', send: () => req('PATCH', '/api/v1/account/settings', { token: m, body: { warmUp: { enabled: true, turbo: 1 } } }) },
      { what: 'skill extra', send: () => req('POST', '/api/v1/skills', { token: m, body: { name: 'New', accountId: other.accountId } }) },
      { what: 'me status extra', send: () => req('PUT', '/api/v1/me/status', { token: alice.token, body: { status: 'away', userId: otherAgent.id } }) },
      { what: 'me settings extra', send: () => req('PATCH', '/api/v1/me/settings', { token: alice.token, body: { role: 'manager' } }) },
      {
        what: 'login extra',
        send: () => req('POST', '/api/v1/auth/login', { body: { accountId: acc.accountId, username: 'alice', password: PASSWORD, mfa: false } }),
      },
      { what: 'session extra', send: () => req('POST', '/api/v1/consumer/session', { body: { accountId: acc.accountId, consumerId: 'someone' } }) },
      { what: 'query extra', send: () => req('GET', '/api/v1/conversations?accountId=x', { token: alice.token }) },
      { what: 'messages query extra', send: () => req('GET', `/api/v1/consumer/conversations/${conv}/messages?all=true`, { token: jo.token }) },
    ];
    await rejectsAll(attempts, 400, 'invalid_request');
    const r = await req('POST', '/api/v1/users', { token: m, body: { username: 'u5', password: PASSWORD, displayName: 'U', isAdmin: true } });
    expect(r.json().detail).toContain('isAdmin');
    // an unknown key at the top level is an error of the whole body (or query): its path has no trailing dot
    expect(r.json().errors).toEqual([{ path: 'body', message: expect.stringContaining('isAdmin') }]);
    const q = await req('GET', '/api/v1/conversations?accountId=x', { token: alice.token });
    expect(q.json().errors).toEqual([{ path: 'querystring', message: expect.stringContaining('accountId') }]);
    const nested = await req('PATCH', '/api/v1/account/settings', { token: m, body: { warmUp: { enabled: true, turbo: 1 } } });
    expect(nested.json().errors).toEqual([{ path: 'body.warmUp', message: expect.stringContaining('turbo') }]);
  });

  it('a method the path does not have → 405 method_not_allowed with Allow; a path that does not exist → 404', async () => {
    const req = http(t);
    const m = acc.manager.token;
    const allows: [string, string, string][] = [
      ['PUT', '/api/v1/skills', 'GET, HEAD, POST'],
      ['DELETE', '/api/v1/users', 'GET, HEAD, POST'],
      ['GET', `/api/v1/skills/${acc.skills.Sales}`, 'DELETE, PATCH'],
      ['PUT', `/api/v1/skills/no-such-skill`, 'DELETE, PATCH'],
      ['GET', '/api/v1/auth/login', 'POST'],
      ['PUT', '/api/v1/account/settings', 'GET, HEAD, PATCH'],
      ['POST', `/api/v1/conversations/${conv}/transcript.txt`, 'GET, HEAD'],
      ['DELETE', `/api/v1/consumer/conversations/${conv}/messages`, 'GET, HEAD, POST'],
    ];
    await rejectsAll(
      allows.map(([method, url]) => ({ what: `${method} ${url}`, send: () => req(method as 'GET', url, { token: m }) })),
      405,
      'method_not_allowed',
    );
    for (const [method, url, allow] of allows) {
      const res = await req(method as 'GET', url, { token: m });
      expect(res.headers.allow, `${method} ${url}`).toBe(allow);
      expect(res.json().detail).toBe(`${method} is not allowed on ${url}; allowed: ${allow}`);
    }
    for (const [method, url] of [
      ['GET', '/api/v1/nothing-here'],
      ['PUT', '/api/v1/skills/a/b'],
      ['GET', '/api/v1/skills/'],
    ] as const) {
      const res = await req(method, url, { token: m });
      expectProblem(res, 404, 'not_found');
      expect(res.headers.allow).toBeUndefined();
    }
  });

  it('bodies over 1 MiB → 413 payload_too_large', async () => {
    const req = http(t);
    const big = 'x'.repeat(1_100_000);
    const attempts: Attempt[] = [
      { what: 'consumer send', send: () => req('POST', sendUrl(), { token: jo.token, body: { text: big, clientMessageId: 'big' } }) },
      { what: 'agent send', send: () => req('POST', agentSendUrl(), { token: alice.token, body: { text: big, clientMessageId: 'big' } }) },
      {
        what: 'create user',
        send: () => req('POST', '/api/v1/users', { token: acc.manager.token, body: { username: 'big', password: PASSWORD, displayName: big } }),
      },
      { what: 'settings', send: () => req('PATCH', '/api/v1/account/settings', { token: acc.manager.token, body: { allowedFrameAncestors: [big] } }) },
      { what: 'login', send: () => req('POST', '/api/v1/auth/login', { body: { accountId: acc.accountId, username: 'alice', password: big } }) },
      { what: 'session', send: () => req('POST', '/api/v1/consumer/session', { body: { accountId: acc.accountId, name: big } }) },
      { what: 'not even JSON', send: () => raw('POST', sendUrl(), jo.token, `{${'['.repeat(1_100_000)}`) },
    ];
    await rejectsAll(attempts, 413, 'payload_too_large');
  });

  it('a content type other than JSON → 415 unsupported_media_type', async () => {
    const form = 'text=hi&clientMessageId=f1';
    const attempts: Attempt[] = [];
    for (const type of ['text/plain', 'application/xml', 'application/octet-stream', 'image/png', 'text/html; charset=utf-8']) {
      attempts.push({ what: `consumer send ${type}`, send: () => raw('POST', sendUrl(), jo.token, form, type) });
      attempts.push({ what: `agent send ${type}`, send: () => raw('POST', agentSendUrl(), alice.token, form, type) });
      attempts.push({ what: `create user ${type}`, send: () => raw('POST', '/api/v1/users', acc.manager.token, 'username=x&password=yyyyyyyyyy', type) });
      attempts.push({ what: `login ${type}`, send: () => raw('POST', '/api/v1/auth/login', undefined, `accountId=${acc.accountId}&username=alice`, type) });
    }
    attempts.push({
      what: 'no content type at all',
      send: () =>
        t.app.inject({ method: 'POST', url: sendUrl(), headers: { authorization: `Bearer ${jo.token}` }, payload: '{"text":"hi","clientMessageId":"n1"}' }),
    });
    await rejectsAll(attempts, 415, 'unsupported_media_type');
  });

  it('other accounts’ ids → 404 not_found, exactly as for ids that never existed', async () => {
    const req = http(t);
    const m = acc.manager.token;
    const otherSkill = other.skills.Sales ?? '';
    const attempts: Attempt[] = [];
    for (const id of [otherConv, 'no-such-conversation']) {
      attempts.push(
        { what: `consumer get ${id}`, send: () => req('GET', `/api/v1/consumer/conversations/${id}`, { token: jo.token }) },
        { what: `consumer messages ${id}`, send: () => req('GET', `/api/v1/consumer/conversations/${id}/messages`, { token: jo.token }) },
        { what: `consumer send ${id}`, send: () => jo.send(id, 'sneaky') },
        { what: `consumer close ${id}`, send: () => req('POST', `/api/v1/consumer/conversations/${id}/close`, { token: jo.token }) },
        { what: `agent get ${id}`, send: () => req('GET', `/api/v1/conversations/${id}`, { token: alice.token }) },
        { what: `agent transcript ${id}`, send: () => req('GET', `/api/v1/conversations/${id}/transcript.txt`, { token: alice.token }) },
        {
          what: `agent send ${id}`,
          send: () => req('POST', `/api/v1/conversations/${id}/messages`, { token: alice.token, body: { text: 'hi', clientMessageId: 'z' } }),
        },
        { what: `manager messages ${id}`, send: () => req('GET', `/api/v1/conversations/${id}/messages?includePrevious=true`, { token: m }) },
        { what: `manager close ${id}`, send: () => req('POST', `/api/v1/conversations/${id}/close`, { token: m }) },
        { what: `manager read ${id}`, send: () => req('POST', `/api/v1/conversations/${id}/read`, { token: m }) },
        { what: `dismiss ${id}`, send: () => req('DELETE', `/api/v1/workspace/active/${id}`, { token: alice.token }) },
      );
    }
    for (const id of [otherAgent.id, other.manager.id, 'no-such-user']) {
      attempts.push(
        { what: `patch user ${id}`, send: () => req('PATCH', `/api/v1/users/${id}`, { token: m, body: { active: false } }) },
        { what: `password of ${id}`, send: () => req('PATCH', `/api/v1/users/${id}`, { token: m, body: { password: 'hijacked-password' } }) },
        { what: `user status ${id}`, send: () => req('PUT', `/api/v1/users/${id}/status`, { token: m, body: { status: 'offline', handover: true } }) },
      );
    }
    for (const id of [otherSkill, 'no-such-skill']) {
      attempts.push(
        { what: `patch skill ${id}`, send: () => req('PATCH', `/api/v1/skills/${id}`, { token: m, body: { name: 'Mine now' } }) },
        { what: `delete skill ${id}`, send: () => req('DELETE', `/api/v1/skills/${id}`, { token: m }) },
      );
    }
    attempts.push({ what: 'session for a missing account', send: () => req('POST', '/api/v1/consumer/session', { body: { accountId: 'no-such-account' } }) });
    await rejectsAll(attempts, 404, 'not_found');

    // ids of the other account inside a body are unknown here too: 400, nothing created or assigned
    await rejectsAll(
      [
        {
          what: 'user with foreign skill',
          send: () => req('POST', '/api/v1/users', { token: m, body: { username: 'x9', password: PASSWORD, displayName: 'X', skills: [otherSkill] } }),
        },
        { what: 'patch with foreign skill', send: () => req('PATCH', `/api/v1/users/${alice.id}`, { token: m, body: { skills: [otherSkill] } }) },
        { what: 'open with foreign skill', send: () => req('POST', '/api/v1/consumer/conversations', { token: spare.token, body: { skillId: otherSkill } }) },
      ],
      400,
      'invalid_request',
    );
  });

  it('no token, a malformed Authorization header or a forged/foreign token → 401 unauthorized', async () => {
    const req = http(t);
    const real = await login(t, acc.accountId, 'alice');
    const hashOfReal = (await t.db.kysely.selectFrom('auth_tokens').select('token_hash').where('user_id', '=', alice.id).executeTakeFirstOrThrow()).token_hash;
    const headers: Record<string, string>[] = [
      {},
      { authorization: '' },
      { authorization: 'Bearer' },
      { authorization: 'Bearer ' },
      { authorization: `Basic ${Buffer.from(`alice:${PASSWORD}`).toString('base64')}` },
      { authorization: `Bearer ${real} extra` },
      { authorization: `Bearer ${real.slice(0, -1)}` },
      { authorization: `Bearer ${real}x` },
      { authorization: `Bearer ${real.toUpperCase()}` },
      { authorization: `Bearer ${hashOfReal}` },
      { authorization: 'Bearer pat_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
      { authorization: `Bearer ${jo.token}` },
      { authorization: `Bearer ${'x'.repeat(5000)}` },
      { cookie: `token=${real}` },
    ];
    const attempts: Attempt[] = headers.flatMap((h) => [
      { what: `me ${JSON.stringify(h).slice(0, 60)}`, send: () => req('GET', '/api/v1/me', { headers: h }) },
      {
        what: `agent send ${JSON.stringify(h).slice(0, 60)}`,
        send: () => req('POST', agentSendUrl(), { headers: h, body: { text: 'x', clientMessageId: 'tok' } }),
      },
      {
        what: `create user ${JSON.stringify(h).slice(0, 60)}`,
        send: () => req('POST', '/api/v1/users', { headers: h, body: { username: 'tok', password: PASSWORD, displayName: 'T' } }),
      },
      { what: `logout ${JSON.stringify(h).slice(0, 60)}`, send: () => req('POST', '/api/v1/auth/logout', { headers: h }) },
    ]);
    const consumerHeaders: Record<string, string>[] = [
      {},
      { authorization: `Bearer ${alice.token}` },
      { authorization: 'Bearer cst_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
    ];
    for (const h of consumerHeaders) {
      attempts.push({
        what: `consumer send ${JSON.stringify(h)}`,
        send: () => req('POST', sendUrl(), { headers: h, body: { text: 'x', clientMessageId: 'tok' } }),
      });
      attempts.push({ what: `consumer open ${JSON.stringify(h)}`, send: () => req('POST', '/api/v1/consumer/conversations', { headers: h, body: {} }) });
    }
    await rejectsAll(attempts, 401, 'unauthorized');
    expect((await req('GET', '/api/v1/me', { token: real })).statusCode).toBe(200);
  });
});
