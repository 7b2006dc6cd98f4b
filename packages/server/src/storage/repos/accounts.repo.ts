import { type AccountSettings, DEFAULT_ACCOUNT_SETTINGS } from '@parley/contract';
import type { Tx } from '../db.js';
import { keyringOf, openSecret, sealSecret } from '../secrets.js';
import { parseJson } from './json.js';

export interface Account {
  id: string;
  name: string;
  settings: AccountSettings;
  identitySecret: string;
  createdAt: number;
}

/** Stored settings merged over the defaults, so new settings get their default on old accounts. */
export function mergeSettings(stored: Partial<AccountSettings>): AccountSettings {
  const d = DEFAULT_ACCOUNT_SETTINGS;
  return {
    ...d,
    ...stored,
    warmUp: { ...d.warmUp, ...stored.warmUp },
    sla: { ...d.sla, ...stored.sla },
    dynamicCapacity: { ...d.dynamicCapacity, ...stored.dynamicCapacity },
    autoClose: { ...d.autoClose, ...stored.autoClose },
    survey: { ...d.survey, ...stored.survey },
    crm: { salesforce: { ...d.crm.salesforce, ...stored.crm?.salesforce } },
    retention: { ...d.retention, ...stored.retention },
    masking: { ...d.masking, ...stored.masking },
    sso: { oidc: { ...d.sso.oidc, ...stored.sso?.oidc } },
    audit: { ...d.audit, ...stored.audit },
  };
}

const IDENTITY_SECRET = 'accounts.identity_secret';

/** A new account, with its data key (secrets at rest) made in the same transaction. */
export async function insertAccount(tx: Tx, a: Account): Promise<void> {
  await keyringOf(tx).ensureScope(tx, a.id, a.createdAt);
  await tx
    .insertInto('accounts')
    .values({
      id: a.id,
      name: a.name,
      settings: JSON.stringify(a.settings),
      identity_secret: await sealSecret(tx, a.id, IDENTITY_SECRET, a.identitySecret),
      created_at: a.createdAt,
    })
    .execute();
}

export async function findAccount(tx: Tx, id: string): Promise<Account | undefined> {
  const r = await tx.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r) return undefined;
  return {
    id: r.id,
    name: r.name,
    settings: mergeSettings(parseJson(r.settings, {})),
    identitySecret: await openSecret(tx, r.id, IDENTITY_SECRET, r.identity_secret),
    createdAt: r.created_at,
  };
}

export async function saveSettings(tx: Tx, id: string, settings: AccountSettings): Promise<void> {
  await tx
    .updateTable('accounts')
    .set({ settings: JSON.stringify(settings) })
    .where('id', '=', id)
    .execute();
}

export async function countAccounts(tx: Tx): Promise<number> {
  const r = await tx
    .selectFrom('accounts')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function saveIdentitySecret(tx: Tx, id: string, secret: string): Promise<void> {
  await tx
    .updateTable('accounts')
    .set({ identity_secret: await sealSecret(tx, id, IDENTITY_SECRET, secret) })
    .where('id', '=', id)
    .execute();
}
