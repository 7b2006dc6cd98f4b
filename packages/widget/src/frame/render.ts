/** Rendering: the header, the status line, the conversation log (messages, files, surveys) and the composer, from the state. */
import { formatFileSize, type Message } from '@parley/contract';
import { currentLanguage, formatLocale, formatNumber, t } from '../i18n/index.js';
import { markUrgent, submitSurvey } from './actions.js';
import { h, ICONS, icon, type Keyed, reconcile } from './dom.js';
import {
  agentNameOf,
  type ChatMessage,
  type ConsumerConversation,
  canMarkUrgent,
  closedNotice,
  csatLabels,
  dayLabel,
  isImage,
  offeringQuickReplies,
  queueLine,
  type SurveyRequest,
} from './logic.js';
import { retries, sendQuickReply } from './outbox.js';
import { syncQueueTimer } from './session.js';
import { api, current, latest, type SurveyState, state, ui } from './state.js';

const blobUrls = new Map<string, Promise<string>>();

/** "2.4 MB" with the number in the widget's language ("2,4 MB" in French). */
const fileSize = (bytes: number) =>
  formatFileSize(bytes).replace(/^[\d.]+/, (n) => formatNumber(Number(n), n.includes('.') ? { minimumFractionDigits: 1, maximumFractionDigits: 1 } : {}));

export function showNotice(err: unknown): void {
  state.notice = err instanceof Error ? err.message : t('error.generic');
  render();
}

/** Times of day in the widget's language (formatters are rebuilt when it changes). */
let timeFmtOf: { language: string; f: Intl.DateTimeFormat } | null = null;
const timeFmt = {
  format(d: Date): string {
    const language = formatLocale();
    if (timeFmtOf?.language !== language) timeFmtOf = { language, f: new Intl.DateTimeFormat(language, { hour: 'numeric', minute: '2-digit' }) };
    return timeFmtOf.f.format(d);
  },
};

export function render(): void {
  const c = current();
  const last = latest();
  const agentName = c?.state === 'open' ? c.agent?.displayName : undefined;

  // Header
  ui.title.textContent = agentName ?? t('head.title');
  const initial = agentName?.trim().charAt(0).toUpperCase();
  if (ui.avatar.dataset.initial !== (initial ?? '')) {
    ui.avatar.dataset.initial = initial ?? '';
    ui.avatar.replaceChildren(initial ?? icon(ICONS.chat, 22));
  }
  ui.subtitle.textContent = !c
    ? last?.state === 'closed'
      ? t('head.ended')
      : t('head.usually')
    : c.state === 'open'
      ? t('head.helping')
      : c.state === 'ringing'
        ? t('queue.connecting')
        : t('head.waiting');
  ui.end.hidden = !c || state.confirming;
  ui.confirm.hidden = !state.confirming || !c;

  // Waiting line and the urgent button
  const line = c ? queueLine(c) : null;
  const statusItems: Keyed[] = [];
  if (state.nextOpenAt) {
    const closed = closedNotice(state.nextOpenAt, Date.now());
    statusItems.push({ key: 'closed', sig: closed, make: () => h('p', { class: 'closed-hours' }, closed) });
  }
  if (line) statusItems.push({ key: 'queue', sig: line, make: () => h('p', { class: 'queue' }, line) });
  if (c && canMarkUrgent(c) && c.state !== 'open') {
    statusItems.push({
      key: 'urgent',
      sig: 'btn',
      make: () =>
        h('button', { type: 'button', class: 'urgent-btn', onclick: () => void markUrgent() }, icon(ICONS.urgent, 16), h('span', {}, t('urgent.mark'))),
    });
  } else if (c?.urgent && c.state !== 'open') {
    statusItems.push({ key: 'urgent', sig: 'marked', make: () => h('p', { class: 'urgent-note' }, t('urgent.marked')) });
  }
  if (!state.online && state.everOnline) statusItems.push({ key: 'offline', sig: 'x', make: () => h('p', { class: 'offline' }, t('status.reconnecting')) });
  reconcile(ui.status, statusItems);
  ui.status.hidden = statusItems.length === 0;

  // Conversation log
  const stick = isAtEnd();
  renderLog();
  if (stick) scrollToEnd();

  // Typing indicator
  const typing = state.typing && state.typing.until > Date.now() && c && state.typing.conversationId === c.id ? state.typing : null;
  const typingText = typing ? t('typing', { name: typing.name }) : '';
  if (ui.typing.textContent !== typingText) {
    ui.typing.replaceChildren(...(typing ? [h('span', { class: 'dots', 'aria-hidden': 'true' }, h('i'), h('i'), h('i')), h('span', {}, typingText)] : []));
  }

  ui.notice.textContent = state.notice;
  ui.notice.hidden = !state.notice;

  // Composer
  const offerTopic = !c && !state.config?.skillId && state.skills.length > 1;
  if (offerTopic && (ui.topic.options.length !== state.skills.length + 1 || ui.topic.dataset.lang !== currentLanguage())) {
    ui.topic.dataset.lang = currentLanguage();
    ui.topic.replaceChildren(h('option', { value: '' }, t('topic.choose')), ...state.skills.map((s) => h('option', { value: s.id }, s.name)));
  }
  ui.topicRow.hidden = !offerTopic;
  const placeholder = c ? t('composer.write') : last ? t('composer.new') : t('composer.ask');
  if (ui.text.placeholder !== placeholder) {
    ui.text.placeholder = placeholder;
    // An empty box grows to its placeholder (a longer language's can take two lines at 400 px).
    if (!ui.text.value) autosize();
  }
  ui.composer.setAttribute('aria-busy', String(!state.config));
  syncQueueTimer();
}

