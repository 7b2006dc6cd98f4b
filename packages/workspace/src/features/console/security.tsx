import type { MaskingSettings, OidcSettings, OidcSettingsPatch } from '@parley/contract';
import { type FormEvent, useEffect, useState } from 'react';
import { toast } from '../../app/store.js';
import { currentIntl, type MessageKey, useT } from '../../i18n/index.js';
import { api } from '../../lib/api.js';
import { Field, FieldError, FormSubmit, useSubmit } from './forms.js';

/** Single sign-on and masking of sensitive data (docs/security.md): two forms, each saved on its own. */
export function SecurityScreen() {
  const t = useT();
  const [loaded, setLoaded] = useState<{ oidc: OidcSettings; masking: MaskingSettings } | null>(null);
  useEffect(() => {
    api.call('GET /api/v1/account/settings').then(
      (s) => setLoaded({ oidc: s.sso.oidc, masking: s.masking }),
      (e: Error) => toast(e.message, 'error'),
    );
  }, []);
  if (!loaded) return <p className="muted">{t('common.loading')}</p>;
  return (
    <>
      <SsoForm initial={loaded.oidc} />
      <MaskingForm initial={loaded.masking} />
    </>
  );
}

// ---------------------------------------------------------------- single sign-on (OIDC)

const OIDC_FIELDS: readonly (readonly ['issuer' | 'clientId' | 'usernameClaim' | 'label', MessageKey])[] = [
  ['issuer', 'console.security.sso.issuer'],
  ['clientId', 'console.security.sso.clientId'],
  ['usernameClaim', 'console.security.sso.usernameClaim'],
  ['label', 'console.security.sso.label'],
];

/** A message with <code> or <strong> in it, as React nodes. */
const rich = (key: MessageKey, values: Record<string, string> = {}) =>
  currentIntl().formatMessage(
    { id: key },
    { ...values, code: (chunks) => <code key="code">{chunks}</code>, strong: (chunks) => <strong key="strong">{chunks}</strong> },
  );

/**
 * The account's OpenID provider. The client secret is write-only, as the Salesforce key: the API
 * says only whether one is stored; a typed secret replaces it, an empty box leaves it as it is.
 */
function SsoForm({ initial }: { initial: OidcSettings }) {
  const t = useT();
  const [o, setO] = useState(initial);
  const [secret, setSecret] = useState('');
  const [errors, busy, run] = useSubmit();
  const enabledError = errors['sso.oidc.enabled'] !== undefined;
  const redirectUri = `${location.origin}/api/v1/auth/oidc/callback`;
  async function submit(e: FormEvent) {
    e.preventDefault();
    const { clientSecretSet: _, ...fields } = o;
    const oidc: OidcSettingsPatch = { ...fields, ...(secret.trim() && { clientSecret: secret }) };
    const ok = await run(async () => {
      const saved = await api.call('PATCH /api/v1/account/settings', { body: { sso: { oidc } } });
      setO(saved.sso.oidc);
    }, t('console.security.sso.saved'));
    if (ok) setSecret('');
  }
  return (
    <form className="console-form wide" onSubmit={submit} aria-labelledby="console-sso" noValidate>
      <h3 id="console-sso">{t('console.security.sso.title')}</h3>
      <p className="muted hint">{rich('console.security.sso.hint', { redirectUri })}</p>
      <label className="check">
        <input
          type="checkbox"
          checked={o.enabled}
          onChange={(e) => setO({ ...o, enabled: e.target.checked })}
          aria-invalid={enabledError || undefined}
          aria-describedby={enabledError ? 'sso-enabled-error' : undefined}
        />{' '}
        {t('console.security.sso.offer')}
      </label>
      <FieldError errors={errors} path="sso.oidc.enabled" id="sso-enabled-error" />
      <div className="console-grid">
        {OIDC_FIELDS.map(([k, label]) => (
          <Field key={k} label={t(label)} path={`sso.oidc.${k}`} errors={errors}>
            <input value={o[k]} onChange={(e) => setO({ ...o, [k]: e.target.value })} autoComplete="off" spellCheck={false} />
          </Field>
        ))}
        <Field
          label={o.clientSecretSet ? t('console.security.sso.replaceSecret') : t('console.security.sso.clientSecret')}
          path="sso.oidc.clientSecret"
          errors={errors}
        >
          <input
            type="password"
            value={secret}
            onChange={(e) => setSecret(e.target.value)}
            placeholder={o.clientSecretSet ? t('console.security.sso.keepSecret') : ''}
            autoComplete="new-password"
          />
        </Field>
      </div>
      <p className="key-state" data-testid="sso-secret-state">
        {rich(o.clientSecretSet ? 'console.security.sso.secretStored' : 'console.security.sso.secretNone')}
      </p>
      <label className="check">
        <input type="checkbox" checked={o.enforce} onChange={(e) => setO({ ...o, enforce: e.target.checked })} /> {t('console.security.sso.enforce')}
      </label>
      <FormSubmit errors={errors} busy={busy}>
        {t('console.security.sso.save')}
      </FormSubmit>
    </form>
  );
}

// ---------------------------------------------------------------- masking

/** Card numbers and the account's own patterns, masked in consumer messages before they are stored. */
function MaskingForm({ initial }: { initial: MaskingSettings }) {
  const t = useT();
  const [m, setM] = useState(initial);
  const [errors, busy, run] = useSubmit();
  const update = (i: number, r: Partial<MaskingSettings['rules'][number]>) => setM({ ...m, rules: m.rules.map((x, j) => (j === i ? { ...x, ...r } : x)) });
  async function submit(e: FormEvent) {
    e.preventDefault();
    await run(async () => {
      const saved = await api.call('PATCH /api/v1/account/settings', { body: { masking: m } });
      setM(saved.masking);
    }, t('console.security.masking.saved'));
  }
  return (
    <form className="console-form wide" onSubmit={submit} aria-labelledby="console-masking" noValidate>
      <h3 id="console-masking">{t('console.security.masking.title')}</h3>
      <p className="muted hint">{t('console.security.masking.hint')}</p>
      <label className="check">
        <input type="checkbox" checked={m.creditCards} onChange={(e) => setM({ ...m, creditCards: e.target.checked })} /> {t('console.security.masking.cards')}
      </label>
      <ol className="survey-questions">
        {m.rules.map((r, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: rules are edited in place, names may be typed over
          <li key={i} className="survey-question">
            <div className="console-grid">
              <Field label={t('console.security.masking.ruleName')} path={`masking.rules.${i}.name`} errors={errors}>
                <input value={r.name} onChange={(e) => update(i, { name: e.target.value })} />
              </Field>
              <Field label={t('console.security.masking.pattern')} path={`masking.rules.${i}.pattern`} errors={errors}>
                <input value={r.pattern} onChange={(e) => update(i, { pattern: e.target.value })} spellCheck={false} autoComplete="off" />
              </Field>
            </div>
            <button
              type="button"
              className="button"
              aria-label={t('console.security.masking.removeRuleLabel', { name: r.name || i + 1 })}
              onClick={() => setM({ ...m, rules: m.rules.filter((_, j) => j !== i) })}
            >
              {t('console.security.masking.removeRule')}
            </button>
          </li>
        ))}
      </ol>
      <button type="button" className="button" onClick={() => setM({ ...m, rules: [...m.rules, { name: '', pattern: '' }] })}>
        {t('console.security.masking.addRule')}
      </button>
      <FormSubmit errors={errors} busy={busy}>
        {t('console.security.masking.save')}
      </FormSubmit>
    </form>
  );
}
