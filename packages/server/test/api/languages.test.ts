import { randomUUID } from 'node:crypto';
import type { BusinessHours } from '@parley/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AccountHandle, type AgentHandle, type ConsumerHandle, http, makeAccount } from '../factories/index.js';
import { dialects, startTestApp, type TestApp } from '../harness.js';
import { connect } from '../socket-client.js';
import { type StubServer, startStubServer } from '../stub-server.js';
import { expectProblem, webhookInbound } from './support.js';

/**
 * API.md "Languages": survey question texts and automatic consumer messages written per language
 * (`{ "en": "…", "fr": "…" }`) go out in the consumer's language (the widget's, sent with its
 * session), else in the account's default language (`settings.language`); a plain string still
 * stands for every language.
 */
const weekendOnly: BusinessHours = {
  timeZone: 'UTC',
  weekly: { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [['00:00', '24:00']], sun: [['00:00', '24:00']] },
  holidays: [],
};
const SURVEY = {
  enabled: true,
  timeoutSec: 3600,
  questions: [
    { id: 'csat', type: 'csat', text: { en: 'How satisfied are you?', fr: 'Êtes-vous satisfait ?' } },
    { id: 'why', type: 'text', text: 'Anything to add?' },
  ],
};
const CLOSED = { en: 'We are closed.', fr: 'Nous sommes fermés.' };

