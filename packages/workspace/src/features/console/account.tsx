import type { SalesforceSettings, SalesforceSettingsPatch } from '@parley/contract';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { toast } from '../../app/store.js';
import { api, seg } from '../../lib/api.js';
import { Field, FieldError, FormSubmit, InlineField, num, useSubmit } from './forms.js';

type Json = Record<string, unknown>;

const get = (o: Json, path: string): unknown => path.split('.').reduce<unknown>((v, k) => (v as Json | undefined)?.[k], o);
function set(o: Json, path: string, value: unknown): Json {
  const [head, ...rest] = path.split('.') as [string, ...string[]];
  if (rest.length === 0) return { ...o, [head]: value };
  return { ...o, [head]: set((o[head] as Json) ?? {}, rest.join('.'), value) };
}

/** The editable account settings (the CRM sync has its own form below: SalesforceForm). */
const NUMBERS: [string, string][] = [
  ['ringTimeoutSec', 'Ring timeout (s)'],
  ['warmUp.intervalSec', 'Warm-up interval (s)'],
  ['warmUp.shiftGapSec', 'Warm-up shift gap (s)'],
  ['sla.defaultSec', 'SLA: first response (s)'],
  ['sla.firstTimeSec', 'SLA: first-time consumer (s)'],
  ['sla.urgentSec', 'SLA: urgent (s)'],
  ['idleAfterSec', 'Idle after (s)'],
  ['dynamicCapacity.idleWeight', 'Dynamic capacity: idle weight'],
  ['transferFallbackSec', 'Transfer fallback (s)'],
  ['autoClose.afterSec', 'Auto-close after (s)'],
  ['closedRetentionHours', 'Closed list retention (hours, 24–336)'],
  ['historyMonths', 'History (months, 1–13)'],
];
const BOOLS: [string, string][] = [
  ['awayOnMissedRing', 'Set agents away after a missed ring'],
  ['warmUp.enabled', 'Warm-up: ramp up new shifts'],
  ['dynamicCapacity.enabled', 'Dynamic capacity (idle conversations count less)'],
  ['autoClose.enabled', 'Auto-close idle conversations'],
];

export function AccountScreen() {
  const [settings, setSettings] = useState<Json | null>(null);
  const [form, setForm] = useState<Record<string, string>>({});
  const [errors, busy, run] = useSubmit();
  useEffect(() => {
    api.get<Json>('/api/v1/account/settings').then(
      (s) => {
        setSettings(s);
        setForm(
          Object.fromEntries([...NUMBERS.map(([p]) => [p, String(get(s, p) ?? '')]), ['ancestors', ((s.allowedFrameAncestors as string[]) ?? []).join('\n')]]),
        );
      },
      (e: Error) => toast(e.message, 'error'),
    );
  }, []);
  if (!settings) return <p className="muted">Loading…</p>;
  const s = settings;
  async function submit(e: FormEvent) {
    e.preventDefault();
    let body: Json = { acceptMode: s.acceptMode };
    for (const [p] of BOOLS) body = set(body, p, get(s, p));
    for (const [p] of NUMBERS) body = set(body, p, num(form[p] ?? ''));
    body.allowedFrameAncestors = (form.ancestors ?? '')
      .split(/\s+/)
      .map((x) => x.trim())
      .filter(Boolean);
    await run(async () => setSettings(await api.patch<Json>('/api/v1/account/settings', body)), 'Account settings saved');
  }
  return (
    <>
      <form className="console-form wide" onSubmit={submit} aria-labelledby="console-account" noValidate>
        <h3 id="console-account">Account settings</h3>
        <fieldset className="field">
          <legend>Accept mode</legend>
          <label className="check">
            <input type="radio" name="acceptMode" checked={s.acceptMode === 'auto'} onChange={() => setSettings({ ...s, acceptMode: 'auto' })} /> Auto-accept
          </label>
          <label className="check">
            <input type="radio" name="acceptMode" checked={s.acceptMode === 'ring'} onChange={() => setSettings({ ...s, acceptMode: 'ring' })} /> Ring (agent
            accepts)
          </label>
          <FieldError errors={errors} path="acceptMode" />
        </fieldset>
        {BOOLS.map(([p, label]) => (
          <label key={p} className="check">
            <input type="checkbox" checked={Boolean(get(s, p))} onChange={(e) => setSettings(set(s, p, e.target.checked))} /> {label}
            <FieldError errors={errors} path={p} />
          </label>
        ))}
        <div className="console-grid">
          {NUMBERS.map(([p, label]) => (
            <Field key={p} label={label} path={p} errors={errors}>
              <input inputMode="numeric" value={form[p] ?? ''} onChange={(e) => setForm({ ...form, [p]: e.target.value })} />
            </Field>
          ))}
        </div>
        <Field label="Allowed frame ancestors (one origin a line)" path="allowedFrameAncestors" errors={errors}>
          <textarea rows={3} value={form.ancestors ?? ''} onChange={(e) => setForm({ ...form, ancestors: e.target.value })} />
        </Field>
        <FormSubmit errors={errors} busy={busy}>
          Save settings
        </FormSubmit>
      </form>
      <SalesforceForm initial={(s.crm as { salesforce: SalesforceSettings }).salesforce} />
    </>
  );
}

