import { z } from 'zod';

/** Request bodies of routes whose schema is not one of schemas.ts: the routes validate with them, the typed client sends them. */

/** `POST /api/v1/conversations/{id}/transfer`: to a skill's queue or to an agent. */
export const TransferRequest = z.strictObject({ skillId: z.string().min(1).max(100).optional(), agentId: z.string().min(1).max(100).optional() });

/** `PUT /api/v1/conversations/{id}/sla`: the manual SLA's due time. */
export const SetSlaRequest = z.strictObject({ dueAt: z.iso.datetime({ offset: true }) });

/** Values are checked per question type by the survey rules (domain/surveys.ts), after the conversation is known to be the consumer's. */
export const SubmitSurveyRequest = z.strictObject({
  answers: z
    .record(z.string().min(1).max(64), z.union([z.number(), z.string().max(10_000)]))
    .refine((a) => Object.keys(a).length <= 50, 'at most 50 answers')
    .describe('question id → value: csat an integer 1–5, nps an integer 0–10, text a string of at most 2000 characters, choice one of its choices'),
});
export type SubmitSurveyRequest = z.infer<typeof SubmitSurveyRequest>;
