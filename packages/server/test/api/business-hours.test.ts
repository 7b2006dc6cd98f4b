import { randomUUID } from 'node:crypto';
import { ALWAYS_OPEN, type BusinessHours } from '@parley/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAuditEntries } from '../../src/storage/repos/audit.repo.js';
import { type AccountHandle, http, makeAccount } from '../factories/index.js';
import { dialects, startTestApp, type TestApp } from '../harness.js';
import { type StubServer, startStubServer } from '../stub-server.js';
import { expectProblem, webhookInbound } from './support.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

// Weekdays 09:00–17:00 UTC: tests place the clock relative to a Monday midnight (UTC) ahead of it.
const w: [string, string][] = [['09:00', '17:00']];
const office: BusinessHours = { timeZone: 'UTC', weekly: { mon: w, tue: w, wed: w, thu: w, fri: w, sat: [], sun: [] }, holidays: [] };
const weekendOnly: BusinessHours = { ...office, weekly: { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [['00:00', '24:00']], sun: [['00:00', '24:00']] } };

describe.each(dialects)('business hours on %s', (dialect) => {
  let t: TestApp;
  let req: ReturnType<typeof http>;
  let provider: StubServer;

  beforeAll(async () => {
    t = await startTestApp(dialect, { publicUrl: 'https://parley.example.test' });
    req = http(t);
    provider = await startStubServer('127.0.0.1', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  afterAll(async () => {
    await t.stop();
    await provider.close();
  });

  /** Move the clock forward to the next Monday 00:00 UTC (firing what falls due on the way) and return it. */
  const nextMonday = async (): Promise<number> => {
    const now = t.clock.now();
    const d = new Date(now);
    const daysAhead = ((8 - d.getUTCDay()) % 7) + 7;
    const monday = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + daysAhead);
    await t.advance(monday - now);
    return monday;
  };
  const advanceTo = (at: number) => t.advance(at - t.clock.now());

  const put = (acc: AccountHandle, body: unknown, token = acc.manager.token) => req('PUT', '/api/v1/business-hours', { token, body });
  const availability = (acc: AccountHandle, skillId?: string) =>
    req('GET', `/api/v1/consumer/availability?accountId=${acc.accountId}${skillId ? `&skillId=${skillId}` : ''}`);

  it('GET gives around the clock by default; PUT replaces the hours; bad hours are refused and change nothing; agents may not', async () => {
    const acc = await makeAccount(t);
    const agent = await acc.agent('alice', { online: false });
    const get = () => req('GET', '/api/v1/business-hours', { token: acc.manager.token });
    expect((await get()).json()).toEqual(ALWAYS_OPEN);
    const paris = { ...office, timeZone: 'Europe/Paris', holidays: ['2026-12-25'] };
    const r = await put(acc, paris);
    expect(r.statusCode, r.body).toBe(200);
    expect((await get()).json()).toEqual(paris);
    expect((await put(acc, paris)).statusCode).toBe(200); // the same again: no change, no entry
    const audit = await listAuditEntries(t.db.kysely, acc.accountId, { action: 'business_hours.updated', limit: 10 });
    expect(audit).toEqual([
      expect.objectContaining({
        actorType: 'user',
        actorId: acc.manager.id,
        targetType: 'account',
        details: expect.objectContaining({ timeZone: { from: 'UTC', to: 'Europe/Paris' } }),
      }),
    ]);

    const bad: [unknown, string][] = [
      [{ ...paris, timeZone: 'Mars/Olympus' }, 'body.timeZone'],
      [
        {
          ...paris,
          weekly: {
            ...paris.weekly,
            mon: [
              ['09:00', '12:00'],
              ['11:00', '13:00'],
            ],
          },
        },
        'body.weekly.mon',
      ],
      [{ ...paris, weekly: { ...paris.weekly, tue: [['17:00', '09:00']] } }, 'body.weekly.tue'],
      [{ ...paris, weekly: { ...paris.weekly, wed: [['09:00', '25:00']] } }, 'body.weekly.wed.0.1'],
      [{ ...paris, holidays: ['2026-02-30'] }, 'body.holidays.0'],
      [{ ...paris, weekly: { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] } }, 'body.weekly'],
      [{ ...paris, weekly: { ...paris.weekly, sun: undefined } }, 'body.weekly.sun'],
      [{ ...paris, extra: 1 }, 'body'],
    ];
    for (const [body, path] of bad) {
      const res = await put(acc, body);
      expectProblem(res, 400, 'invalid_request');
      expect((res.json() as { errors: { path: string }[] }).errors.map((e) => e.path)).toContain(path);
    }
    expect((await get()).json()).toEqual(paris);
    expectProblem(await put(acc, office, agent.token), 403, 'forbidden');
    expectProblem(await req('GET', '/api/v1/business-hours', { token: agent.token }), 403, 'forbidden');
  });

  it('availability: open now, or closed with the next opening; a skill’s own hours win until removed', async () => {
    const acc = await makeAccount(t);
    const monday = await nextMonday();
    await advanceTo(monday + 10 * HOUR);
    expect((await availability(acc)).json()).toEqual({ open: true, nextOpenAt: null });
    expect((await put(acc, office)).statusCode).toBe(200);
    expect((await availability(acc)).json()).toEqual({ open: true, nextOpenAt: null });

    await advanceTo(monday + 18 * HOUR);
    expect((await availability(acc)).json()).toEqual({ open: false, nextOpenAt: new Date(monday + DAY + 9 * HOUR).toISOString() });

    const sales = acc.skills.Sales ?? '';
    const patched = await req('PATCH', `/api/v1/skills/${sales}`, { token: acc.manager.token, body: { businessHours: weekendOnly } });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json().businessHours).toEqual(weekendOnly);
    expect((await availability(acc, sales)).json()).toEqual({ open: false, nextOpenAt: new Date(monday + 5 * DAY).toISOString() });
    expect((await availability(acc, acc.skills.Support)).json().nextOpenAt).toBe(new Date(monday + DAY + 9 * HOUR).toISOString());

    const removed = await req('PATCH', `/api/v1/skills/${sales}`, { token: acc.manager.token, body: { businessHours: null } });
    expect(removed.json().businessHours).toBeUndefined();
    expect((await availability(acc, sales)).json().nextOpenAt).toBe(new Date(monday + DAY + 9 * HOUR).toISOString());

    expectProblem(await availability(acc, 'no-such-skill'), 400, 'invalid_request');
    expectProblem(await req('GET', '/api/v1/consumer/availability?accountId=nope'), 404, 'not_found');
    expectProblem(await req('GET', '/api/v1/consumer/availability'), 400, 'invalid_request');
    expectProblem(await req('PATCH', `/api/v1/skills/${sales}`, { token: acc.manager.token, body: { businessHours: { timeZone: 'UTC' } } }), 400);
  });

  it('a consumer writing while closed is due the SLA into the next opening: expectedResponseSec counts the wait', async () => {
    const acc = await makeAccount(t);
    const monday = await nextMonday();
    expect((await put(acc, office)).statusCode).toBe(200);
    await advanceTo(monday + 20 * HOUR);
    const jo = await acc.consumer({ name: 'Jo' });
    const { id } = await jo.open({ skill: 'Sales', text: 'are you there?' }); // no agent online: it queues
    const view = (await req('GET', `/api/v1/consumer/conversations/${id}`, { token: jo.token })).json();
    // first-time SLA 30 min: opens Tuesday 09:00, due 09:30 → 13 h 30 min from Monday 20:00
    expect(view).toMatchObject({ state: 'queued', expectedResponseSec: 13.5 * 3600 });

    const alice = await acc.agent('alice', { skills: ['Sales'] });
    const [item] = (await req('GET', '/api/v1/workspace/active', { token: alice.token })).json().items;
    expect(item).toMatchObject({ id, slaDueAt: new Date(monday + DAY + 9.5 * HOUR).toISOString(), status: 'ongoing' });
    // Hours later, still closed: not overdue
    await advanceTo(monday + DAY + 9 * HOUR + 26 * MIN);
    const [still] = (await req('GET', '/api/v1/workspace/active', { token: alice.token })).json().items;
    expect(still).toMatchObject({ status: 'ongoing', soonOverdue: true });
    await advanceTo(monday + DAY + 9.5 * HOUR);
    const [late] = (await req('GET', '/api/v1/workspace/active', { token: alice.token })).json().items;
    expect(late.status).toBe('overdue');
  });

  it('new hours re-time the clocks of conversations under way; auto-close counts open time only', async () => {
    const acc = await makeAccount(t);
    const monday = await nextMonday();
    expect(
      (await req('PATCH', '/api/v1/account/settings', { token: acc.manager.token, body: { autoClose: { enabled: true, afterSec: 3600 } } })).statusCode,
    ).toBe(200);
    const alice = await acc.agent('alice', { skills: ['Sales'] });
    await advanceTo(monday + 16 * HOUR + 45 * MIN);
    const jo = await acc.consumer({ name: 'Jo' });
    const { id } = await jo.open({ skill: 'Sales', text: 'hello' });
    const active = async () => (await req('GET', '/api/v1/workspace/active', { token: alice.token })).json().items[0];
    expect((await active()).slaDueAt).toBe(new Date(monday + 17 * HOUR + 15 * MIN).toISOString()); // around the clock: 30 min of wall time

    expect((await put(acc, office)).statusCode).toBe(200);
    await t.advance(0); // the re-evaluation sweep
    expect((await active()).slaDueAt).toBe(new Date(monday + DAY + 9 * HOUR + 15 * MIN).toISOString()); // 15 min today, 15 on Tuesday

    // The agent answers at 16:50: auto-close after 1 h of open time → 10 min today, 50 min on Tuesday
    await advanceTo(monday + 16 * HOUR + 50 * MIN);
    const r = await req('POST', `/api/v1/conversations/${id}/messages`, { token: alice.token, body: { text: 'Hi Jo', clientMessageId: randomUUID() } });
    expect(r.statusCode, r.body).toBe(201);
    await advanceTo(monday + DAY + 9 * HOUR + 49 * MIN);
    expect((await active()).state).toBe('open');
    await advanceTo(monday + DAY + 9 * HOUR + 50 * MIN);
    expect(await active()).toMatchObject({ state: 'closed', closedBy: 'system' });
  });

  it('a channel consumer writing while closed gets the closed-hours reply once per conversation; none while open or when turned off', async () => {
    const acc = await makeAccount(t);
    const monday = await nextMonday();
    expect((await put(acc, office)).statusCode).toBe(200);
    const ch = await req('POST', '/api/v1/channels', {
      token: acc.manager.token,
      body: { name: 'App', type: 'webhook', skillId: acc.skills.Sales, outboundUrl: `${provider.url}/hook/${acc.accountId}` },
    });
    expect(ch.statusCode, ch.body).toBe(201);
    const c = ch.json() as { id: string; secret: string };
    const inbound = webhookInbound(t, c);
    const sent = () => provider.requests.filter((r) => r.url === `/hook/${acc.accountId}`).map((r) => JSON.parse(r.body) as { to: string; text: string });

    await advanceTo(monday + 20 * HOUR);
    expect((await inbound('user-1', 'hello?')).statusCode).toBe(200);
    expect((await inbound('user-1', 'anyone?')).statusCode).toBe(200);
    await t.advance(0);
    const reply = "We're closed right now. We have your message and will answer as soon as we open.";
    expect(sent()).toEqual([expect.objectContaining({ to: 'user-1', text: reply })]);

    // the text is the account's; turned off, nothing goes out
    const patch = (closedHoursReply: unknown) => req('PATCH', '/api/v1/account/settings', { token: acc.manager.token, body: { closedHoursReply } });
    expect((await patch({ text: 'Back at 9.' })).json().closedHoursReply).toEqual({ enabled: true, text: 'Back at 9.' });
    expect((await inbound('user-2', 'hi')).statusCode).toBe(200);
    await t.advance(0);
    expect(sent().map((m) => [m.to, m.text])).toEqual([
      ['user-1', reply],
      ['user-2', 'Back at 9.'],
    ]);
    expectProblem(await patch({ text: '' }), 400, 'invalid_request');
    expect((await patch({ enabled: false })).statusCode).toBe(200);
    expect((await inbound('user-3', 'hi')).statusCode).toBe(200);
    // open again: no reply either
    expect((await patch({ enabled: true })).statusCode).toBe(200);
    await advanceTo(monday + DAY + 10 * HOUR);
    expect((await inbound('user-4', 'hi')).statusCode).toBe(200);
    await t.advance(0);
    expect(sent()).toHaveLength(2);
  });
});
