import type { ConversationState } from '@parley/contract';
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { openConversation } from '../../app/controller.js';
import { useLabels } from '../../app/labels.js';
import { toast, useStore } from '../../app/store.js';
import { type Translate, useT } from '../../i18n/index.js';
import { api } from '../../lib/api.js';
import { shortStamp } from '../../lib/format.js';
import { type ActiveItem, CHANNEL_LABEL, type ConversationDetails, type Message, type User } from '../../lib/types.js';
import { RowLabels } from '../../ui/label-chip.js';
import { Notes } from '../conversation/notes.js';
import { Transcript } from '../conversation/transcript.js';
import { TransferDialog } from '../conversation/transfer-dialog.js';
import { type SkillRow, useList } from './list.js';
import { ConsoleTable } from './table.js';

/** What the state filter offers: everything under way, or one state. */
const LIVE = 'open,queued,ringing';
const ONE_STATE: readonly ConversationState[] = ['open', 'queued', 'ringing'];
const stateName = (t: Translate, s: ConversationState) => t(`conversationState.${s}`);

interface Filters {
  state: string;
  agentId: string;
  skillId: string;
  label: string;
}
const ALL: Filters = { state: LIVE, agentId: '', skillId: '', label: '' };

/** Whether the last `dashboard.changed` cue may concern this conversation. */
const concerns = (ids: string[] | null, id: string) => ids === null || ids.includes(id);

/**
 * Supervision: every conversation of the account under way (open, queued, ringing), filtered by
 * state, agent, skill and label. Live without polling: the list is read again on each
 * `dashboard.changed` socket cue (managers get one after every change of the account). A row opens
 * the conversation read-only below the list, where the manager whispers, takes it over or transfers it.
 */
