import { type AccountSettings, DEFAULT_ACCOUNT_SETTINGS } from '@parley/contract';
import { type Conversation, newConversation } from '../../src/domain/conversation.js';
import type { ConversationSettings } from '../../src/domain/timers.js';

/** A fixed start for pure tests (a Monday, 09:00 UTC). */
export const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
export const SEC = 1000;
export const MIN = 60 * SEC;

/** A conversation for pure tests: open with agent `ann`, awaiting her since T0, a 60-minute SLA; `over` changes any field. */
export function aConversation(over: Partial<Conversation> = {}): Conversation {
  const opened = newConversation(
    { id: 'c1', accountId: 'acc', consumerId: 'jo', channel: 'web', channelId: null, skillId: 'sales', firstTime: false, slaTargetSec: 3600 },
    T0,
  );
  return { ...opened, state: 'open', agentId: 'ann', lastAgentId: 'ann', assignedAt: T0, lastSeq: 1, agentUnread: 1, ...over };
}

/** The account defaults (with `over` merged on top) and no skill overrides unless given. */
export function someSettings(over: Partial<AccountSettings> = {}, skill: ConversationSettings['skill'] = null): ConversationSettings {
  return { account: { ...DEFAULT_ACCOUNT_SETTINGS, ...over }, skill };
}
