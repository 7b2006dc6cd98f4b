import type { CloseConversationRequest, Disposition, SkillOverrides, UpdateDispositionRequest, WrapUp } from '@parley/contract';
import { invalid } from '../domain/errors.js';
import type { Tx } from '../storage/db.js';
import {
  type DispositionRecord,
  dispositionsRepo,
  findDispositionsByIds,
  findWrapUp,
  listWrapUpsClosedBetween,
  type WrapUpRecord,
} from '../storage/repos/dispositions.repo.js';
import type { Deps } from './context.js';
import { namedListService } from './named-list.service.js';

const dispositions = namedListService<DispositionRecord, Disposition, { name: string }, UpdateDispositionRequest>({
  repo: dispositionsRepo,
  noun: 'disposition',
  kind: 'disposition',
  toWire: (d) => ({ id: d.id, name: d.name }),
  build: () => ({}),
  apply: (d) => d,
});

export const listAccountDispositions = dispositions.list;
export const createDisposition = dispositions.create;
export const patchDisposition = dispositions.patch;
/** Deleted dispositions leave the close dialog; past wrap-ups and the reports keep their name. */
export const removeDisposition = dispositions.remove;

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
