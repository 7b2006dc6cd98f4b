import { createHmac, randomBytes } from 'node:crypto';
import type { CreateWebhookRequest, Notification, UpdateWebhookRequest, Webhook, WebhookDelivery, WebhookEventType, WebhookWithSecret } from '@parley/contract';
import type { Conversation } from '../domain/conversation.js';
import { notFound } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import type { RetryPolicy } from '../domain/retry-policy.js';
import type { Tx } from '../storage/db.js';
import type { PendingEvent } from '../storage/repos/events.repo.js';
import { findJob, type Job, listJobsByKeyPrefix } from '../storage/repos/jobs.repo.js';
import { insertNotification } from '../storage/repos/notes.repo.js';
import { listUsers } from '../storage/repos/users.repo.js';
import {
  deleteWebhook,
  findWebhook,
  insertWebhook,
  listActiveSubscriptions,
  listWebhooks,
  updateWebhook,
  type WebhookRecord,
} from '../storage/repos/webhooks.repo.js';
import { type Actor, changes, recordAudit, SYSTEM_ACTOR } from './audit.service.js';
import { type Deps, emit, inTransaction, type Outbox } from './context.js';
import { enqueueJob, type JobKindHandler } from './jobs.service.js';
import { assertOutboundUrls } from './outbound-urls.service.js';

/**
 * Outbound webhooks, the Standard Webhooks convention (API.md "Automation and integration").
 *
 * - Outbox: `enqueueWebhookDeliveries` runs inside the transaction that appends the events
 *   (services/context.ts inTransaction), so a delivery exists exactly when its event was committed.
 *   Each delivery is a durable job of kind `webhook` (services/jobs.service.ts) whose id is the
 *   `webhook-id` header: the same on every attempt and on a redelivery (at least once; receivers
 *   de-duplicate by it). Its key is `<webhook id>:<conversation id>`, so one conversation's
 *   deliveries to one webhook go out in order, one at a time.
 * - Body `{ type, timestamp, data }`; `webhook-signature: v1,<base64 HMAC-SHA256 of
 *   "{id}.{timestamp}.{body}">` keyed with the base64 part of the `whsec_` secret — and during a
 *   rotation's grace period a second `v1,` signature with the previous secret.
 * - Retries: exponential backoff with full jitter, for up to 24 h (WEBHOOK_RETRY). A webhook whose
 *   deliveries have failed for 3 days (no success since) is turned off (`disabledReason: failing`).
 */

export const WEBHOOK_RETRY: RetryPolicy = { firstDelayMs: 5_000, maxDelayMs: 2 * 3600_000, factor: 2, jitter: 'full', maxAgeMs: 24 * 3600_000 };
export const DISABLE_AFTER_FAILING_MS = 3 * 24 * 3600_000;
const REQUEST_TIMEOUT_MS = 15_000;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const newSecret = () => `whsec_${randomBytes(24).toString('base64')}`;

export const toWireWebhook = (w: WebhookRecord, now: number): Webhook => ({
  id: w.id,
  url: w.url,
  events: w.events as WebhookEventType[],
  active: w.active,
  disabledReason: (w.disabledReason as 'failing' | null) ?? null,
  createdAt: new Date(w.createdAt).toISOString(),
  previousSecretUntil: w.previousSecret && w.previousSecretUntil !== null && w.previousSecretUntil > now ? iso(w.previousSecretUntil) : null,
});

/** The signature header value: `v1,<sig>` per secret in use, space-separated (Standard Webhooks). */
export function signWebhook(secrets: readonly string[], id: string, timestampSec: number, body: string): string {
  return secrets
    .map((s) => {
      const key = Buffer.from(s.replace(/^whsec_/, ''), 'base64');
      return `v1,${createHmac('sha256', key).update(`${id}.${timestampSec}.${body}`).digest('base64')}`;
    })
    .join(' ');
}

// ------------------------------------------------------------------ management

export async function createWebhook(deps: Deps, accountId: string, input: CreateWebhookRequest, actor: Actor): Promise<WebhookWithSecret> {
  await assertOutboundUrls(deps, [{ path: 'body.url', url: input.url }]);
  const now = deps.clock.now();
  const w: WebhookRecord = {
    id: newId(),
    accountId,
    url: input.url,
    events: [...new Set(input.events)],
    active: input.active,
    disabledReason: null,
    secret: newSecret(),
    previousSecret: null,
    previousSecretUntil: null,
    failingSince: null,
    createdAt: now,
    updatedAt: now,
  };
  await deps.db.transaction(async (tx) => {
    await insertWebhook(tx, w);
    await recordAudit(tx, now, {
      accountId,
      ...actor,
      action: 'webhook.created',
      targetType: 'webhook',
      targetId: w.id,
      details: { url: w.url, events: w.events, active: w.active },
    });
  });
  forgetWebhooks(deps, accountId);
  return { ...toWireWebhook(w, now), secret: w.secret };
}

