import type { AgentStatus, Role, UserSettings } from '@parley/contract';
import type { Selectable } from 'kysely';
import type { Tx } from '../db.js';
import { afterPosition } from '../keyset.js';
import type { UsersTable } from '../schema.js';
import { containsText } from '../text-search.js';
import { parseJson } from './json.js';

export interface UserRecord {
  id: string;
  accountId: string;
  username: string;
  displayName: string;
  passwordHash: string;
  role: Role;
  maxConcurrent: number;
  status: AgentStatus;
  active: boolean;
  settings: UserSettings;
  skills: string[];
  lastAssignedAt: number | null;
  /** Start of the current warm-up (shift start), or null when not warming up. */
  warmupStartedAt: number | null;
  statusChangedAt: number;
  createdAt: number;
}

/** A row as stored; the shape is defined once, in storage/schema.ts. */
type Row = Selectable<UsersTable>;

const toUser = (r: Row, skills: string[]): UserRecord => ({
  id: r.id,
  accountId: r.account_id,
  username: r.username,
  displayName: r.display_name,
  passwordHash: r.password_hash,
  role: r.role as Role,
  maxConcurrent: r.max_concurrent,
  status: r.status as AgentStatus,
  active: r.active === 1,
  settings: parseJson(r.settings, {}),
  skills,
  lastAssignedAt: r.last_assigned_at,
  warmupStartedAt: r.warmup_started_at,
  statusChangedAt: r.status_changed_at,
  createdAt: r.created_at,
});

/** The columns an update may change (all but the ids, the username and created_at). */
const changeableColumns = (u: UserRecord) => ({
  display_name: u.displayName,
  password_hash: u.passwordHash,
  role: u.role,
  max_concurrent: u.maxConcurrent,
  status: u.status,
  active: u.active ? 1 : 0,
  settings: JSON.stringify(u.settings),
  last_assigned_at: u.lastAssignedAt,
  warmup_started_at: u.warmupStartedAt,
  status_changed_at: u.statusChangedAt,
});

export async function insertUser(tx: Tx, u: UserRecord): Promise<void> {
  await tx
    .insertInto('users')
    .values({ id: u.id, account_id: u.accountId, username: u.username, ...changeableColumns(u), created_at: u.createdAt })
    .execute();
  await setUserSkills(tx, u.accountId, u.id, u.skills);
}

export async function setUserSkills(tx: Tx, accountId: string, userId: string, skills: string[]): Promise<void> {
  await tx.deleteFrom('user_skills').where('account_id', '=', accountId).where('user_id', '=', userId).execute();
  const unique = [...new Set(skills)];
  if (unique.length) {
    await tx
      .insertInto('user_skills')
      .values(unique.map((skill_id) => ({ account_id: accountId, user_id: userId, skill_id })))
      .execute();
  }
}

async function skillsOf(tx: Tx, accountId: string, userIds: string[]): Promise<Map<string, string[]>> {
  const map = new Map<string, string[]>();
  if (!userIds.length) return map;
  const rows = await tx
    .selectFrom('user_skills')
    .innerJoin('skills', 'skills.id', 'user_skills.skill_id')
    .select(['user_skills.user_id', 'user_skills.skill_id'])
    .where('user_skills.account_id', '=', accountId)
    .where('user_skills.user_id', 'in', userIds)
    .where('skills.deleted', '=', 0)
    .orderBy('user_skills.skill_id')
    .execute();
  for (const r of rows) {
    const list = map.get(r.user_id) ?? [];
    list.push(r.skill_id);
    map.set(r.user_id, list);
  }
  return map;
}

/** Rows to records, with the skills of all of them read in one query. */
async function withSkills(tx: Tx, accountId: string, rows: Row[]): Promise<UserRecord[]> {
  const skills = await skillsOf(
    tx,
    accountId,
    rows.map((r) => r.id),
  );
  return rows.map((r) => toUser(r, skills.get(r.id) ?? []));
}

