import { createHmac, randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { expect } from 'vitest';
import type { TestApp } from '../harness.js';

/** Shared by the security, bad-input, fuzz and auth tests: problem JSON checks and whole-database snapshots. */

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
}

/** The answer is RFC 9457 problem JSON with this status (and code, when given). */
export function expectProblem(res: LightMyRequestResponse, status: number, code?: string): ProblemBody {
  const where = `${res.statusCode} ${res.body.slice(0, 300)}`;
  expect(res.statusCode, where).toBe(status);
  expect(res.headers['content-type'], where).toMatch(/^application\/problem\+json\b/);
  const body = res.json() as ProblemBody;
  expect(body, where).toMatchObject({ type: expect.any(String), title: expect.any(String), status, detail: expect.any(String), code: expect.any(String) });
  expect(body.type.endsWith(body.code), where).toBe(true);
  if (code) expect(body.code, where).toBe(code);
  return body;
}

/** Any 4xx must be problem JSON whose `status` matches the HTTP status; a 5xx is always a failure. */
export function expectNoServerError(res: LightMyRequestResponse, what: string): void {
  const where = `${what} → ${res.statusCode} ${res.body.slice(0, 300)}`;
  expect(res.statusCode, where).toBeLessThan(500);
  if (res.statusCode >= 400) {
    expect(res.headers['content-type'], where).toMatch(/^application\/problem\+json\b/);
    const body = res.json() as ProblemBody;
    expect(body, where).toMatchObject({
      type: expect.any(String),
      title: expect.any(String),
      status: res.statusCode,
      detail: expect.any(String),
      code: expect.any(String),
    });
  }
}

export type Snapshot = Record<string, string[]>;

const tableCache = new WeakMap<object, string[]>();

async function tables(t: TestApp): Promise<string[]> {
  const cached = tableCache.get(t.db);
  if (cached) return cached;
  let all = await t.db.kysely.introspection.getTables();
  if (t.db.dialect === 'postgres') {
    // Other test runs keep their own schemas in the same database: only ours counts.
    const { rows } = await sql<{ s: string }>`select current_schema() as s`.execute(t.db.kysely);
    all = all.filter((x) => x.schema === rows[0]?.s);
  }
  const names = [...new Set(all.map((x) => x.name))].filter((n) => !n.startsWith('kysely_')).sort();
  tableCache.set(t.db, names);
  return names;
}

/**
 * Every row of every table (discovered, so new tables are covered), optionally only those of some
 * accounts; rows as sorted JSON strings. Equal snapshots mean nothing was written.
 */
