import type { MaskingSettings, OidcSettings, OidcSettingsPatch } from '@parley/contract';
import { type FormEvent, useEffect, useState } from 'react';
import { toast } from '../../app/store.js';
import { api } from '../../lib/api.js';
import { Field, FieldError, FormSubmit, useSubmit } from './forms.js';

/** Single sign-on and masking of sensitive data (docs/security.md): two forms, each saved on its own. */
export function SecurityScreen() {
  const [loaded, setLoaded] = useState<{ oidc: OidcSettings; masking: MaskingSettings } | null>(null);
  useEffect(() => {
    api.call('GET /api/v1/account/settings').then(
      (s) => setLoaded({ oidc: s.sso.oidc, masking: s.masking }),
      (e: Error) => toast(e.message, 'error'),
    );
  }, []);
  if (!loaded) return <p className="muted">Loading…</p>;
  return (
    <>
      <SsoForm initial={loaded.oidc} />
      <MaskingForm initial={loaded.masking} />
    </>
  );
}

// ---------------------------------------------------------------- single sign-on (OIDC)

const OIDC_FIELDS = [
  ['issuer', 'Issuer URL'],
  ['clientId', 'Client ID'],
  ['usernameClaim', 'Username claim'],
  ['label', 'Button label (empty: the issuer’s host name)'],
] as const;

/**
 * The account's OpenID provider. The client secret is write-only, as the Salesforce key: the API
 * says only whether one is stored; a typed secret replaces it, an empty box leaves it as it is.
 */
function SsoForm({ initial }: { initial: OidcSettings }) {
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
    }, 'Single sign-on saved');
    if (ok) setSecret('');
  }
  return (
    <form className="console-form wide" onSubmit={submit} aria-labelledby="console-sso" noValidate>
      <h3 id="console-sso">Single sign-on (OpenID Connect)</h3>
      <p className="muted hint">
        Register Parley at your identity provider as a web application with the redirect URI <code>{redirectUri}</code> and the scopes openid, profile and
        email. A person signs in as the Parley user whose username is the claim’s value.
      </p>
      <label className="check">
        <input
          type="checkbox"
          checked={o.enabled}
          onChange={(e) => setO({ ...o, enabled: e.target.checked })}
          aria-invalid={enabledError || undefined}
          aria-describedby={enabledError ? 'sso-enabled-error' : undefined}
        />{' '}
        Offer “Sign in with …” on the sign-in page
      </label>
      <FieldError errors={errors} path="sso.oidc.enabled" id="sso-enabled-error" />
      <div className="console-grid">
        {OIDC_FIELDS.map(([k, label]) => (
          <Field key={k} label={label} path={`sso.oidc.${k}`} errors={errors}>
            <input value={o[k]} onChange={(e) => setO({ ...o, [k]: e.target.value })} autoComplete="off" spellCheck={false} />
          </Field>
        ))}
        <Field label={o.clientSecretSet ? 'Replace the client secret' : 'Client secret'} path="sso.oidc.clientSecret" errors={errors}>
          <input
            type="password"
            value={secret}
            onChange={(e) => setSecret(e.target.value)}
            placeholder={o.clientSecretSet ? 'Empty: keep the stored secret' : ''}
            autoComplete="new-password"
          />
        </Field>
      </div>
      <p className="key-state" data-testid="sso-secret-state">
        Client secret: <strong>{o.clientSecretSet ? 'stored' : 'none stored'}</strong>
        {o.clientSecretSet ? ' (write-only: it is never shown)' : ''}
      </p>
      <label className="check">
        <input type="checkbox" checked={o.enforce} onChange={(e) => setO({ ...o, enforce: e.target.checked })} /> Agents must sign in with single sign-on
        (managers keep their password)
      </label>
      <FormSubmit errors={errors} busy={busy}>
        Save single sign-on
      </FormSubmit>
    </form>
  );
}

// ---------------------------------------------------------------- masking

/** Card numbers and the account's own patterns, masked in consumer messages before they are stored. */
function MaskingForm({ initial }: { initial: MaskingSettings }) {
  const [m, setM] = useState(initial);
  const [errors, busy, run] = useSubmit();
  const update = (i: number, r: Partial<MaskingSettings['rules'][number]>) => setM({ ...m, rules: m.rules.map((x, j) => (j === i ? { ...x, ...r } : x)) });
  async function submit(e: FormEvent) {
    e.preventDefault();
    await run(async () => {
      const saved = await api.call('PATCH /api/v1/account/settings', { body: { masking: m } });
      setM(saved.masking);
    }, 'Masking saved');
  }
  return (
    <form className="console-form wide" onSubmit={submit} aria-labelledby="console-masking" noValidate>
      <h3 id="console-masking">Masking of sensitive data</h3>
      <p className="muted hint">
        What consumers type is masked before Parley stores or sends it anywhere; they see it masked too. Patterns use RE2 syntax (no backreferences or
        lookaround); each match becomes [name].
      </p>
      <label className="check">
        <input type="checkbox" checked={m.creditCards} onChange={(e) => setM({ ...m, creditCards: e.target.checked })} /> Mask card numbers (•••• •••• ••••
        1234)
      </label>
      <ol className="survey-questions">
        {m.rules.map((r, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: rules are edited in place, names may be typed over
          <li key={i} className="survey-question">
            <div className="console-grid">
              <Field label="Rule name" path={`masking.rules.${i}.name`} errors={errors}>
                <input value={r.name} onChange={(e) => update(i, { name: e.target.value })} />
              </Field>
              <Field label="Pattern" path={`masking.rules.${i}.pattern`} errors={errors}>
                <input value={r.pattern} onChange={(e) => update(i, { pattern: e.target.value })} spellCheck={false} autoComplete="off" />
              </Field>
            </div>
            <button
              type="button"
              className="button"
              aria-label={`Remove rule ${r.name || i + 1}`}
              onClick={() => setM({ ...m, rules: m.rules.filter((_, j) => j !== i) })}
            >
              Remove rule
            </button>
          </li>
        ))}
      </ol>
      <button type="button" className="button" onClick={() => setM({ ...m, rules: [...m.rules, { name: '', pattern: '' }] })}>
        Add rule
      </button>
      <FormSubmit errors={errors} busy={busy}>
        Save masking
      </FormSubmit>
    </form>
  );
}
