import { formatFileSize, type QuickReply } from '@parley/contract';
import { useEffect, useRef, useState } from 'react';
import { sendWithQuickReplies } from '../../app/channel-actions.js';
import { notifyTyping, sendFile, sendText } from '../../app/controller.js';
import { store, toast, useStore } from '../../app/store.js';
import { t, useT } from '../../i18n/index.js';
import { ApiError, newClientMessageId } from '../../lib/api.js';
import type { Message } from '../../lib/types.js';
import { Icon } from '../../ui/icons.js';
import { usePendingCaret } from '../../ui/use-pending-caret.js';
import { ATTACHMENT_ACCEPT, attachmentProblem, hasThumbnail, pasteIsFile } from './attachment.js';
import { ContentPicker } from './content-picker.js';
import { QuickReplyEditor } from './quick-reply-editor.js';
import { SuggestionBar, useSuggestions } from './suggestions.js';
import { TemplatePicker } from './template-picker.js';

/** A file shown for sending: nothing leaves before Send. A retry keeps its clientMessageId, so it is never sent twice. */
interface Pending {
  file: File;
  /** Object URL of the thumbnail (photos only). */
  thumbnail: string | null;
  clientMessageId: string;
}

const hasFiles = (e: DragEvent) => !!e.dataTransfer && [...e.dataTransfer.types].includes('Files');

/**
 * Free text (Enter sends, Shift+Enter breaks the line), predefined content, and files: picked,
 * pasted or dropped onto the conversation, a file is shown first (name, size, a thumbnail for
 * photos) with Remove; the message box becomes its optional caption, and Send sends both as one
 * message.
 */
