import { z } from 'zod';
import { ALWAYS_OPEN, BusinessHours, ClosedHoursReply } from './business-hours.js';
import { DEFAULT_LANGUAGE } from './languages.js';
import { LanguageTag, LocalizedText } from './localized.js';

/** Account settings: durations in whole seconds (≥ 1) so tests and demos can run on short timers. */
const sec = z.number().int().min(1).max(31_536_000);

export const SlaTargets = z.strictObject({ defaultSec: sec, firstTimeSec: sec, urgentSec: sec });
export const AutoCloseSettings = z.strictObject({ enabled: z.boolean(), afterSec: sec });

export const SurveyQuestion = z.strictObject({
  id: z.string().min(1).max(64),
  type: z.enum(['csat', 'nps', 'text', 'choice']),
  /** One text, or one per language (`{ "en": "…", "fr": "…" }`): the consumer gets theirs, else the account's default language's. */
  text: LocalizedText(500),
  /**
   * A `choice` question's choices: each one label for every language, or one per language
   * (`{ "en": "Yes", "fr": "Oui" }`). An answer is stored as the choice's label in the account's
   * default language, so reports count a choice once whatever language it was picked in.
   */
  choices: z.array(LocalizedText(200)).min(2).max(20).optional(),
});

/**
 * A question as a consumer is asked it (a sent survey, `survey.requested`): its text and choices in
 * the consumer's language. `choiceValues` (when a choice was given per language) is what each
 * choice is stored as: its label in the account's default language. An answer may name either.
 */
export const AskedSurveyQuestion = SurveyQuestion.extend({
  text: z.string(),
  choices: z.array(z.string()).optional(),
  choiceValues: z.array(z.string()).optional(),
});
export type AskedSurveyQuestion = z.infer<typeof AskedSurveyQuestion>;

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

/** https, or http on this machine only (local test servers); empty allowed (not set). */
const serviceUrl = (message: string) =>
  z
    .string()
    .max(300)
    .refine((s) => {
      if (s === '') return true;
      try {
        const u = new URL(s);
        const local = u.hostname === '127.0.0.1' || u.hostname === 'localhost' || u.hostname === '[::1]';
        return (u.protocol === 'https:' || (u.protocol === 'http:' && local)) && !u.search && !u.hash;
      } catch {
        return false;
      }
    }, message);

/** A CRM base URL. */
const crmUrl = serviceUrl('must be an https URL such as https://acme.my.salesforce.com');

/**
 * Server-side transcript sync to Salesforce (OAuth 2.0 JWT bearer flow): on close, Parley writes the
 * transcript as a Task on the consumer's Contact (docs/salesforce.md). The private key is write-only:
 * it is set through the PATCH body's `privateKey` and never returned; `privateKeySet` says whether one is stored.
 */
export const SalesforceSettings = z.strictObject({
  enabled: z.boolean(),
  /** The org's My Domain URL for REST calls; empty: the instance_url the token endpoint answers. */
  instanceUrl: crmUrl,
  /** Token endpoint host and JWT audience: https://login.salesforce.com (or test.salesforce.com, or the My Domain). */
  loginUrl: crmUrl,
  /** The connected app's consumer key (JWT `iss`). */
  consumerKey: z.string().max(300),
  /** The integration user (JWT `sub`), pre-authorized for the connected app. */
  username: z.string().max(200),
  privateKeySet: z.boolean(),
});
export type SalesforceSettings = z.infer<typeof SalesforceSettings>;
export const CrmSettings = z.strictObject({ salesforce: SalesforceSettings });
export type CrmSettings = z.infer<typeof CrmSettings>;

export const SalesforceSettingsPatch = z.strictObject({
  enabled: z.boolean().optional(),
  instanceUrl: crmUrl.optional(),
  loginUrl: crmUrl.optional(),
  consumerKey: SalesforceSettings.shape.consumerKey.optional(),
  username: SalesforceSettings.shape.username.optional(),
  /** PEM private key (PKCS#8 or PKCS#1 RSA) of the connected app's certificate; write-only; null removes it. */
  privateKey: z.string().max(20_000).nullable().optional(),
});
export type SalesforceSettingsPatch = z.infer<typeof SalesforceSettingsPatch>;
export const CrmSettingsPatch = z.strictObject({ salesforce: SalesforceSettingsPatch.optional() });
export type CrmSettingsPatch = z.infer<typeof CrmSettingsPatch>;

export const RetentionSettings = z.strictObject({ conversationMonths: z.number().int().min(1).max(120) });
export type RetentionSettings = z.infer<typeof RetentionSettings>;
/**
 * Masking of consumer messages before anything stores, pushes or sends them: Luhn-valid card
 * numbers (`creditCards`), and the account's own patterns (RE2 syntax: no backreferences or
 * lookarounds; a pattern that matches the empty string is refused), each match → `[name]`.
 */
