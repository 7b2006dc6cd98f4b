import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/domain/clock.js';
import { runRetention } from '../../src/services/retention.service.js';
import { multipart, PNG } from '../factories/files.js';
import { http, login, makeAccount } from '../factories/index.js';
import { dialects, startTestApp, type TestApp } from '../harness.js';
import { expectProblem } from './support.js';

const DAY = 24 * 3600_000;
const T0 = Date.parse('2025-01-06T10:00:00Z');

describe.each(dialects)('retention on %s', (dialect) => {
  let t: TestApp;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'parley-retention-'));
    t = await startTestApp(dialect, { clock: new FakeClock(T0), filesDir: dir });
  });
  afterAll(async () => {
    await t.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const count = async (table: 'messages' | 'notes' | 'files' | 'surveys' | 'survey_answers' | 'conversations' | 'channel_events', accountId: string) =>
    Number(
      (
        await t.db.kysely
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .where('account_id', '=', accountId)
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('settings.retention.conversationMonths: 13 by default, 1–120, anything else → 400 and nothing changes', async () => {
    const acc = await makeAccount(t);
    const r = http(t);
    const m = acc.manager.token;
    expect((await r('GET', '/api/v1/account/settings', { token: m })).json().retention).toEqual({ conversationMonths: 13 });
    for (const bad of [0, 121, 2.5, '12', null]) {
      expectProblem(await r('PATCH', '/api/v1/account/settings', { token: m, body: { retention: { conversationMonths: bad } } }), 400, 'invalid_request');
    }
    expectProblem(await r('PATCH', '/api/v1/account/settings', { token: m, body: { retention: { months: 3 } } }), 400, 'invalid_request');
    expect((await r('GET', '/api/v1/account/settings', { token: m })).json().retention).toEqual({ conversationMonths: 13 });
    const ok = await r('PATCH', '/api/v1/account/settings', { token: m, body: { retention: { conversationMonths: 120 } } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().retention).toEqual({ conversationMonths: 120 });
    const agent = await acc.agent('ann', { online: false });
    expectProblem(await r('PATCH', '/api/v1/account/settings', { token: agent.token, body: { retention: { conversationMonths: 1 } } }), 403);
  });

  it('the daily timer deletes closed conversations past retention with messages, files (bytes too), notes, survey answers and old events; the daily report keeps its figures', async () => {
    t.clock.set(T0);
    const acc = await makeAccount(t);
    const r = http(t);
    let m = acc.manager.token;
    expect(
      (
        await r('PATCH', '/api/v1/account/settings', {
          token: m,
          body: { survey: { enabled: true, questions: [{ id: 'csat', type: 'csat', text: 'How did we do?' }] }, autoClose: { enabled: false } },
        })
      ).statusCode,
    ).toBe(200);
    const ann = await acc.agent('ann', { skills: ['Sales'] });
    const jo = await acc.consumer({ name: 'Jo Old' });
    const old = await jo.open({ skill: 'Sales', text: 'an old question' });
    expect(
      (await r('POST', `/api/v1/conversations/${old.id}/messages`, { token: ann.token, body: { text: 'an old answer', clientMessageId: randomUUID() } }))
        .statusCode,
    ).toBe(201);
    const body = multipart([{ name: 'file', value: PNG, filename: 'old.png', contentType: 'image/png' }]);
    const up = await t.app.inject({
      method: 'POST',
      url: `/api/v1/consumer/conversations/${old.id}/messages`,
      headers: { authorization: `Bearer ${jo.token}`, 'content-type': body.contentType },
      payload: body.payload,
    });
    expect(up.statusCode, up.body).toBe(201);
    const fileRow = await t.db.kysely.selectFrom('files').selectAll().where('account_id', '=', acc.accountId).executeTakeFirstOrThrow();
    const bytesAt = join(dir, ...fileRow.storage_key.split('/'));
    expect(existsSync(bytesAt)).toBe(true);
    expect((await r('POST', `/api/v1/conversations/${old.id}/notes`, { token: ann.token, body: { text: 'VIP, be nice' } })).statusCode).toBe(201);
    // A provider's id of one of its messages (a channel's delivery receipts find the message by it).
    const oldMessage = await t.db.kysely.selectFrom('messages').select('id').where('conversation_id', '=', old.id).executeTakeFirstOrThrow();
    await t.db.kysely
      .insertInto('provider_messages')
      .values({
        channel_id: 'ch1',
        provider_id: 'SM-old',
        account_id: acc.accountId,
        message_id: oldMessage.id,
        status: 'delivered',
        error: null,
        created_at: T0,
        updated_at: T0,
      })
      .execute();
    expect((await r('POST', `/api/v1/conversations/${old.id}/close`, { token: ann.token })).statusCode).toBe(200);
    expect((await r('POST', `/api/v1/consumer/conversations/${old.id}/survey`, { token: jo.token, body: { answers: { csat: 5 } } })).statusCode).toBe(200);

    // An old conversation still waiting (never closed) stays whatever its age.
    const waiting = await (await acc.consumer({ name: 'Still waiting' })).open({ skill: 'Support', text: 'anyone?' });
    expect(await count('survey_answers', acc.accountId)).toBe(1);

    // Thirteen months on: a recent conversation, closed now, must stay.
    t.clock.set(Date.parse('2026-02-06T12:00:00Z'));
    m = await login(t, acc.accountId, 'boss');
    ann.token = await login(t, acc.accountId, 'ann');
    const day = new Date(T0).toISOString().slice(0, 10);
    const reportBefore = (await r('GET', `/api/v1/reports/daily?date=${day}`, { token: m })).json();
    expect(reportBefore.hours[10]).toMatchObject({ hour: 10, arrivals: 2 });
    const bo = await acc.consumer({ name: 'Bo Recent' });
    const recent = await bo.open({ skill: 'Sales', text: 'a recent question' });
    expect((await r('POST', `/api/v1/conversations/${recent.id}/close`, { token: ann.token })).statusCode).toBe(200);
    // Provider event ids: one old, one recent; file rows no message refers to: one old enough, one just made.
    const { recordChannelEvent } = await import('../../src/storage/repos/channels.repo.js');
    await t.db.transaction(async (tx) => {
      await recordChannelEvent(tx, { channelId: 'ch1', eventId: 'old', accountId: acc.accountId, at: t.clock.now() - 40 * DAY });
      await recordChannelEvent(tx, { channelId: 'ch1', eventId: 'new', accountId: acc.accountId, at: t.clock.now() - DAY / 2 });
    });
    const orphan = async (id: string, at: number) => {
      const key = `${acc.accountId}/${id}`;
      await writeFile(join(dir, acc.accountId, id), 'x');
      await t.db.kysely
        .insertInto('files')
        .values({
          id,
          account_id: acc.accountId,
          conversation_id: recent.id,
          name: 'x.png',
          content_type: 'image/png',
          size: 1,
          storage_key: key,
          uploaded_by_kind: 'consumer',
          uploaded_by_id: bo.consumerId,
          created_at: at,
        })
        .execute();
    };
    await orphan('orphan-old', t.clock.now() - 2 * DAY);
    await orphan('orphan-new', t.clock.now() - 3600_000);

    const dry = await runRetention(t.deps, acc.accountId, { dryRun: true });
    expect(dry).toMatchObject({ conversations: 1, channelEvents: 1, orphanFiles: 1, dryRun: true, cutoff: '2025-01-06T12:00:00.000Z' });
    expect(dry.events).toBeGreaterThan(0);
    expect(await count('conversations', acc.accountId)).toBe(3);

    const eventCount = async () =>
      Number(
        (
          await t.db.kysely
            .selectFrom('events')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('account_id', '=', acc.accountId)
            .executeTakeFirstOrThrow()
        ).n,
      );
    const eventsBefore = await eventCount();
    // The daily timer (armed when the account was made) fires.
    await t.advance(1000);
    expect(eventsBefore - (await eventCount())).toBe(dry.events);
    const ids = (await t.db.kysely.selectFrom('conversations').select('id').where('account_id', '=', acc.accountId).execute()).map((x) => x.id).sort();
    expect(ids).toEqual([recent.id, waiting.id].sort());
    expect((await r('GET', `/api/v1/conversations/${old.id}`, { token: m })).statusCode).toBe(404);
    const left = await t.db.kysely.selectFrom('messages').select(['conversation_id']).where('account_id', '=', acc.accountId).execute();
    expect(left.every((x) => x.conversation_id !== old.id)).toBe(true);
    expect(left.length).toBeGreaterThan(0);
    expect(await count('notes', acc.accountId)).toBe(0);
    expect(await t.db.kysely.selectFrom('provider_messages').select('provider_id').where('account_id', '=', acc.accountId).execute()).toEqual([]);
    // (the recent conversation's survey is pending)
    expect(
      (await t.db.kysely.selectFrom('surveys').select('conversation_id').where('account_id', '=', acc.accountId).execute()).map((x) => x.conversation_id),
    ).toEqual([recent.id]);
    expect(await count('survey_answers', acc.accountId)).toBe(0);
    expect(existsSync(bytesAt)).toBe(false);
    const files = (await t.db.kysely.selectFrom('files').select('id').where('account_id', '=', acc.accountId).execute()).map((f) => f.id);
    expect(files).toEqual(['orphan-new']);
    expect(existsSync(join(dir, acc.accountId, 'orphan-old'))).toBe(false);
    expect(existsSync(join(dir, acc.accountId, 'orphan-new'))).toBe(true);
    const channelEvents = await t.db.kysely.selectFrom('channel_events').select('event_id').where('account_id', '=', acc.accountId).execute();
    expect(channelEvents.map((e) => e.event_id)).toEqual(['new']);

    // Per-recipient events older than the cutoff went (as many as the dry run counted), except each recipient's newest (seqs keep growing).
    const events = await t.db.kysely
      .selectFrom('events')
      .select(['recipient_kind', 'recipient_id', 'seq', 'at'])
      .where('account_id', '=', acc.accountId)
      .execute();
    const cutoff = Date.parse(dry.cutoff);
    const byRecipient = new Map<string, { seq: number; at: number }[]>();
    for (const e of events) {
      const k = `${e.recipient_kind}:${e.recipient_id}`;
      byRecipient.set(k, [...(byRecipient.get(k) ?? []), { seq: Number(e.seq), at: Number(e.at) }]);
    }
    expect(byRecipient.get(`consumer:${jo.consumerId}`)?.length).toBe(1);
    for (const [, list] of byRecipient) {
      const newest = Math.max(...list.map((e) => e.seq));
      for (const e of list) if (e.seq !== newest) expect(e.at).toBeGreaterThanOrEqual(cutoff);
    }
    // The agent still gets gapless seqs after the pruning.
    const annEvents = byRecipient.get(`agent:${ann.id}`) ?? [];
    expect(annEvents.length).toBeGreaterThan(0);
    const annBefore = Math.max(...(byRecipient.get(`agent:${ann.id}`) ?? []).map((e) => e.seq));
    const { lastSeq } = await import('../../src/storage/repos/events.repo.js');
    await bo.open({ skill: 'Sales', text: 'back again' });
    expect(await lastSeq(t.db.kysely, { kind: 'agent', id: ann.id })).toBeGreaterThan(annBefore);

    // The day's report is what it was.
    const reportAfter = (await r('GET', `/api/v1/reports/daily?date=${day}`, { token: m })).json();
    expect(reportAfter).toEqual(reportBefore);

    // The timer is armed for the next day.
    const timer = await t.db.kysely
      .selectFrom('timers')
      .selectAll()
      .where('kind', '=', 'retention')
      .where('subject_id', '=', acc.accountId)
      .executeTakeFirstOrThrow();
    expect(Number(timer.due_at)).toBe(t.clock.now() + DAY);
  });

  it('works in bounded batches: a budget of one batch leaves the rest for the next pass', async () => {
    t.clock.set(T0);
    const acc = await makeAccount(t);
    const r = http(t);
    const ann = await acc.agent('ann', { skills: ['Sales'] });
    const convs: string[] = [];
    for (const name of ['A', 'B', 'C']) {
      const c = await (await acc.consumer({ name })).open({ skill: 'Sales', text: 'hi' });
      expect((await r('POST', `/api/v1/conversations/${c.id}/close`, { token: ann.token })).statusCode).toBe(200);
      convs.push(c.id);
    }
    expect((await r('PATCH', '/api/v1/account/settings', { token: acc.manager.token, body: { retention: { conversationMonths: 1 } } })).statusCode).toBe(200);
    const later = T0 + 40 * DAY;
    const first = await runRetention(t.deps, acc.accountId, { now: later, batchSize: 2, maxBatches: 1 });
    expect(first).toMatchObject({ conversations: 2, done: false });
    expect(await count('conversations', acc.accountId)).toBe(1);
    const second = await runRetention(t.deps, acc.accountId, { now: later, batchSize: 2 });
    expect(second).toMatchObject({ conversations: 1, done: true });
    expect(await count('conversations', acc.accountId)).toBe(0);
    expect(await count('messages', acc.accountId)).toBe(0);
  });
});
