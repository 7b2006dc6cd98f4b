import { type FormEvent, useState } from 'react';
import { FrameAccountError, rememberAccount, savedAccountId, signIn } from '../../app/controller.js';
import { useT } from '../../i18n/index.js';
import { ApiError } from '../../lib/api.js';
import { frameAccountId } from '../../lib/embed-bridge.js';
import { SsoSignIn } from './sso-sign-in.js';

export function SignIn() {
  const frameAccount = frameAccountId();
  const [accountId, setAccountId] = useState(savedAccountId);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const t = useT();

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      rememberAccount(accountId.trim());
      await signIn(accountId.trim(), username.trim(), password);
    } catch (err) {
      if (err instanceof FrameAccountError) setError(err.message);
      else if (err instanceof ApiError && err.status === 401) setError(t('signIn.wrong'));
      else if (err instanceof ApiError && err.status === 429) setError(t('signIn.tooMany'));
      else setError((err as Error).message);
      setBusy(false);
    }
  }

  return (
    <main className="signin">
      <form className="signin-card" onSubmit={submit} aria-labelledby="signin-title">
        <div className="brand" aria-hidden="true">
          <span className="brand-mark">P</span> Parley
        </div>
        <h1 id="signin-title">{t('signIn.title')}</h1>
        <label className="field">
          <span>{t('signIn.account')}</span>
          <input
            name="account"
            value={accountId}
            onChange={(e) => setAccountId(e.target.value)}
            required
            autoComplete="organization"
            aria-describedby={frameAccount ? 'signin-frame-account' : undefined}
          />
        </label>
        {frameAccount ? (
          <p id="signin-frame-account" className="field-note">
            {t('signIn.frameAccount')}
          </p>
        ) : null}
        <SsoSignIn accountId={accountId.trim()} onError={setError} />
        <label className="field">
          <span>{t('signIn.username')}</span>
          <input name="username" value={username} onChange={(e) => setUsername(e.target.value)} required autoComplete="username" autoCapitalize="none" />
        </label>
        <label className="field">
          <span>{t('signIn.password')}</span>
          <input name="password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} required autoComplete="current-password" />
        </label>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="button primary block" disabled={busy}>
          {busy ? t('signIn.busy') : t('signIn.submit')}
        </button>
      </form>
    </main>
  );
}
