import { z } from 'zod';

/** Account settings: durations in whole seconds (≥ 1) so tests and demos can run on short timers. */
const sec = z.number().int().min(1).max(31_536_000);

export const SlaTargets = z.strictObject({ defaultSec: sec, firstTimeSec: sec, urgentSec: sec });
export const AutoCloseSettings = z.strictObject({ enabled: z.boolean(), afterSec: sec });

export const SurveyQuestion = z.strictObject({
  id: z.string().min(1).max(64),
  type: z.enum(['csat', 'nps', 'text', 'choice']),
  text: z.string().min(1).max(500),
  choices: z.array(z.string().min(1).max(200)).min(2).max(20).optional(),
});

const origin = z
  .string()
  .max(300)
  .refine((s) => {
    try {
      const u = new URL(s);
      return (u.protocol === 'https:' || u.protocol === 'http:') && u.origin === s.replace(/\/$/, '');
    } catch {
      return false;
    }
  }, 'must be an origin such as https://example.my.salesforce.com');

export const AccountSettings = z.object({
  acceptMode: z.enum(['auto', 'ring']),
  ringTimeoutSec: sec,
  awayOnMissedRing: z.boolean(),
  warmUp: z.strictObject({ enabled: z.boolean(), intervalSec: sec, shiftGapSec: sec }),
  sla: SlaTargets,
  idleAfterSec: sec,
  dynamicCapacity: z.strictObject({ enabled: z.boolean(), idleWeight: z.number().min(0).max(1) }),
  transferFallbackSec: sec,
  autoClose: AutoCloseSettings,
  closedRetentionHours: z.number().int().min(24).max(336),
  historyMonths: z.number().int().min(1).max(13),
  survey: z.strictObject({
    enabled: z.boolean(),
    onAutoClose: z.boolean(),
    timeoutSec: sec,
    questions: z.array(SurveyQuestion).max(20),
  }),
  allowedFrameAncestors: z.array(origin).max(50),
});
export type AccountSettings = z.infer<typeof AccountSettings>;

export const DEFAULT_ACCOUNT_SETTINGS: AccountSettings = {
  acceptMode: 'auto',
  ringTimeoutSec: 30,
  awayOnMissedRing: false,
  warmUp: { enabled: false, intervalSec: 90, shiftGapSec: 3600 },
  sla: { defaultSec: 3600, firstTimeSec: 1800, urgentSec: 600 },
  idleAfterSec: 240,
  dynamicCapacity: { enabled: false, idleWeight: 0.1 },
  transferFallbackSec: 120,
  autoClose: { enabled: true, afterSec: 86_400 },
  closedRetentionHours: 48,
  historyMonths: 13,
  survey: {
    enabled: false,
    onAutoClose: false,
    timeoutSec: 3600,
    questions: [
      { id: 'csat', type: 'csat', text: 'How satisfied are you with this conversation?' },
      { id: 'nps', type: 'nps', text: 'How likely are you to recommend us to a friend?' },
    ],
  },
  allowedFrameAncestors: [],
};

/** PATCH body: every field optional, nested objects merged; unknown fields rejected. */
export const AccountSettingsPatch = z.strictObject({
  acceptMode: AccountSettings.shape.acceptMode.optional(),
  ringTimeoutSec: sec.optional(),
  awayOnMissedRing: z.boolean().optional(),
  warmUp: AccountSettings.shape.warmUp.partial().optional(),
  sla: SlaTargets.partial().optional(),
  idleAfterSec: sec.optional(),
  dynamicCapacity: AccountSettings.shape.dynamicCapacity.partial().optional(),
  transferFallbackSec: sec.optional(),
  autoClose: AutoCloseSettings.partial().optional(),
  closedRetentionHours: AccountSettings.shape.closedRetentionHours.optional(),
  historyMonths: AccountSettings.shape.historyMonths.optional(),
  survey: AccountSettings.shape.survey.partial().optional(),
  allowedFrameAncestors: AccountSettings.shape.allowedFrameAncestors.optional(),
});
export type AccountSettingsPatch = z.infer<typeof AccountSettingsPatch>;

/** Per-skill overrides. */
export const SkillOverrides = z.strictObject({
  sla: SlaTargets.partial().optional(),
  autoClose: AutoCloseSettings.partial().optional(),
});
export type SkillOverrides = z.infer<typeof SkillOverrides>;
