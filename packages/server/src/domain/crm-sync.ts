import { backoffDelayMs, type RetryPolicy } from './retry-policy.js';

/**
 * CRM sync rules, pure: how a closed conversation becomes a Salesforce Task, how the consumer is
 * looked up, and how long a failing sync is retried.
 *
 * Retries: attempt n (1-based) that fails is retried after 5 s · 2^(n-1), capped at 15 min, without
 * jitter; after MAX_CRM_SYNC_ATTEMPTS the sync is `failed` (5 + 10 + … + 640 s, then 15 min steps:
 * about 1 h 20 min).
 */
export const MAX_CRM_SYNC_ATTEMPTS = 12;
export const CRM_FIRST_RETRY_MS = 5000;
export const CRM_MAX_RETRY_MS = 15 * 60_000;
export const CRM_SYNC_RETRY: RetryPolicy = {
  firstDelayMs: CRM_FIRST_RETRY_MS,
  maxDelayMs: CRM_MAX_RETRY_MS,
  jitter: 'none',
  maxAttempts: MAX_CRM_SYNC_ATTEMPTS,
};
/** Task.Description holds at most 32 000 characters. */
export const MAX_TASK_DESCRIPTION = 32_000;
/** The external id field on Task (Activity) that makes the write idempotent per conversation. */
export const TASK_EXTERNAL_ID_FIELD = 'Parley_Conversation_Id__c';

export const crmRetryDelayMs = (failedAttempts: number): number => backoffDelayMs(CRM_SYNC_RETRY, failedAttempts);

export type CustomVariables = Record<string, string | number | boolean>;

/** What identifies the consumer in the CRM, from their custom variables (the names the Salesforce package uses too). */
export interface CrmKeys {
  crmId: string | null;
  email: string | null;
  phone: string | null;
}

const text = (v: unknown): string | null => {
  if (v === undefined || v === null) return null;
  const s = String(v).trim();
  return s === '' ? null : s;
};

export function crmKeysOf(vars: CustomVariables, channel: string, externalId: string | null): CrmKeys {
  return {
    crmId: text(vars.crmId),
    email: text(vars.email),
    // An SMS consumer's address is their phone number.
    phone: text(vars.phone) ?? (channel === 'sms' ? text(externalId) : null),
  };
}

/** A Salesforce record id (15 or 18 characters) and the object its key prefix names: Contact 003, Lead 00Q. */
export function salesforceIdKind(id: string): 'Contact' | 'Lead' | null {
  if (!/^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/.test(id)) return null;
  const prefix = id.slice(0, 3);
  if (prefix === '003') return 'Contact';
  if (prefix === '00Q') return 'Lead';
  return null;
}

/** A string literal for SOQL: quotes and backslashes escaped, control characters dropped. */
export function soqlString(value: string): string {
  const printable = [...value].filter((ch) => (ch.codePointAt(0) ?? 0) >= 0x20).join('');
  return `'${printable.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** The SOQL queries that find the consumer, in order; the first one with a row wins. */
export function contactQueries(keys: CrmKeys): { object: 'Contact' | 'Lead'; soql: string }[] {
  const out: { object: 'Contact' | 'Lead'; soql: string }[] = [];
  const kind = keys.crmId ? salesforceIdKind(keys.crmId) : null;
  if (keys.crmId && kind) out.push({ object: kind, soql: `SELECT Id FROM ${kind} WHERE Id = ${soqlString(keys.crmId)} LIMIT 1` });
  if (keys.email) {
    const email = soqlString(keys.email);
    out.push({ object: 'Contact', soql: `SELECT Id FROM Contact WHERE Email = ${email} ORDER BY LastModifiedDate DESC LIMIT 1` });
    out.push({ object: 'Lead', soql: `SELECT Id FROM Lead WHERE Email = ${email} AND IsConverted = false ORDER BY LastModifiedDate DESC LIMIT 1` });
  }
  if (keys.phone) {
    const phone = soqlString(keys.phone);
    out.push({ object: 'Contact', soql: `SELECT Id FROM Contact WHERE Phone = ${phone} OR MobilePhone = ${phone} ORDER BY LastModifiedDate DESC LIMIT 1` });
    out.push({
      object: 'Lead',
      soql: `SELECT Id FROM Lead WHERE (Phone = ${phone} OR MobilePhone = ${phone}) AND IsConverted = false ORDER BY LastModifiedDate DESC LIMIT 1`,
    });
  }
  return out;
}

export interface TranscriptTask {
  Subject: string;
  Description: string;
  Status: 'Completed';
  Priority: 'Normal';
  ActivityDate: string;
  WhoId?: string;
}

/** The Task fields for a closed conversation's transcript (the external id goes in the upsert URL). */
export function transcriptTask(input: {
  consumerName: string;
  channel: string;
  transcript: string;
  closedAt: number;
  whoId: string | null;
  /** The agent's wrap-up: disposition names and note, written above the transcript. */
  wrapUp?: { dispositions: string[]; note: string | null } | null;
}): TranscriptTask {
  const w = input.wrapUp;
  const head = w ? [w.dispositions.length ? `Disposition: ${w.dispositions.join(', ')}` : '', w.note ? `Wrap-up note: ${w.note}` : ''].filter(Boolean) : [];
  let description = head.length ? `${head.join('\n')}\n\n${input.transcript}` : input.transcript;
  if (description.length > MAX_TASK_DESCRIPTION) {
    const note = '\n[… transcript cut at 32 000 characters; the full one is in Parley]';
    description = description.slice(0, MAX_TASK_DESCRIPTION - note.length) + note;
  }
  return {
    Subject: `Parley ${input.channel} conversation with ${input.consumerName}`.slice(0, 255),
    Description: description,
    Status: 'Completed',
    Priority: 'Normal',
    ActivityDate: new Date(input.closedAt).toISOString().slice(0, 10),
    ...(input.whoId && { WhoId: input.whoId }),
  };
}
