import { useEffect, useRef, useState } from 'react';
import { eventBus, toast, useStore } from '../../app/store.js';
import { useT } from '../../i18n/index.js';
import { api } from '../../lib/api.js';
import { formatDateTime } from '../../lib/format.js';
import type { Directory, Note } from '../../lib/types.js';
import { usePendingCaret } from '../../ui/use-pending-caret.js';

/** The @word being typed at the caret, if any. */
function mentionAt(text: string, caret: number): { start: number; query: string } | null {
  const m = /(^|\s)@([\w.-]*)$/.exec(text.slice(0, caret));
  return m ? { start: caret - (m[2]?.length ?? 0) - 1, query: (m[2] ?? '').toLowerCase() } : null;
}

function NoteText({ text }: { text: string }) {
  const parts = text.split(/(@[\w.-]+)/g);
  return (
    <p className="note-text">
      {parts.map((p, i) =>
        p.startsWith('@') ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: static split of one string
          <mark key={i} className="mention">
            {p}
          </mark>
        ) : (
          p
        ),
      )}
    </p>
  );
}

/** Internal notes: never sent to the consumer; @username notifies a colleague. */
export function Notes({ conversationId, directory }: { conversationId: string; directory: Directory | null }) {
  const prefs = useStore((s) => s.datePrefs);
  const t = useT();
  const epoch = useStore((s) => s.epoch);
  const [notes, setNotes] = useState<Note[] | null>(null);
  const [text, setText] = useState('');
  const [caret, setCaret] = useState(0);
  const [active, setActive] = useState(0);
  const [busy, setBusy] = useState(false);
  const area = useRef<HTMLTextAreaElement>(null);
  const placeCaret = usePendingCaret(area);

  useEffect(() => {
    let live = true;
    void epoch;
    api
      .all('GET /api/v1/conversations/{id}/notes', { params: { id: conversationId } })
      .then((r) => live && setNotes(r.items))
      .catch(() => live && setNotes([]));
    const off = eventBus.on((type, data) => {
      const n = data as Note;
      if (type === 'note.created' && n.conversationId === conversationId) setNotes((list) => (list?.some((x) => x.id === n.id) ? list : [...(list ?? []), n]));
    });
    return () => {
      live = false;
      off();
    };
  }, [conversationId, epoch]);

  const mention = mentionAt(text, caret);
  const suggestions = mention
    ? (directory?.agents ?? [])
        .filter((a) => a.username.toLowerCase().startsWith(mention.query) || a.displayName.toLowerCase().startsWith(mention.query))
        .slice(0, 6)
    : [];

  function complete(username: string) {
    if (!mention) return;
    const next = `${text.slice(0, mention.start)}@${username} ${text.slice(caret)}`;
    const at = mention.start + username.length + 2;
    placeCaret(at);
    setText(next);
    setCaret(at);
  }

  async function add() {
    if (!text.trim()) return;
    setBusy(true);
    try {
      const n = await api.call('POST /api/v1/conversations/{id}/notes', { params: { id: conversationId }, body: { text: text.trim() } });
      setNotes((list) => (list?.some((x) => x.id === n.id) ? list : [...(list ?? []), n]));
      setText('');
    } catch (err) {
      toast(t('notes.addFailed', { error: (err as Error).message }), 'error');
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="notes pad">
      <p className="muted">{t('notes.intro')}</p>
      {notes && notes.length === 0 ? <p className="muted">{t('notes.empty')}</p> : null}
      <ol className="note-list">
        {(notes ?? []).map((n) => (
          <li key={n.id} className="note">
            <div className="msg-head">
              <span className="msg-who">{n.authorName}</span>
              {n.authorType === 'bot' ? <span className="bot-tag">{t('conversation.botTag')}</span> : null}
              <time dateTime={n.createdAt}>{formatDateTime(n.createdAt, prefs)}</time>
            </div>
            <NoteText text={n.text} />
          </li>
        ))}
      </ol>
      <div className="note-form">
        <label className="field">
          <span>{t('notes.new')}</span>
          <textarea
            ref={area}
            rows={3}
            value={text}
            onChange={(e) => {
              setText(e.target.value);
              setCaret(e.target.selectionStart ?? e.target.value.length);
              setActive(0);
            }}
            onSelect={(e) => setCaret(e.currentTarget.selectionStart ?? 0)}
            onKeyDown={(e) => {
              if (suggestions.length > 0 && (e.key === 'ArrowDown' || e.key === 'ArrowUp')) {
                e.preventDefault();
                setActive((a) => (a + (e.key === 'ArrowDown' ? 1 : suggestions.length - 1)) % suggestions.length);
              } else if (suggestions.length > 0 && (e.key === 'Enter' || e.key === 'Tab')) {
                e.preventDefault();
                const s = suggestions[active] ?? suggestions[0];
                if (s) complete(s.username);
              } else if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
                e.preventDefault();
                void add();
              }
            }}
            aria-describedby={`note-help-${conversationId}`}
          />
        </label>
        {suggestions.length > 0 ? (
          <ul className="suggestions" aria-label={t('notes.mention')}>
            {suggestions.map((a, i) => (
              <li key={a.id}>
                <button type="button" className={i === active ? 'suggestion active' : 'suggestion'} onClick={() => complete(a.username)}>
                  {a.displayName} <span className="muted">@{a.username}</span>
                </button>
              </li>
            ))}
          </ul>
        ) : null}
        <p id={`note-help-${conversationId}`} className="sr-only">
          {t('notes.help')}
        </p>
        <button type="button" className="button primary" disabled={busy || !text.trim()} onClick={() => void add()}>
          {t('notes.add')}
        </button>
      </div>
    </div>
  );
}
