import { useEffect, useId, useRef, useState } from 'react';
import { useT } from '../../i18n/index.js';
import { api } from '../../lib/api.js';
import type { ContentItem } from '../../lib/types.js';

/**
 * Predefined content: a search box over title and text (not category names) and the matches as a
 * listbox; ↑/↓ move, Enter inserts, Escape closes; a click inserts too.
 */
export function ContentPicker({
  onInsert,
  onClose,
}: {
  /** The content's text, and the buttons it carries (quick replies), if any. */
  onInsert: (text: string, quickReplies?: ContentItem['quickReplies']) => void;
  onClose: () => void;
}) {
  const [q, setQ] = useState('');
  const t = useT();
  const [items, setItems] = useState<ContentItem[]>([]);
  const [active, setActive] = useState(0);
  const [loading, setLoading] = useState(true);
  const listId = useId();
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    input.current?.focus();
  }, []);

  useEffect(() => {
    let live = true;
    setLoading(true);
    const t = setTimeout(
      () => {
        api
          .all('GET /api/v1/content', { query: { q: q.trim() || undefined } })
          .then((r) => {
            if (!live) return;
            setItems(r.items);
            setActive(0);
          })
          .catch(() => live && setItems([]))
          .finally(() => live && setLoading(false));
      },
      q ? 120 : 0,
    );
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [q]);

  function onKeyDown(e: React.KeyboardEvent) {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setActive((a) => Math.min(items.length - 1, a + 1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((a) => Math.max(0, a - 1));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      const item = items[active];
      if (item) onInsert(item.text, item.quickReplies);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      onClose();
    }
  }

  const optionId = (i: number) => `${listId}-o${i}`;
  return (
    <div className="picker">
      <label className="picker-search">
        <span className="sr-only">{t('picker.search')}</span>
        <input
          ref={input}
          type="search"
          placeholder={t('picker.search')}
          value={q}
          onChange={(e) => setQ(e.target.value)}
          onKeyDown={onKeyDown}
          role="combobox"
          aria-expanded="true"
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={items[active] ? optionId(active) : undefined}
        />
      </label>
      <div className="picker-list" id={listId} role="listbox" aria-label={t('composer.content')}>
        {items.map((item, i) => (
          // biome-ignore lint/a11y/useKeyWithClickEvents: keyboard selection goes through the search box (aria-activedescendant)
          <div
            key={item.id}
            id={optionId(i)}
            role="option"
            tabIndex={-1}
            aria-selected={i === active}
            className={i === active ? 'picker-item active' : 'picker-item'}
            onMouseEnter={() => setActive(i)}
            onClick={() => onInsert(item.text, item.quickReplies)}
          >
            <span className="picker-title">{item.title}</span>
            <span className="picker-text">{item.text}</span>
          </div>
        ))}
      </div>
      {!loading && items.length === 0 ? <p className="muted picker-empty">{t('picker.none', { q })}</p> : null}
    </div>
  );
}
