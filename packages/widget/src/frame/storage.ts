/**
 * The consumer session, kept in the frame's localStorage (Parley's origin, partitioned per top
 * site by the browser where it does that), keyed by account, so a reload keeps the conversation.
 */
export interface StoredSession {
  consumerToken: string;
  consumerId: string;
  /** `sub` of the identity token the session was made with; null for an anonymous visitor. */
  identity: string | null;
  conversationId: string | null;
}

const key = (accountId: string) => `parley:session:${accountId}`;

function storage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined; // blocked third-party storage: the chat still works for this page view
  }
}

export function loadSession(accountId: string): StoredSession | undefined {
  try {
    const raw = storage()?.getItem(key(accountId));
    if (!raw) return undefined;
    const s = JSON.parse(raw) as Partial<StoredSession>;
    if (typeof s.consumerToken !== 'string' || typeof s.consumerId !== 'string') return undefined;
    return {
      consumerToken: s.consumerToken,
      consumerId: s.consumerId,
      identity: typeof s.identity === 'string' ? s.identity : null,
      conversationId: typeof s.conversationId === 'string' ? s.conversationId : null,
    };
  } catch {
    return undefined;
  }
}

export function saveSession(accountId: string, s: StoredSession): void {
  try {
    storage()?.setItem(key(accountId), JSON.stringify(s));
  } catch {
    // quota or blocked: ignore
  }
}

export function clearSession(accountId: string): void {
  try {
    storage()?.removeItem(key(accountId));
  } catch {
    // ignore
  }
}
