import { soonOverdueNow, statusNow } from '@parley/contract';
import { useEffect, useRef, useState } from 'react';
import { acceptOffer, closeConversation, copyTranscriptToHost, declineOffer, dismiss, goHome, resumeConversation, setTab } from '../../app/controller.js';
import { useDirectory } from '../../app/directory.js';
import { eventBus, store, toast, useStore } from '../../app/store.js';
import { t, useT } from '../../i18n/index.js';
import { api } from '../../lib/api.js';
import { shortStamp, slaText } from '../../lib/format.js';
import { closedByText, consumerLabel } from '../../lib/people.js';
import { type ActiveItem, CHANNEL_LABEL, type ConversationDetails, type Message } from '../../lib/types.js';
import { Icon } from '../../ui/icons.js';
import { useNow } from '../../ui/use-now.js';
import { CloseDialog, type DispositionOption } from './close-dialog.js';
import { Composer } from './composer.js';
import { ConsumerInfo, WhyMe } from './consumer-info.js';
import { copyTranscript } from './copy-transcript.js';
import { LabelRow } from './label-row.js';
import { Notes } from './notes.js';
import { SlaDialog } from './sla-dialog.js';
import { Transcript } from './transcript.js';
import { TransferDialog } from './transfer-dialog.js';

type TabId = 'transcript' | 'info' | 'why' | 'notes';
const TABS: { id: TabId; label: () => string }[] = [
  { id: 'transcript', label: () => t('conv.tab.transcript') },
  { id: 'info', label: () => t('conv.tab.info') },
  { id: 'why', label: () => t('conv.tab.why') },
  { id: 'notes', label: () => t('conv.tab.notes') },
];

/** Orders messages: earlier conversations first, then by seq; drops duplicates by id. */
function merge(list: Message[], more: Message[], currentId: string): Message[] {
  const seen = new Set(list.map((m) => m.id));
  const added = more.filter((m) => !seen.has(m.id));
  if (added.length === 0) return list;
  const all = [...list, ...added];
  const order = new Map<string, number>();
  for (const m of all) if (!order.has(m.conversationId)) order.set(m.conversationId, m.conversationId === currentId ? Number.MAX_SAFE_INTEGER : order.size);
  return all.sort((a, b) => (order.get(a.conversationId) ?? 0) - (order.get(b.conversationId) ?? 0) || a.seq - b.seq);
}

