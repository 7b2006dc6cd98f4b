import { z } from 'zod';

/** One entry of the audit log (`GET /api/v1/audit`, API.md "Enterprise controls"). */
export const AuditEntry = z.object({
  id: z.string(),
  at: z.string().describe('ISO time'),
  actorType: z.enum(['user', 'api_key', 'system']),
  actorId: z.string().nullable(),
  action: z.string().describe('e.g. auth.login, user.created, settings.updated, skill.deleted'),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  ip: z.string().nullable().describe('the client address (as PARLEY_TRUST_PROXY derives it)'),
  details: z.record(z.string(), z.unknown()).describe('a compact diff; secrets and passwords never appear'),
});
export type AuditEntry = z.infer<typeof AuditEntry>;