export async function snapshot(t: TestApp, accountIds?: string[]): Promise<Snapshot> {
  await t.routingIdle();
  const out: Snapshot = {};
  for (const name of await tables(t)) {
    const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(name)}`.execute(t.db.kysely);
    const mine = accountIds
      ? rows.filter((r) => {
          // A data key belongs to the account it names (`scope`; `_server`: the installation's).
          const owner = name === 'accounts' ? r.id : name === 'data_keys' ? r.scope : r.account_id;
          return owner === undefined || accountIds.includes(String(owner));
        })
      : rows;
    out[name] = mine.map((r) => JSON.stringify(r, Object.keys(r).sort())).sort();
  }
  return out;
}

export interface OpenApiOperation {
  method: string;
  path: string;
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
  /** The route's declared access (`x-access`, see src/http/access.ts). */
  access?: string;
  /** The API key scope that may call it (`x-scope`); none: no API key may. */
  scope?: string;
  /** A bot's own key may call it too (`x-bot`). */
  bot?: boolean;
}

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  minLength?: number;
  minimum?: number;
  exclusiveMinimum?: number;
  minItems?: number;
  format?: string;
  default?: unknown;
}

/** Every operation of the app's own OpenAPI document. */
export async function openApiOperations(t: TestApp): Promise<OpenApiOperation[]> {
  const res = await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
  expect(res.statusCode).toBe(200);
  const doc = res.json() as {
    paths: Record<string, Record<string, { requestBody?: OpenApiOperation['requestBody']; 'x-access'?: string; 'x-scope'?: string; 'x-bot'?: boolean }>>;
  };
  const ops: OpenApiOperation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      ops.push({
        method: method.toUpperCase(),
        path,
        ...(op.requestBody && { requestBody: op.requestBody }),
        ...(op['x-access'] && { access: op['x-access'] }),
        ...(op['x-scope'] && { scope: op['x-scope'] }),
        ...(op['x-bot'] && { bot: true }),
      });
    }
  }
  return ops;
}

/** A small value that satisfies a (zod-generated) JSON schema: required fields only, first enum/anyOf choice. */
export function sampleOf(schema: JsonSchema | undefined): unknown {
  if (!schema) return {};
  if (schema.const !== undefined) return schema.const;
  if (schema.enum?.length) return schema.enum[0];
  if (schema.default !== undefined) return schema.default;
  const alt = schema.anyOf ?? schema.oneOf;
  if (alt?.length) return sampleOf(alt.find((s) => s.type !== 'null') ?? alt[0]);
  if (schema.allOf?.length) return Object.assign({}, ...schema.allOf.map((s) => sampleOf(s) as object));
  const type = Array.isArray(schema.type) ? schema.type.find((x) => x !== 'null') : schema.type;
  switch (type) {
    case 'object': {
      const o: Record<string, unknown> = {};
      // all optional (PATCH, or "one of these"): the first field, so the body says something
      const keys = schema.required?.length ? schema.required : Object.keys(schema.properties ?? {}).slice(0, 1);
      for (const k of keys) o[k] = sampleOf(schema.properties?.[k]);
      return o;
    }
    case 'array':
      return Array.from({ length: schema.minItems ?? 0 }, () => sampleOf(schema.items));
    case 'string':
      if (schema.format === 'date-time') return new Date(Date.now() + 3600_000).toISOString();
      // a URL Parley may call: loopback, which tests allow (PARLEY_OUTBOUND_ALLOW), on the discard port
      if (schema.format === 'uri') return 'http://127.0.0.1:9/hook';
      return 'x'.repeat(Math.max(1, schema.minLength ?? 1));
    case 'integer':
    case 'number':
      return Math.max(1, schema.minimum ?? 1, (schema.exclusiveMinimum ?? 0) + 1);
    case 'boolean':
      return false;
    default:
      return {};
  }
}

/** A JSON body that passes the operation's schema (or undefined when it takes none). */
export function validBody(op: OpenApiOperation): unknown {
  const schema = op.requestBody?.content?.['application/json']?.schema;
  return schema ? sampleOf(schema) : undefined;
}

/** `/a/{id}/b` with each parameter replaced (URL-encoded) by `fill(name, segmentBefore)`. */
export function fillPath(path: string, fill: (param: string, before: string) => string): string {
  const parts = path.split('/');
  return parts.map((p, i) => (p.startsWith('{') && p.endsWith('}') ? encodeURIComponent(fill(p.slice(1, -1), parts[i - 1] ?? '')) : p)).join('/');
}

/** Percent-encodes any JS string byte by byte (lone surrogates included), so it always forms a valid URL. */
export function pct(s: string): string {
  return [...Buffer.from(s, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
}

/** Posts `{ from, text, eventId }` to a webhook channel's inbound endpoint, signed with its secret as a provider would. */
export function webhookInbound(t: TestApp, channel: { id: string; secret: string }) {
  return (from: string, text: string) => {
    const body = JSON.stringify({ from, text, eventId: randomUUID() });
    const sig = `sha256=${createHmac('sha256', channel.secret).update(body).digest('hex')}`;
    return t.app.inject({
      method: 'POST',
      url: `/api/v1/channels/${channel.id}/inbound`,
      headers: { 'content-type': 'application/json', 'x-parley-signature': sig },
      payload: body,
    });
  };
}