/** The conversation mode: header with SLA and actions, then tabs (transcript, consumer info, why me, notes) and the composer. */
export function ConversationView({ id, from }: { id: string; from: 'active' | 'all' }) {
  const storeItem = useStore((s) => s.active[id]);
  useT();
  const me = useStore((s) => s.session?.user);
  const epoch = useStore((s) => s.epoch);
  const offer = useStore((s) => s.offers[id]);
  const directory = useDirectory();
  const now = useNow();
  const prefs = useStore((s) => s.datePrefs);
  const [details, setDetails] = useState<ConversationDetails | null>(null);
  const [messages, setMessages] = useState<Message[]>([]);
  const [loading, setLoading] = useState(true);
  const [tab, setTabId] = useState<TabId>('transcript');
  const [dialog, setDialog] = useState<null | 'transfer' | 'sla' | 'close'>(null);
  const [dispositions, setDispositions] = useState<DispositionOption[]>([]);
  /** Close: with the dialog when the account has dispositions, at once otherwise. */
  async function startClose() {
    let list: DispositionOption[] = [];
    try {
      list = (await api.all('GET /api/v1/dispositions')).items;
    } catch {
      // none to offer: close as before
    }
    if (list.length === 0) return void closeConversation(id);
    setDispositions(list);
    setDialog('close');
  }
  const tabRefs = useRef<(HTMLButtonElement | null)[]>([]);
  const headingRef = useRef<HTMLHeadingElement>(null);

  const item: ActiveItem | undefined = storeItem ?? (details ? { ...details, consumer: { id: details.consumer.id, name: details.consumer.name } } : undefined);
  const state = item?.state;

  // Focus the heading when another conversation opens, so screen readers and keyboards start here.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the conversation changes
  useEffect(() => {
    setTabId('transcript');
    setMessages([]);
    setDetails(null);
    headingRef.current?.focus();
  }, [id]);

  useEffect(() => {
    let live = true;
    void state;
    void epoch;
    api
      .call('GET /api/v1/conversations/{id}', { params: { id } })
      .then((d) => live && setDetails(d))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [id, state, epoch]);

  useEffect(() => {
    let live = true;
    setLoading(true);
    void epoch;
    api
      .all('GET /api/v1/conversations/{id}/messages', { params: { id }, query: { includePrevious: true } })
      .then((r) => live && setMessages((list) => merge(list, r.items, id)))
      .catch((err) => live && toast(t('conv.loadFailed', { error: (err as Error).message }), 'error'))
      .finally(() => live && setLoading(false));
    const off = eventBus.on((type, data) => {
      const m = data as Message;
      if (type === 'message.created' && m.conversationId === id) setMessages((list) => merge(list, [m], id));
      // delivery status of a message sent to SMS, Messenger or a webhook changed
      if (type === 'message.updated' && m.conversationId === id) setMessages((list) => list.map((x) => (x.id === m.id ? m : x)));
    });
    return () => {
      live = false;
      off();
    };
  }, [id, epoch]);

  if (!item) {
    return (
      <section className="detail-pane" aria-label={t('conv.label')}>
        <p className="muted pad">{t('common.loading')}</p>
      </section>
    );
  }

  const status = statusNow(item, now);
  const soon = soonOverdueNow(item, now);
  const mine = !!me && (item.agentId === me.id || me.role === 'manager');
  const open = item.state === 'open';
  const closed = item.state === 'closed';
  const ringing = item.state === 'ringing';
  const canAct = mine && (from === 'active' || !!storeItem);
  const tone = ringing ? 'ringing' : soon && status === 'ongoing' ? 'soon' : status;
  const name = consumerLabel(item.consumer.name, item.channel);
  const closedBy = closed ? closedByText(item, me?.id ?? null) : null;
  const closing = closed && item.closedAt ? t('conv.closing', { who: closedBy ?? t('rowStatus.closed'), when: shortStamp(item.closedAt, prefs, now) }) : null;

  async function copy() {
    try {
      copyTranscriptToHost(id, await copyTranscript(id));
      toast(t('conv.copied'));
    } catch (err) {
      toast(t('conv.copyFailed', { error: (err as Error).message }), 'error');
    }
  }

  function onTabKey(e: React.KeyboardEvent, i: number) {
    let n = i;
    // Right to left, the next tab is on the left.
    const rtl = document.documentElement.dir === 'rtl';
    if (e.key === (rtl ? 'ArrowLeft' : 'ArrowRight')) n = (i + 1) % TABS.length;
    else if (e.key === (rtl ? 'ArrowRight' : 'ArrowLeft')) n = (i + TABS.length - 1) % TABS.length;
    else if (e.key === 'Home') n = 0;
    else if (e.key === 'End') n = TABS.length - 1;
    else return;
    e.preventDefault();
    const next = TABS[n];
    if (next) setTabId(next.id);
    tabRefs.current[n]?.focus();
  }

  return (
    <section className={`detail-pane conv tone-${tone}`} aria-labelledby={`conv-title-${id}`}>
      <header className="conv-head">
        <button
          type="button"
          className="icon-button back-button"
          aria-label={t('conv.back')}
          title={t('conv.back')}
          onClick={() => (from === 'all' ? store.set({ allSelectedId: null }) : goHome())}
        >
          <Icon name="chevron" />
        </button>
        <div className="conv-title">
          <h2 id={`conv-title-${id}`} ref={headingRef} tabIndex={-1}>
            {name}
          </h2>
          <p className="conv-sub">
            {item.urgent && !closed ? <span className="chip chip-urgent">{t('row.urgent')}</span> : null}
            <span className="chip">{CHANNEL_LABEL[item.channel]}</span>
            <span className={`pill pill-${tone}`}>
              {ringing ? t('rowStatus.ringing') : soon && status === 'ongoing' ? t('rowStatus.soon') : t(`rowStatus.${status}`)}
            </span>
            {item.slaDueAt && !closed ? (
              <span className="conv-sla">
                {slaText(item.slaDueAt, now)}
                {item.manualSla ? t('conv.manualSla') : ''}
              </span>
            ) : null}
            {!canAct && from === 'all' ? <span className="muted">{t('conv.readOnly')}</span> : null}
          </p>
        </div>
        <div className="conv-actions" role="toolbar" aria-label={t('conv.actions')}>
          {/* Below 760 px the ghost buttons show their icon only: the label stays their name, and the title their tooltip. */}
          <button type="button" className="button ghost" title={t('conv.copy')} onClick={() => void copy()}>
            <Icon name="copy" />
            <span className="btn-label">{t('conv.copy')}</span>
          </button>
          {canAct && open ? (
            <>
              <button type="button" className="button ghost" title={t('conv.transfer')} onClick={() => setDialog('transfer')}>
                <Icon name="transfer" />
                <span className="btn-label">{t('conv.transfer')}</span>
              </button>
              <button type="button" className="button ghost" title={item.manualSla ? t('conv.sla.change') : t('conv.sla.set')} onClick={() => setDialog('sla')}>
                <Icon name="clock" />
                <span className="btn-label">{item.manualSla ? t('conv.sla.change') : t('conv.sla.set')}</span>
              </button>
              <button type="button" className="button close-button" onClick={() => void startClose()}>
                <Icon name="check" />
                <span className="btn-label">{t('conv.close')}</span>
              </button>
            </>
          ) : null}
          {closed && me && item.agentId === me.id ? (
            <button type="button" className="button" onClick={() => void resumeConversation(id).then((ok) => ok && from === 'all' && setTab('active'))}>
              <Icon name="undo" />
              <span className="btn-label">{t('conv.resume')}</span>
            </button>
          ) : null}
          {closed && storeItem && from === 'active' ? (
            <button type="button" className="button remove-button" onClick={() => void dismiss(id)}>
              <Icon name="close" />
              <span className="btn-label">{t('conv.remove')}</span>
            </button>
          ) : null}
          {ringing && offer ? (
            <>
              <button type="button" className="button primary" onClick={() => void acceptOffer(id)}>
                {t('offer.accept')}
              </button>
              <button type="button" className="button" onClick={() => void declineOffer(id)}>
                {t('offer.decline')}
              </button>
            </>
          ) : null}
        </div>
      </header>
      <LabelRow
        conversationId={id}
        labelIds={item.labels ?? details?.labels ?? []}
        canEdit={canAct && !ringing}
        onSaved={(labels) => setDetails((d) => (d ? { ...d, labels } : d))}
      />
      <div className="tabs-row" role="tablist" aria-label={t('conv.details')}>
        {TABS.map((tabDef, i) => (
          <button
            key={tabDef.id}
            ref={(el) => {
              tabRefs.current[i] = el;
            }}
            type="button"
            role="tab"
            id={`tab-${id}-${tabDef.id}`}
            aria-selected={tab === tabDef.id}
            aria-controls={`panel-${id}-${tabDef.id}`}
            tabIndex={tab === tabDef.id ? 0 : -1}
            className="tab"
            onClick={() => setTabId(tabDef.id)}
            onKeyDown={(e) => onTabKey(e, i)}
          >
            {tabDef.label()}
          </button>
        ))}
      </div>
      <div className="conv-body" role="tabpanel" id={`panel-${id}-${tab}`} aria-labelledby={`tab-${id}-${tab}`}>
        {tab === 'transcript' ? (
          <>
            <Transcript messages={messages} conversationId={id} consumerName={name} directory={directory} loading={loading} closing={closing} />
            {canAct && open ? (
              <Composer
                conversationId={id}
                channel={item?.channel}
                lastMessageId={messages.at(-1)?.id}
                onSent={(m) => setMessages((list) => merge(list, [m], id))}
              />
            ) : closed && me && item.agentId === me.id ? (
              <p className="composer-note">{t('conv.closedNote', { name })}</p>
            ) : ringing ? (
              <p className="composer-note">{t('conv.acceptNote')}</p>
            ) : null}
          </>
        ) : null}
        {tab === 'info' ? <ConsumerInfo details={details} directory={directory} /> : null}
        {tab === 'why' ? <WhyMe details={details} directory={directory} /> : null}
        {tab === 'notes' ? <Notes conversationId={id} directory={directory} /> : null}
      </div>
      {dialog === 'transfer' ? <TransferDialog conversationId={id} onClose={() => setDialog(null)} /> : null}
      {dialog === 'sla' ? <SlaDialog item={item} onClose={() => setDialog(null)} /> : null}
      {dialog === 'close' ? <CloseDialog conversationId={id} dispositions={dispositions} onClose={() => setDialog(null)} /> : null}
    </section>
  );
}
