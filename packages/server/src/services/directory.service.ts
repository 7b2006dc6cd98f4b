import type { DirectoryAgent, DirectorySkill } from '@parley/contract';
import { listAgentWork } from '../storage/repos/conversations.repo.js';
import { queuedPerSkill } from '../storage/repos/queue.repo.js';
import { searchSkills } from '../storage/repos/skills.repo.js';
import { searchActiveUsers } from '../storage/repos/users.repo.js';
import type { Deps } from './context.js';
import type { UserPrincipal } from './principal.js';

/** Where a directory page ends: skills come first (0, by name), then agents (1, by username); then the sort key and id. */
export type DirectoryPosition = readonly [kind: 0 | 1, key: string, id: string];

/** The directory's entries are the contract's (`GET /api/v1/directory`). */
export type SkillEntry = DirectorySkill;
export type AgentEntry = DirectoryAgent;
export type DirectoryEntry = SkillEntry | AgentEntry;

/**
 * Transfer targets: skills (with queue length), then active agents other than the caller (with
 * status and load), filtered by `q`; up to `page.limit` entries after `page.after`, keyset-paginated
 * in SQL (skills by name, agents by username).
 */
export async function directory(
  deps: Deps,
  p: UserPrincipal,
  q: string | undefined,
  page: { after?: DirectoryPosition | undefined; limit: number },
): Promise<{ entry: DirectoryEntry; position: DirectoryPosition }[]> {
  const tx = deps.db.kysely;
  const after = page.after;
  const skills =
    after?.[0] === 1 ? [] : await searchSkills(tx, p.accountId, { q, after: after?.[0] === 0 ? [after[1], after[2]] : undefined, limit: page.limit });
  const room = page.limit - skills.length;
  const users =
    room > 0
      ? await searchActiveUsers(tx, p.accountId, { q, exceptId: p.userId, after: after?.[0] === 1 ? [after[1], after[2]] : undefined, limit: room })
      : [];
  const work = await listAgentWork(
    tx,
    p.accountId,
    users.map((u) => u.id),
    0,
  );
  const queueOf = skills.length ? await queuedPerSkill(tx, p.accountId) : new Map<string | null, number>();
  return [
    ...skills.map((s) => ({
      entry: { kind: 'skill' as const, id: s.id, displayName: s.name, description: s.description, queued: queueOf.get(s.id) ?? 0 },
      position: [0, s.name, s.id] as const,
    })),
    ...users.map((u) => ({
      entry: {
        kind: 'agent' as const,
        id: u.id,
        username: u.username,
        displayName: u.displayName,
        status: u.status,
        skills: u.skills,
        load: work.get(u.id)?.count ?? 0,
        maxConcurrent: u.maxConcurrent,
      },
      position: [1, u.username, u.id] as const,
    })),
  ];
}
