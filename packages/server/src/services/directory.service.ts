import { listAgentWork } from '../storage/repos/conversations.repo.js';
import { listSkills } from '../storage/repos/skills.repo.js';
import { listUsers } from '../storage/repos/users.repo.js';
import type { Deps } from './context.js';
import type { UserPrincipal } from './principal.js';

/** Transfer targets: skills (with queue length) and active agents (with status and load), filtered by `q`. */
export async function directory(deps: Deps, p: UserPrincipal, q: string | undefined) {
  const tx = deps.db.kysely;
  const needle = q?.trim().toLowerCase() ?? '';
  const match = (s: string) => !needle || s.toLowerCase().includes(needle);
  const skills = (await listSkills(tx, p.accountId)).filter((s) => match(s.name) || match(s.description));
  const users = (await listUsers(tx, p.accountId)).filter((u) => u.active && u.id !== p.userId && (match(u.displayName) || match(u.username)));
  const work = await listAgentWork(
    tx,
    p.accountId,
    users.map((u) => u.id),
    0,
  );
  const queued = await tx
    .selectFrom('conversations')
    .select(['skill_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('account_id', '=', p.accountId)
    .where('state', '=', 'queued')
    .groupBy('skill_id')
    .execute();
  const queueOf = new Map(queued.map((r) => [r.skill_id, Number(r.n)]));
  return {
    skills: skills.map((s) => ({ kind: 'skill' as const, id: s.id, displayName: s.name, description: s.description, queued: queueOf.get(s.id) ?? 0 })),
    agents: users.map((u) => ({
      kind: 'agent' as const,
      id: u.id,
      username: u.username,
      displayName: u.displayName,
      status: u.status,
      skills: u.skills,
      load: work.get(u.id)?.count ?? 0,
      maxConcurrent: u.maxConcurrent,
    })),
  };
}
