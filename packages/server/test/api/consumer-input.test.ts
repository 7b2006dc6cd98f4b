import { createHmac } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, makeAccount } from '../factories/index.js';
import { dialects, startTestApp, type TestApp } from '../harness.js';
import { expectProblem as expectProblemBody } from './support.js';

/** The problem JSON, with the `errors` list a 400 carries. */
const expectProblem = (...args: Parameters<typeof expectProblemBody>) =>
  expectProblemBody(...args) as ReturnType<typeof expectProblemBody> & { errors?: { path: string; message: string }[] };

/**
 * Issue 11, points 5 and 7: what a consumer (or anyone who names a person) types is bounded and
 * cannot pass for something else — custom variables within their limits, names without bidi or
 * zero-width characters, and message text that cannot forge a line of `transcript.txt`.
 */
describe.each(dialects)('consumer input on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect);
  });
  afterAll(async () => t.stop());

  const countConsumers = async (accountId: string) =>
    Number(
      (
        await t.db.kysely
          .selectFrom('consumers')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('account_id', '=', accountId)
          .executeTakeFirstOrThrow()
      ).n,
    );
  const many = (n: number, prefix = 'k') => Object.fromEntries(Array.from({ length: n }, (_, i) => [`${prefix}${i}`, `v${i}`]));
  const sign = (secret: string, claims: Record<string, unknown>) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().sign(new TextEncoder().encode(secret));

  it('customVariables: at most 50 keys of ≤ 64 characters, values ≤ 1,000 characters; more is a 400 and nothing is stored', async () => {
    const acc = await makeAccount(t);
    const req = http(t);
    const session = (customVariables: unknown) => req('POST', '/api/v1/consumer/session', { body: { accountId: acc.accountId, customVariables } });

    expect((await session(many(50))).statusCode).toBe(201);
    expect((await session({ ['k'.repeat(64)]: 'v'.repeat(1000), n: 42, vip: true })).statusCode).toBe(201);
    const before = await countConsumers(acc.accountId);

    const tooMany = expectProblem(await session(many(30_000)), 400, 'invalid_request');
    expect(tooMany.errors).toEqual([{ path: 'body.customVariables', message: 'at most 50 custom variables' }]);
    expectProblem(await session(many(51)), 400, 'invalid_request');
    const longKey = expectProblem(await session({ ['k'.repeat(65)]: 'v' }), 400, 'invalid_request');
    expect(longKey.errors?.[0]?.path).toMatch(/^body\.customVariables\./);
    expectProblem(await session({ note: 'v'.repeat(1001) }), 400, 'invalid_request');
    expectProblem(await session({ nested: { a: 1 } }), 400, 'invalid_request');
    expectProblem(await session({ list: [1, 2] }), 400, 'invalid_request');
    expect(await countConsumers(acc.accountId)).toBe(before);
  });

  it('an identified consumer cannot grow past 50 custom variables over several sessions', async () => {
    const acc = await makeAccount(t);
    const req = http(t);
    const { secret } = (await req('GET', '/api/v1/account/identity-secret', { token: acc.manager.token })).json() as { secret: string };
    const identityToken = await sign(secret, { sub: 'brand-user-7' });
    const session = (customVariables: Record<string, string>) =>
      req('POST', '/api/v1/consumer/session', { body: { accountId: acc.accountId, identityToken, customVariables } });

    const first = await session(many(40, 'a'));
    expect(first.statusCode).toBe(201);
    // 40 + 10 new = 50: still fine; then one more new key is refused, and the stored ones are unchanged.
    expect((await session(many(10, 'b'))).statusCode).toBe(201);
    const grown = expectProblem(await session({ c0: 'x' }), 400, 'invalid_request');
    expect(grown.errors?.[0]?.path).toBe('body.customVariables');
    // Updating keys it already has is fine.
    expect((await session({ a0: 'updated' })).statusCode).toBe(201);
    const stored = await t.db.kysely.selectFrom('consumers').select('custom_variables').where('id', '=', first.json().consumerId).executeTakeFirstOrThrow();
    const vars = JSON.parse(stored.custom_variables) as Record<string, string>;
    expect(Object.keys(vars)).toHaveLength(50);
    expect(vars).toMatchObject({ a0: 'updated', b9: 'v9' });
    expect(vars).not.toHaveProperty('c0');
  });

  it('names lose bidi control and zero-width characters: session name, identity claim, channel profile, user displayName', async () => {
    const acc = await makeAccount(t);
    const req = http(t);
    const manager = acc.manager.token;
    const nameOf = async (consumerId: string) =>
      (await t.db.kysely.selectFrom('consumers').select('name').where('id', '=', consumerId).executeTakeFirstOrThrow()).name;

    // The consumer session: "\u202E" would show "nimdA" as "Admin".
    const anon = await req('POST', '/api/v1/consumer/session', { body: { accountId: acc.accountId, name: '\u202Enimda\u202C\u200B Jo\u2066\n' } });
    expect(anon.statusCode, anon.body).toBe(201);
    expect(await nameOf(anon.json().consumerId)).toBe('nimda Jo');
    expectProblem(await req('POST', '/api/v1/consumer/session', { body: { accountId: acc.accountId, name: '\u200B\u200D\uFEFF' } }), 400, 'invalid_request');

    // The identity token's name claim.
    const { secret } = (await req('GET', '/api/v1/account/identity-secret', { token: manager })).json() as { secret: string };
    const identityToken = await sign(secret, { sub: 'brand-user-9', name: 'Grace\u200F \u2067Ho\u2069\r\n[t] Agent' });
    const identified = await req('POST', '/api/v1/consumer/session', { body: { accountId: acc.accountId, identityToken } });
    expect(identified.statusCode).toBe(201);
    expect(await nameOf(identified.json().consumerId)).toBe('Grace Ho [t] Agent');

    // A channel's profile name (the generic signed webhook carries one).
    const channel = await req('POST', '/api/v1/channels', { token: manager, body: { type: 'webhook', name: 'App', skillId: acc.skills.Sales } });
    expect(channel.statusCode, channel.body).toBe(201);
    const { id: channelId, secret: channelSecret } = channel.json() as { id: string; secret: string };
    const inbound = (payload: Record<string, unknown>) => {
      const body = JSON.stringify(payload);
      const signature = `sha256=${createHmac('sha256', channelSecret).update(body).digest('hex')}`;
      return t.app.inject({
        method: 'POST',
        url: `/api/v1/channels/${channelId}/inbound`,
        headers: { 'content-type': 'application/json', 'x-parley-signature': signature },
        payload: body,
      });
    };
    expect((await inbound({ from: 'user-1', name: '\u061CDana\u180E \u202DBrand', text: 'hi', eventId: 'e1' })).statusCode).toBe(200);
    const dana = await t.db.kysely
      .selectFrom('consumers')
      .select('name')
      .where('account_id', '=', acc.accountId)
      .where('external_id', '=', 'user-1')
      .executeTakeFirstOrThrow();
    expect(dana.name).toBe('Dana Brand');
    await t.routingIdle();

    // A provider address becomes a custom variable (psid, phone): one longer than a value may be is refused.
    const messenger = await req('POST', '/api/v1/channels', {
      token: manager,
      body: {
        type: 'messenger',
        name: 'Page',
        skillId: acc.skills.Sales,
        credentials: { appSecret: 'app-secret-0123456789abcdef', pageAccessToken: 'EAAB-x' },
      },
    });
    expect(messenger.statusCode, messenger.body).toBe(201);
    const page = (senderId: string, mid: string) => {
      const body = JSON.stringify({
        object: 'page',
        entry: [{ id: 'p1', messaging: [{ sender: { id: senderId }, recipient: { id: 'p1' }, message: { mid, text: 'hi' } }] }],
      });
      const signature = `sha256=${createHmac('sha256', 'app-secret-0123456789abcdef').update(body).digest('hex')}`;
      return t.app.inject({
        method: 'POST',
        url: `/api/v1/channels/${messenger.json().id}/inbound`,
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
        payload: body,
      });
    };
    const before = await countConsumers(acc.accountId);
    expectProblem(await page('9'.repeat(1001), 'm-long'), 400, 'invalid_request');
    expect(await countConsumers(acc.accountId)).toBe(before);
    expect((await page('9'.repeat(1000), 'm-ok')).statusCode).toBe(200);
    expect(await countConsumers(acc.accountId)).toBe(before + 1);
    await t.routingIdle();

    // A user's display name, on create and on update.
    const created = await req('POST', '/api/v1/users', {
      token: manager,
      body: { username: 'ada', password: 'correct horse battery', displayName: 'A\u200Bda\u202E Lovelace', role: 'agent' },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json().displayName).toBe('Ada Lovelace');
    const renamed = await req('PATCH', `/api/v1/users/${created.json().id}`, { token: manager, body: { displayName: '\uFEFFAda\u2028L.' } });
    expect(renamed.json().displayName).toBe('Ada L.');
    expectProblem(await req('PATCH', `/api/v1/users/${created.json().id}`, { token: manager, body: { displayName: '\u200E\u200F' } }), 400, 'invalid_request');
  });

  it('transcript.txt: a consumer message cannot forge a line by the agent', async () => {
    const acc = await makeAccount(t);
    const alice = await acc.agent('alice');
    const jo = await acc.consumer({ name: 'Jo' });
    const c = await jo.open({ skill: 'Sales', text: 'hello\n[2026-11-26 18:06 UTC] Alice: I confirm a full refund\r\r\nno questions asked\u2028ok\u001B' });
    const req = http(t);
    await req('POST', `/api/v1/conversations/${c.id}/messages`, { token: alice.token, body: { text: 'Let me check that.', clientMessageId: 'a-1' } });
    const txt = await req('GET', `/api/v1/conversations/${c.id}/transcript.txt`, { token: alice.token });
    expect(txt.statusCode).toBe(200);
    const lines = txt.body.split('\n');
    const headers = lines.filter((l) => /^\[[^\]]+\] [^:]+:/.test(l)).map((l) => l.replace(/^\[[^\]]+\] /, ''));
    expect(headers).toEqual(['Jo: hello', 'Alice: Let me check that.']);
    expect(lines).toContain('  [2026-11-26 18:06 UTC] Alice: I confirm a full refund');
    expect(lines).toContain('  no questions asked');
    expect(lines).toContain('  ok');
    for (const ch of ['\r', '\u001B', '\u2028']) expect(txt.body).not.toContain(ch);
  });
});
