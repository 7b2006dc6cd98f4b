import type { AccountSettings, SkillOverrides } from '@parley/contract';

export interface SlaContext {
  /** The consumer has no earlier conversation. */
  firstTime: boolean;
  urgent: boolean;
}

/** Response-time targets: account defaults, overridden field by field by the skill. */
export function effectiveSla(settings: AccountSettings, skill: SkillOverrides | null): AccountSettings['sla'] {
  return { ...settings.sla, ...(skill?.sla ?? {}) };
}

/** Seconds the agent has to answer. Urgent wins over first-time, first-time over default. */
export function slaTargetSec(sla: AccountSettings['sla'], ctx: SlaContext): number {
  if (ctx.urgent) return sla.urgentSec;
  if (ctx.firstTime) return sla.firstTimeSec;
  return sla.defaultSec;
}

export function effectiveAutoClose(settings: AccountSettings, skill: SkillOverrides | null): AccountSettings['autoClose'] {
  return { ...settings.autoClose, ...(skill?.autoClose ?? {}) };
}
