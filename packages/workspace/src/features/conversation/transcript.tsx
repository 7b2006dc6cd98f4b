import { formatFileSize } from '@parley/contract';
import { Fragment, useEffect, useLayoutEffect, useRef } from 'react';
import { nameOf } from '../../app/directory.js';
import { useStore } from '../../app/store.js';
import { t, useT } from '../../i18n/index.js';
import { type DatePrefs, dayKey, dayLabel, formatDate, formatTime } from '../../lib/format.js';
import type { Directory, Message } from '../../lib/types.js';
import { DeliveryStatus, QuickReplyMarks } from './delivery-status.js';

function FileView({ file }: { file: NonNullable<Message['file']> }) {
  // The same words as the consumer's widget: one formatter in @parley/contract.
  const size = formatFileSize(file.size);
  if (file.contentType.startsWith('image/')) {
    return (
      <a className="msg-image" href={file.url} target="_blank" rel="noreferrer">
        <img src={file.url} alt={file.name} loading="lazy" />
      </a>
    );
  }
  return (
    <a className="msg-file" href={file.url} download={file.name}>
      {file.name} <span className="muted">({size})</span>
    </a>
  );
}

function separators(messages: Message[], currentId: string, prefs: DatePrefs, now: number) {
  const out: { key: string; label: string; kind: 'conversation' | 'day' }[][] = [];
  let lastConv = '';
  let lastDay = '';
  for (const m of messages) {
    const seps: { key: string; label: string; kind: 'conversation' | 'day' }[] = [];
    if (m.conversationId !== lastConv) {
      const label = m.conversationId === currentId ? t('transcript.this') : t('transcript.previous', { date: formatDate(m.createdAt, prefs) });
      seps.push({ key: `c-${m.conversationId}`, label, kind: 'conversation' });
      lastConv = m.conversationId;
      lastDay = '';
    }
    const day = dayKey(m.createdAt, prefs.timeZone);
    if (day !== lastDay) {
      seps.push({ key: `d-${m.conversationId}-${day}`, label: dayLabel(m.createdAt, prefs, now), kind: 'day' });
      lastDay = day;
    }
    out.push(seps);
  }
  return out;
}

/** The transcript, previous conversations first (scroll up), with conversation and date separators. */
export function Transcript({
  messages,
  conversationId,
  consumerName,
  directory,
  loading,
  closing = null,
}: {
  messages: Message[];
  conversationId: string;
  consumerName: string;
  directory: Directory | null;
  loading: boolean;
  /** A closed conversation's closing line, after its last message ("Closed by you · 14:05"). */
  closing?: string | null;
}) {
  useT();
  const prefs = useStore((s) => s.datePrefs);
  const t = useT();
  const ref = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  const seps = separators(messages, conversationId, prefs, Date.now());

  useLayoutEffect(() => {
    const el = ref.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  });
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new conversation starts scrolled to the bottom
  useEffect(() => {
    stick.current = true;
  }, [conversationId]);

  return (
    <div
      className="transcript"
      ref={ref}
      // biome-ignore lint/a11y/noNoninteractiveTabindex: the transcript scrolls; keyboard users focus it to scroll
      tabIndex={0}
      role="log"
      aria-label={t('transcript.label', { name: consumerName })}
      onScroll={(e) => {
        const el = e.currentTarget;
        stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
      }}
    >
      {loading && messages.length === 0 ? <p className="muted center">{t('transcript.loading')}</p> : null}
      {!loading && messages.length === 0 ? <p className="muted center">{t('transcript.empty')}</p> : null}
      <ol className="messages">
        {messages.map((m, i) => {
          const who =
            m.senderType === 'consumer'
              ? consumerName
              : m.senderType === 'agent'
                ? nameOf(directory, m.senderId)
                : m.senderType === 'bot'
                  ? (m.senderName ?? t('transcript.bot'))
                  : t('transcript.system');
          const previous = m.conversationId !== conversationId;
          return (
            <Fragment key={m.id}>
              {(seps[i] ?? []).map((s) => (
                <li key={s.key} className={`sep sep-${s.kind}`}>
                  <span>{s.label}</span>
                </li>
              ))}
              <li className={`msg msg-${m.senderType}${previous ? ' msg-previous' : ''}`}>
                <div className="msg-head">
                  <span className="msg-who">{who}</span>
                  {m.senderType === 'bot' ? <span className="bot-tag">{t('conversation.botTag')}</span> : null}
                  <time dateTime={m.createdAt} title={`${formatDate(m.createdAt, prefs)} ${formatTime(m.createdAt, prefs)}`}>
                    {formatTime(m.createdAt, prefs)}
                  </time>
                </div>
                {m.text ? (
                  <p className="msg-text" dir="auto">
                    {m.text}
                  </p>
                ) : null}
                {m.file ? <FileView file={m.file} /> : null}
                <QuickReplyMarks message={m} />
                <DeliveryStatus message={m} />
              </li>
            </Fragment>
          );
        })}
        {closing ? (
          <li className="sep sep-closed closed-line">
            <span>{closing}</span>
          </li>
        ) : null}
      </ol>
    </div>
  );
}
