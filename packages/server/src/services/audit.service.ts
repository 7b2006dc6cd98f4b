import type { AuditEntry as WireAuditEntry } from '@parley/contract';
import { newId } from '../domain/ids.js';
import type { Tx } from '../storage/db.js';
import { findAccount } from '../storage/repos/accounts.repo.js';
import {
  type AuditEntry,
  type AuditFilter,
  deleteAuditEntriesBefore,
  ensureAuditRetentionTimers,
  insertAuditEntry,
  listAuditEntries,
} from '../storage/repos/audit.repo.js';
import { scheduleTimer, type TimerRow } from '../storage/repos/timers.repo.js';
import type { Deps } from './context.js';
import { csvCell } from './reports.service.js';

/**
 * The audit log (API.md "Enterprise controls"): who changed what, from where, as a compact diff.
 *
 * How to record a change — inside the SAME transaction as the change, so a rolled-back change
 * leaves no entry and an entry never exists without its change:
 *
 * ```ts
 * await deps.db.transaction(async (tx) => {
 *   await updateSkill(tx, next);
 *   await recordAudit(tx, deps.clock.now(), {
 *     accountId, ...actor,                       // actor: { actorType, actorId, ip }
 *     action: 'skill.updated', targetType: 'skill', targetId: id,
 *     details: changes(before, after),           // or any small object
 *   });
 * });
 * ```
 *
 * - `actor` comes from the request: `actorOf(req)` (http/actor.ts) gives `{ actorType: 'user',
 *   actorId, ip: req.ip }` (the client address as PARLEY_TRUST_PROXY derives it); jobs and timers
 *   pass `SYSTEM_ACTOR`.
 * - `action` is `thing.verb` in the past tense: `auth.login`, `user.created`, `settings.updated`…
 * - `details` is redacted here whatever the caller passes: a value under a key that names a
 *   secret (password, secret, token, credentials, private key, api key…) becomes `"[redacted]"`,
 *   at any depth; keep it small (`changes()` keeps only the fields that differ).
 *
 * Append-only: nothing updates or deletes entries except the audit retention job
 * (`deleteAuditEntriesBefore`).
 */

export type ActorType = 'user' | 'api_key' | 'system';

/** Who did it and from where; spread into `recordAudit`'s entry. */
export interface Actor {
  actorType: ActorType;
  actorId: string | null;
  ip: string | null;
}

export const SYSTEM_ACTOR: Actor = { actorType: 'system', actorId: null, ip: null };

export interface AuditInput extends Actor {
  accountId: string;
  action: string;
  targetType?: string | null;
  targetId?: string | null;
  details?: Record<string, unknown>;
}

/**
 * Keys whose values never reach the audit log: a key (or dotted path) ending in one of these
 * words, case-insensitively, ignoring `_` and `-` (`password`, `passwordHash`, `identity_secret`,
 * `pageAccessToken`, `crm.salesforce.privateKey`, `consumerKey`…; not `privateKeySet`).
 */
const SECRET_KEY = /(password|passphrase|secret|token|credentials?|key|hash|authorization|cookie|signature)$/i;

export const REDACTED = '[redacted]';

/** `value` with every secret-named key's value replaced by `"[redacted]"`, at any depth. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 8) return REDACTED;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = SECRET_KEY.test(k.replace(/[_-]/g, '')) ? REDACTED : redact(v, depth + 1);
    }
    return out;
  }
  if (typeof value === 'string' && value.length > 500) return `${value.slice(0, 500)}…`;
  return value;
}

/**
 * A compact diff: `{ field: { from, to } }` for the fields of `after` that differ from `before`;
 * nested plain objects are compared field by field under dotted paths (`sla.firstResponseSec`),
 * arrays as a whole. Secret fields show as changed, never their values (`recordAudit` redacts).
 */
