/**
 * The host-page loader, served as `/widget.js`. It owns nothing but a launcher button and the
 * iframe that holds the chat UI, both inside a shadow root on a host element whose
 * inline `!important` styles the page cannot override. The chat itself runs in the iframe,
 * served by Parley, so the page's scripts and styles cannot reach it.
 *
 *   <script src="https://parley.example/widget.js" data-account="ACCOUNT_ID" async></script>
 *   optional: data-skill, data-name, data-identity-token, data-variables='{"plan":"gold"}', data-lang="fr"
 *   or: window.ParleyWidget.init({ accountId, skillId?, name?, identityToken?, customVariables?, lang? })
 */
import { loaderLanguage, loaderText } from '../i18n/loader.js';
import { type FrameToHost, type HostToFrame, isFrameToHost, PROTOCOL, type WidgetConfig } from '../protocol.js';

export interface InitOptions extends WidgetConfig {
  /** Where Parley is; defaults to the origin /widget.js was loaded from. */
  baseUrl?: string;
  /** Open the chat at once. */
  open?: boolean;
}

interface Api {
  init(opts: InitOptions): void;
  open(): void;
  close(): void;
  toggle(): void;
  destroy(): void;
}

const CHAT_ICON =
  '<svg viewBox="0 0 24 24" width="28" height="28" aria-hidden="true" focusable="false"><path fill="currentColor" d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2zm3 6a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3zm5 0a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3zm5 0a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3z"/></svg>';
const CLOSE_ICON =
  '<svg viewBox="0 0 24 24" width="26" height="26" aria-hidden="true" focusable="false"><path fill="currentColor" d="M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12 19 17.6 17.6 19 12 13.4 6.4 19 5 17.6 10.6 12 5 6.4z"/></svg>';

// Logical sides (inset-inline-end): on a right-to-left page the launcher and the panel sit on the left.
// Everything inside the shadow root: the page's CSS cannot select it, and `all: initial` on the
// wrapper stops inherited properties (font, colour, …) set on the host element from leaking in.
const STYLE = `
.root{all:initial;font:400 16px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2933}
.launcher{all:initial;box-sizing:border-box;position:fixed;inset-inline-end:20px;bottom:20px;width:60px;height:60px;border-radius:50%;
 background:#2357d6;color:#fff;display:flex;align-items:center;justify-content:center;cursor:pointer;
 box-shadow:0 6px 20px rgba(15,23,42,.28);transition:transform .15s ease}
.launcher:hover{transform:scale(1.06)}
.launcher:focus-visible{outline:3px solid #f5b400;outline-offset:3px}
.badge{all:initial;position:absolute;top:-4px;inset-inline-end:-4px;min-width:22px;height:22px;padding:0 6px;box-sizing:border-box;border-radius:11px;
 background:#d92d20;color:#fff;font:700 12px/22px system-ui,sans-serif;text-align:center}
.badge[hidden]{display:none}
.panel{all:initial;position:fixed;inset-inline-end:20px;bottom:92px;width:380px;height:min(640px,calc(100vh - 112px));border:0;border-radius:16px;
 background:#fff;box-shadow:0 12px 40px rgba(15,23,42,.3);overflow:hidden;display:block;color-scheme:normal}
.panel[hidden]{display:none}
@media (max-width:480px){
 .panel{inset:0;width:100%;height:100%;border-radius:0}
 .open .launcher{display:none}
}
@media (prefers-reduced-motion:reduce){.launcher{transition:none}}
`;

const HOST_STYLE = [
  'all:initial',
  'display:block',
  'position:fixed',
  'top:0',
  'left:0',
  'width:0',
  'height:0',
  'overflow:visible',
  'z-index:2147483647',
  'transform:none',
  'filter:none',
  'contain:none',
  'visibility:visible',
  'opacity:1',
  'pointer-events:auto',
]
  .map((d) => `${d}!important`)
  .join(';');