describe.each(dialects)('languages of automatic consumer messages on %s', (dialect) => {
  let t: TestApp;
  let req: ReturnType<typeof http>;
  let provider: StubServer;
  beforeAll(async () => {
    t = await startTestApp(dialect);
    await t.listen();
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

  const patch = (acc: AccountHandle, body: unknown) => req('PATCH', '/api/v1/account/settings', { token: acc.manager.token, body });
  const settings = async (acc: AccountHandle) => (await req('GET', '/api/v1/account/settings', { token: acc.manager.token })).json();
  /** A conversation the agent answered and closed: the survey goes to the consumer. */
  const servedAndClosed = async (agent: AgentHandle, consumer: ConsumerHandle) => {
    const conv = await consumer.open({ skill: 'Sales', text: 'help please' });
    const r = await req('POST', `/api/v1/conversations/${conv.id}/messages`, { token: agent.token, body: { text: 'sure', clientMessageId: randomUUID() } });
    expect(r.statusCode, r.body).toBe(201);
    expect((await req('POST', `/api/v1/conversations/${conv.id}/close`, { token: agent.token })).statusCode).toBe(200);
    return conv.id;
  };
  const askedTexts = async (c: ConsumerHandle, conversationId: string) => {
    const r = await req('GET', `/api/v1/consumer/conversations/${conversationId}/survey`, { token: c.token });
    expect(r.statusCode, r.body).toBe(200);
    return (r.json() as { questions: { text: string }[] }).questions.map((q) => q.text);
  };

  it('a widget consumer in French gets the French survey; one in an unlisted language gets the default; plain strings stay for everyone', async () => {
    const acc = await makeAccount(t);
    const r = await patch(acc, { survey: SURVEY });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ language: 'en', survey: { questions: SURVEY.questions } });
    const alice = await acc.agent('alice', { skills: ['Sales'] });

    const marie = await acc.consumer({ language: 'fr' });
    const socket = await connect(t.url, '/consumer', marie.token);
    const first = await servedAndClosed(alice, marie);
    const pushed = await socket.next((e) => e.type === 'survey.requested');
    expect((pushed.data as { questions: { text: string }[] }).questions.map((q) => q.text)).toEqual(['Êtes-vous satisfait ?', 'Anything to add?']);
    expect(await askedTexts(marie, first)).toEqual(['Êtes-vous satisfait ?', 'Anything to add?']);
    socket.close();
    const gianni = await acc.consumer({ language: 'it' });
    expect(await askedTexts(gianni, await servedAndClosed(alice, gianni))).toEqual(['How satisfied are you?', 'Anything to add?']);
    const none = await acc.consumer();
    expect(await askedTexts(none, await servedAndClosed(alice, none))).toEqual(['How satisfied are you?', 'Anything to add?']);

    // the account's default language decides for those without theirs
    expect((await patch(acc, { language: 'fr' })).statusCode).toBe(200);
    const gina = await acc.consumer({ language: 'it' });
    expect(await askedTexts(gina, await servedAndClosed(alice, gina))).toEqual(['Êtes-vous satisfait ?', 'Anything to add?']);
    const en = await acc.consumer({ language: 'en-GB' });
    expect(await askedTexts(en, await servedAndClosed(alice, en))).toEqual(['How satisfied are you?', 'Anything to add?']);
  });

  it('a regional tag gets its base language', async () => {
    const acc = await makeAccount(t);
    expect((await patch(acc, { survey: SURVEY })).statusCode).toBe(200);
    const alice = await acc.agent('alice', { skills: ['Sales'] });
    const c = await acc.consumer({ language: 'fr-CA' });
    expect(await askedTexts(c, await servedAndClosed(alice, c))).toEqual(['Êtes-vous satisfait ?', 'Anything to add?']);
  });

  it('a channel consumer gets the closed-hours reply in the account default language; a plain string still works', async () => {
    const acc = await makeAccount(t);
    // the next Monday, 20:00 UTC: closed
    const d = new Date(t.clock.now());
    const monday = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + ((8 - d.getUTCDay()) % 7) + 7);
    await t.advance(monday + 20 * 3_600_000 - t.clock.now());
    expect((await req('PUT', '/api/v1/business-hours', { token: acc.manager.token, body: weekendOnly })).statusCode).toBe(200);
    const ch = await req('POST', '/api/v1/channels', {
      token: acc.manager.token,
      body: { name: 'App', type: 'webhook', skillId: acc.skills.Sales, outboundUrl: `${provider.url}/hook/${acc.accountId}` },
    });
    expect(ch.statusCode, ch.body).toBe(201);
    const c = ch.json() as { id: string; secret: string };
    const post = webhookInbound(t, c);
    const inbound = (from: string) => post(from, 'hello?');
    const sent = () => provider.requests.filter((r) => r.url === `/hook/${acc.accountId}`).map((r) => (JSON.parse(r.body) as { text: string }).text);

    const r = await patch(acc, { closedHoursReply: { text: CLOSED } });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().closedHoursReply).toEqual({ enabled: true, text: CLOSED });
    expect((await inbound('user-1')).statusCode).toBe(200);
    await t.advance(0);
    expect(sent()).toEqual(['We are closed.']);

    expect((await patch(acc, { language: 'fr' })).statusCode).toBe(200);
    expect((await inbound('user-2')).statusCode).toBe(200);
    await t.advance(0);
    expect(sent()).toEqual(['We are closed.', 'Nous sommes fermés.']);

    expect((await patch(acc, { closedHoursReply: { text: 'Closed / Fermé.' } })).statusCode).toBe(200);
    expect((await inbound('user-3')).statusCode).toBe(200);
    await t.advance(0);
    expect(sent()).toEqual(['We are closed.', 'Nous sommes fermés.', 'Closed / Fermé.']);
  });

  const CHOICE = {
    id: 'topic',
    type: 'choice',
    text: { en: 'What was it about?', fr: 'C’était à quel sujet ?' },
    choices: [{ en: 'Billing', fr: 'Facturation' }, { en: 'Delivery', fr: 'Livraison' }, 'SAV'],
  };

  it('a French widget consumer is shown French choices; an answer by the shown or the default label is stored as the default label', async () => {
    const acc = await makeAccount(t);
    const r = await patch(acc, { survey: { ...SURVEY, questions: [...SURVEY.questions, CHOICE] } });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().survey.questions[2]).toEqual(CHOICE);
    const alice = await acc.agent('alice', { skills: ['Sales'] });
    const answer = (c: ConsumerHandle, id: string, answers: unknown) =>
      req('POST', `/api/v1/consumer/conversations/${id}/survey`, { token: c.token, body: { answers } });

    const marie = await acc.consumer({ language: 'fr' });
    const first = await servedAndClosed(alice, marie);
    const asked = (await req('GET', `/api/v1/consumer/conversations/${first}/survey`, { token: marie.token })).json();
    expect(asked.questions[2]).toEqual({
      id: 'topic',
      type: 'choice',
      text: 'C’était à quel sujet ?',
      choices: ['Facturation', 'Livraison', 'SAV'],
      choiceValues: ['Billing', 'Delivery', 'SAV'],
    });
    expectProblem(await answer(marie, first, { topic: 'Livraisons' }), 400, 'invalid_request');
    const done = await answer(marie, first, { csat: 4, topic: 'Livraison' });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json().answers).toEqual({ csat: 4, topic: 'Delivery' });

    const jo = await acc.consumer({ language: 'en' });
    const second = await servedAndClosed(alice, jo);
    const en = (await req('GET', `/api/v1/consumer/conversations/${second}/survey`, { token: jo.token })).json();
    expect(en.questions[2]).toEqual({ id: 'topic', type: 'choice', text: 'What was it about?', choices: ['Billing', 'Delivery', 'SAV'] });
    expect((await answer(jo, second, { topic: 'Delivery' })).json().answers).toEqual({ topic: 'Delivery' });
    // both count as one choice wherever answers are read: the manager's export of each consumer
    for (const c of [marie, jo]) {
      const exp = (await req('GET', `/api/v1/consumers/${c.consumerId}/export`, { token: acc.manager.token })).json();
      const values = (exp.conversations as { surveyAnswers: { questionId: string; value: unknown }[] }[])
        .flatMap((x) => x.surveyAnswers)
        .filter((a) => a.questionId === 'topic');
      expect(values.map((a) => a.value)).toEqual(['Delivery']);
    }
  });

  it('a channel consumer without a language gets the survey, its instructions, choices and thank-you in the account default language', async () => {
    const acc = await makeAccount(t);
    expect((await patch(acc, { language: 'fr', survey: { ...SURVEY, questions: [SURVEY.questions[0], CHOICE] } })).statusCode).toBe(200);
    const alice = await acc.agent('alice', { skills: ['Sales'] });
    const ch = await req('POST', '/api/v1/channels', {
      token: acc.manager.token,
      body: { name: 'App', type: 'webhook', skillId: acc.skills.Sales, outboundUrl: `${provider.url}/survey/${acc.accountId}` },
    });
    expect(ch.statusCode, ch.body).toBe(201);
    const post = webhookInbound(t, ch.json() as { id: string; secret: string });
    const sent = () => provider.requests.filter((r) => r.url === `/survey/${acc.accountId}`).map((r) => (JSON.parse(r.body) as { text: string }).text);
    expect((await post('user-9', 'allô ?')).statusCode).toBe(200);
    await t.routingIdle();
    const id = ((await req('GET', '/api/v1/workspace/active', { token: alice.token })).json().items as { id: string }[])[0]?.id;
    expect(
      (await req('POST', `/api/v1/conversations/${id}/messages`, { token: alice.token, body: { text: 'Voilà', clientMessageId: randomUUID() } })).statusCode,
    ).toBe(201);
    expect((await req('POST', `/api/v1/conversations/${id}/close`, { token: alice.token })).statusCode).toBe(200);
    await t.advance(0);
    await expect.poll(sent).toEqual(['Voilà', 'Êtes-vous satisfait ? Répondez par un nombre de 1 (très insatisfait) à 5 (très satisfait).']);
    expect((await post('user-9', '٤')).statusCode).toBe(200); // Arabic-Indic digits read as 4
    await t.advance(0);
    await expect.poll(() => sent().at(-1)).toBe('C’était à quel sujet ? Répondez par un numéro\u00a0: 1) Facturation 2) Livraison 3) SAV');
    expect((await post('user-9', '1')).statusCode).toBe(200);
    await t.advance(0);
    await expect.poll(() => sent().at(-1)).toBe('Merci pour votre avis\u00a0!');
    // stored in the account's default language (French here)
    const consumerId = (await req('GET', `/api/v1/conversations/${id}`, { token: alice.token })).json().consumer.id as string;
    const exp = (await req('GET', `/api/v1/consumers/${consumerId}/export`, { token: acc.manager.token })).json();
    expect((exp.conversations as { surveyAnswers: { value: unknown }[] }[]).flatMap((x) => x.surveyAnswers).map((a) => a.value)).toEqual([4, 'Facturation']);
  });

  it('bad languages and texts → 400 problems that change nothing', async () => {
    const acc = await makeAccount(t);
    expect((await patch(acc, { survey: { ...SURVEY, questions: [...SURVEY.questions, CHOICE] }, closedHoursReply: { text: CLOSED } })).statusCode).toBe(200);
    const before = await settings(acc);
    const bad: [unknown, string][] = [
      [{ language: 'klingon' }, 'body.language'],
      [{ language: 'de' }, 'body.closedHoursReply.text'], // no German text in the per-language ones
      [{ closedHoursReply: { text: { fr: 'Fermé.' } } }, 'body.closedHoursReply.text'], // the default (en) is missing
      [{ closedHoursReply: { text: { en: 'Closed.', xx: 'Zz.' } } }, 'body.closedHoursReply.text'],
      [{ closedHoursReply: { text: { en: '   ' } } }, 'body.closedHoursReply.text'],
      [{ closedHoursReply: { text: {} } }, 'body.closedHoursReply.text'],
      [{ survey: { questions: [{ id: 'q', type: 'csat', text: { fr: 'Satisfait ?' } }] } }, 'body.survey.questions.0.text'],
      [{ survey: { questions: [{ id: 'q', type: 'csat', text: { en: '' } }] } }, 'body.survey.questions.0.text'],
      // choices per language: the default language's label is needed, keys among the seven, non-empty, distinct
      [{ survey: { questions: [{ ...CHOICE, choices: [{ fr: 'Oui' }, 'Non'] }] } }, 'body.survey.questions.0.choices.0'],
      [{ survey: { questions: [{ ...CHOICE, choices: ['Yes', { en: 'No', xx: 'Nein' }] }] } }, 'body.survey.questions.0.choices.1'],
      [{ survey: { questions: [{ ...CHOICE, choices: ['Yes', { en: 'No', fr: '  ' }] }] } }, 'body.survey.questions.0.choices.1'],
      [{ survey: { questions: [{ ...CHOICE, choices: ['Yes', {}] }] } }, 'body.survey.questions.0.choices.1'],
      [
        {
          survey: {
            questions: [
              {
                ...CHOICE,
                choices: [
                  { en: 'Yes', fr: 'Oui' },
                  { en: 'No', fr: 'oui' },
                ],
              },
            ],
          },
        },
        'body.survey.questions.0.choices',
      ],
      [{ survey: { questions: [{ ...CHOICE, choices: ['Yes', 'yes'] }] } }, 'body.survey.questions.0.choices'],
      [{ survey: { questions: [{ ...CHOICE, choices: [{ en: 'Yes' }] }] } }, 'body.survey.questions.0.choices'],
      [{ language: 'de', closedHoursReply: { text: 'Zu.' }, survey: { questions: [{ ...CHOICE, text: 'Thema?' }] } }, 'body.survey.questions.0.choices.0'],
    ];
    for (const [body, path] of bad) {
      const r = await patch(acc, body);
      expectProblem(r, 400, 'invalid_request');
      expect(JSON.stringify(r.json()), JSON.stringify(body)).toContain(path);
    }
    expect(await settings(acc)).toEqual(before);
    const s = await req('POST', '/api/v1/consumer/session', { body: { accountId: acc.accountId, language: 'not a language!' } });
    expectProblem(s, 400, 'invalid_request');
  });
});
