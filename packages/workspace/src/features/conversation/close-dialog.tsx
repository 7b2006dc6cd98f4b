import { useState } from 'react';
import { closeConversation } from '../../app/controller.js';
import { useT } from '../../i18n/index.js';
import { Dialog } from '../../ui/dialog.js';

export interface DispositionOption {
  id: string;
  name: string;
}

/**
 * Close with a wrap-up: the manager's dispositions, filtered as you type (Enter takes the first
 * match and closes), any number ticked, and an optional note.
 */
export function CloseDialog({ conversationId, dispositions, onClose }: { conversationId: string; dispositions: DispositionOption[]; onClose: () => void }) {
  const t = useT();
  const [filter, setFilter] = useState('');
  const [picked, setPicked] = useState<string[]>([]);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const shown = dispositions.filter((d) => d.name.toLowerCase().includes(filter.trim().toLowerCase()));

  async function submit(ids: string[]) {
    setBusy(true);
    const ok = await closeConversation(conversationId, { dispositionIds: ids, ...(note.trim() && { wrapUpNote: note.trim() }) });
    setBusy(false);
    if (ok) onClose();
  }
  const toggle = (id: string) => setPicked((p) => (p.includes(id) ? p.filter((x) => x !== id) : [...p, id]));

  return (
    <Dialog title={t('closeDialog.title')} onClose={onClose}>
      <label className="field">
        <span>{t('closeDialog.disposition')}</span>
        <input
          type="search"
          value={filter}
          placeholder={t('closeDialog.filter')}
          aria-describedby="close-dialog-hint"
          onChange={(e) => setFilter(e.target.value)}
          onKeyDown={(e) => {
            if (e.key !== 'Enter') return;
            e.preventDefault();
            const first = shown[0];
            if (first && !busy) void submit([...new Set([...picked, first.id])]);
          }}
          data-autofocus
        />
      </label>
      <p id="close-dialog-hint" className="muted">
        {shown.length ? t('closeDialog.shown', { shown: shown.length, total: dispositions.length, first: shown[0]?.name ?? '' }) : t('closeDialog.none')}
      </p>
      <fieldset className="disposition-list">
        <legend className="sr-only">{t('closeDialog.dispositions')}</legend>
        {shown.map((d) => (
          <label key={d.id} className="check">
            <input type="checkbox" checked={picked.includes(d.id)} onChange={() => toggle(d.id)} />
            {d.name}
          </label>
        ))}
      </fieldset>
      <label className="field">
        <span>{t('closeDialog.note')}</span>
        <textarea rows={2} value={note} maxLength={2000} onChange={(e) => setNote(e.target.value)} />
      </label>
      <div className="dialog-actions">
        <button type="button" className="button ghost" onClick={onClose}>
          {t('common.cancel')}
        </button>
        <button type="button" className="button primary" disabled={busy} onClick={() => void submit(picked)}>
          {t('closeDialog.title')}
        </button>
      </div>
    </Dialog>
  );
}