export function Composer({
  conversationId,
  onSent,
  channel,
  lastMessageId,
}: {
  conversationId: string;
  onSent: (m: Message) => void;
  channel?: string | undefined;
  /** The transcript's last message: suggestions are asked again when it changes. */
  lastMessageId?: string | undefined;
}) {
  useT();
  const [text, setText] = useState('');
  const [buttons, setButtons] = useState<QuickReply[] | null>(null);
  const [templates, setTemplates] = useState(false);
  const [picker, setPicker] = useState(false);
  const [busy, setBusy] = useState(false);
  const [pending, setPending] = useState<Pending | null>(null);
  const [dropping, setDropping] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const area = useRef<HTMLTextAreaElement>(null);
  const placeCaret = usePendingCaret(area);
  const fileInput = useRef<HTMLInputElement>(null);
  const insertRequest = useStore((s) => s.insertRequest);
  const suggestions = useSuggestions(conversationId, lastMessageId);

  // The host page (embed) may insert text.
  useEffect(() => {
    if (insertRequest) {
      setText((t) => (t ? `${t} ${insertRequest.text}` : insertRequest.text));
      store.set({ insertRequest: null });
      area.current?.focus();
    }
  }, [insertRequest]);

  // A file shown for one conversation never goes to the next one opened.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the conversation changes
  useEffect(() => {
    setPending(null);
  }, [conversationId]);

  // The thumbnail's object URL lives as long as it is shown.
  useEffect(() => {
    const url = pending?.thumbnail;
    return url ? () => URL.revokeObjectURL(url) : undefined;
  }, [pending]);

  function stage(files: readonly File[]) {
    const [file, ...more] = files;
    if (!file) return;
    const problem = attachmentProblem(file);
    if (problem) {
      toast(problem, 'error');
      return;
    }
    setPending({ file, thumbnail: hasThumbnail(file) ? URL.createObjectURL(file) : null, clientMessageId: newClientMessageId() });
    if (more.length) toast(t('composer.oneFile', { name: file.name }));
    area.current?.focus();
  }

  // Drag and drop anywhere on the conversation (the section this composer belongs to).
  const stageRef = useRef(stage);
  stageRef.current = stage;
  useEffect(() => {
    const target = root.current?.closest('section') ?? root.current;
    if (!target) return;
    let depth = 0; // dragenter/dragleave fire for every child crossed
    const over = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    };
    const enter = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth++;
      setDropping(true);
    };
    const leave = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDropping(false);
    };
    const drop = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth = 0;
      setDropping(false);
      stageRef.current([...(e.dataTransfer?.files ?? [])]);
    };
    target.addEventListener('dragover', over);
    target.addEventListener('dragenter', enter);
    target.addEventListener('dragleave', leave);
    target.addEventListener('drop', drop);
    return () => {
      target.removeEventListener('dragover', over);
      target.removeEventListener('dragenter', enter);
      target.removeEventListener('dragleave', leave);
      target.removeEventListener('drop', drop);
    };
  }, []);
  useEffect(() => {
    const target = root.current?.closest('section');
    target?.classList.toggle('drop-target', dropping);
    return () => target?.classList.remove('drop-target');
  }, [dropping]);

  function insert(snippet: string, quickReplies?: QuickReply[]) {
    const el = area.current;
    setPicker(false);
    // Predefined content may carry buttons: they join the message's.
    if (quickReplies?.length)
      setButtons((b) => [
        ...(b ?? []).filter((x) => x.title.trim()),
        ...quickReplies.map((q) => ({ title: q.title, ...(q.payload && { payload: q.payload }) })),
      ]);
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

  function remove() {
    setPending(null);
    if (fileInput.current) fileInput.current.value = '';
    area.current?.focus();
  }

  async function send() {
    if (busy) return;
    const body = text.trim();
    if (pending) {
      await sendPending(pending, body);
      return;
    }
    if (!body) return;
    setBusy(true);
    try {
      const quick = (buttons ?? []).map((q) => ({ ...q, title: q.title.trim() })).filter((q) => q.title);
      const m = quick.length
        ? await sendWithQuickReplies(conversationId, body, newClientMessageId(), quick)
        : await sendText(conversationId, body, newClientMessageId());
      setText('');
      setButtons(null);
      onSent(m);
    } catch (err) {
      // WhatsApp's window has closed: offer the approved templates instead.
      if (err instanceof ApiError && err.code === 'outside_service_window') setTemplates(true);
      toast(t('composer.notSent', { error: (err as Error).message }), 'error');
    } finally {
      setBusy(false);
      area.current?.focus();
    }
  }

  async function sendPending(p: Pending, caption: string) {
    setBusy(true);
    try {
      const m = await sendFile(conversationId, p.file, p.clientMessageId, caption);
      setPending(null);
      setText('');
      if (fileInput.current) fileInput.current.value = '';
      onSent(m);
      toast(t('composer.sentFile', { name: p.file.name }));
    } catch (err) {
      // The file stays shown: Send again (the same message id) or Remove it.
      const why = err instanceof ApiError && err.status === 413 ? t('composer.tooLarge') : (err as Error).message;
      toast(t('composer.fileFailed', { name: p.file.name, error: why }), 'error');
    } finally {
      setBusy(false);
      area.current?.focus();
    }
  }

  const hintId = `composer-file-${conversationId}`;
  const suggestHintId = `composer-suggest-${conversationId}`;
  const first = suggestions[0];
  const takeSuggestion = (s: { text: string; quickReplies?: QuickReply[] | undefined }) => {
    area.current?.focus();
    insert(s.text, s.quickReplies);
  };
  return (
    <div className="composer" ref={root}>
      {picker ? (
        <ContentPicker
          onInsert={insert}
          onClose={() => {
            setPicker(false);
            area.current?.focus();
          }}
        />
      ) : null}
      {templates ? <TemplatePicker conversationId={conversationId} onSent={onSent} onClose={() => setTemplates(false)} /> : null}
      {buttons ? (
        <QuickReplyEditor
          value={buttons}
          onChange={setButtons}
          onClose={() => setButtons(buttons.some((b) => b.title.trim()) ? buttons : null)}
          channel={channel}
        />
      ) : null}
      {dropping ? (
        <p className="drop-hint" aria-hidden="true">
          {t('composer.drop')}
        </p>
      ) : null}
      {pending ? (
        <fieldset className="attachment">
          <legend className="sr-only">{t('composer.fileReady', { name: pending.file.name })}</legend>
          {pending.thumbnail ? (
            <img className="attachment-thumb" src={pending.thumbnail} alt={t('composer.preview', { name: pending.file.name })} />
          ) : (
            <span className="attachment-icon">
              <Icon name="note" size={22} />
            </span>
          )}
          <span className="attachment-text">
            <span className="attachment-name">{pending.file.name}</span>
            <span className="attachment-size">{formatFileSize(pending.file.size)}</span>
          </span>
          <button type="button" className="button ghost" aria-label={t('composer.removeFile', { name: pending.file.name })} onClick={remove} disabled={busy}>
            <Icon name="close" /> {t('composer.remove')}
          </button>
        </fieldset>
      ) : null}
      <p className="sr-only" role="status">
        {pending ? t('composer.fileStatus', { name: pending.file.name, size: formatFileSize(pending.file.size) }) : ''}
      </p>
      {pending ? (
        <p className="sr-only" id={hintId}>
          {t('composer.captionHint', { name: pending.file.name })}
        </p>
      ) : null}
      {pending ? null : <SuggestionBar items={suggestions} onInsert={takeSuggestion} hintId={suggestHintId} />}
      <label className="sr-only" htmlFor={`composer-${conversationId}`}>
        {t('composer.label')}
      </label>
      <textarea
        id={`composer-${conversationId}`}
        ref={area}
        className="composer-input"
        placeholder={pending ? t('composer.captionPlaceholder') : t('composer.placeholder')}
        aria-describedby={pending ? hintId : first ? suggestHintId : undefined}
        rows={2}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          if (e.target.value) notifyTyping(conversationId);
        }}
        onPaste={(e) => {
          const files = [...e.clipboardData.files];
          if (!pasteIsFile(files.length, e.clipboardData.getData('text/plain'))) return;
          e.preventDefault();
          stage(files);
        }}
        onKeyDown={(e) => {
          // Tab in the empty box takes the first suggestion; with text in it, Tab moves on as usual.
          if (e.key === 'Tab' && !e.shiftKey && !text && first && !pending) {
            e.preventDefault();
            takeSuggestion(first);
            return;
          }
          if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
            e.preventDefault();
            void send();
          }
        }}
      />
      <div className="composer-bar">
        <button type="button" className="button ghost" aria-expanded={picker} onClick={() => setPicker((p) => !p)}>
          <Icon name="text" /> {t('composer.content')}
        </button>
        <button type="button" className="button ghost" onClick={() => fileInput.current?.click()} disabled={busy}>
          <Icon name="clip" /> {t('composer.attach')}
        </button>
        <button
          type="button"
          className="button ghost"
          aria-expanded={buttons !== null}
          onClick={() => setButtons((b) => (b ? null : [{ title: '' }]))}
          disabled={!!pending}
        >
          <Icon name="list" /> {t('composer.buttons', { count: buttons?.filter((b) => b.title.trim()).length ?? 0 })}
        </button>
        {channel === 'whatsapp' ? (
          <button type="button" className="button ghost" aria-expanded={templates} onClick={() => setTemplates((v) => !v)}>
            <Icon name="note" /> {t('composer.template')}
          </button>
        ) : null}
        <input
          ref={fileInput}
          type="file"
          className="sr-only"
          tabIndex={-1}
          accept={ATTACHMENT_ACCEPT}
          aria-label={t('composer.fileInput')}
          onChange={(e) => {
            stage([...(e.target.files ?? [])]);
            e.target.value = '';
          }}
        />
        <span className="spacer" />
        <button type="button" className="button primary" onClick={() => void send()} disabled={busy || (!pending && !text.trim())}>
          <Icon name="send" /> {pending ? t('composer.sendFile') : t('composer.send')}
        </button>
      </div>
    </div>
  );
}
