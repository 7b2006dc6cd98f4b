import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAccount } from '../factories/index.js';
import { dialects, startTestApp, type TestApp } from '../harness.js';
import { connect } from '../socket-client.js';

/** One handshake that fails: the connect_error as the client sees it. */
function refused(url: string, ns: '/agent' | '/consumer', auth: Record<string, string>): Promise<{ message: string; data: unknown }> {
  const socket = io(`${url}${ns}`, { auth, transports: ['websocket'], reconnection: false, forceNew: true });
  return new Promise((resolve, reject) => {
    socket.once('connect_error', (err: Error & { data?: unknown }) => {
      socket.close();
      resolve({ message: err.message, data: err.data });
    });
    socket.once('hello', () => {
      socket.close();
      reject(new Error('the handshake was admitted'));
    });
  });
}

describe.each(dialects)('realtime handshakes over the per-node limit are shed with a retry hint on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect, { handshakeLimits: { ratePerSec: 3, maxConcurrent: 100 } });
    await t.listen();
  });
  afterAll(async () => t.stop());

  it('admits up to the rate, sheds the rest before authentication, and admits again once the hint has passed', async () => {
    const acc = await makeAccount(t);
    const ann = await acc.agent('ann');
    const jo = await acc.consumer({ name: 'Jo' });
    // The clock of this app stands still (a fake clock): the bucket of 3 refills only when the test advances it.
    const a = await connect(t.url, '/agent', ann.token);
    const b = await connect(t.url, '/consumer', jo.token);
    const c = await connect(t.url, '/agent', ann.token);
    const first = await refused(t.url, '/agent', { token: ann.token });
    expect(first).toEqual({ message: 'overloaded', data: { code: 'overloaded', retryAfterMs: 334 } });
    // A bad token is shed too, before any lookup: the refusal says overloaded, not unauthorized.
    const second = await refused(t.url, '/consumer', { consumerToken: 'not a token' });
    expect(second.message).toBe('overloaded');
    // Each refused client gets a later slot: the excess is spread over time.
    expect((second.data as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(334);
    // Sockets already connected are unaffected: they still receive.
    const conv = await jo.open({ skill: 'Sales', text: 'still there?' });
    await a.next((e) => e.type === 'conversation.upserted' && (e.data as { id: string }).id === conv.id);

    t.clock.advance(1000);
    const d = await connect(t.url, '/agent', ann.token);
    expect(d.tracker.seq).toBeGreaterThanOrEqual(a.tracker.seq);
    // And an unknown token, admitted by the gate, is refused by authentication as before.
    expect((await refused(t.url, '/agent', { token: 'nope' })).message).toBe('unauthorized');
    for (const s of [a, b, c, d]) s.close();
  });
});
