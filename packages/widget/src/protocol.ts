/**
 * The postMessage protocol between the loader (host page) and the chat frame (Parley's origin).
 * The loader only accepts messages from its own iframe's window and Parley's origin; the frame
 * only accepts messages from its parent window and the host origin it was opened for.
 */
export const PROTOCOL = 'parley-widget';

/** What the brand's page configures (script tag data-* attributes or `ParleyWidget.init`). */
export interface WidgetConfig {
  accountId: string;
  skillId?: string;
  name?: string;
  /** HS256 JWT signed by the brand with the account's identity secret; `sub` = the brand's user id. */
  identityToken?: string;
  customVariables?: Record<string, string | number | boolean>;
  /** The chat's language (BCP 47, `data-lang`); the visitor's browser decides when absent or not shipped. */
  lang?: string;
}

export type HostToFrame =
  | { source: typeof PROTOCOL; type: 'config'; config: WidgetConfig; open: boolean }
  | { source: typeof PROTOCOL; type: 'open' }
  | { source: typeof PROTOCOL; type: 'closed' };

export type FrameToHost =
  | { source: typeof PROTOCOL; type: 'ready' }
  | { source: typeof PROTOCOL; type: 'close' }
  | { source: typeof PROTOCOL; type: 'unread'; count: number };

const isTagged = (v: unknown): v is { source: string; type: string } =>
  typeof v === 'object' && v !== null && (v as { source?: unknown }).source === PROTOCOL && typeof (v as { type?: unknown }).type === 'string';

export function isFrameToHost(v: unknown): v is FrameToHost {
  if (!isTagged(v)) return false;
  if (v.type === 'unread') return typeof (v as { count?: unknown }).count === 'number';
  return v.type === 'ready' || v.type === 'close';
}

export function isHostToFrame(v: unknown): v is HostToFrame {
  if (!isTagged(v)) return false;
  if (v.type === 'config') {
    const c = (v as { config?: unknown }).config as Partial<WidgetConfig> | undefined;
    return typeof c === 'object' && c !== null && typeof c.accountId === 'string';
  }
  return v.type === 'open' || v.type === 'closed';
}
