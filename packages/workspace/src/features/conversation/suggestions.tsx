import type { Suggestion } from '@parley/contract';
import { useEffect, useState } from 'react';
import { useT } from '../../i18n/index.js';
import { api } from '../../lib/api.js';

/** How many suggestions the bar shows (the API ranks up to five). */
const SHOWN = 3;

/**
 * The suggested answers for the consumer's latest unanswered messages
 * (GET /api/v1/conversations/{id}/suggestions), fetched again whenever the transcript's last
 * message changes (`lastMessageId`): a consumer message brings new ones, the agent's answer clears them.
 */
export function useSuggestions(conversationId: string, lastMessageId: string | undefined): Suggestion[] {
  const [items, setItems] = useState<Suggestion[]>([]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the last message id only says when to ask again
  useEffect(() => {
    let live = true;
    api
      .call('GET /api/v1/conversations/{id}/suggestions', { params: { id: conversationId } })
      .then((r) => live && setItems(r.items.slice(0, SHOWN)))
      .catch(() => live && setItems([]));
    return () => {
      live = false;
    };
  }, [conversationId, lastMessageId]);
  return items;
}

const preview = (text: string) => (text.length > 90 ? `${text.slice(0, 88).trimEnd()}…` : text);

/**
 * The top three suggestions above the message box, as buttons: a click, Enter, Space or Tab on
 * one inserts it (Tab then lands in the message box, the next stop anyway). In an empty message
 * box, Tab inserts the first (the Composer handles that key; `hintId` describes it).
 */
export function SuggestionBar({ items, onInsert, hintId }: { items: readonly Suggestion[]; onInsert: (s: Suggestion) => void; hintId: string }) {
  const t = useT();
  if (!items.length) return null;
  return (
    <fieldset className="answer-suggestions">
      <legend className="answer-suggestions-label">{t('conversation.suggestions.heading')}</legend>
      <ul className="answer-suggestions-list">
        {items.map((s, i) => (
          <li key={s.id}>
            <button
              type="button"
              className="answer-suggestion"
              title={s.text}
              aria-describedby={i === 0 ? hintId : undefined}
              onClick={() => onInsert(s)}
              onKeyDown={(e) => {
                if (e.key === 'Tab' && !e.shiftKey) {
                  e.preventDefault();
                  onInsert(s);
                }
              }}
            >
              <span className="answer-suggestion-title">{s.title}</span>
              <span className="answer-suggestion-text">{preview(s.text)}</span>
            </button>
          </li>
        ))}
      </ul>
      <p className="sr-only" id={hintId}>
        {t('conversation.suggestions.hint')}
      </p>
    </fieldset>
  );
}