export async function getWebhook(deps: Deps, accountId: string, id: string): Promise<WebhookRecord> {
  const w = await findWebhook(deps.db.kysely, accountId, id);
  if (!w) throw notFound('webhook');
  return w;
}

export async function listAccountWebhooks(deps: Deps, accountId: string, opts: { after?: [number, string] | undefined; limit: number }) {
  return listWebhooks(deps.db.kysely, accountId, opts);
}

export async function patchWebhook(deps: Deps, accountId: string, id: string, input: UpdateWebhookRequest, actor: Actor): Promise<Webhook> {
  if (input.url !== undefined) await assertOutboundUrls(deps, [{ path: 'body.url', url: input.url }]);
  const now = deps.clock.now();
  const done = await deps.db.transaction(async (tx) => {
    const before = await findWebhook(tx, accountId, id);
    if (!before) throw notFound('webhook');
    const after: WebhookRecord = {
      ...before,
      ...(input.url !== undefined && { url: input.url }),
      ...(input.events !== undefined && { events: [...new Set(input.events)] }),
      ...(input.active !== undefined && { active: input.active }),
      updatedAt: now,
    };
    // Turned on again by a person: the failure count starts over.
    if (input.active === true) Object.assign(after, { disabledReason: null, failingSince: null });
    await updateWebhook(tx, after);
    const diff = changes({ url: before.url, events: before.events, active: before.active }, { url: after.url, events: after.events, active: after.active });
    await recordAudit(tx, now, { accountId, ...actor, action: 'webhook.updated', targetType: 'webhook', targetId: id, details: diff });
    return toWireWebhook(after, now);
  });
  forgetWebhooks(deps, accountId);
  return done;
}

export async function removeWebhook(deps: Deps, accountId: string, id: string, actor: Actor): Promise<void> {
  const now = deps.clock.now();
  await deps.db.transaction(async (tx) => {
    const w = await findWebhook(tx, accountId, id);
    if (!w || !(await deleteWebhook(tx, accountId, id))) throw notFound('webhook');
    await recordAudit(tx, now, { accountId, ...actor, action: 'webhook.deleted', targetType: 'webhook', targetId: id, details: { url: w.url } });
  });
  forgetWebhooks(deps, accountId);
}

/** A webhook of the account was written: this process reads its subscriptions afresh. */
function forgetWebhooks(deps: Deps, accountId: string): void {
  deps.caches.webhookSubscriptions.delete(accountId);
}

/** A new secret; the old one keeps signing beside it for `graceSec` (two signatures), so receivers can switch without losing deliveries. */
export async function rotateWebhookSecret(deps: Deps, accountId: string, id: string, graceSec: number, actor: Actor): Promise<WebhookWithSecret> {
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const before = await findWebhook(tx, accountId, id);
    if (!before) throw notFound('webhook');
    const after: WebhookRecord = {
      ...before,
      secret: newSecret(),
      previousSecret: graceSec > 0 ? before.secret : null,
      previousSecretUntil: graceSec > 0 ? now + graceSec * 1000 : null,
      updatedAt: now,
    };
    await updateWebhook(tx, after);
    await recordAudit(tx, now, { accountId, ...actor, action: 'webhook.secret_rotated', targetType: 'webhook', targetId: id, details: { graceSec } });
    return { ...toWireWebhook(after, now), secret: after.secret };
  });
}

// ------------------------------------------------------------------ the outbox

interface WebhookPayload {
  webhookId: string;
  type: WebhookEventType;
  /** Epoch seconds of the event (the body's timestamp). */
  at: number;
  conversationId: string | null;
  data: unknown;
}

type WebhookEvent = { type: WebhookEventType; id: string; conversationId: string | null; data: unknown };

/** Conversation changes noted by services/persist.ts, by outbox, each at the place in the outbox where it happened. */
const conversationChanges = new WeakMap<Outbox, { at: number; ev: WebhookEvent }[]>();

const conversationData = (c: Conversation) => ({
  id: c.id,
  state: c.state,
  skillId: c.skillId,
  agentId: c.agentId,
  consumerId: c.consumerId,
  channel: c.channel,
  createdAt: new Date(c.createdAt).toISOString(),
});

