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

/**
 * The live dashboard counts a conversation "soon overdue" when its deadline is this close; the
 * agent's Active list flags it from 5 minutes (`SOON_OVERDUE_MS`, domain/conversation.ts).
 */
export const DASHBOARD_SOON_OVERDUE_MS = 60_000;

/**
 * Where a conversation under way stands on the live dashboard: `overdue`, `soon` overdue or
 * neither (`null`). Only a conversation awaiting the agent counts, by its manual deadline when it
 * has one, else the computed SLA; one awaiting the consumer does not (the Active list, by
 * `effectiveDueAt`, also shows a manual deadline while the consumer is to answer).
 */
export function dashboardDeadline(
  c: { awaiting: 'agent' | 'consumer'; manualSlaAt: number | null; slaDueAt: number | null },
  now: number,
): 'overdue' | 'soon' | null {
  const due = c.manualSlaAt ?? c.slaDueAt;
  if (c.awaiting !== 'agent' || due === null) return null;
  if (due <= now) return 'overdue';
  return due - now <= DASHBOARD_SOON_OVERDUE_MS ? 'soon' : null;
}
