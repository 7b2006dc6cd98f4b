import { type Availability, type BusinessHours, pickText } from '@parley/contract';
import { isOpenAt, nextOpenAt } from '../domain/business-hours.js';
import { isWithBot } from '../domain/conversation.js';
import { sentThroughChannel } from '../domain/delivery.js';
import { invalid, notFound } from '../domain/errors.js';
import { businessHoursOf } from '../domain/timers.js';
import type { Tx } from '../storage/db.js';
import { findAccount, saveSettings } from '../storage/repos/accounts.repo.js';
import { claimClosedHoursReply } from '../storage/repos/closed-hours-replies.repo.js';
import { findConsumerLanguage } from '../storage/repos/consumers.repo.js';
import { lockConversationLight } from '../storage/repos/conversations.repo.js';
import { findSkill } from '../storage/repos/skills.repo.js';
import { type Actor, changes, recordAudit } from './audit.service.js';
import type { Deps, Outbox } from './context.js';
import { appendMessageIn } from './conversations.service.js';
import { settingsFor } from './persist.js';
import { scheduleTimersReevaluation } from './timers-reevaluation.service.js';

/** The account's business hours (open around the clock until a manager sets them). */
export async function getBusinessHours(deps: Deps, accountId: string): Promise<BusinessHours> {
  const a = await findAccount(deps.db.kysely, accountId);
  if (!a) throw notFound('account');
  return a.settings.businessHours;
}

/** Replace the account's business hours; the clocks of conversations under way are re-timed under them. */
export async function putBusinessHours(deps: Deps, accountId: string, hours: BusinessHours, actor: Actor): Promise<BusinessHours> {
  let changed = false;
  await deps.db.transaction(async (tx) => {
    const a = await findAccount(tx, accountId);
    if (!a) throw notFound('account');
    changed = JSON.stringify(a.settings.businessHours) !== JSON.stringify(hours);
    if (!changed) return;
    await saveSettings(tx, accountId, { ...a.settings, businessHours: hours });
    await recordAudit(tx, deps.clock.now(), {
      accountId,
      ...actor,
      action: 'business_hours.updated',
      targetType: 'account',
      targetId: accountId,
      details: changes(a.settings.businessHours, hours),
    });
    await scheduleTimersReevaluation(tx, { accountId, skillId: null, idleChanged: false, now: deps.clock.now() });
  });
  if (changed) deps.timersChanged(deps.clock.now());
  return hours;
}

/** The hours that apply to a skill's conversations (its own, else the account's), or the account's. */
export async function effectiveBusinessHours(deps: Deps, accountId: string, skillId: string | undefined): Promise<BusinessHours> {
  const tx = deps.db.kysely;
  const a = await findAccount(tx, accountId);
  if (!a) throw notFound('account');
  if (!skillId) return a.settings.businessHours;
  const skill = await findSkill(tx, accountId, skillId);
  if (!skill) throw invalid('unknown skill', 'skillId');
  return skill.overrides.businessHours ?? a.settings.businessHours;
}

/** Open now, or when it opens next (null while open). */
export function availabilityAt(hours: BusinessHours, now: number): Availability {
  if (isOpenAt(hours, now)) return { open: true, nextOpenAt: null };
  const next = nextOpenAt(hours, now);
  return { open: false, nextOpenAt: next === null ? null : new Date(next).toISOString() };
}

export async function getAvailability(deps: Deps, accountId: string, skillId: string | undefined): Promise<Availability> {
  return availabilityAt(await effectiveBusinessHours(deps, accountId, skillId), deps.clock.now());
}

/**
 * After a channel consumer's message (in its transaction): while the conversation's business hours
 * are closed, the account's closed-hours reply goes out on the channel, once per conversation, in
 * the consumer's language when written in it, else the account's default language.
 * The message itself was taken as any other; the SLA clock waits for the opening.
 */
export async function closedHoursReplyIn(deps: Deps, tx: Tx, out: Outbox, accountId: string, conversationId: string): Promise<void> {
  const account = await findAccount(tx, accountId);
  if (!account?.settings.closedHoursReply.enabled) return;
  const c = await lockConversationLight(tx, deps.db.dialect, accountId, conversationId);
  // A bot answers around the clock: no closed-hours reply while it has the conversation (the next message after it hands over gets one).
  if (!c || c.state === 'closed' || !sentThroughChannel(c) || isWithBot(c)) return;
  const now = deps.clock.now();
  if (isOpenAt(businessHoursOf(await settingsFor(tx, account, c.skillId)), now)) return;
  if (!(await claimClosedHoursReply(tx, { conversationId: c.id, accountId, at: now }))) return;
  const text = pickText(account.settings.closedHoursReply.text, await findConsumerLanguage(tx, accountId, c.consumerId), account.settings.language);
  await appendMessageIn(deps, tx, out, c, { senderType: 'system', senderId: null, text });
}
