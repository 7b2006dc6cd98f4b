import {
  DEFAULT_LANGUAGE,
  LANGUAGE_NAMES,
  LANGUAGES,
  type Language,
  type SalesforceSettings,
  type SalesforceSettingsPatch,
  type TextByLanguage,
} from '@parley/contract';
import { type FormEvent, useEffect, useState } from 'react';
import { toast } from '../../app/store.js';
import { type MessageKey, useT } from '../../i18n/index.js';
import { api } from '../../lib/api.js';
import { Field, FieldError, FormSubmit, num, typed, useSubmit } from './forms.js';
import { LocalizedTextField } from './localized-text.js';

type Json = Record<string, unknown>;

const get = (o: Json, path: string): unknown => path.split('.').reduce<unknown>((v, k) => (v as Json | undefined)?.[k], o);
function set(o: Json, path: string, value: unknown): Json {
  const [head, ...rest] = path.split('.') as [string, ...string[]];
  if (rest.length === 0) return { ...o, [head]: value };
  return { ...o, [head]: set((o[head] as Json) ?? {}, rest.join('.'), value) };
}

/** The editable account settings (the CRM sync has its own form below: SalesforceForm). */
const NUMBERS: [string, MessageKey][] = [
  ['ringTimeoutSec', 'console.account.ringTimeout'],
  ['warmUp.intervalSec', 'console.account.warmUpInterval'],
  ['warmUp.shiftGapSec', 'console.account.warmUpShiftGap'],
  ['sla.defaultSec', 'console.account.slaDefault'],
  ['sla.firstTimeSec', 'console.account.slaFirstTime'],
  ['sla.urgentSec', 'console.account.slaUrgent'],
  ['idleAfterSec', 'console.account.idleAfter'],
  ['dynamicCapacity.idleWeight', 'console.account.idleWeight'],
  ['transferFallbackSec', 'console.account.transferFallback'],
  ['autoClose.afterSec', 'console.account.autoCloseAfter'],
  ['closedRetentionHours', 'console.account.closedRetention'],
  ['historyMonths', 'console.account.historyMonths'],
  ['retention.conversationMonths', 'console.account.retentionMonths'],
];
const BOOLS: [string, MessageKey][] = [
  ['awayOnMissedRing', 'console.account.awayOnMissedRing'],
  ['warmUp.enabled', 'console.account.warmUp'],
  ['dynamicCapacity.enabled', 'console.account.dynamicCapacity'],
  ['autoClose.enabled', 'console.account.autoClose'],
];

export function AccountScreen() {
  const t = useT();
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
  if (!settings) return <p className="muted">{t('console.account.loading')}</p>;
  const s = settings;
  async function submit(e: FormEvent) {
    e.preventDefault();
    let body: Json = { acceptMode: s.acceptMode, language: s.language, closedHoursReply: s.closedHoursReply };
    for (const [p] of BOOLS) body = set(body, p, get(s, p));
    for (const [p] of NUMBERS) body = set(body, p, num(form[p] ?? ''));
    body.allowedFrameAncestors = (form.ancestors ?? '')
      .split(/\s+/)
      .map((x) => x.trim())
      .filter(Boolean);
    await run(async () => setSettings((await api.call('PATCH /api/v1/account/settings', { body: typed(body) })) as Json), t('console.account.saved'));
  }
  return (
    <>
      <form className="console-form wide" onSubmit={submit} aria-labelledby="console-account" noValidate>
        <h3 id="console-account">{t('console.account.title')}</h3>
        <fieldset className="field">
          <legend>{t('console.account.acceptMode')}</legend>
          <label className="check">
            <input type="radio" name="acceptMode" checked={s.acceptMode === 'auto'} onChange={() => setSettings({ ...s, acceptMode: 'auto' })} />{' '}
            {t('console.account.acceptAuto')}
          </label>
          <label className="check">
            <input type="radio" name="acceptMode" checked={s.acceptMode === 'ring'} onChange={() => setSettings({ ...s, acceptMode: 'ring' })} />{' '}
            {t('console.account.acceptRing')}
          </label>
          <FieldError errors={errors} path="acceptMode" />
        </fieldset>
        {BOOLS.map(([p, label]) => (
          <label key={p} className="check">
            <input type="checkbox" checked={Boolean(get(s, p))} onChange={(e) => setSettings(set(s, p, e.target.checked))} /> {t(label)}
            <FieldError errors={errors} path={p} />
          </label>
        ))}
        <div className="console-grid">
          {NUMBERS.map(([p, label]) => (
            <Field key={p} label={t(label)} path={p} errors={errors}>
              <input inputMode="numeric" value={form[p] ?? ''} onChange={(e) => setForm({ ...form, [p]: e.target.value })} />
            </Field>
          ))}
        </div>
        <Field label={t('console.account.ancestors')} path="allowedFrameAncestors" errors={errors}>
          <textarea rows={3} value={form.ancestors ?? ''} onChange={(e) => setForm({ ...form, ancestors: e.target.value })} />
        </Field>
        <h4>{t('console.account.consumerMessages')}</h4>
        <Field label={t('console.account.language')} path="language" errors={errors}>
          <select value={String(s.language ?? DEFAULT_LANGUAGE)} onChange={(e) => setSettings({ ...s, language: e.target.value })}>
            {LANGUAGES.map((l) => (
              <option key={l} value={l} lang={l}>
                {LANGUAGE_NAMES[l]}
              </option>
            ))}
          </select>
        </Field>
        <p className="muted hint">{t('console.account.languageHint')}</p>
        <label className="check">
          <input
            type="checkbox"
            checked={Boolean(get(s, 'closedHoursReply.enabled'))}
            onChange={(e) => setSettings(set(s, 'closedHoursReply.enabled', e.target.checked))}
          />{' '}
          {t('console.account.closedHoursEnabled')}
        </label>
        <LocalizedTextField
          label={t('console.account.closedHoursText')}
          path="closedHoursReply.text"
          errors={errors}
          value={(get(s, 'closedHoursReply.text') as TextByLanguage) ?? ''}
          defaultLanguage={(s.language as Language) ?? DEFAULT_LANGUAGE}
          onChange={(text) => setSettings(set(s, 'closedHoursReply.text', text))}
          multiline
        />
        <FormSubmit errors={errors} busy={busy}>
          {t('console.account.save')}
        </FormSubmit>
      </form>
      <SalesforceForm initial={(s.crm as { salesforce: SalesforceSettings }).salesforce} />
    </>
  );
}

