/**
 * Salesforce over its REST API through jsforce (3.10.16, see STACK.md): sign in with the OAuth 2.0
 * JWT bearer flow, find the consumer's Contact (or Lead) with SOQL, and upsert the transcript Task
 * by its external id so a conversation never gets two Tasks. The only module that imports jsforce,
 * and lazily: servers that sync nothing never load it.
 */
import { createPrivateKey, type KeyObject, sign } from 'node:crypto';
import { PassThrough } from 'node:stream';
import type { Connection } from 'jsforce';
import { type CrmKeys, contactQueries, TASK_EXTERNAL_ID_FIELD, type TranscriptTask } from '../domain/crm-sync.js';
import type { OutboundHttp } from '../outbound/guarded-http.js';

export const SALESFORCE_API_VERSION = '62.0';
export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** One whole push (token, queries, upsert) gives up after this long. */
export const PUSH_TIMEOUT_MS = 60_000;
/** One Salesforce request (redirects included) gives up after this long… */
export const REQUEST_TIMEOUT_MS = 20_000;
/** …and refuses an answer larger than this. */
export const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;
/** Redirects followed per request, each checked against the outbound address policy again. */
export const MAX_REDIRECTS = 3;

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
  outbound: OutboundHttp,
  settings: SalesforceConnectionSettings,
  input: { conversationId: string; keys: CrmKeys; task: (whoId: string | null) => TranscriptTask; now: number },
): Promise<PushResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Salesforce did not answer within ${PUSH_TIMEOUT_MS / 1000} s`)), PUSH_TIMEOUT_MS);
    timer.unref();
  });
  try {
    return await Promise.race([push(outbound, settings, input), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

type JsforceTransport = Connection['_transport'];
type JsforceRequest = Parameters<JsforceTransport['httpRequest']>[0];

function requestBody(body: JsforceRequest['body']): string | Buffer | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string' || Buffer.isBuffer(body)) return body;
  if (body instanceof URLSearchParams) return body.toString();
  throw new Error('a Salesforce request with a streamed or multipart body is not supported');
}

/**
 * jsforce does its own HTTP (node-fetch, following redirects); its `Transport` is the one seam every
 * request goes through (`Connection._transport` for REST, `OAuth2._transport` for the token). This
 * one sends through the guarded outbound client instead: the login URL, the `instance_url` the
 * token answer names, and every redirect hop are checked against the address policy before any
 * connection, with a deadline and a size cap per request. (jsforce's retries are gone with its
 * transport; the durable crm_sync timer retries a failed push.)
 */
async function guardedTransport(outbound: OutboundHttp): Promise<JsforceTransport> {
  const [{ Transport }, { StreamPromise }] = await Promise.all([import('jsforce/lib/transport.js'), import('jsforce/lib/util/promise.js')]);
  class GuardedTransport extends Transport {
    override httpRequest(req: JsforceRequest) {
      return StreamPromise.create(() => {
        const promise = (async () => {
          const res = await outbound.request({
            url: req.url,
            method: req.method,
            headers: req.headers ?? {},
            body: requestBody(req.body),
            timeoutMs: REQUEST_TIMEOUT_MS,
            maxBodyBytes: MAX_RESPONSE_BYTES,
            maxRedirects: MAX_REDIRECTS,
          });
          return { statusCode: res.status, headers: res.headers, body: res.body.toString('utf8') };
        })();
        // jsforce pipes this stream only for streamed results (bulk, files), which the sync never asks for.
        return { stream: new PassThrough(), promise };
      });
    }
  }
  return new GuardedTransport();
}

async function push(
  outbound: OutboundHttp,
  settings: SalesforceConnectionSettings,
  input: { conversationId: string; keys: CrmKeys; task: (whoId: string | null) => TranscriptTask; now: number },
): Promise<PushResult> {
  const { Connection } = await import('jsforce');
  const conn = new Connection({ loginUrl: settings.loginUrl.replace(/\/$/, ''), version: SALESFORCE_API_VERSION });
  const transport = await guardedTransport(outbound);
  conn._transport = transport;
  conn.oauth2._transport = transport;
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
