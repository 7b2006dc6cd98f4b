import { z } from 'zod';
import { ContentItem } from './schemas.js';

/** API.md "Automation and integration": suggested answers for the consumer's latest messages. */
export const Suggestion = ContentItem.extend({
  /**
   * How well the item answers the consumer's latest messages: the full-text score of the content
   * plus the boost from what this account's agents sent after similar messages. Relative (higher
   * is better), comparable within one answer, not across answers.
   */
  score: z.number(),
});
export type Suggestion = z.infer<typeof Suggestion>;

export const SuggestionList = z.object({
  /**
   * At most 5, best first (a ranking: one answer, no pages); empty when the consumer wrote nothing
   * since the last agent message, or nothing of it matches any content.
   */
  items: z.array(Suggestion),
});
export type SuggestionList = z.infer<typeof SuggestionList>;
