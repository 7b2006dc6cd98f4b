import { type FormEvent, useState } from 'react';
import { FrameAccountError, rememberAccount, savedAccountId, signIn } from '../../app/controller.js';
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

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      rememberAccount(accountId.trim());
      await signIn(accountId.trim(), username.trim(), password);
    } catch (err) {
      if (err instanceof FrameAccountError) setError(err.message);
      else if (err instanceof ApiError && err.status === 401) setError('The account, username or password is not right.');
      else if (err instanceof ApiError && err.status === 429) setError('Too many attempts. Wait a minute and try again.');
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
        <h1 id="signin-title">Sign in to your workspace</h1>
        <label className="field">
          <span>Account</span>
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
            This embedded workspace signs in to this account only.
          </p>
        ) : null}
        <SsoSignIn accountId={accountId.trim()} onError={setError} />
        <label className="field">
          <span>Username</span>
          <input name="username" value={username} onChange={(e) => setUsername(e.target.value)} required autoComplete="username" autoCapitalize="none" />
        </label>
        <label className="field">
          <span>Password</span>
          <input name="password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} required autoComplete="current-password" />
        </label>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="button primary block" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
