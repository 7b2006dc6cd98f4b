/**
 * Salesforce over its REST API through jsforce (3.10.16, see STACK.md): sign in with the OAuth 2.0
 * JWT bearer flow, find the consumer's Contact (or Lead) with SOQL, and upsert the transcript Task
 * by its external id so a conversation never gets two Tasks. The only module that imports jsforce,
 * and lazily: servers that sync nothing never load it.
 */
import { createPrivateKey, type KeyObject, sign } from 'node:crypto';
import { type CrmKeys, contactQueries, TASK_EXTERNAL_ID_FIELD, type TranscriptTask } from '../domain/crm-sync.js';

export const SALESFORCE_API_VERSION = '62.0';
export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** One whole push (token, queries, upsert) gives up after this long. */
export const PUSH_TIMEOUT_MS = 60_000;

export interface SalesforceConnectionSettings {
  loginUrl: string;
  /** REST base; empty: the `instance_url` of the token answer. */
  instanceUrl: string;
  consumerKey: string;
  username: string;
  privateKey: string;
}

/** The PEM as an RSA private key (PKCS#8 or PKCS#1); throws a readable error otherwise. */
export function parsePrivateKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    throw new Error('not a PEM private key');
  }
  if (key.asymmetricKeyType !== 'rsa') throw new Error(`an RSA key is needed (got ${key.asymmetricKeyType ?? 'unknown'})`);
  return key;
}

const b64url = (v: string | Buffer) => Buffer.from(v).toString('base64url');

/** The signed JWT (RS256) the token endpoint exchanges for an access token; valid for 3 minutes. */
export function jwtBearerAssertion(o: { consumerKey: string; username: string; audience: string; privateKey: KeyObject | string; now: number }): string {
  const key = typeof o.privateKey === 'string' ? parsePrivateKey(o.privateKey) : o.privateKey;
  const header = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT' }));
  const claims = b64url(JSON.stringify({ iss: o.consumerKey, sub: o.username, aud: o.audience.replace(/\/$/, ''), exp: Math.floor(o.now / 1000) + 180 }));
  const signature = sign('RSA-SHA256', Buffer.from(`${header}.${claims}`), key);
  return `${header}.${claims}.${b64url(signature)}`;
}

export interface PushResult {
  /** The Contact or Lead the Task is linked to (WhoId), or null when none matched. */
  recordId: string | null;
  taskId: string | null;
  created: boolean | null;
}

interface SaveResult {
  id?: string;
  success: boolean;
  created?: boolean;
  errors?: { message?: string; statusCode?: string; errorCode?: string }[];
}

/**
 * Write a conversation's transcript to Salesforce: a Task on the consumer's Contact (or Lead),
 * upserted on Task.Parley_Conversation_Id__c = conversationId. Throws on any failure (the caller retries).
 */
export async function pushTranscriptTask(
  settings: SalesforceConnectionSettings,
  input: { conversationId: string; keys: CrmKeys; task: (whoId: string | null) => TranscriptTask; now: number },
): Promise<PushResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Salesforce did not answer within ${PUSH_TIMEOUT_MS / 1000} s`)), PUSH_TIMEOUT_MS);
    timer.unref();
  });
  try {
    return await Promise.race([push(settings, input), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function push(
  settings: SalesforceConnectionSettings,
  input: { conversationId: string; keys: CrmKeys; task: (whoId: string | null) => TranscriptTask; now: number },
): Promise<PushResult> {
  const { Connection } = await import('jsforce');
  const conn = new Connection({ loginUrl: settings.loginUrl.replace(/\/$/, ''), version: SALESFORCE_API_VERSION });
  const assertion = jwtBearerAssertion({
    consumerKey: settings.consumerKey,
    username: settings.username,
    audience: settings.loginUrl,
    privateKey: settings.privateKey,
    now: input.now,
  });
  await conn.authorize({ grant_type: JWT_BEARER_GRANT, assertion });
  if (settings.instanceUrl) conn.instanceUrl = settings.instanceUrl.replace(/\/$/, '');

  let recordId: string | null = null;
  for (const q of contactQueries(input.keys)) {
    const r = await conn.query<{ Id: string }>(q.soql);
    const id = r.records[0]?.Id;
    if (id) {
      recordId = id;
      break;
    }
  }

  const record = { ...input.task(recordId), [TASK_EXTERNAL_ID_FIELD]: input.conversationId };
  const result = (await conn.sobject('Task').upsert(record, TASK_EXTERNAL_ID_FIELD)) as SaveResult;
  if (!result.success) {
    const why = (result.errors ?? []).map((e) => `${e.statusCode ?? e.errorCode ?? 'ERROR'}: ${e.message ?? ''}`).join('; ');
    throw new Error(`Task upsert failed: ${why || 'unknown error'}`);
  }
  return { recordId, taskId: result.id ?? null, created: result.created ?? null };
}
