import type { SkillOverrides } from '@parley/contract';
import type { Tx } from '../db.js';
import { afterPosition } from '../keyset.js';
import { containsText } from '../text-search.js';
import { parseJson } from './json.js';

export interface SkillRecord {
  id: string;
  accountId: string;
  name: string;
  description: string;
  overrides: SkillOverrides;
  createdAt: number;
}

type Row = { id: string; account_id: string; name: string; description: string; overrides: string; created_at: number };
const toSkill = (r: Row): SkillRecord => ({
  id: r.id,
  accountId: r.account_id,
  name: r.name,
  description: r.description,
  overrides: parseJson(r.overrides, {}),
  createdAt: r.created_at,
});

export async function insertSkill(tx: Tx, s: SkillRecord): Promise<void> {
  await tx
    .insertInto('skills')
    .values({
      id: s.id,
      account_id: s.accountId,
      name: s.name,
      description: s.description,
      overrides: JSON.stringify(s.overrides),
      deleted: 0,
      created_at: s.createdAt,
    })
    .execute();
}

export async function findSkill(tx: Tx, accountId: string, id: string): Promise<SkillRecord | undefined> {
  const r = await tx.selectFrom('skills').selectAll().where('account_id', '=', accountId).where('id', '=', id).where('deleted', '=', 0).executeTakeFirst();
  return r ? toSkill(r) : undefined;
}

export async function findSkillByName(tx: Tx, accountId: string, name: string): Promise<SkillRecord | undefined> {
  const r = await tx.selectFrom('skills').selectAll().where('account_id', '=', accountId).where('name', '=', name).where('deleted', '=', 0).executeTakeFirst();
  return r ? toSkill(r) : undefined;
}

/** The skills of an account by name (then id); with `page`, up to `limit` of them after the position `[name, id]`. */
export async function listSkills(tx: Tx, accountId: string, page?: { after?: readonly [string, string] | undefined; limit: number }): Promise<SkillRecord[]> {
  let q = tx.selectFrom('skills').selectAll().where('account_id', '=', accountId).where('deleted', '=', 0);
  const after = page?.after;
  if (after) {
    q = q.where((eb) =>
      afterPosition(eb, [
        { column: 'name', direction: 'asc', value: after[0] },
        { column: 'id', direction: 'asc', value: after[1] },
      ]),
    );
  }
  const rows = await q
    .orderBy('name')
    .orderBy('id')
    .$if(page !== undefined, (qb) => qb.limit(page?.limit ?? 0))
    .execute();
  return rows.map(toSkill);
}

/**
 * Skills whose name or description contains `q` (case-insensitive; LIKE wildcards in `q` are
 * ignored), by name then id, up to `limit` after the position `[name, id]`: the transfer directory.
 */
export async function searchSkills(
  tx: Tx,
  accountId: string,
  f: { q?: string | undefined; after?: readonly [string, string] | undefined; limit: number },
): Promise<SkillRecord[]> {
  let q = tx.selectFrom('skills').selectAll().where('account_id', '=', accountId).where('deleted', '=', 0);
  if (f.q?.trim()) q = q.where((eb) => containsText(eb, ['name', 'description'], f.q) ?? eb.val(true));
  const after = f.after;
  if (after) {
    q = q.where((eb) =>
      afterPosition(eb, [
        { column: 'name', direction: 'asc', value: after[0] },
        { column: 'id', direction: 'asc', value: after[1] },
      ]),
    );
  }
  const rows = await q.orderBy('name').orderBy('id').limit(f.limit).execute();
  return rows.map(toSkill);
}

export async function updateSkill(tx: Tx, s: SkillRecord): Promise<void> {
  await tx
    .updateTable('skills')
    .set({ name: s.name, description: s.description, overrides: JSON.stringify(s.overrides) })
    .where('account_id', '=', s.accountId)
    .where('id', '=', s.id)
    .execute();
}

export async function deleteSkill(tx: Tx, accountId: string, id: string): Promise<void> {
  await tx.updateTable('skills').set({ deleted: 1 }).where('account_id', '=', accountId).where('id', '=', id).execute();
  await tx.deleteFrom('user_skills').where('account_id', '=', accountId).where('skill_id', '=', id).execute();
}
