import type { SuggestionList } from '@parley/contract';
import { type SuggestExample, SuggestionIndex } from '../domain/suggest.js';
import type { Tx } from '../storage/db.js';
import { listAllContentWithCategory } from '../storage/repos/content.repo.js';
import { findConversation } from '../storage/repos/conversations.repo.js';
import { unansweredConsumerTexts } from '../storage/repos/messages.repo.js';
import { recentExchanges } from '../storage/repos/suggestions.repo.js';
import { assertCanRead } from './access.js';
import { toContentItem } from './content.service.js';
import type { Deps } from './context.js';
import { userSkills } from './conversations.service.js';
import type { UserPrincipal } from './principal.js';

const DAY = 24 * 3600_000;

/** What one account's index is built from (bounded, so a big account's rebuild stays cheap). */
export const SUGGESTION_LIMITS = {
  /** Content items indexed per account. */
  content: 5000,
  /** Learn from conversations created in the last 90 days… */
  learnDays: 90,
  /** …the latest 5,000 of them… */
  learnConversations: 5000,
  /** …and at most this many of their messages. */
  learnMessages: 100_000,
  /** The consumer's latest unanswered messages that make the query. */
  queryMessages: 3,
  /** Items returned. */
  results: 5,
};

/**
 * Examples from the account's own transcripts: each agent message that sent a content item (its
 * text as inserted, or lightly edited) makes the consumer messages just before it (since the
 * previous agent message, the last `queryMessages`) an example for that item.
 */
export function examplesFrom(rows: Awaited<ReturnType<typeof recentExchanges>>, matchSent: (text: string) => string | undefined): SuggestExample[] {
  const out: SuggestExample[] = [];
  let conversation = '';
  let asked: string[] = [];
  for (const r of rows) {
    if (r.conversationId !== conversation) {
      conversation = r.conversationId;
      asked = [];
    }
    if (r.senderType === 'consumer') {
      asked.push(r.text);
      continue;
    }
    const contentId = asked.length ? matchSent(r.text) : undefined;
    if (contentId) out.push({ contentId, text: asked.slice(-SUGGESTION_LIMITS.queryMessages).join('\n') });
    asked = [];
  }
  return out;
}

async function buildIndex(deps: Deps, tx: Tx, accountId: string): Promise<{ index: SuggestionIndex; items: Map<string, ReturnType<typeof toContentItem>> }> {
  const content = await listAllContentWithCategory(tx, accountId, SUGGESTION_LIMITS.content);
  const rows = await recentExchanges(tx, accountId, {
    since: deps.clock.now() - SUGGESTION_LIMITS.learnDays * DAY,
    maxConversations: SUGGESTION_LIMITS.learnConversations,
    maxMessages: SUGGESTION_LIMITS.learnMessages,
  });
  const examples = examplesFrom(rows, SuggestionIndex.matchSent(content));
  const index = new SuggestionIndex(
    content.map((c) => ({ id: c.id, title: c.title, text: c.text, category: c.categoryName ?? '' })),
    examples,
  );
  return { index, items: new Map(content.map((c) => [c.id, toContentItem(c)])) };
}

export type AccountSuggestions = Awaited<ReturnType<typeof buildIndex>>;

/** The account's index, from the app's cache (rebuilt a minute later on the injected clock, or once its content changed). */
export function accountIndex(deps: Deps, tx: Tx, accountId: string): Promise<AccountSuggestions> {
  return deps.caches.suggestions.get(accountId, () => buildIndex(deps, tx, accountId));
}

/** The content of the account changed (created, updated, deleted, its category renamed or removed): the next suggestion rebuilds its index. */
export function forgetSuggestions(deps: Pick<Deps, 'caches'>, accountId: string): void {
  deps.caches.suggestions.delete(accountId);
}

/** GET /api/v1/conversations/{id}/suggestions: the best predefined content for the consumer's latest unanswered messages. */
export async function suggestionsFor(deps: Deps, p: UserPrincipal, conversationId: string): Promise<SuggestionList> {
  const tx = deps.db.kysely;
  const c = assertCanRead(p, await findConversation(tx, p.accountId, conversationId), await userSkills(tx, p));
  const asked = await unansweredConsumerTexts(tx, p.accountId, c.id, SUGGESTION_LIMITS.queryMessages);
  if (!asked.length) return { items: [] };
  const { index, items } = await accountIndex(deps, tx, p.accountId);
  return {
    items: index.rank(asked.join('\n'), SUGGESTION_LIMITS.results).flatMap((r) => {
      const item = items.get(r.id);
      return item ? [{ ...item, score: r.score }] : [];
    }),
  };
}
