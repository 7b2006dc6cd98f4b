import type { SsoInfo as ContractSsoInfo } from '@parley/contract';
import { api } from '../lib/api.js';
import { isEmbedded } from '../lib/embed-bridge.js';
import { signInWithCode } from './session.js';

/**
 * Single sign-on from the sign-in page (docs/security.md). The provider's pages cannot be shown in
 * a frame, so the sign-in runs in a popup — in a tab of its own as well as inside the Salesforce
 * utility bar or any embedding page. The popup ends on Parley's callback page, which posts a
 * one-time code to this window with Parley's origin as the target; this window accepts it only
 * from that origin and from the popup it opened, and trades it for the session token by POST.
 * When the browser blocks the popup outside a frame, the whole page goes to the provider instead
 * and comes back with the code in the fragment (`#sso=`), read once by `takeRedirectCode`.
 */

export type SsoInfo = NonNullable<ContractSsoInfo['oidc']>;

/** Whether the account signs in with SSO, and what the button says (null: not, or unknown account). */
export async function ssoOf(accountId: string): Promise<SsoInfo | null> {
  return (await api.call('GET /api/v1/auth/sso', { query: { accountId } })).oidc;
}

export class SsoError extends Error {}

const startUrl = (accountId: string, popup: boolean) => `/api/v1/auth/oidc/start?accountId=${encodeURIComponent(accountId)}${popup ? '&popup=1' : ''}`;

/** Open the provider in a popup and sign in with the code it hands back. Rejects with SsoError (refused, closed, blocked). */
export function signInWithPopup(accountId: string): Promise<void> {
  const popup = window.open(startUrl(accountId, true), 'parley-sso', 'popup,width=520,height=700');
  if (!popup) {
    if (isEmbedded()) return Promise.reject(new SsoError('The browser blocked the sign-in window. Allow pop-ups for Parley and try again.'));
    location.assign(startUrl(accountId, false));
    return new Promise(() => undefined);
  }
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const done = (fn: () => void) => {
      if (settled) return;
      settled = true;
      window.removeEventListener('message', onMessage);
      clearInterval(closedCheck);
      fn();
    };
    const onMessage = (e: MessageEvent) => {
      // Only Parley's own callback page, in the popup this window opened.
      if (e.origin !== location.origin || e.source !== popup) return;
      const data = e.data as { type?: unknown; code?: unknown; error?: { detail?: unknown } };
      if (data?.type !== 'parley.sso') return;
      if (typeof data.code === 'string') {
        const code = data.code;
        done(() => {
          signInWithCode(code).then(resolve, reject);
        });
      } else {
        const detail = typeof data.error?.detail === 'string' ? data.error.detail : 'the sign-in was refused';
        done(() => reject(new SsoError(`Single sign-on failed: ${detail}.`)));
      }
    };
    window.addEventListener('message', onMessage);
    // Closed before it answered: the person gave up (a refused sign-in posts its reason first).
    const closedCheck = setInterval(() => {
      if (popup.closed) done(() => reject(new SsoError('The sign-in window was closed before the sign-in finished.')));
    }, 500);
  });
}

/** After a full-page sign-in: the one-time code from the fragment, which is removed from the address at once. */
export function takeRedirectCode(): string | null {
  const m = /^#sso=([\w-]+)$/.exec(location.hash);
  if (!m?.[1]) return null;
  history.replaceState(null, '', location.pathname + location.search);
  return m[1];
}