export function SupervisionScreen() {
  const t = useT();
  const tick = useStore((s) => s.dashboardTick);
  const [users] = useList('GET /api/v1/users');
  const [skills] = useList('GET /api/v1/skills');
  const labels = useLabels();
  const [filters, setFilters] = useState<Filters>(ALL);
  const [items, setItems] = useState<ActiveItem[] | null>(null);
  const [watching, setWatching] = useState<string | null>(null);

  // biome-ignore lint/correctness/useExhaustiveDependencies: tick is the refetch cue
  useEffect(() => {
    let stale = false;
    const query = { state: filters.state, agentId: filters.agentId || undefined, skillId: filters.skillId || undefined, label: filters.label || undefined };
    api.all('GET /api/v1/conversations', { query }).then(
      (r) => !stale && setItems(r.items),
      (e: Error) => !stale && toast(e.message, 'error'),
    );
    return () => {
      stale = true;
    };
  }, [filters, tick]);

  const userName = useMemo(() => new Map(users.map((u) => [u.id, u.displayName])), [users]);
  const skillName = useMemo(() => new Map(skills.map((s) => [s.id, s.name])), [skills]);
  const prefs = useStore((s) => s.datePrefs);
  const set = (k: keyof Filters) => (e: { target: { value: string } }) => setFilters((f) => ({ ...f, [k]: e.target.value }));
  const now = Date.now();

  return (
    <section aria-labelledby="console-supervision" className="supervision">
      <h3 id="console-supervision">{t('console.supervision.title')}</h3>
      <p className="muted">{t('console.supervision.intro')}</p>
      <form className="console-form supervision-filters" aria-label={t('console.supervision.filters')} onSubmit={(e) => e.preventDefault()}>
        <div className="console-grid">
          <SelectField
            label={t('console.supervision.state')}
            value={filters.state}
            onChange={set('state')}
            options={[[LIVE, t('console.supervision.state.live')] as const, ...ONE_STATE.map((st) => [st, stateName(t, st)] as const)]}
          />
          <SelectField
            label={t('console.supervision.agent')}
            any={t('console.supervision.anyAgent')}
            value={filters.agentId}
            onChange={set('agentId')}
            options={users.map((u) => [u.id, u.displayName] as const)}
          />
          <SelectField
            label={t('console.supervision.skill')}
            any={t('console.supervision.anySkill')}
            value={filters.skillId}
            onChange={set('skillId')}
            options={skills.map((x) => [x.id, x.name] as const)}
          />
          <SelectField
            label={t('console.supervision.label')}
            any={t('console.supervision.anyLabel')}
            value={filters.label}
            onChange={set('label')}
            options={labels.map((l) => [l.id, l.name] as const)}
          />
        </div>
      </form>
      <p role="status" className="muted">
        {items === null ? t('common.loading') : t('console.supervision.count', { count: items.length })}
      </p>
      {items?.length ? (
        <div className="table-scroll">
          <ConsoleTable
            label={t('console.supervision.table')}
            columns={[
              t('console.supervision.col.consumer'),
              t('console.supervision.state'),
              t('console.supervision.agent'),
              t('console.supervision.skill'),
              t('console.supervision.col.sla'),
              t('console.supervision.col.lastMessage'),
              t('console.supervision.col.started'),
              t('console.supervision.col.labels'),
            ]}
            actions
          >
            {items.map((c) => (
              <tr key={c.id} data-conversation={c.id} aria-current={watching === c.id ? 'true' : undefined}>
                <th scope="row">
                  {c.consumer.name} <span className="muted">· {CHANNEL_LABEL[c.channel]}</span>
                </th>
                <td data-label={t('console.supervision.state')}>{stateName(t, c.state)}</td>
                <td data-label={t('console.supervision.agent')}>{c.agentId ? (userName.get(c.agentId) ?? '—') : '—'}</td>
                <td data-label={t('console.supervision.skill')}>{c.skillId ? (skillName.get(c.skillId) ?? '—') : '—'}</td>
                <td data-label={t('console.supervision.col.sla')} className={c.status === 'overdue' ? 'bad' : undefined}>
                  {c.soonOverdue ? t('console.supervision.soonOverdue', { status: t(`listStatus.${c.status}`) }) : t(`listStatus.${c.status}`)}
                </td>
                <td data-label={t('console.supervision.col.lastMessage')} className="supervision-last">
                  {c.lastMessage ? c.lastMessage.text : '—'}
                </td>
                <td data-label={t('console.supervision.col.started')}>
                  <time dateTime={c.createdAt}>{shortStamp(c.createdAt, prefs, now)}</time>
                </td>
                <td data-label={t('console.supervision.col.labels')}>{c.labels?.length ? <RowLabels ids={c.labels} /> : '—'}</td>
                <td className="actions">
                  <button type="button" className="button" aria-pressed={watching === c.id} onClick={() => setWatching(watching === c.id ? null : c.id)}>
                    {t('console.supervision.watch')}
                    <span className="sr-only">{t('console.supervision.watchWhom', { name: c.consumer.name })}</span>
                  </button>
                </td>
              </tr>
            ))}
          </ConsoleTable>
        </div>
      ) : null}
      {watching ? <Supervised key={watching} id={watching} users={users} skills={skills} onClose={() => setWatching(null)} /> : null}
    </section>
  );
}

/**
 * A labelled select whose name is its label alone (a select inside its label would be named by the
 * label and its chosen option too). `any`: a first option for "no filter".
 */
export function SelectField(props: {
  label: string;
  any?: string;
  value: string;
  onChange: (e: { target: { value: string } }) => void;
  options: readonly (readonly [string, string])[];
}) {
  const id = useId();
  return (
    <div className="field">
      <label className="field-label" htmlFor={id}>
        {props.label}
      </label>
      <select id={id} value={props.value} onChange={props.onChange}>
        {props.any !== undefined ? <option value="">{props.any}</option> : null}
        {props.options.map(([value, name]) => (
          <option key={value} value={value}>
            {name}
          </option>
        ))}
      </select>
    </div>
  );
}

/**
 * One conversation as a supervisor sees it: read-only, its transcript live (read again when a
 * `dashboard.changed` cue names it), the whisper (internal notes, which its agent sees appear),
 * and the take-over and transfer actions.
 */