/**
 * A conversation was opened (`before` undefined) or moved: the webhook events that follow from it
 * — `conversation.created`; `conversation.assigned` when it is now open with an agent it was not
 * open with before; `conversation.transferred` when it left the agent it was open with (to another
 * agent or back to a queue). Called where transitions are committed (persist.ts).
 */
export function noteConversationChange(out: Outbox, before: Conversation | undefined, after: Conversation): void {
  const list = conversationChanges.get(out) ?? [];
  const add = (type: WebhookEventType) =>
    list.push({ at: out.length, ev: { type, id: `${after.id}:${list.length}`, conversationId: after.id, data: conversationData(after) } });
  if (!before) add('conversation.created');
  else if (after.state !== 'closed' && before.state === 'open' && before.agentId && (after.agentId !== before.agentId || after.state !== 'open'))
    add('conversation.transferred');
  if (after.state === 'open' && after.agentId && (before?.state !== 'open' || before.agentId !== after.agentId)) add('conversation.assigned');
  if (list.length) conversationChanges.set(out, list);
}

/** The webhook events of one transaction, in the order they happened: each once, however many recipients its stored event went to. */
export function webhookEventsOf(out: readonly PendingEvent[]): WebhookEvent[] {
  const seen = new Set<string>();
  const found: WebhookEvent[] = [];
  const changes = [...(conversationChanges.get(out as Outbox) ?? [])];
  for (let i = 0; i <= out.length; i++) {
    while (changes.length && (changes[0]?.at ?? 0) <= i) found.push((changes.shift() as { ev: WebhookEvent }).ev);
    const e = out[i];
    if (!e) continue;
    const d = e.data as Record<string, unknown>;
    let ev: WebhookEvent | undefined;
    if (e.type === 'message.created') ev = { type: 'message.created', id: String(d.id), conversationId: String(d.conversationId), data: d };
    else if (e.type === 'conversation.closed') ev = { type: 'conversation.closed', id: String(d.id), conversationId: String(d.id), data: d };
    else if (e.type === 'survey.answered')
      ev = { type: 'survey.answered', id: `${String(d.surveyId)}:${(d.questionIds as string[]).join(',')}`, conversationId: String(d.conversationId), data: d };
    if (!ev) continue;
    const k = `${ev.type}:${ev.id}`;
    if (seen.has(k)) continue;
    seen.add(k);
    found.push(ev);
  }
  return found;
}

/** In the events' transaction: a delivery job per event × active webhook subscribed to it. */
export async function enqueueWebhookDeliveries(deps: Deps, tx: Tx, accountId: string, out: readonly PendingEvent[]): Promise<void> {
  const events = webhookEventsOf(out);
  if (!events.length) return;
  const hooks = await deps.caches.webhookSubscriptions.get(accountId, () => listActiveSubscriptions(tx, accountId));
  if (!hooks.length) return;
  const now = deps.clock.now();
  let i = 0;
  for (const ev of events) {
    for (const w of hooks) {
      if (!w.events.includes(ev.type)) continue;
      const payload: WebhookPayload = { webhookId: w.id, type: ev.type, at: Math.floor(now / 1000), conversationId: ev.conversationId, data: ev.data };
      // position: the commit order, and the order within the transaction
      await enqueueJob(deps, tx, {
        id: `msg_${newId()}`,
        accountId,
        kind: 'webhook',
        key: `${w.id}:${ev.conversationId ?? '-'}`,
        position: now * 1000 + i++,
        payload: payload as unknown as Record<string, unknown>,
      });
    }
  }
}

// ------------------------------------------------------------------ sending

export const webhookJob: JobKindHandler<WebhookPayload> = {
  policy: WEBHOOK_RETRY,
  leaseMs: REQUEST_TIMEOUT_MS + 15_000,
  async handle(deps, job) {
    const w = await findWebhook(deps.db.kysely, job.accountId, job.payload.webhookId);
    if (!w) return { ok: false, error: 'webhook deleted', permanent: true };
    if (!w.active) return { ok: false, error: 'webhook inactive', permanent: true };
    const now = deps.clock.now();
    const body = JSON.stringify({ type: job.payload.type, timestamp: new Date(job.payload.at * 1000).toISOString(), data: job.payload.data });
    const ts = Math.floor(now / 1000);
    const secrets = [w.secret, ...(w.previousSecret && w.previousSecretUntil !== null && w.previousSecretUntil > now ? [w.previousSecret] : [])];
    const res = await deps.outbound.request({
      url: w.url,
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Parley-Webhooks/1',
        'webhook-id': job.id,
        'webhook-timestamp': String(ts),
        'webhook-signature': signWebhook(secrets, job.id, ts, body),
      },
      body,
      timeoutMs: REQUEST_TIMEOUT_MS,
      maxBodyBytes: 64 * 1024,
    });
    const ok = res.status >= 200 && res.status < 300;
    await noteOutcome(deps, w, ok, now);
    if (ok) return { ok: true, status: res.status };
    const retryAfter = Number(res.headers['retry-after']);
    return {
      ok: false,
      status: res.status,
      error: `HTTP ${res.status}`,
      ...(Number.isFinite(retryAfter) && retryAfter > 0 && { retryAfterMs: retryAfter * 1000 }),
    };
  },
};

