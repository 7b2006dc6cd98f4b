import type { AuditEntry } from '@parley/contract';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { toast } from '../../app/store.js';
import { useT } from '../../i18n/index.js';
import { api } from '../../lib/api.js';
import { Field, type FieldErrors, FormError, problemErrors } from './forms.js';
import { useList } from './list.js';
import { ConsoleTable } from './table.js';

/** The actions the audit log records today (docs/security.md); the filter also takes any other. */
const ACTIONS = [
  'auth.login',
  'auth.login_failed',
  'user.created',
  'user.updated',
  'user.deactivated',
  'user.password_changed',
  'user.status_changed',
  'settings.updated',
  'identity_secret.rotated',
  'skill.created',
  'skill.updated',
  'skill.deleted',
  'channel.created',
  'channel.updated',
  'channel.secret_rotated',
  'content.created',
  'content.updated',
  'content.deleted',
  'content_category.created',
  'content_category.updated',
  'content_category.deleted',
  'report.exported',
  'consumer.exported',
  'consumer.erased',
  'message.delivery_retried',
  'conversation.taken_over',
  'backup.created',
];

interface Filters {
  actorId: string;
  action: string;
  from: string;
  to: string;
}

const EMPTY: Filters = { actorId: '', action: '', from: '', to: '' };

/** The query of the filters: dates are whole UTC days, `to` inclusive (the API's `to` is exclusive). */
function query(f: Filters): Record<string, string | undefined> {
  let to: string | undefined = f.to || undefined;
  const next = new Date(`${f.to}T00:00:00Z`);
  if (to && !Number.isNaN(next.getTime())) {
    next.setUTCDate(next.getUTCDate() + 1);
    to = next.toISOString().slice(0, 10);
  }
  return { actorId: f.actorId || undefined, action: f.action || undefined, from: f.from || undefined, to };
}

const PAGE = 50;