// ---------------------------------------------------------------- CRM: Salesforce sync

const SF_FIELDS = [
  ['loginUrl', 'Login URL (token endpoint)'],
  ['instanceUrl', 'Instance URL (My Domain)'],
  ['consumerKey', 'Consumer key (connected app)'],
  ['username', 'Integration user (username)'],
] as const;

/**
 * The server-side transcript sync to Salesforce (docs/salesforce.md), saved on its own so a bad key
 * never holds up the other settings. The private key is write-only: the API says only whether one
 * is stored; a pasted key replaces it, "Remove" sends null, an empty box leaves it as it is.
 */
function SalesforceForm({ initial }: { initial: SalesforceSettings }) {
  const [sf, setSf] = useState(initial);
  const [key, setKey] = useState('');
  const [removeKey, setRemoveKey] = useState(false);
  const [errors, busy, run] = useSubmit();
  const enabledError = errors['crm.salesforce.enabled'] !== undefined;
  async function submit(e: FormEvent) {
    e.preventDefault();
    const { privateKeySet: _, ...fields } = sf;
    const salesforce: SalesforceSettingsPatch = { ...fields };
    if (removeKey) salesforce.privateKey = null;
    else if (key.trim()) salesforce.privateKey = key;
    const ok = await run(async () => {
      const saved = await api.patch<{ crm: { salesforce: SalesforceSettings } }>('/api/v1/account/settings', { crm: { salesforce } });
      setSf(saved.crm.salesforce);
    }, 'Salesforce settings saved');
    if (ok) {
      setKey('');
      setRemoveKey(false);
    }
  }
  return (
    <form className="console-form wide" onSubmit={submit} aria-labelledby="console-salesforce" noValidate>
      <h3 id="console-salesforce">CRM: Salesforce transcript sync</h3>
      <p className="muted hint">
        When a conversation closes, Parley writes its transcript as a completed Task on the consumer's Contact or Lead (OAuth 2.0 JWT bearer flow with a
        connected app; see docs/salesforce.md).
      </p>
      <label className="check">
        <input
          type="checkbox"
          checked={sf.enabled}
          onChange={(e) => setSf({ ...sf, enabled: e.target.checked })}
          aria-invalid={enabledError || undefined}
          aria-describedby={enabledError ? 'salesforce-enabled-error' : undefined}
        />{' '}
        Write each closed conversation's transcript to Salesforce
      </label>
      <FieldError errors={errors} path="crm.salesforce.enabled" id="salesforce-enabled-error" />
      <div className="console-grid">
        {SF_FIELDS.map(([k, label]) => (
          <Field key={k} label={label} path={`crm.salesforce.${k}`} errors={errors}>
            <input value={sf[k]} onChange={(e) => setSf({ ...sf, [k]: e.target.value })} autoComplete="off" />
          </Field>
        ))}
      </div>
      <p className="muted hint">
        Sandboxes log in at https://test.salesforce.com. The instance URL may stay empty: the one the token endpoint answers is used.
      </p>
      <p className="key-state" data-testid="salesforce-key-state">
        Private key: <strong>{sf.privateKeySet ? 'stored' : 'none stored'}</strong>
        {sf.privateKeySet ? ' (write-only: it is never shown)' : ''}
      </p>
      <Field label={sf.privateKeySet ? 'Replace the private key (PEM)' : 'Private key (PEM)'} path="crm.salesforce.privateKey" errors={errors}>
        <textarea
          rows={4}
          value={key}
          disabled={removeKey}
          onChange={(e) => setKey(e.target.value)}
          placeholder={sf.privateKeySet ? 'Empty: keep the stored key' : '-----BEGIN PRIVATE KEY-----'}
          spellCheck={false}
          autoComplete="off"
        />
      </Field>
      {sf.privateKeySet ? (
        <label className="check">
          <input type="checkbox" checked={removeKey} onChange={(e) => setRemoveKey(e.target.checked)} /> Remove the stored private key
        </label>
      ) : null}
      <FormSubmit errors={errors} busy={busy}>
        Save Salesforce settings
      </FormSubmit>
    </form>
  );
}

