import type { Tx } from '../db.js';
import type { WebhooksTable } from '../schema.js';
import { openSecret, sealSecret } from '../secrets.js';
import { parseJson } from './json.js';

export interface WebhookRecord {
  id: string;
  accountId: string;
  url: string;
  events: string[];
  active: boolean;
  disabledReason: string | null;
  secret: string;
  previousSecret: string | null;
  previousSecretUntil: number | null;
  failingSince: number | null;
  createdAt: number;
  updatedAt: number;
}

type Row = WebhooksTable;

const num = (v: number | null) => (v === null ? null : Number(v));

// Secrets at rest: the signing secrets are sealed under the account's data key.
const SECRET = 'webhooks.secret';
const PREVIOUS = 'webhooks.previous_secret';

const toRecord = async (tx: Tx, r: Row): Promise<WebhookRecord> => ({
  id: r.id,
  accountId: r.account_id,
  url: r.url,
  events: parseJson<string[]>(r.events, []),
  active: Number(r.active) === 1,
  disabledReason: r.disabled_reason,
  secret: await openSecret(tx, r.account_id, SECRET, r.secret),
  previousSecret: r.previous_secret === null ? null : await openSecret(tx, r.account_id, PREVIOUS, r.previous_secret),
  previousSecretUntil: num(r.previous_secret_until),
  failingSince: num(r.failing_since),
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

const toRow = async (tx: Tx, w: WebhookRecord): Promise<Row> => ({
  id: w.id,
  account_id: w.accountId,
  url: w.url,
  events: JSON.stringify(w.events),
  active: w.active ? 1 : 0,
  disabled_reason: w.disabledReason,
  secret: await sealSecret(tx, w.accountId, SECRET, w.secret),
  previous_secret: w.previousSecret === null ? null : await sealSecret(tx, w.accountId, PREVIOUS, w.previousSecret),
  previous_secret_until: w.previousSecretUntil,
  failing_since: w.failingSince,
  created_at: w.createdAt,
  updated_at: w.updatedAt,
});

export async function insertWebhook(tx: Tx, w: WebhookRecord): Promise<void> {
  await tx
    .insertInto('webhooks')
    .values(await toRow(tx, w))
    .execute();
}

export async function updateWebhook(tx: Tx, w: WebhookRecord): Promise<void> {
  const { id, account_id, created_at, ...rest } = await toRow(tx, w);
  await tx.updateTable('webhooks').set(rest).where('id', '=', id).where('account_id', '=', account_id).execute();
}

export async function deleteWebhook(tx: Tx, accountId: string, id: string): Promise<boolean> {
  const r = await tx.deleteFrom('webhooks').where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export async function findWebhook(tx: Tx, accountId: string, id: string): Promise<WebhookRecord | undefined> {
  const r = await tx.selectFrom('webhooks').selectAll().where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
  return r ? toRecord(tx, r) : undefined;
}

/** The account's active webhooks (each transaction with events reads them). */
/** The active webhooks of an account, only what says which events go where (no secrets opened). */
export async function listActiveSubscriptions(tx: Tx, accountId: string): Promise<{ id: string; events: string[] }[]> {
  const rows = await tx.selectFrom('webhooks').select(['id', 'events']).where('account_id', '=', accountId).where('active', '=', 1).execute();
  return rows.map((r) => ({ id: r.id, events: parseJson<string[]>(r.events, []) }));
}

export async function listWebhooks(tx: Tx, accountId: string, opts: { after?: [number, string] | undefined; limit: number }): Promise<WebhookRecord[]> {
  let q = tx.selectFrom('webhooks').selectAll().where('account_id', '=', accountId);
  if (opts.after) {
    const [at, id] = opts.after;
    q = q.where((eb) => eb.or([eb('created_at', '<', at), eb.and([eb('created_at', '=', at), eb('id', '<', id)])]));
  }
  const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(opts.limit).execute();
  return Promise.all(rows.map((r) => toRecord(tx, r)));
}
