import { newId } from '../domain/ids.js';
import type { Tx } from '../storage/db.js';
import { insertAuditEntry } from '../storage/repos/audit.repo.js';

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

/** Keys whose values never reach the audit log (matched case-insensitively, ignoring `_` and `-`). */
const SECRET_KEY = /pass(word|phrase)?|secret|token|credential|privatekey|apikey|signingkey|^key$|hash|authorization|cookie/i;

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
 * A compact diff: `{ field: { from, to } }` for the top-level fields of `after` that differ from
 * `before` (deep-compared as JSON). Secret fields show as changed, never their values.
 */
export function changes(before: object, after: object): Record<string, { from: unknown; to: unknown }> {
  const out: Record<string, { from: unknown; to: unknown }> = {};
  const b = before as Record<string, unknown>;
  for (const [k, to] of Object.entries(after)) {
    if (to === undefined) continue;
    const from = b[k];
    if (JSON.stringify(from) !== JSON.stringify(to)) out[k] = { from: from ?? null, to };
  }
  return out;
}

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