export const MaskingRule = z.strictObject({
  name: z.string().trim().min(1).max(64),
  pattern: z.string().min(1).max(500),
});
export type MaskingRule = z.infer<typeof MaskingRule>;
export const MaskingSettings = z.strictObject({ creditCards: z.boolean(), rules: z.array(MaskingRule).max(20) });
export type MaskingSettings = z.infer<typeof MaskingSettings>;

/** An OpenID issuer: https, or http on this machine only (test providers). */
const issuerUrl = serviceUrl('must be the https URL of an OpenID issuer such as https://login.example.com');

/**
 * Single sign-on with an OpenID Connect provider (authorization code + PKCE). The client secret is
 * write-only: set through the PATCH body's `clientSecret`, never returned; `clientSecretSet` says
 * whether one is stored. `enforce`: agents of the account may sign in only through the provider
 * (managers keep their password as break-glass).
 */
export const OidcSettings = z.strictObject({
  enabled: z.boolean(),
  issuer: issuerUrl,
  clientId: z.string().max(300),
  clientSecretSet: z.boolean(),
  /** The ID token / userinfo claim that holds the Parley username. */
  usernameClaim: z.string().min(1).max(100),
  enforce: z.boolean(),
  /** What the sign-in button says after "Sign in with" (empty: the issuer's host name). */
  label: z.string().max(60),
});
export type OidcSettings = z.infer<typeof OidcSettings>;
export const SsoSettings = z.strictObject({ oidc: OidcSettings });
export type SsoSettings = z.infer<typeof SsoSettings>;

export const OidcSettingsPatch = z.strictObject({
  enabled: z.boolean().optional(),
  issuer: issuerUrl.optional(),
  clientId: OidcSettings.shape.clientId.optional(),
  /** Write-only; null removes it. */
  clientSecret: z.string().max(1000).nullable().optional(),
  usernameClaim: OidcSettings.shape.usernameClaim.optional(),
  enforce: z.boolean().optional(),
  label: OidcSettings.shape.label.optional(),
});
export type OidcSettingsPatch = z.infer<typeof OidcSettingsPatch>;
export const SsoSettingsPatch = z.strictObject({ oidc: OidcSettingsPatch.optional() });
export type SsoSettingsPatch = z.infer<typeof SsoSettingsPatch>;

export const AccountSettings = z.object({
  /** The account's default consumer language (BCP 47): automatic messages and surveys fall back to it. */
  language: LanguageTag,
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
  crm: CrmSettings,
  /** Closed conversations older than this are deleted with their messages, files, notes and survey answers (daily; reports keep their aggregates). */
  retention: RetentionSettings,
  masking: MaskingSettings,
  sso: SsoSettings,
  /** The audit log's own retention: entries older than this many months are deleted daily. */
  audit: z.strictObject({ retentionMonths: z.number().int().min(1).max(120) }),
  /** Set through `PUT /api/v1/business-hours`; SLA and auto-close clocks run only in open hours. */
  businessHours: BusinessHours,
  /** Sent once per conversation to a channel consumer who writes while the account (or skill) is closed. */
  closedHoursReply: ClosedHoursReply,
});
export type AccountSettings = z.infer<typeof AccountSettings>;

export const DEFAULT_ACCOUNT_SETTINGS: AccountSettings = {
  language: DEFAULT_LANGUAGE,
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
  crm: {
    salesforce: { enabled: false, instanceUrl: '', loginUrl: 'https://login.salesforce.com', consumerKey: '', username: '', privateKeySet: false },
  },
  retention: { conversationMonths: 13 },
  masking: { creditCards: true, rules: [] },
  sso: {
    oidc: { enabled: false, issuer: '', clientId: '', clientSecretSet: false, usernameClaim: 'preferred_username', enforce: false, label: '' },
  },
  audit: { retentionMonths: 24 },
  businessHours: ALWAYS_OPEN,
  closedHoursReply: { enabled: true, text: "We're closed right now. We have your message and will answer as soon as we open." },
};

/** PATCH body: every field optional, nested objects merged; unknown fields rejected. */
export const AccountSettingsPatch = z.strictObject({
  language: LanguageTag.optional(),
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
  crm: CrmSettingsPatch.optional(),
  retention: RetentionSettings.partial().optional(),
  masking: MaskingSettings.partial().optional(),
  sso: SsoSettingsPatch.optional(),
  audit: AccountSettings.shape.audit.partial().optional(),
  closedHoursReply: ClosedHoursReply.partial().optional(),
});
export type AccountSettingsPatch = z.infer<typeof AccountSettingsPatch>;

/** Per-skill overrides. */
export const SkillOverrides = z.strictObject({
  sla: SlaTargets.partial().optional(),
  autoClose: AutoCloseSettings.partial().optional(),
  /** The skill's own business hours instead of the account's. */
  businessHours: BusinessHours.optional(),
  /** Closing needs a disposition (agents and managers; consumer and automatic closes are exempt). */
  wrapUp: z.strictObject({ required: z.boolean() }).optional(),
});
export type SkillOverrides = z.infer<typeof SkillOverrides>;