function renderLog(): void {
  const items: Keyed[] = [];
  const now = new Date();
  if (state.conversations.length === 0 && !state.messages.get('pending')?.length) {
    items.push({
      key: 'welcome',
      sig: `${state.config?.name ?? ''}|${currentLanguage()}`,
      make: () =>
        h(
          'div',
          { class: 'welcome' },
          h('p', { class: 'hello' }, state.config?.name ? t('welcome.named', { name: state.config.name }) : t('welcome.hello')),
          h('p', {}, t('welcome.text')),
        ),
    });
  }
  const conversations = [...state.conversations];
  for (const conv of conversations) {
    const when = t('divider.when', { day: dayLabel(conv.createdAt, now), time: timeFmt.format(new Date(conv.createdAt)) });
    items.push({
      key: `start:${conv.id}`,
      sig: when,
      make: () => h('div', { class: 'divider', role: 'separator' }, h('span', {}, t('divider.start', { when }))),
    });
    const list = state.messages.get(conv.id) ?? [];
    const offering = offeringQuickReplies(list, conv.state === 'closed');
    for (const m of list) items.push(messageItem(m, conv, m === offering));
    if (conv.state === 'closed') {
      const who = conv.closedBy === 'consumer' ? t('divider.youEnded') : t('divider.ended');
      items.push({ key: `end:${conv.id}`, sig: who, make: () => h('div', { class: 'divider ended', role: 'separator' }, h('span', {}, who)) });
    }
    // A survey still to answer belongs under the last conversation while it is closed: once it goes
    // on, or a newer one starts, the server has withdrawn it (a thank-you stays where it was).
    const survey = state.surveys.get(conv.id);
    const askable = conv.state === 'closed' && conv === conversations[conversations.length - 1];
    if (survey && (survey.status === 'done' || askable)) items.push(surveyItem(survey));
  }
  for (const m of state.messages.get('pending') ?? []) items.push(messageItem(m, undefined));
  reconcile(ui.log, items);
}

function messageItem(m: ChatMessage, conv: ConsumerConversation | undefined, offering = false): Keyed {
  const agentName = agentNameOf(m, conv?.agent?.displayName);
  const sig = [
    m.status,
    m.seq,
    m.file?.url ?? '',
    m.senderType === 'agent' || m.senderType === 'bot' ? agentName : '',
    offering ? 'offer' : '',
    currentLanguage(),
  ].join('|');
  return {
    key: `m:${m.key}`,
    sig,
    make: () => {
      if (m.senderType === 'system') return h('div', { class: 'system' }, m.text ?? '');
      const mine = m.senderType === 'consumer';
      const body = h('div', { class: m.file && !m.text && isImage(m.file.contentType) ? 'bubble media' : 'bubble' });
      if (m.file) body.append(fileView(m));
      if (m.text) body.append(h('p', { dir: 'auto' }, m.text));
      const meta = h('div', { class: 'meta' }, mine ? '' : t('meta.by', { name: agentName }), timeFmt.format(new Date(m.createdAt)));
      if (m.status === 'sending') meta.append(t('meta.sending'));
      const row = h(
        'div',
        { class: `msg ${mine ? 'mine' : 'theirs'}${m.status === 'failed' ? ' failed' : ''}` },
        h('span', { class: 'sr-only' }, mine ? t('said.you') : t('said.agent', { name: agentName })),
        body,
        meta,
      );
      // The agent's suggested answers, while they are the last word: one tap sends the answer.
      if (offering && m.quickReplies?.length) {
        row.append(
          h(
            'div',
            { class: 'quick-replies', role: 'group', 'aria-label': t('quickReplies') },
            ...m.quickReplies.map((q) => h('button', { type: 'button', class: 'quick-reply', onclick: () => void sendQuickReply(q) }, q.title)),
          ),
        );
      }
      if (m.status === 'failed') {
        row.append(
          h(
            'button',
            {
              type: 'button',
              class: 'retry',
              onclick: () => retries.get(m.key)?.(),
            },
            t('retry'),
          ),
        );
      }
      return row;
    },
  };
}

function fileUrl(f: NonNullable<Message['file']>): Promise<string> {
  let p = blobUrls.get(f.url);
  if (!p) {
    p = api.file(f.url).then((b) => URL.createObjectURL(b));
    p.catch(() => blobUrls.delete(f.url));
    blobUrls.set(f.url, p);
  }
  return p;
}