/** A success clears the failing streak; 3 days of failures turn the webhook off and tell the managers. */
async function noteOutcome(deps: Deps, w: WebhookRecord, ok: boolean, now: number): Promise<void> {
  if (ok) {
    if (w.failingSince !== null) await updateWebhook(deps.db.kysely, { ...w, failingSince: null, updatedAt: now });
    return;
  }
  if (w.failingSince === null) return updateWebhook(deps.db.kysely, { ...w, failingSince: now, updatedAt: now });
  if (now - w.failingSince < DISABLE_AFTER_FAILING_MS) return;
  await inTransaction(deps, w.accountId, async (tx, out) => {
    await updateWebhook(tx, { ...w, active: false, disabledReason: 'failing', updatedAt: now });
    await recordAudit(tx, now, {
      accountId: w.accountId,
      ...SYSTEM_ACTOR,
      action: 'webhook.disabled',
      targetType: 'webhook',
      targetId: w.id,
      details: { reason: 'failing', failingSince: new Date(w.failingSince ?? now).toISOString() },
    });
    // every manager of the account is told (their bell, live and on sync)
    for (const u of await listUsers(tx, w.accountId)) {
      if (u.role !== 'manager' || !u.active) continue;
      const n: Notification = {
        id: newId(),
        type: 'webhook.disabled',
        data: { webhookId: w.id, url: w.url, reason: 'failing' },
        read: false,
        createdAt: new Date(now).toISOString(),
      };
      await insertNotification(tx, w.accountId, { id: n.id, userId: u.id, type: n.type, data: n.data, readAt: null, createdAt: now });
      emit(out, [{ type: 'notification.created', data: n }], { user: u.id });
    }
  });
  forgetWebhooks(deps, w.accountId);
}

// ------------------------------------------------------------------ the delivery log

export const toWireDelivery = (j: Job): WebhookDelivery => {
  const p = j.payload as unknown as WebhookPayload;
  return {
    id: j.id,
    type: p.type,
    status: j.state === 'done' ? 'delivered' : j.state === 'failed' ? 'failed' : 'pending',
    attempts: j.attempts,
    lastResponseCode: j.lastStatus,
    lastError: j.lastError,
    createdAt: new Date(j.createdAt).toISOString(),
    lastAttemptAt: j.attempts > 0 ? new Date(j.updatedAt).toISOString() : null,
    deliveredAt: j.state === 'done' ? iso(j.finishedAt) : null,
    conversationId: p.conversationId,
  };
};

export async function listDeliveries(deps: Deps, accountId: string, webhookId: string, opts: { after?: [number, string] | undefined; limit: number }) {
  await getWebhook(deps, accountId, webhookId);
  return listJobsByKeyPrefix(deps.db.kysely, accountId, 'webhook', `${webhookId}:`, opts);
}

/** Send a delivery again, with the same webhook-id (queued again from the start, at its place in its conversation's order). */
export async function redeliver(deps: Deps, accountId: string, webhookId: string, deliveryId: string, actor: Actor): Promise<WebhookDelivery> {
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const job = await findJob(tx, accountId, deliveryId);
    const p = job?.payload as unknown as WebhookPayload | undefined;
    if (job?.kind !== 'webhook' || p?.webhookId !== webhookId) throw notFound('delivery');
    await enqueueJob(deps, tx, { id: job.id, accountId, kind: 'webhook', key: job.key, position: job.position, payload: job.payload }, { replace: true });
    await recordAudit(tx, now, { accountId, ...actor, action: 'webhook.redelivered', targetType: 'webhook', targetId: webhookId, details: { deliveryId } });
    const again = await findJob(tx, accountId, deliveryId);
    return toWireDelivery(again ?? job);
  });
}
