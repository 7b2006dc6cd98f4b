import type { SalesforceSettings, SalesforceSettingsPatch } from '@parley/contract';
import { type FormEvent, useEffect, useState } from 'react';
import { toast } from '../../app/store.js';
import { api } from '../../lib/api.js';
import { Field, FieldError, FormSubmit, num, typed, useSubmit } from './forms.js';

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
  ['retention.conversationMonths', 'Retention: delete closed conversations after (months, 1–120)'],
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
    api.call('GET /api/v1/account/settings').then(
      (settings) => {
        const s = settings as Json;
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
    await run(async () => setSettings((await api.call('PATCH /api/v1/account/settings', { body: typed(body) })) as Json), 'Account settings saved');
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
      const saved = await api.call('PATCH /api/v1/account/settings', { body: { crm: { salesforce } } });
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