function fileView(m: ChatMessage): HTMLElement {
  const f = m.file;
  if (!f) return h('span');
  if (isImage(f.contentType)) {
    const img = h('img', { alt: f.name, class: 'photo', loading: 'lazy' });
    const link = h('a', { class: 'photo-link', target: '_blank', rel: 'noopener', 'aria-label': t('photo.open', { name: f.name }) }, img);
    if (m.localPreview) {
      img.src = m.localPreview;
      link.href = m.localPreview;
    }
    if (f.url) {
      fileUrl(f)
        .then((u) => {
          img.src = u;
          link.href = u;
        })
        .catch(() => {
          if (!m.localPreview) img.alt = t('photo.failed', { name: f.name });
        });
    }
    return link;
  }
  const btn = h(
    'button',
    { type: 'button', class: 'file' },
    icon(ICONS.file, 22),
    h('span', { class: 'file-name' }, f.name),
    h('span', { class: 'file-size' }, fileSize(f.size)),
    icon(ICONS.download, 18),
  );
  btn.setAttribute('aria-label', t('file.download', { name: f.name, size: fileSize(f.size) }));
  btn.addEventListener('click', async () => {
    try {
      const url = await fileUrl(f);
      const a = h('a', { href: url, download: f.name });
      document.body.append(a);
      a.click();
      a.remove();
    } catch (err) {
      showNotice(err);
    }
  });
  return btn;
}

function surveyItem(s: SurveyState): Keyed {
  const expired = new Date(s.req.expiresAt).getTime() < Date.now();
  const status = s.status === 'done' ? 'done' : expired ? 'expired' : 'form';
  return {
    key: `survey:${s.req.conversationId}`,
    sig: `${status}|${currentLanguage()}`,
    make: () => {
      if (status === 'done') return h('div', { class: 'card survey-done', tabindex: '-1' }, h('p', {}, t('survey.thanks')));
      if (status === 'expired') return h('div', { class: 'card' }, h('p', {}, t('survey.expired')));
      const form = h('form', { class: 'card survey', 'aria-labelledby': `sv-${s.req.conversationId}` });
      form.append(h('h2', { id: `sv-${s.req.conversationId}` }, t('survey.title')));
      for (const q of s.req.questions) form.append(questionView(q));
      form.append(h('p', { class: 'form-error', role: 'alert' }), h('button', { type: 'submit', class: 'primary' }, t('survey.send')));
      form.addEventListener('submit', (e) => {
        e.preventDefault();
        void submitSurvey(s.req.conversationId, form);
      });
      return form;
    },
  };
}

function questionView(q: SurveyRequest['questions'][number]): HTMLElement {
  const fs = h('fieldset', { class: `q q-${q.type}` }, h('legend', {}, q.text));
  if (q.type === 'text') {
    const id = `q-${q.id}`;
    fs.append(h('label', { for: id, class: 'sr-only' }, q.text), h('textarea', { id, name: q.id, rows: 2, maxlength: 2000 }));
    return fs;
  }
  const csat = csatLabels();
  const options: { value: string; label: string; title?: string }[] =
    q.type === 'csat'
      ? csat.map((title, i) => ({ value: String(i + 1), label: formatNumber(i + 1), title }))
      : q.type === 'nps'
        ? Array.from({ length: 11 }, (_, i) => ({ value: String(i), label: formatNumber(i) }))
        : (q.choices ?? []).map((c) => ({ value: c, label: c }));
  const group = h('div', { class: 'scale' });
  for (const o of options) {
    const input = h('input', {
      type: 'radio',
      name: q.id,
      value: o.value,
      ...(o.title && { 'aria-label': t('survey.option', { value: o.label, label: o.title }) }),
    });
    group.append(h('label', { class: 'opt', title: o.title }, input, h('span', {}, o.label)));
  }
  fs.append(group);
  if (q.type === 'csat') fs.append(h('div', { class: 'ends', 'aria-hidden': 'true' }, h('span', {}, csat[0]), h('span', {}, csat[4])));
  if (q.type === 'nps') fs.append(h('div', { class: 'ends', 'aria-hidden': 'true' }, h('span', {}, t('nps.low')), h('span', {}, t('nps.high'))));
  return fs;
}

/** The message box fits its text (or, while empty, its placeholder: Chromium counts it in scrollHeight), up to 140 px. */
export function autosize(): void {
  const box = ui.text;
  box.style.height = 'auto';
  // scrollHeight leaves out the borders, which the border-box height counts.
  box.style.height = `${Math.min(box.scrollHeight + box.offsetHeight - box.clientHeight, 140)}px`;
}

export function isAtEnd(): boolean {
  const l = ui.log;
  return l.scrollHeight - l.scrollTop - l.clientHeight < 60;
}

export function scrollToEnd(): void {
  ui.log.scrollTop = ui.log.scrollHeight;
}
