import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerSurveyQuestion, nextSurveyQuestion } from '../../src/services/surveys.service.js';
import { type AccountHandle, type AgentHandle, type ConsumerHandle, http, makeAccount } from '../factories/index.js';
import { dialects, startTestApp, type TestApp } from '../harness.js';
import { connect } from '../socket-client.js';
import { expectProblem, snapshot } from './support.js';

const SEC = 1000;

const QUESTIONS = [
  { id: 'csat', type: 'csat', text: 'How satisfied are you?' },
  { id: 'nps', type: 'nps', text: 'Would you recommend us?' },
  { id: 'why', type: 'text', text: 'Anything to add?' },
  { id: 'topic', type: 'choice', text: 'What was it about?', choices: ['Billing', 'Delivery', 'Other'] },
];

describe.each(dialects)('post-conversation survey on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect);
    await t.listen();
  });
  afterAll(async () => t.stop());

  const settings = async (acc: AccountHandle, survey: Record<string, unknown>, extra: Record<string, unknown> = {}) => {
    const r = await http(t)('PATCH', '/api/v1/account/settings', { token: acc.manager.token, body: { survey, ...extra } });
    expect(r.statusCode, r.body).toBe(200);
  };
  const kpis = async (agent: AgentHandle) => (await http(t)('GET', '/api/v1/me/kpis', { token: agent.token })).json();
  const survey = (c: ConsumerHandle, id: string) => http(t)('GET', `/api/v1/consumer/conversations/${id}/survey`, { token: c.token });
  const answer = (c: ConsumerHandle, id: string, answers: unknown) =>
    http(t)('POST', `/api/v1/consumer/conversations/${id}/survey`, { token: c.token, body: { answers } });
  const closeByAgent = async (agent: AgentHandle, id: string) => {
    const r = await http(t)('POST', `/api/v1/conversations/${id}/close`, { token: agent.token });
    expect(r.statusCode, r.body).toBe(200);
  };
  /** A conversation the agent has answered, then closes. */
  const servedAndClosed = async (agent: AgentHandle, consumer: ConsumerHandle) => {
    const conv = await consumer.open({ skill: 'Sales', text: 'help please' });
    const reply = await http(t)('POST', `/api/v1/conversations/${conv.id}/messages`, {
      token: agent.token,
      body: { text: 'sure', clientMessageId: `r-${conv.id}` },
    });
    expect(reply.statusCode, reply.body).toBe(201);
    await closeByAgent(agent, conv.id);
    return conv.id;
  };

  it('sent on close by the agent; answered in the widget, it moves the agent’s CSAT and NPS; a second answer is 409', async () => {
    const acc = await makeAccount(t);
    await settings(acc, { enabled: true, timeoutSec: 3600, questions: QUESTIONS });
    const alice = await acc.agent('alice', { skills: ['Sales'] });
    const agentSocket = await connect(t.url, '/agent', alice.token);
    const jo = await acc.consumer();
    const consumerSocket = await connect(t.url, '/consumer', jo.token);

    expect(await kpis(alice)).toMatchObject({ csat: null, nps: null, csatResponses: 0, npsResponses: 0, surveyWindowDays: 30 });

    const first = await servedAndClosed(alice, jo);
    const requested = await consumerSocket.next((e) => e.type === 'survey.requested');
    expect(requested.data).toMatchObject({ conversationId: first, questions: QUESTIONS, expiresAt: new Date(t.clock.now() + 3600 * SEC).toISOString() });

    const pending = await survey(jo, first);
    expect(pending.statusCode).toBe(200);
    expect(pending.json()).toMatchObject({ conversationId: first, status: 'pending', questions: QUESTIONS, answers: {}, answeredAt: null });

    const done = await answer(jo, first, { csat: 5, nps: 10, why: 'quick and kind', topic: 'Billing' });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ status: 'answered', answers: { csat: 5, nps: 10, why: 'quick and kind', topic: 'Billing' } });
    const told = await agentSocket.next((e) => e.type === 'survey.answered');
    expect(told.data).toMatchObject({ conversationId: first, complete: true });
    expect(await kpis(alice)).toMatchObject({ csat: 100, nps: 100, csatResponses: 1, npsResponses: 1 });

    expectProblem(await answer(jo, first, { csat: 1 }), 409, 'conflict');
    expect(await kpis(alice)).toMatchObject({ csat: 100, csatResponses: 1 });

    // a second conversation, rated low: CSAT = share of 4–5 answers, NPS = promoters − detractors
    const second = await servedAndClosed(alice, jo);
    expect((await answer(jo, second, { csat: 2, nps: 3 })).statusCode).toBe(200);
    expect(await kpis(alice)).toMatchObject({ csat: 50, nps: 0, csatResponses: 2, npsResponses: 2 });
    // a passive (7–8) counts in the total only; a third 4 is satisfied
    const third = await servedAndClosed(alice, jo);
    expect((await answer(jo, third, { csat: 4, nps: 8 })).statusCode).toBe(200);
    expect(await kpis(alice)).toMatchObject({ csat: 66.7, nps: 0, csatResponses: 3, npsResponses: 3 });

    agentSocket.close();
    consumerSocket.close();
  });

  it('invalid answers → 400 with the bad fields, and nothing is stored; other consumers and accounts → 404', async () => {
    const acc = await makeAccount(t);
    await settings(acc, { enabled: true, questions: QUESTIONS });
    const alice = await acc.agent('alice', { skills: ['Sales'] });
    const jo = await acc.consumer();
    const id = await servedAndClosed(alice, jo);
    const nosy = await acc.consumer({ name: 'Nosy' });
    const before = await snapshot(t, [acc.accountId]);
    const bad: [string, unknown][] = [
      ['csat above 5', { csat: 6 }],
      ['csat below 1', { csat: 0 }],
      ['csat not an integer', { csat: 4.5 }],
      ['csat as a string', { csat: '5' }],
      ['nps above 10', { nps: 11 }],
      ['nps negative', { nps: -1 }],
      ['text too long', { why: 'x'.repeat(2001) }],
      ['text as a number', { why: 3 }],
      ['choice not offered', { topic: 'Refunds' }],
      ['unknown question', { mood: 'happy' }],
      ['one good, one bad', { csat: 5, nps: 42 }],
      ['nothing answered', {}],
    ];
    for (const [what, answers] of bad) {
      const r = await answer(jo, id, answers);
      expect(r.statusCode, `${what}: ${r.body}`).toBe(400);
      expect(r.json().code).toBe('invalid_request');
    }
    // the body itself must be { answers: { id: number | string } }
    expectProblem(
      await http(t)('POST', `/api/v1/consumer/conversations/${id}/survey`, { token: jo.token, body: { answers: { csat: [5] } } }),
      400,
      'invalid_request',
    );
    expectProblem(await http(t)('POST', `/api/v1/consumer/conversations/${id}/survey`, { token: jo.token, body: { csat: 5 } }), 400, 'invalid_request');
    expect((await survey(jo, id)).json()).toMatchObject({ status: 'pending', answers: {} });

    expectProblem(await survey(nosy, id), 404, 'not_found');
    expectProblem(await answer(nosy, id, { csat: 1 }), 404, 'not_found');
    const other = await makeAccount(t);
    const mallory = await other.consumer();
    expectProblem(await answer(mallory, id, { csat: 1 }), 404, 'not_found');
    expect(await snapshot(t, [acc.accountId])).toEqual(before);

    // a text answer at the limit is fine
    expect((await answer(jo, id, { why: 'y'.repeat(2000), csat: 3 })).statusCode).toBe(200);
  });

  it('expires after timeoutSec (durable timer, fake clock): survey.expired, then 409', async () => {
    const acc = await makeAccount(t);
    await settings(acc, { enabled: true, timeoutSec: 60, questions: QUESTIONS.slice(0, 2) });
    const alice = await acc.agent('alice', { skills: ['Sales'] });
    const jo = await acc.consumer();
    const consumerSocket = await connect(t.url, '/consumer', jo.token);
    const id = await servedAndClosed(alice, jo);
    await consumerSocket.next((e) => e.type === 'survey.requested');

    await t.advance(59 * SEC);
    expect((await survey(jo, id)).json().status).toBe('pending');
    await t.advance(2 * SEC);
    const expired = await consumerSocket.next((e) => e.type === 'survey.expired');
    expect(expired.data).toMatchObject({ conversationId: id });
    expect((await survey(jo, id)).json().status).toBe('expired');
    expectProblem(await answer(jo, id, { csat: 5 }), 409, 'conflict');
    expect(await kpis(alice)).toMatchObject({ csat: null, csatResponses: 0 });
    consumerSocket.close();
  });

  it('on auto-close only when onAutoClose; on consumer close always; never when disabled or when no agent served it', async () => {
    const acc = await makeAccount(t);
    await settings(acc, { enabled: true, onAutoClose: false, questions: QUESTIONS.slice(0, 1) }, { autoClose: { enabled: true, afterSec: 60 } });
    const alice = await acc.agent('alice', { skills: ['Sales'] });
    const agentRequests = async (c: ConsumerHandle, id: string) => (await survey(c, id)).statusCode;

    // auto-close with onAutoClose false: no survey
    const jo = await acc.consumer({ name: 'Jo' });
    const joSocket = await connect(t.url, '/consumer', jo.token);
    const conv = await jo.open({ skill: 'Sales', text: 'hello' });
    expect(
      (await http(t)('POST', `/api/v1/conversations/${conv.id}/messages`, { token: alice.token, body: { text: 'hi!', clientMessageId: 'a1' } })).statusCode,
    ).toBe(201);
    await t.advance(61 * SEC);
    const closed = await joSocket.next((e) => e.type === 'conversation.closed');
    expect(closed.data).toMatchObject({ id: conv.id, closedBy: 'system' });
    expect(await agentRequests(jo, conv.id)).toBe(404);
    expect(joSocket.events.some((e) => e.type === 'survey.requested')).toBe(false);
    joSocket.close();

    // onAutoClose true: sent on auto-close
    await settings(acc, { onAutoClose: true });
    const kim = await acc.consumer({ name: 'Kim' });
    const kimConv = await kim.open({ skill: 'Sales', text: 'hello' });
    expect(
      (await http(t)('POST', `/api/v1/conversations/${kimConv.id}/messages`, { token: alice.token, body: { text: 'hi!', clientMessageId: 'a2' } })).statusCode,
    ).toBe(201);
    await t.advance(61 * SEC);
    expect((await survey(kim, kimConv.id)).json()).toMatchObject({ status: 'pending' });

    // the consumer closes: sent
    const lee = await acc.consumer({ name: 'Lee' });
    const leeConv = await lee.open({ skill: 'Sales', text: 'hello' });
    expect((await http(t)('POST', `/api/v1/consumer/conversations/${leeConv.id}/close`, { token: lee.token })).statusCode).toBe(200);
    expect((await survey(lee, leeConv.id)).json()).toMatchObject({ status: 'pending' });

    // closed while still waiting for an agent: nobody to rate, no survey
    await http(t)('PUT', '/api/v1/me/status', { token: alice.token, body: { status: 'away' } });
    const max = await acc.consumer({ name: 'Max' });
    const waiting = await max.open({ skill: 'Sales', text: 'anyone?' });
    expect(waiting.state).toBe('queued');
    expect((await http(t)('POST', `/api/v1/consumer/conversations/${waiting.id}/close`, { token: max.token })).statusCode).toBe(200);
    expect(await agentRequests(max, waiting.id)).toBe(404);
    await http(t)('PUT', '/api/v1/me/status', { token: alice.token, body: { status: 'online' } });

    // disabled: never
    await settings(acc, { enabled: false });
    const ned = await acc.consumer({ name: 'Ned' });
    const nedConv = await servedAndClosed(alice, ned);
    expect(await agentRequests(ned, nedConv)).toBe(404);
  });

  it('a resume by the agent or a new conversation withdraws the pending survey: survey.withdrawn, then 409; a new close sends it afresh', async () => {
    const acc = await makeAccount(t);
    await settings(acc, { enabled: true, timeoutSec: 3600, questions: QUESTIONS.slice(0, 2) });
    const alice = await acc.agent('alice', { skills: ['Sales'] });
    const jo = await acc.consumer();
    const consumerSocket = await connect(t.url, '/consumer', jo.token);
    const id = await servedAndClosed(alice, jo);
    const requested = await consumerSocket.next((e) => e.type === 'survey.requested');
    const surveyId = (requested.data as { surveyId: string }).surveyId;

    // the agent resumes the conversation: the survey under it no longer applies
    expect((await http(t)('POST', `/api/v1/conversations/${id}/resume`, { token: alice.token })).statusCode).toBe(200);
    const withdrawn = await consumerSocket.next((e) => e.type === 'survey.withdrawn');
    expect(withdrawn.data).toEqual({ surveyId, conversationId: id, reason: 'resumed' });
    expect((await survey(jo, id)).json()).toMatchObject({ id: surveyId, status: 'withdrawn' });
    expectProblem(await answer(jo, id, { csat: 5 }), 409, 'conflict');
    // its expiry timer went with it
    await t.advance(3601 * SEC);
    expect(consumerSocket.events.some((e) => e.type === 'survey.expired')).toBe(false);
    expect((await survey(jo, id)).json().status).toBe('withdrawn');

    // closed again: the survey comes afresh
    await closeByAgent(alice, id);
    await consumerSocket.next((e) => e.type === 'survey.requested');
    expect((await survey(jo, id)).json()).toMatchObject({ id: surveyId, status: 'pending' });

    // the consumer writes again (a new conversation): the earlier one's survey is withdrawn
    const next = await jo.open({ skill: 'Sales', text: 'one more thing' });
    expect(next.id).not.toBe(id);
    const again = await consumerSocket.next((e) => e.type === 'survey.withdrawn');
    expect(again.data).toEqual({ surveyId, conversationId: id, reason: 'new_conversation' });
    expectProblem(await answer(jo, id, { csat: 5 }), 409, 'conflict');
    expect(await kpis(alice)).toMatchObject({ csat: null, csatResponses: 0 });

    // an answered survey is never withdrawn
    await closeByAgent(alice, next.id);
    await consumerSocket.next((e) => e.type === 'survey.requested' && (e.data as { conversationId: string }).conversationId === next.id);
    expect((await answer(jo, next.id, { csat: 4 })).statusCode).toBe(200);
    await jo.open({ skill: 'Sales', text: 'and another' });
    expect((await survey(jo, next.id)).json().status).toBe('answered');
    expect(consumerSocket.events.some((e) => e.type === 'survey.withdrawn')).toBe(false);
    consumerSocket.close();
  });

  it('channels answer one question per message (answerSurveyQuestion): bad replies re-ask, the last answer completes it', async () => {
    const acc = await makeAccount(t);
    await settings(acc, { enabled: true, questions: QUESTIONS });
    const alice = await acc.agent('alice', { skills: ['Sales'] });
    const jo = await acc.consumer();
    const id = await servedAndClosed(alice, jo);

    expect(await nextSurveyQuestion(t.deps, acc.accountId, id)).toMatchObject({
      question: { id: 'csat' },
      prompt: expect.stringContaining('1 (very unsatisfied) to 5'),
    });
    expect(await answerSurveyQuestion(t.deps, acc.accountId, id, 'great!')).toMatchObject({ status: 'invalid', question: { id: 'csat' } });
    expect(await answerSurveyQuestion(t.deps, acc.accountId, id, '7')).toMatchObject({ status: 'invalid', question: { id: 'csat' } });
    expect(await answerSurveyQuestion(t.deps, acc.accountId, id, ' 4 ')).toMatchObject({ status: 'next', question: { id: 'nps' } });
    // partial answers count already
    expect(await kpis(alice)).toMatchObject({ csat: 100, csatResponses: 1, nps: null });
    expect(await answerSurveyQuestion(t.deps, acc.accountId, id, '6')).toMatchObject({ status: 'next', question: { id: 'why' } });
    expect(await answerSurveyQuestion(t.deps, acc.accountId, id, 'It took a while')).toMatchObject({ status: 'next', question: { id: 'topic' } });
    expect(await answerSurveyQuestion(t.deps, acc.accountId, id, '9')).toMatchObject({ status: 'invalid', question: { id: 'topic' } });
    expect(await answerSurveyQuestion(t.deps, acc.accountId, id, '2')).toEqual({ status: 'done', thanks: 'Thank you for your feedback!' });
    expect((await survey(jo, id)).json()).toMatchObject({ status: 'answered', answers: { csat: 4, nps: 6, why: 'It took a while', topic: 'Delivery' } });
    expect(await answerSurveyQuestion(t.deps, acc.accountId, id, '5')).toEqual({ status: 'none' });
    expect(await nextSurveyQuestion(t.deps, acc.accountId, id)).toBeUndefined();
    expect(await kpis(alice)).toMatchObject({ csat: 100, nps: -100, csatResponses: 1, npsResponses: 1 });
  });
});