// ---------------------------------------------------------------- CRM: Salesforce sync

/** A PEM key's first line, shown as the example: a format, not words, so not translated. */
const PEM_HEADER = '-----BEGIN PRIVATE KEY-----';

const SF_FIELDS = [
  ['loginUrl', 'console.account.sf.loginUrl'],
  ['instanceUrl', 'console.account.sf.instanceUrl'],
  ['consumerKey', 'console.account.sf.consumerKey'],
  ['username', 'console.account.sf.username'],
] as const satisfies readonly (readonly [string, MessageKey])[];

/**
 * The server-side transcript sync to Salesforce (docs/salesforce.md), saved on its own so a bad key
 * never holds up the other settings. The private key is write-only: the API says only whether one
 * is stored; a pasted key replaces it, "Remove" sends null, an empty box leaves it as it is.
 */
function SalesforceForm({ initial }: { initial: SalesforceSettings }) {
  const t = useT();
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
    }, t('console.account.sf.saved'));
    if (ok) {
      setKey('');
      setRemoveKey(false);
    }
  }
  return (
    <form className="console-form wide" onSubmit={submit} aria-labelledby="console-salesforce" noValidate>
      <h3 id="console-salesforce">{t('console.account.sf.title')}</h3>
      <p className="muted hint">{t('console.account.sf.intro')}</p>
      <label className="check">
        <input
          type="checkbox"
          checked={sf.enabled}
          onChange={(e) => setSf({ ...sf, enabled: e.target.checked })}
          aria-invalid={enabledError || undefined}
          aria-describedby={enabledError ? 'salesforce-enabled-error' : undefined}
        />{' '}
        {t('console.account.sf.enabled')}
      </label>
      <FieldError errors={errors} path="crm.salesforce.enabled" id="salesforce-enabled-error" />
      <div className="console-grid">
        {SF_FIELDS.map(([k, label]) => (
          <Field key={k} label={t(label)} path={`crm.salesforce.${k}`} errors={errors}>
            <input value={sf[k]} onChange={(e) => setSf({ ...sf, [k]: e.target.value })} autoComplete="off" />
          </Field>
        ))}
      </div>
      <p className="muted hint">{t('console.account.sf.sandboxHint')}</p>
      <p className="key-state" data-testid="salesforce-key-state">
        {t('console.account.sf.keyState')} <strong>{sf.privateKeySet ? t('console.account.sf.keyStored') : t('console.account.sf.keyNone')}</strong>
        {sf.privateKeySet ? ` ${t('console.account.sf.keyWriteOnly')}` : ''}
      </p>
      <Field label={sf.privateKeySet ? t('console.account.sf.replaceKey') : t('console.account.sf.key')} path="crm.salesforce.privateKey" errors={errors}>
        <textarea
          rows={4}
          value={key}
          disabled={removeKey}
          onChange={(e) => setKey(e.target.value)}
          placeholder={sf.privateKeySet ? t('console.account.sf.keepKey') : PEM_HEADER}
          spellCheck={false}
          autoComplete="off"
        />
      </Field>
      {sf.privateKeySet ? (
        <label className="check">
          <input type="checkbox" checked={removeKey} onChange={(e) => setRemoveKey(e.target.checked)} /> {t('console.account.sf.removeKey')}
        </label>
      ) : null}
      <FormSubmit errors={errors} busy={busy}>
        {t('console.account.sf.save')}
      </FormSubmit>
    </form>
  );
}
