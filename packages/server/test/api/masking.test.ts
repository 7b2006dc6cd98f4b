import { createHmac, randomUUID } from 'node:crypto';
import type { ActiveItem, Message } from '@parley/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AccountHandle, http, makeAccount } from '../factories/index.js';
import { dialects, startTestApp, type TestApp } from '../harness.js';
import { connect } from '../socket-client.js';
import { expectProblem, snapshot } from './support.js';

const CARD = '4111 1111 1111 1111';
const CARD_DIGITS = '4111111111111111';
const AMEX = '3782-822463-10005';
const MASKED = '•••• •••• •••• 1111';

/** settings.masking: what a consumer types is masked before it is stored, pushed or read back, by every way in. */
describe.each(dialects)('masking of consumer messages on %s', (dialect) => {
  let t: TestApp;
  let req: ReturnType<typeof http>;
  beforeAll(async () => {
    t = await startTestApp(dialect);
    await t.listen();
    req = http(t);
  });
  afterAll(async () => t.stop());

  const settings = async (acc: AccountHandle, body: unknown) => req('PATCH', '/api/v1/account/settings', { token: acc.manager.token, body });

  /** No row of any table of the account holds the card number, in any spelling. */
  const expectNowhereStored = async (accountId: string, digits: string[]) => {
    const all = JSON.stringify(await snapshot(t, [accountId])).replace(/[ -]/g, '');
    for (const d of digits) expect(all.includes(d), `${d} stored`).toBe(false);
  };

  it('on by default: the widget consumer sees the masked text in the answer, the socket, the history; the agent in the event, the transcript, the list', async () => {
    const acc = await makeAccount(t);
    expect((await req('GET', '/api/v1/account/settings', { token: acc.manager.token })).json().masking).toEqual({ creditCards: true, rules: [] });
    const alice = await acc.agent('alice', { skills: ['Sales'] });
    const jo = await acc.consumer();
    const agentSocket = await connect(t.url, '/agent', alice.token);
    const consumerSocket = await connect(t.url, '/consumer', jo.token);
    try {
      // The first message, given when the conversation opens.
      const conv = await jo.open({ skill: 'Sales', text: `my card is ${CARD}` });
      const offered = await agentSocket.next((e) => e.type === 'conversation.upserted');
      expect(JSON.stringify(offered.data)).toContain(MASKED);
      expect(JSON.stringify(offered.data)).not.toContain('4111 1111');

      const sent = await jo.send(conv.id, `and the other: ${AMEX}, order 1234567890`);
      expect(sent.statusCode, sent.body).toBe(201);
      expect((sent.json() as Message).text).toBe('and the other: •••• •••• •••• 0005, order 1234567890');

      const pushed = await agentSocket.next((e) => e.type === 'message.created' && (e.data as Message).seq === 2);
      expect((pushed.data as Message).text).toBe('and the other: •••• •••• •••• 0005, order 1234567890');
      const own = await consumerSocket.next((e) => e.type === 'message.created' && (e.data as Message).seq === 2);
      expect((own.data as Message).text).toBe('and the other: •••• •••• •••• 0005, order 1234567890');

      const transcript = (await req('GET', `/api/v1/conversations/${conv.id}/messages`, { token: alice.token })).json().items as Message[];
      expect(transcript.map((m) => m.text)).toEqual([`my card is ${MASKED}`, 'and the other: •••• •••• •••• 0005, order 1234567890']);
      const history = (await req('GET', '/api/v1/consumer/history', { token: jo.token })).json() as { messages: Message[] };
      expect(history.messages.map((m) => m.text)).toEqual([`my card is ${MASKED}`, 'and the other: •••• •••• •••• 0005, order 1234567890']);
      const mine = (await req('GET', `/api/v1/consumer/conversations/${conv.id}/messages`, { token: jo.token })).json().items as Message[];
      expect(mine.map((m) => m.text)).toEqual(transcript.map((m) => m.text));
      const txt = await req('GET', `/api/v1/conversations/${conv.id}/transcript.txt`, { token: alice.token });
      expect(txt.body).toContain(MASKED);
      const active = (await req('GET', '/api/v1/workspace/active', { token: alice.token })).json().items as ActiveItem[];
      expect(JSON.stringify(active)).toContain('•••• •••• •••• 0005');

      // Agents' own text is theirs: not masked (they may read a masked number back to the consumer).
      const agentSays = await req('POST', `/api/v1/conversations/${conv.id}/messages`, {
        token: alice.token,
        body: { text: `noted, ending ${CARD_DIGITS.slice(-4)}`, clientMessageId: randomUUID() },
      });
      expect((agentSays.json() as Message).text).toBe('noted, ending 1111');

      await expectNowhereStored(acc.accountId, [CARD_DIGITS, '378282246310005']);
      expect(JSON.stringify(agentSocket.events)).not.toContain('4111 1111 1111 1111');
    } finally {
      agentSocket.close();
      consumerSocket.close();
    }
  });

  it('a message through a channel webhook is stored and pushed masked', async () => {
    const acc = await makeAccount(t);
    const alice = await acc.agent('alice', { skills: ['Sales'] });
    const agentSocket = await connect(t.url, '/agent', alice.token);
    try {
      const ch = await req('POST', '/api/v1/channels', { token: acc.manager.token, body: { type: 'webhook', name: 'App', skillId: acc.skills.Sales } });
      expect(ch.statusCode, ch.body).toBe(201);
      const c = ch.json() as { secret: string; inboundUrl: string };
      const body = JSON.stringify({ from: 'user-7', name: 'Dana', text: `pay with 5555-5555-5555-4444 please`, eventId: 'evt-1' });
      const r = await t.app.inject({
        method: 'POST',
        url: new URL(c.inboundUrl).pathname,
        headers: { 'content-type': 'application/json', 'x-parley-signature': `sha256=${createHmac('sha256', c.secret).update(body).digest('hex')}` },
        payload: body,
      });
      expect(r.statusCode, r.body).toBe(200);
      const pushed = await agentSocket.next((e) => e.type === 'conversation.upserted');
      expect(JSON.stringify(pushed.data)).toContain('pay with •••• •••• •••• 4444 please');
      expect(JSON.stringify(pushed.data)).not.toContain('5555-5555');
      await t.routingIdle();
      const [item] = (await req('GET', '/api/v1/workspace/active', { token: alice.token })).json().items as ActiveItem[];
      if (!item) throw new Error('no conversation');
      const transcript = (await req('GET', `/api/v1/conversations/${item.id}/messages`, { token: alice.token })).json().items as Message[];
      expect(transcript.map((m) => m.text)).toEqual(['pay with •••• •••• •••• 4444 please']);
      await expectNowhereStored(acc.accountId, ['5555555555554444']);
    } finally {
      agentSocket.close();
    }
  });

  it('account rules mask their matches as [name]; creditCards: false keeps card numbers; bad patterns are refused with invalid_pattern and change nothing', async () => {
    const acc = await makeAccount(t);
    await acc.agent('alice', { skills: ['Sales'] });
    const ok = await settings(acc, {
      masking: {
        rules: [
          { name: 'IBAN', pattern: '\\b[A-Z]{2}\\d{2}[A-Z0-9]{10,30}\\b' },
          { name: 'SSN', pattern: '\\d{3}-\\d{2}-\\d{4}' },
        ],
      },
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().masking).toEqual({
      creditCards: true,
      rules: [
        { name: 'IBAN', pattern: '\\b[A-Z]{2}\\d{2}[A-Z0-9]{10,30}\\b' },
        { name: 'SSN', pattern: '\\d{3}-\\d{2}-\\d{4}' },
      ],
    });
    const jo = await acc.consumer();
    const conv = await jo.open({ skill: 'Sales' });
    const sent = await jo.send(conv.id, `IBAN DE89370400440532013000, SSN 078-05-1120, card ${CARD}`);
    expect((sent.json() as Message).text).toBe(`IBAN [IBAN], SSN [SSN], card ${MASKED}`);

    // Refused: what RE2 cannot run in linear time (backreferences, lookaround), bad syntax, empty matches, twice the same name.
    const before = await snapshot(t, [acc.accountId]);
    for (const pattern of ['(a)\\1', '(?=secret)\\w+', 'foo(?!bar)', '(unclosed', 'x*', '']) {
      const r = await settings(acc, { masking: { rules: [{ name: 'Bad', pattern }] } });
      if (pattern === '') expectProblem(r, 400, 'invalid_request');
      else expectProblem(r, 400, 'invalid_pattern');
    }
    const twice = await settings(acc, {
      masking: {
        rules: [
          { name: 'A', pattern: 'a' },
          { name: 'A', pattern: 'b' },
        ],
      },
    });
    expect(expectProblem(twice, 400, 'invalid_pattern').detail).toContain('another rule is named');
    expect(await snapshot(t, [acc.accountId])).toEqual(before);

    // A pattern that would backtrack catastrophically on a backtracking engine runs in linear time on RE2.
    expect((await settings(acc, { masking: { rules: [{ name: 'A', pattern: '(a+)+$' }] } })).statusCode).toBe(200);
    const t0 = performance.now();
    const long = await jo.send(conv.id, `${'a'.repeat(5000)}!`);
    expect(long.statusCode).toBe(201);
    expect(performance.now() - t0).toBeLessThan(2000);
    expect((long.json() as Message).text).toBe(`${'a'.repeat(5000)}!`);

    expect((await settings(acc, { masking: { creditCards: false, rules: [] } })).statusCode).toBe(200);
    expect(((await jo.send(conv.id, `card ${CARD}`)).json() as Message).text).toBe(`card ${CARD}`);
  });
});
