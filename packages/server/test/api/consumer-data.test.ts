import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertJob } from '../../src/storage/repos/jobs.repo.js';
import { multipart, PNG } from '../factories/files.js';
import { type AccountHandle, type AgentHandle, type ConsumerHandle, http, makeAccount } from '../factories/index.js';
import { dialects, startTestApp, type TestApp } from '../harness.js';
import { expectProblem } from './support.js';

/** Consumer data rights: find, export, erase (API.md "Enterprise controls"). */
describe.each(dialects)('consumer data rights on %s', (dialect) => {
  let t: TestApp;
  let dir: string;
  let acc: AccountHandle;
  let ann: AgentHandle;
  let jo: ConsumerHandle;
  let bo: ConsumerHandle;
  let conv: string;
  let fileId: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'parley-erasure-'));
    t = await startTestApp(dialect, { filesDir: dir });
    acc = await makeAccount(t);
    const r = http(t);
    expect(
      (
        await r('PATCH', '/api/v1/account/settings', {
          token: acc.manager.token,
          body: {
            survey: {
              enabled: true,
              questions: [
                { id: 'csat', type: 'csat', text: 'How did we do?' },
                { id: 'why', type: 'text', text: 'Why?' },
              ],
            },
          },
        })
      ).statusCode,
    ).toBe(200);
    ann = await acc.agent('ann', { skills: ['Sales'] });
    jo = await acc.consumer({ name: 'Jo Erasable', customVariables: { plan: 'gold' } });
    bo = await acc.consumer({ name: 'Bo Keeps' });
    conv = (await jo.open({ skill: 'Sales', text: 'my secret story' })).id;
    expect(
      (await r('POST', `/api/v1/conversations/${conv}/messages`, { token: ann.token, body: { text: 'Hello Jo Erasable', clientMessageId: randomUUID() } }))
        .statusCode,
    ).toBe(201);
    const body = multipart([{ name: 'file', value: PNG, filename: 'photo.png', contentType: 'image/png' }]);
    const up = await t.app.inject({
      method: 'POST',
      url: `/api/v1/consumer/conversations/${conv}/messages`,
      headers: { authorization: `Bearer ${jo.token}`, 'content-type': body.contentType },
      payload: body.payload,
    });
    expect(up.statusCode, up.body).toBe(201);
    fileId = up.json().file.id;
    expect((await r('POST', `/api/v1/conversations/${conv}/notes`, { token: ann.token, body: { text: 'Jo Erasable is a VIP, @boss' } })).statusCode).toBe(201);
    expect((await r('POST', `/api/v1/conversations/${conv}/close`, { token: ann.token })).statusCode).toBe(200);
    expect(
      (await r('POST', `/api/v1/consumer/conversations/${conv}/survey`, { token: jo.token, body: { answers: { csat: 5, why: 'Ann was kind' } } })).statusCode,
    ).toBe(200);
    const boConv = (await bo.open({ skill: 'Sales', text: 'bo stays' })).id;
    expect(boConv).toBeTruthy();
  });
  afterAll(async () => {
    await t.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const audit = async (action: string) =>
    t.db.kysely.selectFrom('audit_log').selectAll().where('account_id', '=', acc.accountId).where('action', '=', action).execute();

  it('finds consumers by name, identity or id, in pages; managers only', async () => {
    const r = http(t);
    const m = acc.manager.token;
    const names = async (q: string) =>
      ((await r('GET', `/api/v1/consumers?q=${encodeURIComponent(q)}`, { token: m })).json().items as { name: string }[]).map((i) => i.name);
    expect(await names('erasable')).toEqual(['Jo Erasable']);
    expect(await names(jo.consumerId)).toEqual(['Jo Erasable']);
    expect(await names('nobody like this')).toEqual([]);
    const first = (await r('GET', '/api/v1/consumers?limit=1', { token: m })).json();
    expect(first.items).toHaveLength(1);
    expect(first.items[0]).toMatchObject({ name: 'Bo Keeps', conversations: 1, erasedAt: null, channel: 'web' });
    const second = (await r('GET', `/api/v1/consumers?limit=1&cursor=${first.nextCursor}`, { token: m })).json();
    expect(second.items[0]).toMatchObject({ name: 'Jo Erasable', customVariables: { plan: 'gold' } });
    expectProblem(await r('GET', '/api/v1/consumers?cursor=nonsense', { token: m }), 400, 'invalid_request');
    expectProblem(await r('GET', '/api/v1/consumers?limit=201', { token: m }), 400, 'invalid_request');
    expectProblem(await r('GET', '/api/v1/consumers', { token: ann.token }), 403);
    expectProblem(await r('GET', `/api/v1/consumers/${jo.consumerId}/export`, { token: ann.token }), 403);
    expectProblem(await r('POST', `/api/v1/consumers/${jo.consumerId}/erase`, { token: ann.token }), 403);
    expectProblem(await r('GET', '/api/v1/consumers'), 401);
  });

  it('exports everything held about a consumer (audit-logged); unknown consumer → 404', async () => {
    const r = http(t);
    const res = await r('GET', `/api/v1/consumers/${jo.consumerId}/export`, { token: acc.manager.token });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toMatch(/attachment; filename="consumer-/);
    const x = res.json();
    expect(x.consumer).toMatchObject({ id: jo.consumerId, name: 'Jo Erasable', customVariables: { plan: 'gold' }, erasedAt: null });
    expect(x.conversations).toHaveLength(1);
    expect(x.conversations[0].messages.map((m: { text: string | null }) => m.text)).toEqual(expect.arrayContaining(['my secret story', 'Hello Jo Erasable']));
    expect(x.conversations[0].surveyAnswers).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ questionId: 'csat', value: 5 }),
        expect.objectContaining({ questionId: 'why', value: 'Ann was kind' }),
      ]),
    );
    expect(x.files).toEqual([expect.objectContaining({ id: fileId, name: 'photo.png', conversationId: conv })]);
    const download = await t.app.inject({ method: 'GET', url: x.files[0].url });
    expect(download.statusCode).toBe(200);
    expect(download.rawPayload).toEqual(PNG);
    const entries = await audit('consumer.exported');
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actor_type: 'user', actor_id: acc.manager.id, target_type: 'consumer', target_id: jo.consumerId });
    expectProblem(await r('GET', '/api/v1/consumers/nobody/export', { token: acc.manager.token }), 404, 'not_found');
    expect(await audit('consumer.exported')).toHaveLength(1);
  });

  it('erases: message texts read [erased], name, identity, variables and files go, notes lose the name, events are rewritten; twice → 202 and nothing more', async () => {
    const r = http(t);
    const m = acc.manager.token;
    const fileRow = await t.db.kysely.selectFrom('files').select('storage_key').where('id', '=', fileId).executeTakeFirstOrThrow();
    const bytesAt = join(dir, ...fileRow.storage_key.split('/'));
    expect(existsSync(bytesAt)).toBe(true);
    // A delivery still queued for the conversation (as a channel conversation would have).
    await t.db.transaction((tx) =>
      insertJob(
        tx,
        { id: randomUUID(), accountId: acc.accountId, kind: 'delivery', key: conv, payload: { channelId: 'x' }, nextAt: t.clock.now() + 3600_000 },
        t.clock.now(),
      ),
    );
    const reportBefore = (await r('GET', '/api/v1/reports/live', { token: m })).json();
    const answersBefore = await t.db.kysely.selectFrom('survey_answers').select(['question_id', 'int_value']).where('account_id', '=', acc.accountId).execute();

    expectProblem(await r('POST', '/api/v1/consumers/nobody/erase', { token: m }), 404, 'not_found');
    const res = await r('POST', `/api/v1/consumers/${jo.consumerId}/erase`, { token: m });
    expect(res.statusCode, res.body).toBe(202);
    const erasedAt = res.json().erasedAt;
    expect(res.json()).toEqual({ id: jo.consumerId, erasedAt: expect.any(String) });

    const k = t.db.kysely;
    const msgs = await k.selectFrom('messages').select(['sender_type', 'text', 'file']).where('conversation_id', '=', conv).execute();
    const mine = msgs.filter((x) => x.sender_type === 'consumer');
    expect(mine.length).toBe(2);
    for (const x of mine) expect(x.text).toBe('[erased]');
    expect(msgs.every((x) => x.file === null)).toBe(true);
    expect(msgs.find((x) => x.sender_type === 'agent')?.text).toBe('Hello Erased consumer');
    const consumer = await k.selectFrom('consumers').selectAll().where('id', '=', jo.consumerId).executeTakeFirstOrThrow();
    expect(consumer).toMatchObject({ name: 'Erased consumer', custom_variables: '{}', external_id: null });
    expect(await k.selectFrom('files').select('id').where('id', '=', fileId).executeTakeFirst()).toBeUndefined();
    expect(existsSync(bytesAt)).toBe(false);
    expect((await r('GET', `/api/v1/files/${fileId}`, { token: m })).statusCode).toBe(404);
    const notes = await k.selectFrom('notes').select('text').where('conversation_id', '=', conv).execute();
    expect(notes.map((n) => n.text)).toEqual(['Erased consumer is a VIP, @boss']);
    const notifications = await k.selectFrom('notifications').select('data').where('account_id', '=', acc.accountId).execute();
    expect(notifications.length).toBeGreaterThan(0);
    for (const n of notifications) expect(n.data).not.toContain('Jo Erasable');
    // Stored events: nobody's log still holds the consumer's words or name; the consumer's own log keeps one event.
    const events = await k.selectFrom('events').select(['recipient_kind', 'recipient_id', 'data']).where('account_id', '=', acc.accountId).execute();
    for (const e of events) {
      expect(e.data).not.toContain('my secret story');
      expect(e.data).not.toContain('Jo Erasable');
      expect(e.data).not.toContain('"plan"');
    }
    expect(events.filter((e) => e.recipient_kind === 'consumer' && e.recipient_id === jo.consumerId)).toHaveLength(1);
    // Lists and search read the erased text; pending deliveries are gone; the session ends.
    expect((await r('GET', `/api/v1/conversations?q=${encodeURIComponent('secret story')}`, { token: m })).json().items).toEqual([]);
    const convRow = await k.selectFrom('conversations').select(['last_message_text', 'state']).where('id', '=', conv).executeTakeFirstOrThrow();
    expect(convRow.state).toBe('closed');
    expect(await k.selectFrom('jobs').select('id').where('ordering_key', '=', conv).execute()).toEqual([]);
    expect((await r('GET', '/api/v1/consumer/history', { token: jo.token })).statusCode).toBe(401);
    // Scores and aggregates stay; the text answer does not.
    const answersAfter = await k
      .selectFrom('survey_answers')
      .select(['question_id', 'int_value', 'text_value'])
      .where('account_id', '=', acc.accountId)
      .execute();
    expect(answersAfter.map((a) => [a.question_id, a.int_value])).toEqual(answersBefore.map((a) => [a.question_id, a.int_value]));
    expect(answersAfter.find((a) => a.question_id === 'why')?.text_value).toBe('[erased]');
    const reportAfter = (await r('GET', '/api/v1/reports/live', { token: m })).json();
    expect({ ...reportAfter, at: null }).toEqual({ ...reportBefore, at: null });
    // The export now says so.
    const x = (await r('GET', `/api/v1/consumers/${jo.consumerId}/export`, { token: m })).json();
    expect(x.consumer).toMatchObject({ name: 'Erased consumer', customVariables: {}, identity: null, erasedAt });
    expect(x.files).toEqual([]);
    // Bo is untouched.
    expect(
      (
        await k
          .selectFrom('messages')
          .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
          .select('messages.text')
          .where('conversations.consumer_id', '=', bo.consumerId)
          .execute()
      ).map((x) => x.text),
    ).toEqual(['bo stays']);
    expect(await audit('consumer.erased')).toHaveLength(1);

    // Again: 202, the same answer, nothing more (no second audit entry).
    const again = await r('POST', `/api/v1/consumers/${jo.consumerId}/erase`, { token: m });
    expect(again.statusCode).toBe(202);
    expect(again.json()).toEqual({ id: jo.consumerId, erasedAt });
    expect(await audit('consumer.erased')).toHaveLength(1);
  });
});