const short = (v: unknown): string => {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 79)}…` : s;
};

/** A compact line per changed field: `name: a → b`, or `key: value`. */
function describe(details: Record<string, unknown>): string[] {
  return Object.entries(details).map(([k, v]) => {
    if (v && typeof v === 'object' && !Array.isArray(v) && 'from' in v && 'to' in v) {
      const d = v as { from: unknown; to: unknown };
      return `${k}: ${short(d.from)} → ${short(d.to)}`;
    }
    return `${k}: ${short(v)}`;
  });
}

export function AuditScreen() {
  const [users] = useList('GET /api/v1/users');
  const [skills] = useList('GET /api/v1/skills');
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const [items, setItems] = useState<AuditEntry[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  const t = useT();

  const load = useCallback(async (f: Filters, cursor: string | null) => {
    setBusy(true);
    try {
      const page = await api.call('GET /api/v1/audit', { query: { ...query(f), limit: PAGE, cursor: cursor ?? undefined } });
      setItems((prev) => (cursor ? [...prev, ...page.items] : page.items));
      setNext(page.nextCursor);
      setErrors({});
    } catch (err) {
      const fields = problemErrors(err);
      // the API names query fields `querystring.from`; the form's fields are `from`
      setErrors(Object.fromEntries(Object.entries(fields).map(([k, v]) => [k.replace(/^querystring\./, ''), v])));
    } finally {
      setBusy(false);
    }
  }, []);

  useEffect(() => {
    void load(filters, null);
  }, [filters, load]);

  function apply(e: FormEvent) {
    e.preventDefault();
    setFilters({ ...draft });
  }

  async function download() {
    try {
      const text = await api.call('GET /api/v1/audit.csv', { query: query(filters) });
      const url = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `audit-${new Date().toISOString().slice(0, 10)}.csv`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
      toast(t('console.audit.downloaded'));
    } catch (err) {
      toast((err as Error).message, 'error');
    }
  }

  const who = (e: AuditEntry) => {
    if (e.actorType === 'system') return t('console.audit.system');
    const u = users.find((x) => x.id === e.actorId);
    if (u) return u.displayName;
    if (e.actorId === null) return e.action === 'auth.login_failed' ? t('console.audit.unknownUser') : '—';
    return e.actorId;
  };
  // Ids are time-ordered (their start is the time): name what is known, else show the id's end.
  const target = (e: AuditEntry) => {
    if (!e.targetType) return '—';
    if (!e.targetId) return e.targetType;
    const name =
      e.targetType === 'user'
        ? users.find((u) => u.id === e.targetId)?.displayName
        : e.targetType === 'skill'
          ? skills.find((x) => x.id === e.targetId)?.name
          : e.targetType === 'account' || e.targetType === 'report'
            ? e.targetId
            : undefined;
    return `${e.targetType} ${name ?? `…${e.targetId.slice(-6)}`}`;
  };
  const set = (k: keyof Filters) => (e: { target: { value: string } }) => setDraft((d) => ({ ...d, [k]: e.target.value }));

  return (
    <section aria-labelledby="console-audit">
      <h3 id="console-audit">{t('console.audit.title')}</h3>
      <p className="muted">{t('console.audit.intro')}</p>
      <form className="console-form wide" onSubmit={apply} aria-label={t('console.audit.filter')} noValidate>
        <div className="console-grid">
          <Field label={t('console.audit.actor')} path="actorId" errors={errors}>
            <select value={draft.actorId} onChange={set('actorId')}>
              <option value="">{t('console.audit.anyone')}</option>
              {users.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.displayName} ({u.username})
                </option>
              ))}
            </select>
          </Field>
          <Field label={t('console.audit.action')} path="action" errors={errors}>
            <select value={draft.action} onChange={set('action')}>
              <option value="">{t('console.audit.anyAction')}</option>
              {ACTIONS.map((a) => (
                <option key={a} value={a}>
                  {a}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t('console.audit.from')} path="from" errors={errors}>
            <input type="date" value={draft.from} onChange={set('from')} />
          </Field>
          <Field label={t('console.audit.to')} path="to" errors={errors}>
            <input type="date" value={draft.to} onChange={set('to')} />
          </Field>
        </div>
        <FormError errors={errors} />
        <div className="console-inline">
          <button type="submit" className="button primary" disabled={busy}>
            {t('console.audit.show')}
          </button>{' '}
          <button
            type="button"
            className="button"
            onClick={() => {
              setDraft(EMPTY);
              setFilters(EMPTY);
            }}
          >
            {t('console.audit.clear')}
          </button>{' '}
          <button type="button" className="button" onClick={() => void download()}>
            {t('console.audit.csv')}
          </button>
        </div>
      </form>
      <div className="table-scroll">
        <ConsoleTable
          label={t('console.audit.entries')}
          columns={[
            t('console.audit.col.when'),
            t('console.audit.col.who'),
            t('console.audit.col.action'),
            t('console.audit.col.target'),
            t('console.audit.col.address'),
            t('console.audit.col.details'),
          ]}
        >
          {items.map((e) => (
            <tr key={e.id}>
              <td data-label={t('console.audit.col.when')}>
                <time dateTime={e.at}>{e.at.slice(0, 19).replace('T', ' ')}</time>
              </td>
              <td data-label={t('console.audit.col.who')}>{who(e)}</td>
              <td data-label={t('console.audit.col.action')}>
                <code>{e.action}</code>
              </td>
              <td data-label={t('console.audit.col.target')} title={e.targetId ?? undefined}>
                {target(e)}
              </td>
              <td data-label={t('console.audit.col.address')}>{e.ip ?? '—'}</td>
              <td data-label={t('console.audit.col.details')} className="audit-details">
                {describe(e.details).map((line) => (
                  <div key={line}>{line}</div>
                ))}
              </td>
            </tr>
          ))}
        </ConsoleTable>
      </div>
      {items.length === 0 && !busy ? <p className="muted">{t('console.audit.none')}</p> : null}
      {next ? (
        <button type="button" className="button" disabled={busy} onClick={() => void load(filters, next)}>
          {t('console.audit.older')}
        </button>
      ) : null}
    </section>
  );
}
