import { useEffect, useState } from 'react';
import { signInWithCode } from '../../app/session.js';
import { type SsoInfo, signInWithPopup, ssoOf, takeRedirectCode } from '../../app/sso.js';
import { useT } from '../../i18n/index.js';

/**
 * "Sign in with …" on the sign-in page, for an account that has single sign-on (app/sso.ts). It
 * looks the account up as it is typed (or comes from `?account=`), and finishes a full-page
 * sign-in that came back with its code in the fragment.
 */
export function SsoSignIn({ accountId, onError }: { accountId: string; onError: (message: string | null) => void }) {
  const [sso, setSso] = useState<SsoInfo | null>(null);
  const [busy, setBusy] = useState(false);
  const t = useT();

  useEffect(() => {
    const code = takeRedirectCode();
    if (!code) return;
    setBusy(true);
    signInWithCode(code).catch((err: Error) => {
      onError(err.message);
      setBusy(false);
    });
  }, [onError]);

  useEffect(() => {
    setSso(null);
    if (!accountId) return;
    let live = true;
    const timer = setTimeout(() => {
      ssoOf(accountId)
        .then((info) => live && setSso(info))
        .catch(() => undefined);
    }, 250);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [accountId]);

  if (!sso) return null;

  async function start() {
    setBusy(true);
    onError(null);
    try {
      await signInWithPopup(accountId);
    } catch (err) {
      onError((err as Error).message);
      setBusy(false);
    }
  }

  return (
    <div className="sso">
      <button
        type="button"
        className={sso.enforced ? 'button primary block' : 'button block'}
        onClick={start}
        disabled={busy}
        aria-describedby={sso.enforced ? 'sso-enforced' : undefined}
      >
        {busy ? t('signIn.busy') : t('signIn.sso', { provider: sso.label })}
      </button>
      {sso.enforced ? (
        <p id="sso-enforced" className="field-note">
          {t('signIn.ssoEnforced', { provider: sso.label })}
        </p>
      ) : null}
      <p className="sso-or" aria-hidden="true">
        <span>{t('signIn.orPassword')}</span>
      </p>
    </div>
  );
}
