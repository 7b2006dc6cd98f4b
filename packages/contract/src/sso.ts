import { z } from 'zod';

const accountId = z.string().min(1).max(100);

/** `GET /api/v1/auth/sso?accountId=`: what the sign-in page may know of an account's single sign-on (null: none). */
export const SsoInfo = z.object({ oidc: z.object({ label: z.string(), enforced: z.boolean() }).nullable() });
export type SsoInfo = z.infer<typeof SsoInfo>;

/** `POST /api/v1/auth/oidc/exchange`: the callback's one-time code for a session (`frameAccountId` as for the password sign-in). */
export const SsoExchangeRequest = z.strictObject({ code: z.string().min(1).max(200), frameAccountId: accountId.optional() });
export type SsoExchangeRequest = z.infer<typeof SsoExchangeRequest>;
