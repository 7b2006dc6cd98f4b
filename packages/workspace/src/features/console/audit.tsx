import type { AuditEntry } from '@parley/contract';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { toast } from '../../app/store.js';
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
      toast('Audit log downloaded');
    } catch (err) {
      toast((err as Error).message, 'error');
    }
  }

  const who = (e: AuditEntry) => {
    if (e.actorType === 'system') return 'System';
    const u = users.find((x) => x.id === e.actorId);
    if (u) return u.displayName;
    if (e.actorId === null) return e.action === 'auth.login_failed' ? 'Unknown user' : '—';
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
      <h3 id="console-audit">Audit log</h3>
      <p className="muted">
        Every change made by a manager, and every sign-in, newest first. Entries cannot be changed or deleted; they are kept for the account's audit retention.
      </p>
      <form className="console-form wide" onSubmit={apply} aria-label="Filter the audit log" noValidate>
        <div className="console-grid">
          <Field label="Actor" path="actorId" errors={errors}>
            <select value={draft.actorId} onChange={set('actorId')}>
              <option value="">Anyone</option>
              {users.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.displayName} ({u.username})
                </option>
              ))}
            </select>
          </Field>
          <Field label="Action" path="action" errors={errors}>
            <select value={draft.action} onChange={set('action')}>
              <option value="">Any action</option>
              {ACTIONS.map((a) => (
                <option key={a} value={a}>
                  {a}
                </option>
              ))}
            </select>
          </Field>
          <Field label="From (UTC date)" path="from" errors={errors}>
            <input type="date" value={draft.from} onChange={set('from')} />
          </Field>
          <Field label="To (UTC date, included)" path="to" errors={errors}>
            <input type="date" value={draft.to} onChange={set('to')} />
          </Field>
        </div>
        <FormError errors={errors} />
        <div className="console-inline">
          <button type="submit" className="button primary" disabled={busy}>
            Show entries
          </button>{' '}
          <button
            type="button"
            className="button"
            onClick={() => {
              setDraft(EMPTY);
              setFilters(EMPTY);
            }}
          >
            Clear filters
          </button>{' '}
          <button type="button" className="button" onClick={() => void download()}>
            Download CSV
          </button>
        </div>
      </form>
      <div className="table-scroll">
        <ConsoleTable label="Audit log entries" columns={['When (UTC)', 'Who', 'Action', 'Target', 'Address', 'Details']}>
          {items.map((e) => (
            <tr key={e.id}>
              <td data-label="When (UTC)">
                <time dateTime={e.at}>{e.at.slice(0, 19).replace('T', ' ')}</time>
              </td>
              <td data-label="Who">{who(e)}</td>
              <td data-label="Action">
                <code>{e.action}</code>
              </td>
              <td data-label="Target" title={e.targetId ?? undefined}>
                {target(e)}
              </td>
              <td data-label="Address">{e.ip ?? '—'}</td>
              <td data-label="Details" className="audit-details">
                {describe(e.details).map((line) => (
                  <div key={line}>{line}</div>
                ))}
              </td>
            </tr>
          ))}
        </ConsoleTable>
      </div>
      {items.length === 0 && !busy ? <p className="muted">No entries match these filters.</p> : null}
      {next ? (
        <button type="button" className="button" disabled={busy} onClick={() => void load(filters, next)}>
          Show older entries
        </button>
      ) : null}
    </section>
  );
}
