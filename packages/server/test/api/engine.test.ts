import type { ActiveItem } from '@parley/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REEVALUATION_BATCH } from '../../src/services/timers-reevaluation.service.js';
import { findTimer } from '../../src/storage/repos/timers.repo.js';
import { type AccountHandle, http, makeAccount } from '../factories/index.js';
import { dialects, startTestApp, type TestApp } from '../harness.js';
import { connect } from '../socket-client.js';

const SEC = 1000;
const MIN = 60 * SEC;

describe.each(dialects)('routing and SLA engine on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    // Small routing pages, so queues longer than a page are exercised.
    t = await startTestApp(dialect, { routingPageSize: 10 });
    await t.listen();
  });
  afterAll(async () => t.stop());

  const settings = async (acc: AccountHandle, patch: Record<string, unknown>) => {
    const r = await http(t)('PATCH', '/api/v1/account/settings', { token: acc.manager.token, body: patch });
    expect(r.statusCode, r.body).toBe(200);
    return r.json();
  };
  const active = async (token: string): Promise<{ counts: Record<string, number>; items: ActiveItem[] }> =>
    (await http(t)('GET', '/api/v1/workspace/active', { token })).json();
  const details = async (acc: AccountHandle, id: string) => (await http(t)('GET', `/api/v1/conversations/${id}`, { token: acc.manager.token })).json();
  const post = (token: string, url: string, body?: unknown) => http(t)('POST', url, { token, ...(body !== undefined && { body }) });

  it('ring mode: offers to one agent at a time, moves on after a decline or the ring timeout, round after round', async () => {
    const acc = await makeAccount(t);
    await settings(acc, { acceptMode: 'ring', ringTimeoutSec: 1 });
    const ann = await acc.agent('ann', { skills: ['Sales'] });
    t.clock.advance(10); // ann assigned longest ago
    const ben = await acc.agent('ben', { skills: ['Sales'] });
    const sa = await connect(t.url, '/agent', ann.token);
    const sb = await connect(t.url, '/agent', ben.token);
    const jo = await acc.consumer();
    const conv = await jo.open({ skill: 'Sales', text: 'ring ring' });

    const ringing = await details(acc, conv.id);
    expect(ringing.state).toBe('ringing');
    const [offered, other, offeredSock, otherSock] = ringing.agentId === ann.id ? [ann, ben, sa, sb] : [ben, ann, sb, sa];
    const first = await offeredSock.next((e) => e.type === 'offer.created');
    expect((first.data as { conversation: ActiveItem; expiresAt: string }).conversation.id).toBe(conv.id);
    expect((await active(offered.token)).items[0]).toMatchObject({ id: conv.id, state: 'ringing' });
    expect((await active(other.token)).items).toHaveLength(0);
    // only the offered agent may accept
    expect((await post(other.token, `/api/v1/conversations/${conv.id}/accept`)).statusCode).toBe(403);

    expect((await post(offered.token, `/api/v1/conversations/${conv.id}/decline`)).statusCode).toBe(204);
    await t.routingIdle();
    await offeredSock.next((e) => e.type === 'offer.withdrawn');
    await otherSock.next((e) => e.type === 'offer.created');
    expect((await details(acc, conv.id)).agentId).toBe(other.id);

    // the other lets it ring out: next round goes back to the first agent
    await t.advance(1 * SEC);
    await otherSock.next((e) => e.type === 'offer.withdrawn' && (e.data as { reason: string }).reason === 'timeout');
    await offeredSock.next((e) => e.type === 'offer.created');
    const accepted = await post(offered.token, `/api/v1/conversations/${conv.id}/accept`);
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json()).toMatchObject({ state: 'open', agentId: offered.id });
    sa.close();
    sb.close();
  });

  it('an agent who lets a ring expire is set away when the account says so', async () => {
    const acc = await makeAccount(t);
    await settings(acc, { acceptMode: 'ring', ringTimeoutSec: 2, awayOnMissedRing: true });
    const ann = await acc.agent('ann');
    const s = await connect(t.url, '/agent', ann.token);
    const jo = await acc.consumer();
    await jo.open({ skill: 'Support', text: 'hello' });
    await s.next((e) => e.type === 'offer.created');
    await t.advance(2 * SEC);
    const status = await s.next((e) => e.type === 'status.changed');
    expect(status.data).toMatchObject({ status: 'away' });
    expect((await http(t)('GET', '/api/v1/me', { token: ann.token })).json().status).toBe('away');
    s.close();
  });

  it('warm-up: at the start of a shift one conversation at once, then one more per interval up to capacity', async () => {
    const acc = await makeAccount(t);
    await settings(acc, { warmUp: { enabled: true, intervalSec: 90, shiftGapSec: 3600 } });
    const jo = [await acc.consumer(), await acc.consumer(), await acc.consumer(), await acc.consumer()];
    for (const c of jo) await c.open({ skill: 'Sales', text: 'hi' });
    const ann = await acc.agent('ann', { maxConcurrent: 3 });
    expect((await active(ann.token)).items).toHaveLength(1);
    await t.advance(89 * SEC);
    expect((await active(ann.token)).items).toHaveLength(1);
    await t.advance(1 * SEC);
    expect((await active(ann.token)).items).toHaveLength(2);
    await t.advance(90 * SEC);
    expect((await active(ann.token)).items).toHaveLength(3);
    await t.advance(90 * SEC);
    expect((await active(ann.token)).items).toHaveLength(3); // capacity
    const waiting = (await details(acc, (await jo[3]?.open())?.id ?? '')).routing;
    expect(waiting.candidates[0].why).toBe('at_capacity');
  });

  it('dynamic capacity: idle conversations weigh less, so a full agent with quiet conversations gets more', async () => {
    const acc = await makeAccount(t);
    await settings(acc, { dynamicCapacity: { enabled: true, idleWeight: 0.1 }, idleAfterSec: 240 });
    const ann = await acc.agent('ann', { maxConcurrent: 1 });
    const a = await acc.consumer();
    const ca = await a.open({ skill: 'Sales', text: 'one' });
    await post(ann.token, `/api/v1/conversations/${ca.id}/messages`, { text: 'answer', clientMessageId: 'x1' });
    const b = await acc.consumer();
    const cb = await b.open({ skill: 'Sales', text: 'two' });
    expect((await details(acc, cb.id)).state).toBe('queued');
    await t.advance(240 * SEC);
    expect(await details(acc, cb.id)).toMatchObject({ state: 'open', agentId: ann.id });
  });

  it('a returning consumer goes first to the agent who last served them', async () => {
    const acc = await makeAccount(t);
    const ann = await acc.agent('ann');
    const jo = await acc.consumer();
    const c1 = await jo.open({ skill: 'Support', text: 'first' });
    expect((await details(acc, c1.id)).agentId).toBe(ann.id);
    await post(ann.token, `/api/v1/conversations/${c1.id}/close`);
    await acc.agent('ben'); // less loaded
    const c2 = await jo.open({ skill: 'Support', text: 'again' });
    expect(await details(acc, c2.id)).toMatchObject({ agentId: ann.id, routing: { rule: 'returning_consumer_last_agent' } });
  });

  it('SLA: a conversation turns soon-overdue and then overdue by time alone, pushed to the agent; the list re-sorts', async () => {
    const acc = await makeAccount(t);
    await settings(acc, { sla: { defaultSec: 600, firstTimeSec: 600, urgentSec: 60 } });
    const ann = await acc.agent('ann');
    const s = await connect(t.url, '/agent', ann.token);
    const late = await acc.consumer();
    const cLate = await late.open({ skill: 'Support', text: 'first' });
    await t.advance(2 * MIN);
    const early = await acc.consumer();
    const cEarly = await early.open({ skill: 'Support', text: 'second' });
    await http(t)('POST', `/api/v1/consumer/conversations/${cEarly.id}/urgent`, { token: early.token });
    // urgent: due 60 s after it started, so it sorts above the older one
    let list = await active(ann.token);
    expect(list.items.map((i) => i.id)).toEqual([cEarly.id, cLate.id]);
    expect(list.items[0]?.soonOverdue).toBe(true);
    await t.advance(60 * SEC);
    const overdue = await s.next(
      (e) => e.type === 'conversation.upserted' && (e.data as ActiveItem).id === cEarly.id && (e.data as ActiveItem).status === 'overdue',
    );
    expect(overdue).toBeDefined();
    await t.advance(3 * MIN); // the older one (due at 10 min) is now within 5 min
    await s.next((e) => e.type === 'conversation.upserted' && (e.data as ActiveItem).id === cLate.id && (e.data as ActiveItem).soonOverdue);
    list = await active(ann.token);
    expect(list.counts).toEqual({ ongoing: 1, overdue: 1, idle: 0, closed: 0 });
    expect((await http(t)('GET', '/api/v1/workspace/active?status=overdue', { token: ann.token })).json().items.map((i: ActiveItem) => i.id)).toEqual([
      cEarly.id,
    ]);
    s.close();
  });

  it('idle after the idle threshold; per-skill SLA overrides the account', async () => {
    const acc = await makeAccount(t);
    await settings(acc, { idleAfterSec: 240, sla: { defaultSec: 3600, firstTimeSec: 3600, urgentSec: 600 } });
    const skill = await http(t)('PATCH', `/api/v1/skills/${acc.skills.Sales}`, { token: acc.manager.token, body: { sla: { firstTimeSec: 120 } } });
    expect(skill.statusCode).toBe(200);
    const ann = await acc.agent('ann');
    const jo = await acc.consumer();
    const c = await jo.open({ skill: 'Sales', text: 'quick' });
    const item = (await active(ann.token)).items[0];
    expect(Date.parse(item?.slaDueAt ?? '') - Date.parse(item?.createdAt ?? '')).toBe(120 * SEC);
    await post(ann.token, `/api/v1/conversations/${c.id}/messages`, { text: 'hi', clientMessageId: 'i1' });
    await t.advance(240 * SEC);
    expect((await active(ann.token)).items[0]?.status).toBe('idle');
  });

  it('skill overrides merge on PATCH; null removes one field or a whole group, back to the account setting', async () => {
    const acc = await makeAccount(t);
    const patch = async (body: unknown) => {
      const r = await http(t)('PATCH', `/api/v1/skills/${acc.skills.Sales}`, { token: acc.manager.token, body });
      expect(r.statusCode, r.body).toBe(200);
      return r.json();
    };
    expect(await patch({ sla: { firstTimeSec: 120, urgentSec: 60 }, autoClose: { enabled: false } })).toMatchObject({
      sla: { firstTimeSec: 120, urgentSec: 60 },
      autoClose: { enabled: false },
    });
    const one = await patch({ sla: { urgentSec: null } });
    expect(one.sla).toEqual({ firstTimeSec: 120 });
    const none = await patch({ sla: { firstTimeSec: null }, autoClose: null });
    expect(none).not.toHaveProperty('sla');
    expect(none).not.toHaveProperty('autoClose');
    // Back to the account's targets: a first-time consumer gets the account's first-time SLA.
    await settings(acc, { sla: { defaultSec: 3600, firstTimeSec: 1800, urgentSec: 600 } });
    const ann = await acc.agent('ann');
    await (await acc.consumer()).open({ skill: 'Sales', text: 'hello' });
    const item = (await active(ann.token)).items[0];
    expect(Date.parse(item?.slaDueAt ?? '') - Date.parse(item?.createdAt ?? '')).toBe(1800 * SEC);
    const bad = await http(t)('PATCH', `/api/v1/skills/${acc.skills.Sales}`, { token: acc.manager.token, body: { sla: { urgentSec: 0 } } });
    expect(bad.statusCode).toBe(400);
  });

  it('transfer to a skill carries no preference: it goes to another agent of the skill, back only if nobody else can take it', async () => {
    const acc = await makeAccount(t);
    const ann = await acc.agent('ann', { skills: ['Sales', 'Support'] });
    const jo = await acc.consumer();
    const c = await jo.open({ skill: 'Sales', text: 'billing, actually' });
    expect((await details(acc, c.id)).agentId).toBe(ann.id);
    // Nobody else has Support: after the transfer it comes back to Ann, the only one who can take it.
    expect((await post(ann.token, `/api/v1/conversations/${c.id}/transfer`, { skillId: acc.skills.Support })).statusCode).toBe(200);
    await t.routingIdle();
    expect(await details(acc, c.id)).toMatchObject({ state: 'open', agentId: ann.id, skillId: acc.skills.Support });
    // With Ben online in Support, a transfer from Ann goes to Ben although Ann is less loaded and Jo's last agent.
    const ben = await acc.agent('ben', { skills: ['Support'], maxConcurrent: 1 });
    const other = await (await acc.consumer()).open({ skill: 'Sales', text: 'hello' });
    expect((await details(acc, other.id)).agentId).toBe(ann.id);
    expect((await post(ann.token, `/api/v1/conversations/${other.id}/transfer`, { skillId: acc.skills.Support })).statusCode).toBe(200);
    await t.routingIdle();
    expect(await details(acc, other.id)).toMatchObject({ state: 'open', agentId: ben.id });
  });

  it('transfer to a skill: leaves my list, requeued actionable, reaches an agent of that skill', async () => {
    const acc = await makeAccount(t);
    const ann = await acc.agent('ann', { skills: ['Sales'] });
    const sa = await connect(t.url, '/agent', ann.token);
    const jo = await acc.consumer();
    const c = await jo.open({ skill: 'Sales', text: 'actually a support question' });
    const r = await post(ann.token, `/api/v1/conversations/${c.id}/transfer`, { skillId: acc.skills.Support });
    expect(r.statusCode).toBe(200);
    await sa.next((e) => e.type === 'conversation.removed' && (e.data as { id: string }).id === c.id);
    expect((await active(ann.token)).items).toHaveLength(0);
    expect(await details(acc, c.id)).toMatchObject({ state: 'queued', actionable: true, skillId: acc.skills.Support });
    const ben = await acc.agent('ben', { skills: ['Support'] });
    expect(await details(acc, c.id)).toMatchObject({ state: 'open', agentId: ben.id, actionable: true });
    sa.close();
  });

  it('transfer to an agent: 409 if offline; waits for a busy one; back to the skill queue after the fallback', async () => {
    const acc = await makeAccount(t);
    await settings(acc, { transferFallbackSec: 30 });
    const ann = await acc.agent('ann', { skills: ['Support'] });
    const off = await acc.agent('oscar', { skills: ['Support'], online: false });
    const jo = await acc.consumer();
    const c = await jo.open({ skill: 'Support', text: 'please transfer me' });
    expect((await post(ann.token, `/api/v1/conversations/${c.id}/transfer`, { agentId: off.id })).statusCode).toBe(409);
    const ben = await acc.agent('ben', { skills: ['Sales'] });
    expect((await post(ann.token, `/api/v1/conversations/${c.id}/transfer`, { agentId: ben.id })).statusCode).toBe(200);
    await t.routingIdle();
    expect(await details(acc, c.id)).toMatchObject({ state: 'open', agentId: ben.id });

    // to an agent who is away: waits for them, then falls back to the skill queue
    const jo2 = await acc.consumer();
    const c2 = await jo2.open({ skill: 'Support', text: 'second' });
    const away = await acc.agent('ava', { skills: ['Support'] });
    await http(t)('PUT', '/api/v1/me/status', { token: away.token, body: { status: 'away' } });
    const owner = (await details(acc, c2.id)).agentId;
    const ownerToken = owner === ann.id ? ann.token : away.token;
    expect((await post(ownerToken, `/api/v1/conversations/${c2.id}/transfer`, { agentId: owner === away.id ? ann.id : away.id })).statusCode).toBe(200);
    await t.routingIdle();
    if (owner === ann.id) {
      expect(await details(acc, c2.id)).toMatchObject({ state: 'queued', routing: { rule: 'waiting_for_transfer_target' } });
      await t.advance(30 * SEC);
      expect(await details(acc, c2.id)).toMatchObject({ state: 'open', agentId: ann.id });
    }
  });

  it('a conversation that reaches another agent arrives unread: transfer to an agent or a skill, handover, a declined offer', async () => {
    const acc = await makeAccount(t);
    const ann = await acc.agent('ann', { skills: ['Sales'] });
    const unreadOf = async (token: string, id: string) => (await active(token)).items.find((i) => i.id === id)?.unread;
    const read = async (token: string, id: string) => expect((await post(token, `/api/v1/conversations/${id}/read`)).statusCode).toBe(204);
    const answer = async (token: string, id: string, text: string) =>
      expect((await post(token, `/api/v1/conversations/${id}/messages`, { text, clientMessageId: text })).statusCode).toBe(201);

    // two unanswered consumer messages, read by ann: ben, who gets it by transfer, has read neither
    const jo = await acc.consumer({ name: 'Jo' });
    const c1 = await jo.open({ skill: 'Sales', text: 'hello' });
    await jo.send(c1.id, 'anyone there?');
    expect(await unreadOf(ann.token, c1.id)).toBe(2);
    await read(ann.token, c1.id);
    expect(await unreadOf(ann.token, c1.id)).toBe(0);
    const ben = await acc.agent('ben', { skills: ['Support'] });
    expect((await post(ann.token, `/api/v1/conversations/${c1.id}/transfer`, { agentId: ben.id })).statusCode).toBe(200);
    await t.routingIdle();
    expect(await details(acc, c1.id)).toMatchObject({ state: 'open', agentId: ben.id });
    expect(await unreadOf(ben.token, c1.id)).toBe(2);

    // answered, then one more consumer message, read; transferred to a skill: only that one counts
    const kim = await acc.consumer({ name: 'Kim' });
    const c2 = await kim.open({ skill: 'Sales', text: 'question' });
    await answer(ann.token, c2.id, 'answer');
    await kim.send(c2.id, 'follow-up');
    await read(ann.token, c2.id);
    expect((await post(ann.token, `/api/v1/conversations/${c2.id}/transfer`, { skillId: acc.skills.Support })).statusCode).toBe(200);
    await t.routingIdle();
    expect(await details(acc, c2.id)).toMatchObject({ state: 'open', agentId: ben.id });
    expect(await unreadOf(ben.token, c2.id)).toBe(1);

    // the agent's message was the last one: a transfer still makes it await the new agent, so it shows as new
    const lou = await acc.consumer({ name: 'Lou' });
    const c3 = await lou.open({ skill: 'Sales', text: 'hi' });
    await answer(ann.token, c3.id, 'hello Lou');
    expect((await post(ann.token, `/api/v1/conversations/${c3.id}/transfer`, { agentId: ben.id })).statusCode).toBe(200);
    await t.routingIdle();
    expect(await unreadOf(ben.token, c3.id)).toBe(1);

    // handover: ann read it, then signs off; the next agent of the skill sees it unread
    const max = await acc.consumer({ name: 'Max' });
    const c4 = await max.open({ skill: 'Sales', text: 'handover me' });
    await read(ann.token, c4.id);
    await http(t)('PUT', '/api/v1/me/status', { token: ann.token, body: { status: 'offline' } });
    expect((await post(ann.token, '/api/v1/me/handover')).json().returned).toEqual([c4.id]);
    const cara = await acc.agent('cara', { skills: ['Sales'] });
    await t.routingIdle();
    expect(await details(acc, c4.id)).toMatchObject({ state: 'open', agentId: cara.id });
    expect(await unreadOf(cara.token, c4.id)).toBe(1);

    // ring mode: the offered agent reads, then declines; the next one is offered it unread
    await settings(acc, { acceptMode: 'ring', ringTimeoutSec: 60 });
    const dan = await acc.agent('dan', { skills: ['Sales'] });
    const ned = await acc.consumer({ name: 'Ned' });
    const c5 = await ned.open({ skill: 'Sales', text: 'ring' });
    const offered = (await details(acc, c5.id)).agentId;
    const [first, second] = offered === cara.id ? [cara, dan] : [dan, cara];
    await read(first.token, c5.id);
    expect((await post(first.token, `/api/v1/conversations/${c5.id}/decline`)).statusCode).toBe(204);
    await t.routingIdle();
    expect(await details(acc, c5.id)).toMatchObject({ state: 'ringing', agentId: second.id });
    expect(await unreadOf(second.token, c5.id)).toBe(1);
  });

  it('close keeps it in the list as closed until dismissed; resume reopens it for the agent', async () => {
    const acc = await makeAccount(t);
    const ann = await acc.agent('ann');
    const sa = await connect(t.url, '/agent', ann.token);
    const jo = await acc.consumer();
    const sc = await connect(t.url, '/consumer', jo.token);
    const c = await jo.open({ skill: 'Support', text: 'bye soon' });
    expect((await post(ann.token, `/api/v1/conversations/${c.id}/close`)).json()).toMatchObject({ state: 'closed', status: 'closed' });
    expect((await post(ann.token, `/api/v1/conversations/${c.id}/close`)).statusCode).toBe(409);
    await sc.next((e) => e.type === 'conversation.closed');
    expect((await active(ann.token)).counts.closed).toBe(1);
    // the consumer writing again starts a new conversation
    expect((await jo.send(c.id, 'one more thing')).statusCode).toBe(409);
    const resumed = await post(ann.token, `/api/v1/conversations/${c.id}/resume`);
    expect(resumed.json()).toMatchObject({ state: 'open', agentId: ann.id, awaiting: 'agent' });
    await post(ann.token, `/api/v1/conversations/${c.id}/close`);
    expect((await http(t)('DELETE', `/api/v1/workspace/active/${c.id}`, { token: ann.token })).statusCode).toBe(204);
    await sa.next((e) => e.type === 'conversation.removed');
    expect((await active(ann.token)).items).toHaveLength(0);
    sa.close();
    sc.close();
  });

  it('closed conversations leave the Active list after the retention window', async () => {
    const acc = await makeAccount(t);
    await settings(acc, { closedRetentionHours: 24 });
    const ann = await acc.agent('ann');
    const sa = await connect(t.url, '/agent', ann.token);
    const c = await (await acc.consumer()).open({ skill: 'Support', text: 'x' });
    await post(ann.token, `/api/v1/conversations/${c.id}/close`);
    await t.advance(24 * 3600 * SEC);
    await sa.next((e) => e.type === 'conversation.removed' && (e.data as { id: string }).id === c.id);
    expect((await active(ann.token)).items).toHaveLength(0);
    sa.close();
  });

  it('auto-close: only conversations awaiting the consumer, never with a manual SLA or awaiting the agent', async () => {
    const acc = await makeAccount(t);
    await settings(acc, { autoClose: { enabled: true, afterSec: 600 } });
    const ann = await acc.agent('ann', { maxConcurrent: 10 });
    const quiet = await (await acc.consumer()).open({ skill: 'Support', text: 'q' });
    const manual = await (await acc.consumer()).open({ skill: 'Support', text: 'm' });
    const pending = await (await acc.consumer()).open({ skill: 'Support', text: 'p' });
    for (const c of [quiet, manual]) await post(ann.token, `/api/v1/conversations/${c.id}/messages`, { text: 'answered', clientMessageId: `a-${c.id}` });
    const due = new Date(t.clock.now() + 48 * 3600 * SEC).toISOString();
    expect((await http(t)('PUT', `/api/v1/conversations/${manual.id}/sla`, { token: ann.token, body: { dueAt: due } })).json()).toMatchObject({
      manualSla: true,
      slaDueAt: due,
    });
    expect(
      (await http(t)('PUT', `/api/v1/conversations/${manual.id}/sla`, { token: ann.token, body: { dueAt: new Date(t.clock.now() - 1).toISOString() } }))
        .statusCode,
    ).toBe(400);
    await t.advance(600 * SEC);
    expect(await details(acc, quiet.id)).toMatchObject({ state: 'closed', closedBy: 'system' });
    expect((await details(acc, manual.id)).state).toBe('open');
    expect((await details(acc, pending.id)).state).toBe('open');
    // clearing the manual SLA makes it subject to auto-close again
    expect((await http(t)('DELETE', `/api/v1/conversations/${manual.id}/sla`, { token: ann.token })).json().manualSla).toBe(false);
    await t.advance(1 * SEC);
    expect((await details(acc, manual.id)).state).toBe('closed');
  });

  it('auto-close never closes a transferred (actionable) conversation before it reaches an agent', async () => {
    const acc = await makeAccount(t);
    await settings(acc, { autoClose: { enabled: true, afterSec: 60 } });
    const ann = await acc.agent('ann', { skills: ['Sales'] });
    const c = await (await acc.consumer()).open({ skill: 'Sales', text: 'x' });
    await post(ann.token, `/api/v1/conversations/${c.id}/messages`, { text: 'let me transfer you', clientMessageId: 't1' });
    await post(ann.token, `/api/v1/conversations/${c.id}/transfer`, { skillId: acc.skills.Support });
    await t.advance(10 * 60 * SEC);
    expect(await details(acc, c.id)).toMatchObject({ state: 'queued', actionable: true });
  });

  it('handover: conversations awaiting the agent go back to the queue, those awaiting the consumer stay', async () => {
    const acc = await makeAccount(t);
    const ann = await acc.agent('ann');
    const waiting = await (await acc.consumer()).open({ skill: 'Support', text: 'waiting for you' });
    const answered = await (await acc.consumer()).open({ skill: 'Support', text: 'answered' });
    await post(ann.token, `/api/v1/conversations/${answered.id}/messages`, { text: 'done', clientMessageId: 'h1' });
    await http(t)('PUT', '/api/v1/me/status', { token: ann.token, body: { status: 'offline' } });
    const r = await post(ann.token, '/api/v1/me/handover');
    expect(r.json().returned).toEqual([waiting.id]);
    expect((await details(acc, waiting.id)).state).toBe('queued');
    expect(await details(acc, answered.id)).toMatchObject({ state: 'open', agentId: ann.id });
  });

  it('queue order: priority (urgent) first, then waiting time; the oldest goes first when an agent frees up', async () => {
    const acc = await makeAccount(t);
    const ann = await acc.agent('ann', { maxConcurrent: 1, online: false });
    const a = await acc.consumer();
    const ca = await a.open({ skill: 'Support', text: 'first' });
    t.clock.advance(1000);
    const b = await acc.consumer();
    const cb = await b.open({ skill: 'Support', text: 'second' });
    t.clock.advance(1000);
    const u = await acc.consumer();
    const cu = await u.open({ skill: 'Support', text: 'urgent' });
    await http(t)('POST', `/api/v1/consumer/conversations/${cu.id}/urgent`, { token: u.token });
    expect((await http(t)('GET', `/api/v1/consumer/conversations/${cb.id}`, { token: b.token })).json().queuePosition).toBe(3);
    await http(t)('PUT', '/api/v1/me/status', { token: ann.token, body: { status: 'online' } });
    await t.routingIdle();
    expect((await active(ann.token)).items.map((i) => i.id)).toEqual([cu.id]);
    await post(ann.token, `/api/v1/conversations/${cu.id}/close`);
    await t.routingIdle();
    expect((await details(acc, ca.id)).agentId).toBe(ann.id);
    expect((await details(acc, cb.id)).state).toBe('queued');
  });

  it('a queue longer than one routing page: a free agent still gets a conversation behind a page of ones nobody can take', async () => {
    const acc = await makeAccount(t);
    const jo = await acc.consumer();
    for (let i = 0; i < 11; i++) {
      const c = await acc.consumer();
      await c.open({ skill: 'Sales', text: `nobody sells today ${i}` });
      if (i === 0) await jo.open({ skill: 'Sales', text: 'first in line' });
    }
    const last = await (await acc.consumer()).open({ skill: 'Support', text: 'behind them all' });
    expect(last.state).toBe('queued');
    const sue = await acc.agent('sue', { skills: ['Support'] });
    await t.routingIdle();
    expect((await active(sue.token)).items.map((i) => i.id)).toEqual([last.id]);
    const waiting = (await details(acc, (await jo.open()).id)).routing;
    expect(waiting).toMatchObject({ outcome: 'waiting', rule: 'no_eligible_agent' });
    expect(waiting.candidates).toEqual([]);
  });

  it("the customer's wait continues across a transfer (to an agent, to a skill) and a handover: the next agent's row shows the true SLA", async () => {
    const acc = await makeAccount(t);
    await settings(acc, { sla: { defaultSec: 600, firstTimeSec: 600, urgentSec: 300 } });
    const ann = await acc.agent('ann', { skills: ['Sales'] });
    const jo = await acc.consumer({ name: 'Jo' });
    const c = await jo.open({ skill: 'Sales', text: 'still waiting' });
    const due = new Date(t.clock.now() + 600 * SEC).toISOString();
    await t.advance(12 * MIN);
    expect((await active(ann.token)).items[0]).toMatchObject({ id: c.id, status: 'overdue', slaDueAt: due });

    // to Carol: overdue in her list too, due when it was due with Ann (not "10 min left")
    const carol = await acc.agent('carol', { skills: ['Sales'] });
    const sc = await connect(t.url, '/agent', carol.token);
    expect((await post(ann.token, `/api/v1/conversations/${c.id}/transfer`, { agentId: carol.id })).statusCode).toBe(200);
    await t.routingIdle();
    const landed = await sc.next((e) => e.type === 'conversation.upserted' && (e.data as ActiveItem).id === c.id);
    expect(landed.data).toMatchObject({ state: 'open', status: 'overdue', soonOverdue: false, slaDueAt: due });
    expect((await active(carol.token)).items[0]).toMatchObject({ id: c.id, status: 'overdue', slaDueAt: due });

    // to a skill: Ben of Support gets it, still overdue since the same moment
    const ben = await acc.agent('ben', { skills: ['Support'] });
    await t.advance(1 * MIN);
    expect((await post(carol.token, `/api/v1/conversations/${c.id}/transfer`, { skillId: acc.skills.Support })).statusCode).toBe(200);
    await t.routingIdle();
    expect(await details(acc, c.id)).toMatchObject({ state: 'open', agentId: ben.id, actionable: true });
    expect((await active(ben.token)).items[0]).toMatchObject({ id: c.id, status: 'overdue', slaDueAt: due });

    // a handover (Ben signs off): Dana gets it with the same due time
    await http(t)('PUT', '/api/v1/me/status', { token: ben.token, body: { status: 'offline' } });
    expect((await post(ben.token, '/api/v1/me/handover')).json().returned).toEqual([c.id]);
    const dana = await acc.agent('dana', { skills: ['Support'] });
    await t.routingIdle();
    expect((await active(dana.token)).items[0]).toMatchObject({ id: c.id, status: 'overdue', slaDueAt: due });

    // a conversation that awaited the consumer: the clock starts when the transfer lands
    const lou = await acc.consumer({ name: 'Lou' });
    const c2 = await lou.open({ skill: 'Sales', text: 'hi' });
    expect((await post(ann.token, `/api/v1/conversations/${c2.id}/messages`, { text: 'hello Lou', clientMessageId: 'lou-1' })).statusCode).toBe(201);
    await t.advance(20 * MIN);
    const transferredAt = t.clock.now();
    expect((await post(ann.token, `/api/v1/conversations/${c2.id}/transfer`, { agentId: carol.id })).statusCode).toBe(200);
    await t.routingIdle();
    expect((await active(carol.token)).items.find((i) => i.id === c2.id)).toMatchObject({
      status: 'ongoing',
      slaDueAt: new Date(transferredAt + 600 * SEC).toISOString(),
    });
    sc.close();
  });

  it('new auto-close and SLA settings reach the conversations under way, measured from the same start; agents get the rows', async () => {
    const acc = await makeAccount(t); // defaults: auto-close after 24 h, first-time SLA 30 min
    const ann = await acc.agent('ann', { skills: ['Sales'], maxConcurrent: 10 });
    const sa = await connect(t.url, '/agent', ann.token);
    const answer = async (id: string) =>
      expect((await post(ann.token, `/api/v1/conversations/${id}/messages`, { text: 'answered', clientMessageId: `a-${id}` })).statusCode).toBe(201);
    const quiet = await (await acc.consumer({ name: 'Quiet' })).open({ skill: 'Sales', text: 'q' });
    await answer(quiet.id); // awaits the consumer from here
    await t.advance(2 * MIN);
    const waiting = await (await acc.consumer({ name: 'Waiting' })).open({ skill: 'Sales', text: 'w' });
    const openedAt = t.clock.now();
    await t.advance(2 * MIN);
    const later = await (await acc.consumer({ name: 'Later' })).open({ skill: 'Sales', text: 'l' });
    await answer(later.id);
    await t.advance(1 * MIN);
    expect(await details(acc, waiting.id)).toMatchObject({ status: 'ongoing', slaDueAt: new Date(openedAt + 1800 * SEC).toISOString() });

    await settings(acc, { autoClose: { afterSec: 240 }, sla: { firstTimeSec: 120 } });
    await t.advance(1 * SEC);
    // waited 5 min for the consumer > 4 min: closed at once; the one answered a minute ago waits on
    expect(await details(acc, quiet.id)).toMatchObject({ state: 'closed', closedBy: 'system' });
    expect((await details(acc, later.id)).state).toBe('open');
    // waited 3 min for an answer > 2 min: overdue, due 2 min after its first message, pushed
    const due = new Date(openedAt + 120 * SEC).toISOString();
    const pushed = await sa.next(
      (e) => e.type === 'conversation.upserted' && (e.data as ActiveItem).id === waiting.id && (e.data as ActiveItem).status === 'overdue',
    );
    expect(pushed.data).toMatchObject({ slaDueAt: due });
    expect((await active(ann.token)).items.find((i) => i.id === waiting.id)).toMatchObject({ status: 'overdue', slaDueAt: due });
    await t.advance(3 * MIN);
    expect(await details(acc, later.id)).toMatchObject({ state: 'closed', closedBy: 'system' });
    sa.close();
  });

  it("a skill's new overrides re-time its conversations only, in batches of bounded size", async () => {
    const acc = await makeAccount(t, { skills: ['Sales', 'Support', 'Backlog'] });
    const ann = await acc.agent('ann', { skills: ['Sales', 'Support'] });
    const answered = async (skill: string) => {
      const c = await (await acc.consumer()).open({ skill, text: skill });
      expect((await post(ann.token, `/api/v1/conversations/${c.id}/messages`, { text: 'ok', clientMessageId: `a-${c.id}` })).statusCode).toBe(201);
      return c;
    };
    const sales = await answered('Sales');
    const support = await answered('Support');
    await t.advance(2 * MIN);
    const skillPatch = async (skill: string, body: unknown) =>
      expect((await http(t)('PATCH', `/api/v1/skills/${acc.skills[skill]}`, { token: acc.manager.token, body })).statusCode).toBe(200);
    await skillPatch('Sales', { autoClose: { afterSec: 60 } });
    await t.advance(1 * SEC);
    expect(await details(acc, sales.id)).toMatchObject({ state: 'closed', closedBy: 'system' });
    expect((await details(acc, support.id)).state).toBe('open');

    // more waiting conversations than one batch (nobody has Backlog): one transaction per batch
    const backlog: { id: string; createdAt: number }[] = [];
    for (let i = 0; i < REEVALUATION_BATCH + 5; i++) {
      backlog.push({ id: (await (await acc.consumer()).open({ skill: 'Backlog', text: `waiting ${i}` })).id, createdAt: t.clock.now() });
      t.clock.advance(10);
    }
    const retimed = async () => {
      let n = 0;
      for (const c of backlog) if ((await details(acc, c.id)).slaDueAt === new Date(c.createdAt + 60 * SEC).toISOString()) n++;
      return n;
    };
    await skillPatch('Backlog', { sla: { firstTimeSec: 60 } });
    t.clock.advance(1 * SEC);
    await t.timers.tick();
    expect(await retimed()).toBe(REEVALUATION_BATCH);
    await t.timers.tick();
    expect(await retimed()).toBe(backlog.length);
    expect(await findTimer(t.db.kysely, 'timers_reevaluation', acc.skills.Backlog ?? '')).toBeUndefined();
  });

  it('the directory lists skills and agents to transfer to', async () => {
    const acc = await makeAccount(t);
    const ann = await acc.agent('ann');
    await acc.agent('ben');
    const r = (await http(t)('GET', '/api/v1/directory?q=be', { token: ann.token })).json();
    expect(r.agents.map((a: { displayName: string }) => a.displayName)).toEqual(['Ben']);
    expect(r.skills).toEqual([]);
  });
});
