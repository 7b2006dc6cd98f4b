import type { CloseConversationRequest, Disposition, SkillOverrides, UpdateDispositionRequest, WrapUp } from '@parley/contract';
import { conflict, invalid, notFound } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import type { Tx } from '../storage/db.js';
import {
  type DispositionRecord,
  findDisposition,
  findDispositionByName,
  findDispositionsByIds,
  findWrapUp,
  insertDisposition,
  listDispositions,
  listWrapUpsClosedBetween,
  updateDisposition,
  type WrapUpRecord,
} from '../storage/repos/dispositions.repo.js';
import { type Actor, changes, recordAudit } from './audit.service.js';
import type { Deps } from './context.js';

const toWire = (d: DispositionRecord): Disposition => ({ id: d.id, name: d.name });

export async function listAccountDispositions(deps: Deps, accountId: string, page: { after?: readonly [string, string] | undefined; limit: number }) {
  return (await listDispositions(deps.db.kysely, accountId, page)).map(toWire);
}

export async function createDisposition(deps: Deps, accountId: string, input: { name: string }, actor: Actor): Promise<Disposition> {
  return deps.db.transaction(async (tx) => {
    if (await findDispositionByName(tx, accountId, input.name)) throw conflict(`a disposition named "${input.name}" exists`);
    const d: DispositionRecord = { id: newId(), accountId, name: input.name, deleted: false, createdAt: deps.clock.now() };
    await insertDisposition(tx, d);
    await recordAudit(tx, deps.clock.now(), {
      accountId,
      ...actor,
      action: 'disposition.created',
      targetType: 'disposition',
      targetId: d.id,
      details: toWire(d),
    });
    return toWire(d);
  });
}

export async function patchDisposition(deps: Deps, accountId: string, id: string, patch: UpdateDispositionRequest, actor: Actor): Promise<Disposition> {
  return deps.db.transaction(async (tx) => {
    const d = await findDisposition(tx, accountId, id);
    if (!d) throw notFound('disposition');
    if (patch.name !== undefined && patch.name !== d.name && (await findDispositionByName(tx, accountId, patch.name))) {
      throw conflict(`a disposition named "${patch.name}" exists`);
    }
    const next = { ...d, name: patch.name ?? d.name };
    await updateDisposition(tx, next);
    await recordAudit(tx, deps.clock.now(), {
      accountId,
      ...actor,
      action: 'disposition.updated',
      targetType: 'disposition',
      targetId: id,
      details: changes(toWire(d), toWire(next)),
    });
    return toWire(next);
  });
}

/** Deleted dispositions leave the close dialog; past wrap-ups and the reports keep their name. */
export async function removeDisposition(deps: Deps, accountId: string, id: string, actor: Actor): Promise<void> {
  await deps.db.transaction(async (tx) => {
    const d = await findDisposition(tx, accountId, id);
    if (!d) throw notFound('disposition');
    await updateDisposition(tx, { ...d, deleted: true });
    await recordAudit(tx, deps.clock.now(), {
      accountId,
      ...actor,
      action: 'disposition.deleted',
      targetType: 'disposition',
      targetId: id,
      details: { name: d.name },
    });
  });
}

/**
 * The wrap-up of an agent's (or manager's) close, checked before the close: every disposition must
 * be one of the account's, and one is needed when the skill requires it (400, nothing changes).
 * Null when nothing was given (and nothing is required).
 */
export async function checkWrapUpIn(
  tx: Tx,
  accountId: string,
  conversationId: string,
  skill: SkillOverrides | null,
  input: CloseConversationRequest,
  now: number,
): Promise<WrapUpRecord | null> {
  const ids = [...new Set(input.dispositionIds ?? [])];
  const found = (await findDispositionsByIds(tx, accountId, ids)).filter((d) => !d.deleted);
  if (found.length !== ids.length) throw invalid('unknown disposition', 'dispositionIds');
  if (skill?.wrapUp?.required && ids.length === 0) throw invalid('choose a disposition to close conversations of this skill', 'dispositionIds');
  const note = input.wrapUpNote?.trim() || null;
  if (ids.length === 0 && note === null) return null;
  return { conversationId, accountId, dispositionIds: ids, note, closedAt: now };
}

/** A conversation's wrap-up with the names of its dispositions (deleted ones too). */
export async function wrapUpOf(tx: Tx, accountId: string, conversationId: string): Promise<WrapUp | null> {
  const w = await findWrapUp(tx, accountId, conversationId);
  if (!w) return null;
  const names = new Map((await findDispositionsByIds(tx, accountId, w.dispositionIds)).map((d) => [d.id, d.name]));
  return {
    dispositions: w.dispositionIds.flatMap((id) => (names.has(id) ? [{ id, name: names.get(id) ?? '' }] : [])),
    note: w.note,
    at: new Date(w.closedAt).toISOString(),
  };
}

/** Closes in `[from, to)` per disposition, most used first (a close with two counts for both). */
export async function dispositionsReport(deps: Deps, accountId: string, from: number, to: number) {
  const tx = deps.db.kysely;
  const counts = new Map<string, number>();
  for (const w of await listWrapUpsClosedBetween(tx, accountId, from, to)) for (const id of w.dispositionIds) counts.set(id, (counts.get(id) ?? 0) + 1);
  const names = new Map((await findDispositionsByIds(tx, accountId, [...counts.keys()])).map((d) => [d.id, d.name]));
  return [...counts]
    .map(([dispositionId, count]) => ({ dispositionId, name: names.get(dispositionId) ?? dispositionId, count }))
    .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
}
