import { useEffect, useRef, useState } from 'react';
import { notifyTyping, sendFile, sendText } from '../../app/controller.js';
import { store, toast, useStore } from '../../app/store.js';
import { ApiError, newClientMessageId } from '../../lib/api.js';
import type { Message } from '../../lib/types.js';
import { Icon } from '../../ui/icons.js';
import { usePendingCaret } from '../../ui/use-pending-caret.js';
import { ContentPicker } from './content-picker.js';

const ACCEPT = '.jpg,.jpeg,.png,.gif,.pdf,.docx,.xlsx,.pptx,image/jpeg,image/png,image/gif,application/pdf';

/** Free text (Enter sends, Shift+Enter breaks the line), predefined content, and file send. */
export function Composer({ conversationId, onSent }: { conversationId: string; onSent: (m: Message) => void }) {
  const [text, setText] = useState('');
  const [picker, setPicker] = useState(false);
  const [busy, setBusy] = useState(false);
  const area = useRef<HTMLTextAreaElement>(null);
  const placeCaret = usePendingCaret(area);
  const fileInput = useRef<HTMLInputElement>(null);
  const insertRequest = useStore((s) => s.insertRequest);

  // The host page (embed) may insert text.
  useEffect(() => {
    if (insertRequest) {
      setText((t) => (t ? `${t} ${insertRequest.text}` : insertRequest.text));
      store.set({ insertRequest: null });
      area.current?.focus();
    }
  }, [insertRequest]);

  function insert(snippet: string) {
    const el = area.current;
    setPicker(false);
    if (!el) {
      setText((t) => t + snippet);
      return;
    }
    const start = el.selectionStart ?? text.length;
    const end = el.selectionEnd ?? text.length;
    const next = text.slice(0, start) + snippet + text.slice(end);
    placeCaret(start + snippet.length);
    setText(next);
  }

  async function send() {
    const body = text.trim();
    if (!body || busy) return;
    setBusy(true);
    try {
      const m = await sendText(conversationId, body, newClientMessageId());
      setText('');
      onSent(m);
    } catch (err) {
      toast(`Not sent: ${(err as Error).message}`, 'error');
    } finally {
      setBusy(false);
      area.current?.focus();
    }
  }

  async function attach(file: File) {
    setBusy(true);
    try {
      onSent(await sendFile(conversationId, file, newClientMessageId()));
      toast(`Sent ${file.name}`);
    } catch (err) {
      const why = err instanceof ApiError && err.status === 413 ? 'the file is too large' : (err as Error).message;
      toast(`Could not send ${file.name}: ${why}`, 'error');
    } finally {
      setBusy(false);
      if (fileInput.current) fileInput.current.value = '';
    }
  }

  return (
    <div className="composer">
      {picker ? (
        <ContentPicker
          onInsert={insert}
          onClose={() => {
            setPicker(false);
            area.current?.focus();
          }}
        />
      ) : null}
      <label className="sr-only" htmlFor={`composer-${conversationId}`}>
        Message
      </label>
      <textarea
        id={`composer-${conversationId}`}
        ref={area}
        className="composer-input"
        placeholder="Write a message… (Enter to send, Shift+Enter for a new line)"
        rows={2}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          if (e.target.value) notifyTyping(conversationId);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
            e.preventDefault();
            void send();
          }
        }}
      />
      <div className="composer-bar">
        <button type="button" className="button ghost" aria-expanded={picker} onClick={() => setPicker((p) => !p)}>
          <Icon name="text" /> Predefined content
        </button>
        <button type="button" className="button ghost" onClick={() => fileInput.current?.click()} disabled={busy}>
          <Icon name="clip" /> Attach file
        </button>
        <input
          ref={fileInput}
          type="file"
          className="sr-only"
          tabIndex={-1}
          accept={ACCEPT}
          aria-label="File to send"
          onChange={(e) => {
            const f = e.target.files?.[0];
            if (f) void attach(f);
          }}
        />
        <span className="spacer" />
        <button type="button" className="button primary" onClick={() => void send()} disabled={busy || !text.trim()}>
          <Icon name="send" /> Send
        </button>
      </div>
    </div>
  );
}