function readScriptOptions(script: HTMLScriptElement | null): InitOptions | undefined {
  const d = script?.dataset;
  if (!d?.account) return undefined;
  let customVariables: WidgetConfig['customVariables'];
  if (d.variables) {
    try {
      const parsed: unknown = JSON.parse(d.variables);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) customVariables = parsed as WidgetConfig['customVariables'];
    } catch {
      console.warn('Parley widget: data-variables is not valid JSON; ignored');
    }
  }
  return {
    accountId: d.account,
    ...(d.skill && { skillId: d.skill }),
    ...(d.name && { name: d.name }),
    ...(d.identityToken && { identityToken: d.identityToken }),
    ...(customVariables && { customVariables }),
    ...(d.lang && { lang: d.lang }),
    ...(d.open === 'true' && { open: true }),
  };
}

function createWidget(opts: InitOptions, defaultBase: string) {
  const base = new URL(opts.baseUrl ?? defaultBase);
  const parleyOrigin = base.origin;
  const config: WidgetConfig = {
    accountId: opts.accountId,
    ...(opts.skillId && { skillId: opts.skillId }),
    ...(opts.name && { name: opts.name }),
    ...(opts.identityToken && { identityToken: opts.identityToken }),
    ...(opts.customVariables && { customVariables: opts.customVariables }),
  };
  // The brand's data-lang when Parley ships it, else the visitor's browser; the frame gets the same.
  const language = loaderLanguage(opts.lang);
  config.lang = language;

  const host = document.createElement('parley-widget');
  host.setAttribute('style', HOST_STYLE);
  const shadow = host.attachShadow({ mode: 'open' });
  const style = document.createElement('style');
  style.textContent = STYLE;
  const root = document.createElement('div');
  root.className = 'root';

  const frameUrl = new URL('/widget/frame.html', parleyOrigin);
  frameUrl.searchParams.set('account', config.accountId);
  frameUrl.searchParams.set('host', location.origin);
  frameUrl.searchParams.set('lang', language);
  const panel = document.createElement('iframe');
  panel.className = 'panel';
  panel.title = loaderText(language, 'panel.title');
  panel.hidden = true;
  panel.id = 'parley-panel';
  panel.setAttribute('allow', 'clipboard-write');

  const launcher = document.createElement('button');
  launcher.type = 'button';
  launcher.className = 'launcher';
  launcher.setAttribute('aria-controls', 'parley-panel');
  const icon = document.createElement('span');
  icon.setAttribute('aria-hidden', 'true');
  icon.style.display = 'flex';
  // The launcher's name is its aria-label ("Open chat, 2 unread"); the badge only shows the count.
  const badge = document.createElement('span');
  badge.className = 'badge';
  badge.hidden = true;
  badge.setAttribute('aria-hidden', 'true');
  launcher.append(icon, badge);

  root.append(panel, launcher);
  shadow.append(style, root);

  let isOpen = false;
  let frameReady = false;
  let unread = 0;
  const queue: HostToFrame[] = [];

  const post = (msg: HostToFrame) => {
    if (!frameReady) {
      queue.push(msg);
      return;
    }
    panel.contentWindow?.postMessage(msg, parleyOrigin);
  };

  const render = () => {
    icon.innerHTML = isOpen ? CLOSE_ICON : CHAT_ICON;
    launcher.setAttribute(
      'aria-label',
      isOpen
        ? loaderText(language, 'launcher.close')
        : unread > 0
          ? loaderText(language, 'launcher.openUnread', { count: unread })
          : loaderText(language, 'launcher.open'),
    );
    launcher.setAttribute('aria-expanded', String(isOpen));
    badge.textContent = unread === 0 ? '' : unread > 9 ? '9+' : String(unread);
    badge.hidden = unread === 0 || isOpen;
    panel.hidden = !isOpen;
    root.classList.toggle('open', isOpen);
  };

  // The chat frame loads after the page has (so it never holds up the page's paint or load
  // event), or at once when the visitor opens the chat first.
  let loading = false;
  const loadFrame = () => {
    if (loading) return;
    loading = true;
    panel.src = frameUrl.toString();
  };
  const open = () => {
    loadFrame();
    if (isOpen) return;
    isOpen = true;
    unread = 0;
    render();
    post({ source: PROTOCOL, type: 'open' });
    panel.focus();
  };
  const close = (returnFocus = true) => {
    if (!isOpen) return;
    isOpen = false;
    render();
    post({ source: PROTOCOL, type: 'closed' });
    if (returnFocus) launcher.focus();
  };

  launcher.addEventListener('click', () => (isOpen ? close() : open()));

  const onMessage = (e: MessageEvent) => {
    if (e.source !== panel.contentWindow || e.origin !== parleyOrigin || !isFrameToHost(e.data)) return;
    const msg: FrameToHost = e.data;
    switch (msg.type) {
      case 'ready':
        frameReady = true;
        panel.contentWindow?.postMessage({ source: PROTOCOL, type: 'config', config, open: isOpen } satisfies HostToFrame, parleyOrigin);
        for (const m of queue.splice(0)) panel.contentWindow?.postMessage(m, parleyOrigin);
        break;
      case 'close':
        close();
        break;
      case 'unread':
        unread = isOpen ? 0 : Math.max(0, Math.min(99, msg.count));
        render();
        break;
    }
  };
  window.addEventListener('message', onMessage);

  render();
  (document.body ?? document.documentElement).append(host);
  if (opts.open) open();
  else if (document.readyState === 'complete') setTimeout(loadFrame, 0);
  else window.addEventListener('load', () => setTimeout(loadFrame, 0), { once: true });

  return {
    open,
    close: () => close(false),
    toggle: () => (isOpen ? close() : open()),
    destroy() {
      window.removeEventListener('message', onMessage);
      host.remove();
    },
  };
}