// ---------------------------------------------------------------- survey

interface Question {
  id: string;
  type: 'csat' | 'nps' | 'text' | 'choice';
  text: string;
  choices?: string[];
}

function Preview({ q }: { q: Question }) {
  if (q.type === 'csat')
    return (
      <div className="preview-scale" aria-hidden="true">
        {[1, 2, 3, 4, 5].map((n) => (
          <span key={n}>{n}</span>
        ))}
      </div>
    );
  if (q.type === 'nps')
    return (
      <div className="preview-scale" aria-hidden="true">
        {[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((n) => (
          <span key={n}>{n}</span>
        ))}
      </div>
    );
  if (q.type === 'choice')
    return (
      <div className="preview-scale">
        {(q.choices ?? []).map((c) => (
          <span key={c}>{c}</span>
        ))}
      </div>
    );
  return <div className="preview-text" aria-hidden="true" />;
}

interface SurveySettings {
  enabled: boolean;
  onAutoClose: boolean;
  timeoutSec: number;
  questions: Question[];
}

export function SurveyScreen() {
  const [survey, setSurvey] = useState<SurveySettings | null>(null);
  /** The timeout as typed: a wrong value goes to the API and comes back as the field's error. */
  const [timeout, setTimeoutText] = useState('');
  const [errors, busy, run] = useSubmit();
  const show = useCallback((s: Json) => {
    const sv = s.survey as SurveySettings;
    setSurvey(sv);
    setTimeoutText(String(sv.timeoutSec));
  }, []);
  useEffect(() => {
    api.get<Json>('/api/v1/account/settings').then(show, (e: Error) => toast(e.message, 'error'));
  }, [show]);
  if (!survey) return <p className="muted">Loading…</p>;
  const sv = survey;
  const update = (i: number, q: Partial<Question>) => setSurvey({ ...sv, questions: sv.questions.map((x, j) => (j === i ? { ...x, ...q } : x)) });
  async function submit(e: FormEvent) {
    e.preventDefault();
    await run(async () => show(await api.patch<Json>('/api/v1/account/settings', { survey: { ...sv, timeoutSec: num(timeout) } })), 'Survey saved');
  }
  return (
    <form className="console-form wide" onSubmit={submit} aria-labelledby="console-survey" noValidate>
      <h3 id="console-survey">Post-conversation survey</h3>
      <label className="check">
        <input type="checkbox" checked={sv.enabled} onChange={(e) => setSurvey({ ...sv, enabled: e.target.checked })} /> Send the survey when a conversation
        closes
      </label>
      <label className="check">
        <input type="checkbox" checked={sv.onAutoClose} onChange={(e) => setSurvey({ ...sv, onAutoClose: e.target.checked })} /> Also after auto-close
      </label>
      <div className="console-grid">
        <Field label="Survey timeout (s)" path="survey.timeoutSec" errors={errors}>
          <input inputMode="numeric" value={timeout} onChange={(e) => setTimeoutText(e.target.value)} />
        </Field>
      </div>
      <p className="muted hint">A survey not answered within this time expires.</p>
      <ol className="survey-questions">
        {sv.questions.map((q, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: questions are edited in place, ids may be typed over
          <li key={i} className="survey-question">
            <div className="console-grid">
              <Field label="Question id" path={`survey.questions.${i}.id`} errors={errors}>
                <input value={q.id} onChange={(e) => update(i, { id: e.target.value })} />
              </Field>
              <Field label="Type" path={`survey.questions.${i}.type`} errors={errors}>
                <select
                  value={q.type}
                  onChange={(e) => {
                    const type = e.target.value as Question['type'];
                    update(i, { type, choices: type === 'choice' ? (q.choices ?? ['Yes', 'No']) : undefined });
                  }}
                >
                  <option value="csat">CSAT (1–5)</option>
                  <option value="nps">NPS (0–10)</option>
                  <option value="text">Text</option>
                  <option value="choice">Choice</option>
                </select>
              </Field>
            </div>
            <Field label="Question text" path={`survey.questions.${i}.text`} errors={errors}>
              <input value={q.text} onChange={(e) => update(i, { text: e.target.value })} />
            </Field>
            {q.type === 'choice' ? (
              <Field label="Choices (comma-separated)" path={`survey.questions.${i}.choices`} errors={errors}>
                <input value={(q.choices ?? []).join(', ')} onChange={(e) => update(i, { choices: e.target.value.split(',').map((c) => c.trim()) })} />
              </Field>
            ) : null}
            <div className="survey-preview">
              <span className="muted">Preview:</span> <strong>{q.text || '…'}</strong>
              <Preview q={q} />
            </div>
            <button
              type="button"
              className="button"
              aria-label={`Remove question ${i + 1}`}
              onClick={() => setSurvey({ ...sv, questions: sv.questions.filter((_, j) => j !== i) })}
            >
              Remove question
            </button>
          </li>
        ))}
      </ol>
      <button
        type="button"
        className="button"
        onClick={() => setSurvey({ ...sv, questions: [...sv.questions, { id: `q${sv.questions.length + 1}`, type: 'csat', text: '' }] })}
      >
        Add question
      </button>
      <FormSubmit errors={errors} busy={busy}>
        Save survey
      </FormSubmit>
    </form>
  );
}

// ---------------------------------------------------------------- predefined content

interface Category {
  id: string;
  name: string;
  position: number;
}
interface Item {
  id: string;
  categoryId: string | null;
  title: string;
  text: string;
  position: number;
}

export function ContentScreen() {
  const [categories, setCategories] = useState<Category[]>([]);
  const [items, setItems] = useState<Item[]>([]);
  const [q, setQ] = useState('');
  /** Whether the items shown are a search's matches (an empty category then says so, not "no content"). */
  const [searched, setSearched] = useState(false);
  const [catName, setCatName] = useState('');
  const [editing, setEditing] = useState<Item | null>(null);
  const [title, setTitle] = useState('');
  const [text, setText] = useState('');
  const [categoryId, setCategoryId] = useState('');
  const [catErrors, catBusy, runCat] = useSubmit();
  const [errors, busy, run] = useSubmit();
  async function load(query = q) {
    try {
      const [c, i] = await Promise.all([
        api.getAll<Category>('/api/v1/content/categories'),
        api.getAll<Item>(`/api/v1/content${query ? `?q=${encodeURIComponent(query)}` : ''}`),
      ]);
      setCategories(c.items);
      setItems(i.items);
      setSearched(query !== '');
    } catch (e) {
      toast((e as Error).message, 'error');
    }
  }
  // biome-ignore lint/correctness/useExhaustiveDependencies: loads once; search reloads explicitly
  useEffect(() => {
    void load();
  }, []);
  function edit(item: Item | null) {
    setEditing(item);
    setTitle(item?.title ?? '');
    setText(item?.text ?? '');
    setCategoryId(item?.categoryId ?? '');
  }
  async function submit(e: FormEvent) {
    e.preventDefault();
    const body = { title, text, categoryId: categoryId || null };
    const ok = await run(
      () => (editing ? api.patch(`/api/v1/content/${seg(editing.id)}`, body) : api.post('/api/v1/content', body)),
      editing ? 'Content saved' : 'Content created',
    );
    if (ok) {
      edit(null);
      void load();
    }
  }
  async function move(item: Item, dir: -1 | 1) {
    const list = items.filter((i) => i.categoryId === item.categoryId);
    const at = list.findIndex((i) => i.id === item.id);
    const other = list[at + dir];
    if (!other) return;
    try {
      // positions are made distinct from the list order, then the two swap
      await Promise.all([
        api.patch(`/api/v1/content/${seg(item.id)}`, { position: at + dir }),
        api.patch(`/api/v1/content/${seg(other.id)}`, { position: at }),
      ]);
      await Promise.all(list.filter((i) => i !== item && i !== other).map((i) => api.patch(`/api/v1/content/${seg(i.id)}`, { position: list.indexOf(i) })));
      void load();
    } catch (e) {
      toast((e as Error).message, 'error');
    }
  }
  async function remove(item: Item) {
    if (!confirm(`Delete "${item.title}"?`)) return;
    try {
      await api.del(`/api/v1/content/${seg(item.id)}`);
      void load();
    } catch (e) {
      toast((e as Error).message, 'error');
    }
  }
  const groups: (Category | null)[] = [...categories, null];
  return (
    <section aria-labelledby="console-content">
      <h3 id="console-content">Predefined content</h3>
      <search>
        <form
          className="console-inline"
          onSubmit={(e) => {
            e.preventDefault();
            void load();
          }}
        >
          <InlineField
            label="Search content"
            button={
              <button type="submit" className="button">
                Search
              </button>
            }
          >
            <input type="search" placeholder="Title or text" value={q} onChange={(e) => setQ(e.target.value)} />
          </InlineField>
        </form>
      </search>
      {groups.map((c) => {
        const list = items.filter((i) => i.categoryId === (c?.id ?? null));
        if (!c && list.length === 0) return null;
        const headingId = `content-group-${c?.id ?? 'none'}`;
        return (
          <section key={c?.id ?? 'none'} className="content-group" aria-labelledby={headingId}>
            <h4 id={headingId}>{c?.name ?? 'Uncategorized'}</h4>
            {list.length === 0 ? (
              <p className="muted content-empty">{searched ? 'Nothing in this category matches the search.' : 'No content in this category yet.'}</p>
            ) : (
              <ul className="content-list">
                {list.map((i, n) => (
                  <li key={i.id}>
                    <strong>{i.title}</strong> <span className="muted">{i.text.slice(0, 80)}</span>
                    <span className="row-actions">
                      <button type="button" className="button" aria-label={`Move ${i.title} up`} disabled={n === 0} onClick={() => void move(i, -1)}>
                        ↑
                      </button>
                      <button
                        type="button"
                        className="button"
                        aria-label={`Move ${i.title} down`}
                        disabled={n === list.length - 1}
                        onClick={() => void move(i, 1)}
                      >
                        ↓
                      </button>
                      <button type="button" className="button" aria-label={`Edit ${i.title}`} onClick={() => edit(i)}>
                        Edit
                      </button>
                      <button type="button" className="button" aria-label={`Delete ${i.title}`} onClick={() => void remove(i)}>
                        Delete
                      </button>
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </section>
        );
      })}
      <form
        className="console-inline"
        aria-label="New category"
        noValidate
        onSubmit={async (e) => {
          e.preventDefault();
          if (await runCat(() => api.post('/api/v1/content/categories', { name: catName }), 'Category created')) {
            setCatName('');
            void load();
          }
        }}
      >
        <InlineField
          label="New category"
          path="name"
          errors={catErrors}
          button={
            <button type="submit" className="button" disabled={catBusy}>
              Add category
            </button>
          }
        >
          <input value={catName} onChange={(e) => setCatName(e.target.value)} />
        </InlineField>
      </form>
      <form className="console-form" onSubmit={submit} aria-label={editing ? `Edit ${editing.title}` : 'New content'} noValidate>
        <h4>{editing ? `Edit "${editing.title}"` : 'New content'}</h4>
        <Field label="Title" path="title" errors={errors}>
          <input value={title} onChange={(e) => setTitle(e.target.value)} />
        </Field>
        <Field label="Category" path="categoryId" errors={errors}>
          <select value={categoryId} onChange={(e) => setCategoryId(e.target.value)}>
            <option value="">Uncategorized</option>
            {categories.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Text" path="text" errors={errors}>
          <textarea rows={4} value={text} onChange={(e) => setText(e.target.value)} />
        </Field>
        <FormSubmit errors={errors} busy={busy}>
          {editing ? 'Save content' : 'Create content'}
        </FormSubmit>
        {editing ? (
          <button type="button" className="button" onClick={() => edit(null)}>
            Cancel
          </button>
        ) : null}
      </form>
    </section>
  );
}
