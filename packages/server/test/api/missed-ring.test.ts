import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, makeAccount } from '../factories/index.js';
import { dialects, startTestApp, type TestApp } from '../harness.js';

const SEC = 1000;

describe.each(dialects)('a missed ring on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect);
  });
  afterAll(async () => t.stop());

  it('sets the agent away through the same rule as a status change: the agent’s other ringing offers move on at once', async () => {
    const acc = await makeAccount(t);
    const r = http(t);
    const s = await r('PATCH', '/api/v1/account/settings', {
      token: acc.manager.token,
      body: { acceptMode: 'ring', ringTimeoutSec: 30, awayOnMissedRing: true },
    });
    expect(s.statusCode, s.body).toBe(200);
    const ann = await acc.agent('ann', { skills: ['Sales'], maxConcurrent: 2 });
    const details = async (id: string) => (await r('GET', `/api/v1/conversations/${id}`, { token: acc.manager.token })).json();

    const first = await (await acc.consumer()).open({ skill: 'Sales', text: 'first' });
    await t.routingIdle();
    await t.advance(10 * SEC);
    const second = await (await acc.consumer()).open({ skill: 'Sales', text: 'second' });
    await t.routingIdle();
    expect(await details(first.id)).toMatchObject({ state: 'ringing', agentId: ann.id });
    expect(await details(second.id)).toMatchObject({ state: 'ringing', agentId: ann.id });

    // the first offer rings out: ann is set away, and her second offer no longer rings to her
    await t.advance(20 * SEC);
    expect((await r('GET', '/api/v1/me', { token: ann.token })).json().status).toBe('away');
    const after = await details(second.id);
    expect(after.state).toBe('queued');
    expect(after.agentId).toBeNull();
    const list = (await r('GET', '/api/v1/workspace/active', { token: ann.token })).json().items as { id: string }[];
    expect(list.map((i) => i.id)).not.toContain(second.id);
  });
});