export function changes(before: object, after: object, prefix = ''): Record<string, { from: unknown; to: unknown }> {
  const out: Record<string, { from: unknown; to: unknown }> = {};
  const b = before as Record<string, unknown>;
  for (const [k, to] of Object.entries(after)) {
    if (to === undefined) continue;
    const from = b[k];
    if (isPlainObject(to) && isPlainObject(from)) Object.assign(out, changes(from, to, `${prefix}${k}.`));
    else if (JSON.stringify(from) !== JSON.stringify(to)) out[`${prefix}${k}`] = { from: from ?? null, to };
  }
  return out;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Record one entry in `tx` (the transaction of the change it records). */
export async function recordAudit(tx: Tx, now: number, e: AuditInput): Promise<void> {
  await insertAuditEntry(tx, {
    id: newId(),
    accountId: e.accountId,
    at: now,
    actorType: e.actorType,
    actorId: e.actorId,
    action: e.action,
    targetType: e.targetType ?? null,
    targetId: e.targetId ?? null,
    ip: e.ip,
    details: redact(e.details ?? {}) as Record<string, unknown>,
  });
}

// ------------------------------------------------------------------ reading (GET /api/v1/audit, …/audit.csv)

export const toWireAuditEntry = (e: AuditEntry): WireAuditEntry => ({
  id: e.id,
  at: new Date(e.at).toISOString(),
  actorType: e.actorType,
  actorId: e.actorId,
  action: e.action,
  targetType: e.targetType,
  targetId: e.targetId,
  ip: e.ip,
  details: e.details,
});

/** The account's entries, newest first, filtered; `f.limit` rows after the position `[at, id]`. */
export async function listAudit(deps: Deps, accountId: string, f: AuditFilter): Promise<AuditEntry[]> {
  return listAuditEntries(deps.db.kysely, accountId, f);
}

export const MAX_AUDIT_CSV_ROWS = 100_000;
const CSV_PAGE = 1000;

/** The filtered log as CSV (newest first, at most MAX_AUDIT_CSV_ROWS rows); the export itself is logged as `report.exported`. */
export async function auditCsv(deps: Deps, accountId: string, f: Omit<AuditFilter, 'after' | 'limit'>, actor: Actor): Promise<string> {
  const lines = [['id', 'at', 'actor_type', 'actor_id', 'action', 'target_type', 'target_id', 'ip', 'details'].join(',')];
  let after: AuditFilter['after'];
  let rows = 0;
  for (;;) {
    const page = await listAuditEntries(deps.db.kysely, accountId, { ...f, after, limit: Math.min(CSV_PAGE, MAX_AUDIT_CSV_ROWS - rows) });
    for (const e of page) {
      const w = toWireAuditEntry(e);
      lines.push([w.id, w.at, w.actorType, w.actorId, w.action, w.targetType, w.targetId, w.ip, JSON.stringify(w.details)].map(csvCell).join(','));
    }
    rows += page.length;
    const last = page.at(-1);
    if (!last || page.length < CSV_PAGE || rows >= MAX_AUDIT_CSV_ROWS) break;
    after = [last.at, last.id];
  }
  await recordAudit(deps.db.kysely, deps.clock.now(), {
    accountId,
    ...actor,
    action: 'report.exported',
    targetType: 'report',
    targetId: 'audit',
    details: {
      ...(f.from !== undefined && { from: new Date(f.from).toISOString() }),
      ...(f.to !== undefined && { to: new Date(f.to).toISOString() }),
      ...(f.actorId !== undefined && { actorId: f.actorId }),
      ...(f.action !== undefined && { action: f.action }),
      rows,
    },
  });
  return `${lines.join('\r\n')}\r\n`;
}

// ------------------------------------------------------------------ retention (the `audit_retention` timer)

const DAY_MS = 24 * 3600_000;
const RETENTION_BATCH = 1000;

/** The first instant kept: `months` calendar months before `now` (UTC). */
export function auditCutoff(now: number, months: number): number {
  const d = new Date(now);
  d.setUTCMonth(d.getUTCMonth() - months);
  return d.getTime();
}

/** Start-up: every account gets its daily `audit_retention` timer if it has none (the first run one day from now). */
export async function ensureAuditRetention(deps: Deps): Promise<void> {
  const due = deps.clock.now() + DAY_MS;
  await ensureAuditRetentionTimers(deps.db.kysely, due);
  deps.timersChanged(due);
}

/** A new account's timer, in the transaction that creates it. */
export async function scheduleAuditRetentionIn(tx: Tx, accountId: string, now: number): Promise<void> {
  await scheduleTimer(tx, { kind: 'audit_retention', subjectId: accountId, accountId, dueAt: now + DAY_MS, payload: {} });
}

/**
 * The daily run for one account: entries older than `settings.audit.retentionMonths` go, in
 * batches of RETENTION_BATCH, each its own short transaction; then the timer is armed for the next
 * day. Returns how many went. The account gone, its timer ends.
 */
export async function runAuditRetention(deps: Deps, t: Pick<TimerRow, 'accountId' | 'subjectId'>): Promise<number> {
  const account = await findAccount(deps.db.kysely, t.accountId);
  if (!account) return 0;
  const now = deps.clock.now();
  const before = auditCutoff(now, account.settings.audit.retentionMonths);
  let deleted = 0;
  for (;;) {
    const n = await deps.db.transaction((tx) => deleteAuditEntriesBefore(tx, t.accountId, before, RETENTION_BATCH));
    deleted += n;
    if (n < RETENTION_BATCH) break;
  }
  await scheduleTimer(deps.db.kysely, { kind: 'audit_retention', subjectId: t.subjectId, accountId: t.accountId, dueAt: now + DAY_MS, payload: {} });
  deps.timersChanged(now + DAY_MS);
  if (deleted) deps.log.info({ accountId: t.accountId, deleted }, 'audit retention');
  return deleted;
}
