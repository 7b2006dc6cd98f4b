import { randomBytes } from 'node:crypto';
import {
  type AccountSettings,
  type AccountSettingsPatch,
  DEFAULT_ACCOUNT_SETTINGS,
  missingDefaultLanguage,
  pickText,
  type TextByLanguage,
} from '@parley/contract';
import { DomainError, invalidFields, notFound } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { nextRetentionRunAt } from '../domain/retention.js';
import { findAccount, insertAccount, saveIdentitySecret, saveSettings } from '../storage/repos/accounts.repo.js';
import { scheduleTimer } from '../storage/repos/timers.repo.js';
import { findUserByUsername, insertUser } from '../storage/repos/users.repo.js';
import { type Actor, changes, REDACTED, recordAudit, SYSTEM_ACTOR, scheduleAuditRetentionIn } from './audit.service.js';
import { forgetAccount } from './caches.js';
import type { Deps } from './context.js';
import { applyCrmPatchIn, assertCrmUrls } from './crm-sync.service.js';
import { assertMaskingRules } from './masking.service.js';
import { hashPassword } from './passwords.js';
import { applySsoPatchIn, assertSsoUrls } from './sso.service.js';
import { scheduleTimersReevaluation, settingsDriveTimers } from './timers-reevaluation.service.js';

export async function createAccount(
  deps: Deps,
  input: { name: string; adminUsername: string; adminPassword: string; accountId?: string },
): Promise<{ accountId: string; userId: string }> {
  const now = deps.clock.now();
  const accountId = input.accountId ?? newId();
  const userId = newId();
  const passwordHash = await hashPassword(input.adminPassword);
  await deps.db.transaction(async (tx) => {
    if (await findAccount(tx, accountId)) throw new DomainError('conflict', 'account already exists');
    await insertAccount(tx, {
      id: accountId,
      name: input.name,
      settings: DEFAULT_ACCOUNT_SETTINGS,
      identitySecret: randomBytes(32).toString('base64url'),
      createdAt: now,
    });
    await scheduleAuditRetentionIn(tx, accountId, now);
    if (await findUserByUsername(tx, accountId, input.adminUsername)) throw new DomainError('conflict', 'username taken');
    await insertUser(tx, {
      id: userId,
      accountId,
      username: input.adminUsername,
      displayName: input.adminUsername,
      passwordHash,
      role: 'manager',
      maxConcurrent: 5,
      status: 'offline',
      active: true,
      settings: {},
      skills: [],
      lastAssignedAt: null,
      warmupStartedAt: null,
      statusChangedAt: now,
      createdAt: now,
    });
    // The daily retention pass (services/retention.service.ts).
    await scheduleTimer(tx, { kind: 'retention', subjectId: accountId, accountId, dueAt: nextRetentionRunAt(now), payload: {} });
  });
  return { accountId, userId };
}

export async function getSettings(deps: Deps, accountId: string): Promise<AccountSettings> {
  const a = await findAccount(deps.db.kysely, accountId);
  if (!a) throw notFound('account');
  return a.settings;
}

/** Merge a validated patch into the settings; nested objects merge field by field. */
export function mergeSettingsPatch(s: AccountSettings, p: AccountSettingsPatch): AccountSettings {
  return {
    ...s,
    ...(p.language !== undefined && { language: p.language }),
    ...(p.acceptMode !== undefined && { acceptMode: p.acceptMode }),
    ...(p.ringTimeoutSec !== undefined && { ringTimeoutSec: p.ringTimeoutSec }),
    ...(p.awayOnMissedRing !== undefined && { awayOnMissedRing: p.awayOnMissedRing }),
    ...(p.idleAfterSec !== undefined && { idleAfterSec: p.idleAfterSec }),
    ...(p.transferFallbackSec !== undefined && { transferFallbackSec: p.transferFallbackSec }),
    ...(p.closedRetentionHours !== undefined && { closedRetentionHours: p.closedRetentionHours }),
    ...(p.historyMonths !== undefined && { historyMonths: p.historyMonths }),
    ...(p.allowedFrameAncestors !== undefined && { allowedFrameAncestors: p.allowedFrameAncestors }),
    warmUp: { ...s.warmUp, ...p.warmUp },
    sla: { ...s.sla, ...p.sla },
    dynamicCapacity: { ...s.dynamicCapacity, ...p.dynamicCapacity },
    autoClose: { ...s.autoClose, ...p.autoClose },
    survey: { ...s.survey, ...p.survey },
    retention: { ...s.retention, ...p.retention },
    masking: { ...s.masking, ...p.masking },
    audit: { ...s.audit, ...p.audit },
    closedHoursReply: { ...s.closedHoursReply, ...p.closedHoursReply },
  };
}

/**
 * Every text written per language has one in the account's default language (the fallback for a
 * consumer whose language is not among them); a plain string stands for every language.
 */