async function findUserBy(tx: Tx, accountId: string, column: 'id' | 'username', value: string): Promise<UserRecord | undefined> {
  const r = await tx.selectFrom('users').selectAll().where('account_id', '=', accountId).where(column, '=', value).executeTakeFirst();
  if (!r) return undefined;
  return (await withSkills(tx, accountId, [r]))[0];
}

export const findUser = (tx: Tx, accountId: string, id: string) => findUserBy(tx, accountId, 'id', id);
export const findUserByUsername = (tx: Tx, accountId: string, username: string) => findUserBy(tx, accountId, 'username', username);

/** Display names of the given users of an account, by id (one query). */
export async function displayNames(tx: Tx, accountId: string, ids: readonly string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const rows = await tx.selectFrom('users').select(['id', 'display_name']).where('account_id', '=', accountId).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r.display_name]));
}

/** The users of an account by username (then id); with `page`, up to `limit` of them after the position `[username, id]`. */
export async function listUsers(tx: Tx, accountId: string, page?: { after?: readonly [string, string] | undefined; limit: number }): Promise<UserRecord[]> {
  let q = tx.selectFrom('users').selectAll().where('account_id', '=', accountId);
  const after = page?.after;
  if (after) {
    q = q.where((eb) =>
      afterPosition(eb, [
        { column: 'username', direction: 'asc', value: after[0] },
        { column: 'id', direction: 'asc', value: after[1] },
      ]),
    );
  }
  const rows = await q
    .orderBy('username')
    .orderBy('id')
    .$if(page !== undefined, (qb) => qb.limit(page?.limit ?? 0))
    .execute();
  return withSkills(tx, accountId, rows);
}

/**
 * Active users other than `exceptId` whose display name or username contains `q` (case-insensitive;
 * LIKE wildcards in `q` are ignored), by username then id, up to `limit` after the position
 * `[username, id]`: the transfer directory.
 */
export async function searchActiveUsers(
  tx: Tx,
  accountId: string,
  f: { q?: string | undefined; exceptId: string; after?: readonly [string, string] | undefined; limit: number },
): Promise<UserRecord[]> {
  let q = tx.selectFrom('users').selectAll().where('account_id', '=', accountId).where('active', '=', 1).where('id', '!=', f.exceptId);
  if (f.q?.trim()) q = q.where((eb) => containsText(eb, ['display_name', 'username'], f.q) ?? eb.val(true));
  const after = f.after;
  if (after) {
    q = q.where((eb) =>
      afterPosition(eb, [
        { column: 'username', direction: 'asc', value: after[0] },
        { column: 'id', direction: 'asc', value: after[1] },
      ]),
    );
  }
  const rows = await q.orderBy('username').orderBy('id').limit(f.limit).execute();
  return withSkills(tx, accountId, rows);
}

export async function updateUser(tx: Tx, u: UserRecord): Promise<void> {
  await tx.updateTable('users').set(changeableColumns(u)).where('account_id', '=', u.accountId).where('id', '=', u.id).execute();
}

export async function touchLastAssigned(tx: Tx, accountId: string, userId: string, at: number): Promise<void> {
  await tx.updateTable('users').set({ last_assigned_at: at }).where('account_id', '=', accountId).where('id', '=', userId).execute();
}

/** Users who could take a conversation of `skillId` (any status: the router explains who is not eligible). */
export async function listSkillAgents(tx: Tx, accountId: string, skillId: string | null): Promise<UserRecord[]> {
  let q = tx.selectFrom('users').selectAll('users').where('users.account_id', '=', accountId).where('users.active', '=', 1);
  if (skillId !== null) {
    q = q.where((eb) =>
      eb.exists(
        eb.selectFrom('user_skills').select('user_skills.user_id').whereRef('user_skills.user_id', '=', 'users.id').where('user_skills.skill_id', '=', skillId),
      ),
    );
  }
  return withSkills(tx, accountId, await q.orderBy('users.id').execute());
}
