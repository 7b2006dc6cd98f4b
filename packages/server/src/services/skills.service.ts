import type { Skill, SkillOverrides, UpdateSkillRequest } from '@parley/contract';
import { conflict, notFound } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { deleteSkill, findSkill, findSkillByName, insertSkill, listSkills, type SkillRecord, updateSkill } from '../storage/repos/skills.repo.js';
import { type Actor, changes, recordAudit, SYSTEM_ACTOR } from './audit.service.js';
import { forgetSkill } from './caches.js';
import type { Deps } from './context.js';
import { overridesDriveTimers, scheduleTimersReevaluation } from './timers-reevaluation.service.js';

export const toWireSkill = (
  s: SkillRecord,
): Skill & {
  sla?: SkillOverrides['sla'];
  autoClose?: SkillOverrides['autoClose'];
  businessHours?: SkillOverrides['businessHours'];
  wrapUp?: SkillOverrides['wrapUp'];
} => ({
  id: s.id,
  name: s.name,
  description: s.description,
  ...(s.overrides.sla && { sla: s.overrides.sla }),
  ...(s.overrides.autoClose && { autoClose: s.overrides.autoClose }),
  ...(s.overrides.businessHours && { businessHours: s.overrides.businessHours }),
  ...(s.overrides.wrapUp && { wrapUp: s.overrides.wrapUp }),
});

export async function createSkill(deps: Deps, accountId: string, input: { name: string; description: string } & SkillOverrides, actor: Actor = SYSTEM_ACTOR) {
  return deps.db.transaction(async (tx) => {
    if (await findSkillByName(tx, accountId, input.name)) throw conflict(`a skill named "${input.name}" exists`);
    const s: SkillRecord = {
      id: newId(),
      accountId,
      name: input.name,
      description: input.description,
      overrides: {
        ...(input.sla && { sla: input.sla }),
        ...(input.autoClose && { autoClose: input.autoClose }),
        ...(input.businessHours && { businessHours: input.businessHours }),
        ...(input.wrapUp && { wrapUp: input.wrapUp }),
      },
      createdAt: deps.clock.now(),
    };
    await insertSkill(tx, s);
    const wire = toWireSkill(s);
    await recordAudit(tx, s.createdAt, {
      accountId,
      ...actor,
      action: 'skill.created',
      targetType: 'skill',
      targetId: s.id,
      details: { ...wire, id: undefined },
    });
    return wire;
  });
}

/** The account's skills by name; `page` reads up to `limit` after the position `[name, id]`. */
export async function listAccountSkills(deps: Deps, accountId: string, page?: { after?: readonly [string, string] | undefined; limit: number }) {
  return (await listSkills(deps.db.kysely, accountId, page)).map(toWireSkill);
}

/** Merge an override group's patch: a null field (or a null group) falls back to the account's setting. */
function mergeGroup<T extends object>(current: Partial<T> | undefined, patch: { [K in keyof T]?: T[K] | null } | null | undefined): Partial<T> | undefined {
  if (patch === null) return undefined;
  const merged = Object.fromEntries(Object.entries({ ...current, ...patch }).filter(([, v]) => v !== null && v !== undefined)) as Partial<T>;
  return Object.keys(merged).length ? merged : undefined;
}

export async function patchSkill(deps: Deps, accountId: string, id: string, patch: UpdateSkillRequest, actor: Actor = SYSTEM_ACTOR) {
  let reevaluate = false;
  const r = await deps.db.transaction(async (tx) => {
    const s = await findSkill(tx, accountId, id);
    if (!s) throw notFound('skill');
    if (patch.name !== undefined && patch.name !== s.name && (await findSkillByName(tx, accountId, patch.name))) {
      throw conflict(`a skill named "${patch.name}" exists`);
    }
    const next: SkillRecord = {
      ...s,
      name: patch.name ?? s.name,
      description: patch.description ?? s.description,
      overrides: withoutUndefined({
        sla: mergeGroup(s.overrides.sla, patch.sla),
        autoClose: mergeGroup(s.overrides.autoClose, patch.autoClose),
        // Business hours are replaced whole; null removes them (the account's apply).
        businessHours: patch.businessHours === undefined ? s.overrides.businessHours : (patch.businessHours ?? undefined),
        wrapUp: patch.wrapUp === undefined ? s.overrides.wrapUp : (patch.wrapUp ?? undefined),
      }),
    };
    await updateSkill(tx, next);
    await recordAudit(tx, deps.clock.now(), {
      accountId,
      ...actor,
      action: 'skill.updated',
      targetType: 'skill',
      targetId: id,
      details: changes(toWireSkill(s), toWireSkill(next)),
    });
    // The skill's conversations under way follow its new SLA / auto-close / business-hours overrides (swept in batches by a timer).
    if (overridesDriveTimers(s.overrides, next.overrides)) {
      await scheduleTimersReevaluation(tx, { accountId, skillId: id, idleChanged: false, now: deps.clock.now() });
      reevaluate = true;
    }
    return toWireSkill(next);
  });
  forgetSkill(deps, accountId, id);
  if (reevaluate) deps.timersChanged(deps.clock.now());
  return r;
}

const withoutUndefined = (o: SkillOverrides): SkillOverrides => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as SkillOverrides;

export async function removeSkill(deps: Deps, accountId: string, id: string, actor: Actor = SYSTEM_ACTOR): Promise<void> {
  await deps.db.transaction(async (tx) => {
    const s = await findSkill(tx, accountId, id);
    if (!s) throw notFound('skill');
    await deleteSkill(tx, accountId, id);
    await recordAudit(tx, deps.clock.now(), { accountId, ...actor, action: 'skill.deleted', targetType: 'skill', targetId: id, details: { name: s.name } });
  });
  forgetSkill(deps, accountId, id);
}