function assertDefaultLanguageTexts(s: AccountSettings, patch: AccountSettingsPatch): void {
  // choices alike: checked when the questions or the default language change (settings saved before the rule stay editable otherwise)
  const checkClashes = patch.survey?.questions !== undefined || patch.language !== undefined;
  const lang = s.language;
  const issues: { path: (string | number)[]; message: string }[] = [];
  const need = `give the text in the account's default language (${lang}) too, or one plain text`;
  if (missingDefaultLanguage(s.closedHoursReply.text, lang)) issues.push({ path: ['closedHoursReply', 'text'], message: need });
  s.survey.questions.forEach((q, i) => {
    if (missingDefaultLanguage(q.text, lang)) issues.push({ path: ['survey', 'questions', i, 'text'], message: need });
    q.choices?.forEach((c, j) => {
      if (missingDefaultLanguage(c, lang)) issues.push({ path: ['survey', 'questions', i, 'choices', j], message: need });
    });
    const clash = checkClashes && q.choices && clashingChoices(q.choices, lang);
    if (clash) issues.push({ path: ['survey', 'questions', i, 'choices'], message: `two choices read the same in ${clash}: each must differ` });
  });
  if (issues.length) throw invalidFields('body', issues);
}

/**
 * The first language in which two choices would show (or be stored as) the same label, if any: a
 * reply by label and the reports could not tell them apart (compared case-insensitively).
 */
function clashingChoices(choices: readonly TextByLanguage[], defaultLanguage: string): string | undefined {
  const languages = new Set<string>([defaultLanguage]);
  for (const c of choices) if (typeof c !== 'string') for (const l of Object.keys(c)) languages.add(l);
  for (const l of languages) {
    const labels = choices.map((c) => pickText(c, l, defaultLanguage).toLocaleLowerCase());
    if (new Set(labels).size < labels.length) return l;
  }
  return undefined;
}

export async function patchSettings(deps: Deps, accountId: string, patch: AccountSettingsPatch, actor: Actor = SYSTEM_ACTOR): Promise<AccountSettings> {
  await assertCrmUrls(deps, patch.crm);
  await assertSsoUrls(deps, patch.sso);
  if (patch.masking?.rules) assertMaskingRules(patch.masking.rules);
  let reevaluate = false;
  const next = await deps.db.transaction(async (tx) => {
    const a = await findAccount(tx, accountId);
    if (!a) throw notFound('account');
    const merged = mergeSettingsPatch(a.settings, patch);
    assertDefaultLanguageTexts(merged, patch);
    if (patch.crm) merged.crm = await applyCrmPatchIn(tx, accountId, a.settings.crm, patch.crm, deps.clock.now());
    if (patch.sso) merged.sso = await applySsoPatchIn(tx, accountId, a.settings.sso, patch.sso, deps.clock.now());
    await saveSettings(tx, accountId, merged);
    const diff: Record<string, unknown> = changes(a.settings, merged);
    if (patch.crm?.salesforce?.privateKey !== undefined) diff['crm.salesforce.privateKey'] = REDACTED;
    if (patch.sso?.oidc?.clientSecret !== undefined) diff['sso.oidc.clientSecret'] = REDACTED;
    if (Object.keys(diff).length) {
      await recordAudit(tx, deps.clock.now(), { accountId, ...actor, action: 'settings.updated', targetType: 'account', targetId: accountId, details: diff });
    }
    // Conversations under way follow the new SLA / auto-close / idle settings (swept in batches by a timer).
    if (settingsDriveTimers(a.settings, merged)) {
      await scheduleTimersReevaluation(tx, { accountId, skillId: null, idleChanged: a.settings.idleAfterSec !== merged.idleAfterSec, now: deps.clock.now() });
      reevaluate = true;
    }
    return merged;
  });
  forgetAccount(deps, accountId);
  if (reevaluate) deps.timersChanged(deps.clock.now());
  deps.kickRouting(accountId);
  return next;
}

/** The secret brands sign consumer identity tokens with (HS256, key = the secret's UTF-8 bytes). */
export async function getIdentitySecret(deps: Deps, accountId: string): Promise<{ secret: string }> {
  const a = await findAccount(deps.db.kysely, accountId);
  if (!a) throw notFound('account');
  return { secret: a.identitySecret };
}

/** A new identity secret: tokens signed with the old one stop working at once (sessions already made stay valid). */
export async function rotateIdentitySecret(deps: Deps, accountId: string, actor: Actor = SYSTEM_ACTOR): Promise<{ secret: string }> {
  const secret = randomBytes(32).toString('base64url');
  await deps.db.transaction(async (tx) => {
    if (!(await findAccount(tx, accountId))) throw notFound('account');
    await saveIdentitySecret(tx, accountId, secret);
    await recordAudit(tx, deps.clock.now(), { accountId, ...actor, action: 'identity_secret.rotated', targetType: 'account', targetId: accountId });
  });
  forgetAccount(deps, accountId);
  return { secret };
}