function Supervised({ id, users, skills, onClose }: { id: string; users: User[]; skills: SkillRow[]; onClose: () => void }) {
  const t = useT();
  const tick = useStore((s) => s.dashboardTick);
  const cue = useStore((s) => s.dashboardConversations);
  const me = useStore((s) => s.session?.user.id);
  const [details, setDetails] = useState<ConversationDetails | null>(null);
  const [messages, setMessages] = useState<Message[]>([]);
  const [loading, setLoading] = useState(true);
  const [transferring, setTransferring] = useState(false);
  const [busy, setBusy] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  const first = useRef(true);

  // biome-ignore lint/correctness/useExhaustiveDependencies: tick is the refetch cue; cue says whether it concerns this conversation
  useEffect(() => {
    if (!first.current && !concerns(cue, id)) return;
    first.current = false;
    let stale = false;
    Promise.all([api.call('GET /api/v1/conversations/{id}', { params: { id } }), api.all('GET /api/v1/conversations/{id}/messages', { params: { id } })]).then(
      ([d, m]) => {
        if (stale) return;
        setDetails(d);
        setMessages(m.items);
        setLoading(false);
      },
      (e: Error) => {
        if (stale) return;
        setLoading(false);
        toast(t('console.supervision.loadFailed', { error: e.message }), 'error');
      },
    );
    return () => {
      stale = true;
    };
  }, [id, tick]);

  useEffect(() => heading.current?.focus(), []);

  const agent = details?.agentId ? (users.find((u) => u.id === details.agentId)?.displayName ?? '…') : null;
  const skill = details?.skillId ? skills.find((s) => s.id === details.skillId)?.name : undefined;
  const mine = details?.agentId === me && details?.state === 'open';
  const name = details?.consumer.name ?? '…';

  async function takeOver() {
    setBusy(true);
    try {
      const item = await api.call('POST /api/v1/conversations/{id}/take-over', { params: { id } });
      setDetails((d) => (d ? { ...d, state: item.state, agentId: item.agentId } : d));
      toast(t('console.supervision.tookOver', { name }));
    } catch (err) {
      toast(t('console.supervision.takeOverFailed', { error: (err as Error).message }), 'error');
    } finally {
      setBusy(false);
    }
  }

  async function transfer(conversationId: string, target: { skillId: string } | { agentId: string }, label: string): Promise<boolean> {
    try {
      await api.call('POST /api/v1/conversations/{id}/transfer', { params: { id: conversationId }, body: target });
      toast(t('console.supervision.transferred', { target: label }));
      return true;
    } catch (err) {
      toast(t('console.supervision.transferFailed', { error: (err as Error).message }), 'error');
      return false;
    }
  }

  return (
    <section className="supervised" aria-labelledby={`supervised-${id}`}>
      <div className="supervised-head">
        <h4 id={`supervised-${id}`} ref={heading} tabIndex={-1}>
          {name}
          <span className="muted">
            {' '}
            · {details ? stateName(t, details.state) : ''}
            {agent ? ` ${t('console.supervision.withAgent', { agent })}` : ''}
            {skill ? ` · ${skill}` : ''}
          </span>
        </h4>
        <div className="supervised-actions">
          {mine ? (
            <button type="button" className="button primary" onClick={() => openConversation(id)}>
              {t('console.supervision.openInWorkspace')}
            </button>
          ) : (
            <button type="button" className="button primary" disabled={busy || !details || details.state === 'closed'} onClick={() => void takeOver()}>
              {t('console.supervision.takeOver')}
            </button>
          )}
          <button type="button" className="button" disabled={!details || details.state === 'closed'} onClick={() => setTransferring(true)}>
            {t('console.supervision.transfer')}
          </button>
          <button type="button" className="button" onClick={onClose}>
            {t('console.supervision.stop')}
          </button>
        </div>
      </div>
      <p className="muted">{t('console.supervision.readOnly')}</p>
      <div className="supervised-body">
        <div className="supervised-transcript">
          <Transcript messages={messages} conversationId={id} consumerName={name} directory={null} loading={loading} />
        </div>
        <section aria-labelledby={`whisper-${id}`} className="supervised-whisper">
          <h5 id={`whisper-${id}`}>{t('console.supervision.whisper')}</h5>
          <Notes conversationId={id} directory={null} />
        </section>
      </div>
      {transferring ? <TransferDialog conversationId={id} onClose={() => setTransferring(false)} onTransfer={transfer} /> : null}
    </section>
  );
}
