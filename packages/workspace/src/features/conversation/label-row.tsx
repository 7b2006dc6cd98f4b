import type { Label } from '@parley/contract';
import { useEffect, useId, useRef, useState } from 'react';
import { saveLabels, useLabels } from '../../app/labels.js';
import { useT } from '../../i18n/index.js';
import { LabelChip } from '../../ui/label-chip.js';

/**
 * The chip row under the conversation header: the conversation's labels, each with a remove
 * button, and "Add label", which opens a filterable listbox of the account's labels (type to
 * filter, ↑/↓ move, Enter toggles the label under the cursor, Escape closes).
 */
export function LabelRow({
  conversationId,
  labelIds,
  canEdit,
  onSaved,
}: {
  conversationId: string;
  labelIds: string[];
  canEdit: boolean;
  onSaved: (ids: string[]) => void;
}) {
  const labels = useLabels();
  const t = useT();
  const byId = new Map(labels.map((l) => [l.id, l]));
  const shown = labelIds.flatMap((id) => byId.get(id) ?? []);
  const [busy, setBusy] = useState(false);
  if (labels.length === 0 || (!canEdit && shown.length === 0)) return null;

  async function save(ids: string[]) {
    setBusy(true);
    const saved = await saveLabels(conversationId, ids);
    setBusy(false);
    if (saved) onSaved(saved);
  }
  const toggle = (id: string) => void save(labelIds.includes(id) ? labelIds.filter((x) => x !== id) : [...labelIds, id]);

  return (
    <ul className="label-row" aria-label={t('labels.row')} aria-busy={busy || undefined}>
      {shown.map((l) => (
        <li key={l.id} className="label-item">
          <LabelChip name={l.name} color={l.color} />
          {canEdit ? (
            <button
              type="button"
              className="label-remove"
              aria-label={t('labels.remove', { name: l.name })}
              title={t('labels.remove', { name: l.name })}
              onClick={() => toggle(l.id)}
            >
              ×
            </button>
          ) : null}
        </li>
      ))}
      {canEdit ? (
        <li className="label-add">
          <LabelPicker labels={labels} selected={labelIds} onToggle={toggle} />
        </li>
      ) : null}
    </ul>
  );
}

function LabelPicker({ labels, selected, onToggle }: { labels: Label[]; selected: string[]; onToggle: (id: string) => void }) {
  const t = useT();
  const [open, setOpen] = useState(false);
  const [filter, setFilter] = useState('');
  const [active, setActive] = useState(0);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const boxRef = useRef<HTMLDivElement>(null);
  const listId = useId();
  const inputId = useId();
  const matches = labels.filter((l) => l.name.toLowerCase().includes(filter.trim().toLowerCase()));
  const current = matches[Math.min(active, matches.length - 1)];

  useEffect(() => {
    if (open) inputRef.current?.focus();
  }, [open]);

  function close(refocus: boolean) {
    setOpen(false);
    setFilter('');
    setActive(0);
    if (refocus) buttonRef.current?.focus();
  }
  function onKeyDown(e: React.KeyboardEvent) {
    if (e.key === 'ArrowDown') setActive((a) => Math.min(matches.length - 1, a + 1));
    else if (e.key === 'ArrowUp') setActive((a) => Math.max(0, a - 1));
    else if (e.key === 'Home') setActive(0);
    else if (e.key === 'End') setActive(matches.length - 1);
    else if (e.key === 'Enter') {
      if (current) onToggle(current.id);
    } else if (e.key === 'Escape') close(true);
    else return;
    e.preventDefault();
    e.stopPropagation();
  }
  const optionId = (l: Label) => `${listId}-${l.id}`;

  return (
    <>
      <button
        ref={buttonRef}
        type="button"
        className="button small label-add-button"
        aria-haspopup="listbox"
        aria-expanded={open}
        onClick={() => (open ? close(false) : setOpen(true))}
      >
        {t('labels.add')}
      </button>
      {open ? (
        // biome-ignore lint/a11y/noStaticElementInteractions: only listens for focus leaving the popup, which closes it
        <div
          ref={boxRef}
          className="label-popup"
          onBlur={(e) => {
            if (!boxRef.current?.contains(e.relatedTarget as Node | null) && e.relatedTarget !== buttonRef.current) close(false);
          }}
        >
          <label htmlFor={inputId} className="field-label">
            {t('labels.filter')}
          </label>
          <input
            ref={inputRef}
            id={inputId}
            type="text"
            role="combobox"
            aria-expanded="true"
            aria-controls={listId}
            aria-autocomplete="list"
            aria-activedescendant={current ? optionId(current) : undefined}
            aria-describedby={`${listId}-hint`}
            placeholder={t('labels.filterPlaceholder')}
            value={filter}
            onChange={(e) => {
              setFilter(e.target.value);
              setActive(0);
            }}
            onKeyDown={onKeyDown}
          />
          <p id={`${listId}-hint`} className="sr-only">
            {t('labels.hint')}
          </p>
          <div id={listId} role="listbox" aria-label={t('labels.options')} aria-multiselectable="true" className="label-options">
            {matches.map((l) => (
              // biome-ignore lint/a11y/useKeyWithClickEvents: the keyboard works through the combobox (aria-activedescendant)
              <div
                key={l.id}
                id={optionId(l)}
                role="option"
                tabIndex={-1}
                aria-selected={selected.includes(l.id)}
                className={l === current ? 'label-option current' : 'label-option'}
                onMouseDown={(e) => e.preventDefault()}
                onClick={() => onToggle(l.id)}
              >
                <span className="label-check" aria-hidden="true">
                  {selected.includes(l.id) ? '✓' : ''}
                </span>
                <LabelChip name={l.name} color={l.color} />
              </div>
            ))}
          </div>
          {matches.length === 0 ? <p className="muted label-none">{t('labels.none', { filter })}</p> : null}
        </div>
      ) : null}
    </>
  );
}