(() => {
  // A page may queue calls before the script arrives: window.ParleyWidget = { q: [options] }.
  const w = window as unknown as { ParleyWidget?: Partial<Api> & { q?: InitOptions[] } };
  if (typeof w.ParleyWidget?.destroy === 'function') return; // loaded twice
  const script = document.currentScript as HTMLScriptElement | null;
  const defaultBase = script?.src || location.href;
  let widget: ReturnType<typeof createWidget> | undefined;
  /** open()/close() called before the launcher exists (it is drawn after the page's first frame). */
  let wantOpen: boolean | undefined;
  let generation = 0;
  const pending = w.ParleyWidget?.q ?? [];

  const start = (opts: InitOptions) => {
    if (!opts || typeof opts.accountId !== 'string' || !opts.accountId) {
      console.error('Parley widget: init needs { accountId }');
      return;
    }
    widget?.destroy();
    widget = undefined;
    const gen = ++generation;
    const go = () => {
      if (gen !== generation) return; // destroyed or initialised again meanwhile
      widget = createWidget({ ...opts, open: wantOpen ?? opts.open ?? false }, defaultBase);
      wantOpen = undefined;
    };
    // After the page's first frame: the launcher never holds up the page's own first paint.
    const later = () => requestAnimationFrame(() => setTimeout(go, 0));
    if (document.body) later();
    else document.addEventListener('DOMContentLoaded', later, { once: true });
  };

  const api: Api = {
    init: start,
    open() {
      if (widget) widget.open();
      else wantOpen = true;
    },
    close() {
      if (widget) widget.close();
      else wantOpen = false;
    },
    toggle() {
      if (widget) widget.toggle();
      else wantOpen = !wantOpen;
    },
    destroy() {
      generation++;
      widget?.destroy();
      widget = undefined;
    },
  };
  w.ParleyWidget = api;
  const fromTag = readScriptOptions(script);
  if (fromTag) start(fromTag);
  for (const o of pending) start(o);
})();
