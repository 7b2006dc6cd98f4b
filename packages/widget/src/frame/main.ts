/**
 * The chat UI, running in the iframe on Parley's origin. It talks to the loader on the host page
 * only through the postMessage protocol (../protocol.ts) and to Parley through the consumer API
 * and the `/consumer` Socket.IO namespace.
 *
 * This entry wires the page: the host page's messages and the UI's events. The state is in
 * state.ts, the session and conversations in session.ts (realtime events: events.ts), messages on
 * their way in outbox.ts, the other actions in actions.ts, and the rendering in render.ts.
 */
import './style.css';
import { pickLanguage, setLanguage } from '../i18n/index.js';
import { isHostToFrame, PROTOCOL } from '../protocol.js';
import { endConversation } from './actions.js';
import { sendPhoto, sendText } from './outbox.js';
import { autosize, render, scrollToEnd } from './render.js';
import { boot } from './session.js';
import { embedded, hostOrigin, params, state, toHost, ui } from './state.js';

window.addEventListener('message', (e) => {
  if (!embedded || e.source !== window.parent || e.origin !== hostOrigin || !isHostToFrame(e.data)) return;
  const msg = e.data;
  if (msg.type === 'config') {
    if (state.config) return; // configured once per load
    setOpen(msg.open);
    void showIn(msg.config.lang ?? params.get('lang'));
    void boot(msg.config);
  } else if (msg.type === 'open') setOpen(true);
  else if (msg.type === 'closed') setOpen(false);
});

function setOpen(open: boolean): void {
  state.open = open;
  if (open) {
    state.unread = 0;
    toHost({ source: PROTOCOL, type: 'unread', count: 0 });
    requestAnimationFrame(() => {
      autosize(); // measured now: a hidden frame has no layout
      scrollToEnd();
      ui.text.focus();
    });
  }
}

// ------------------------------------------------------------------ UI events

ui.composer.addEventListener('submit', (e) => {
  e.preventDefault();
  const text = ui.text.value.trim();
  if (!text || !state.config) return;
  ui.text.value = '';
  autosize();
  void sendText(text);
});
ui.text.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
    e.preventDefault();
    ui.composer.requestSubmit();
  }
});
ui.text.addEventListener('input', autosize);
window.addEventListener('resize', autosize);
ui.attach.addEventListener('click', () => ui.file.click());
ui.file.addEventListener('change', () => {
  const f = ui.file.files?.[0];
  ui.file.value = '';
  if (f) void sendPhoto(f);
});
/**
 * The visitor closes the panel from inside: the frame counts as closed at once (an agent's message
 * arriving before the host's "closed" comes back counts as unread), then asks the host to hide it.
 */
function requestClose(): void {
  setOpen(false);
  toHost({ source: PROTOCOL, type: 'close' });
}

ui.minimize.addEventListener('click', requestClose);
ui.end.addEventListener('click', () => {
  state.confirming = true;
  render();
  ui.confirmYes.focus();
});
ui.confirmNo.addEventListener('click', () => {
  state.confirming = false;
  render();
  ui.end.focus();
});
ui.confirmYes.addEventListener('click', () => void endConversation());

// Keyboard: Esc closes (or cancels the confirmation); Tab stays inside the panel.
document.addEventListener('keydown', (e) => {
  if (e.key === 'Escape') {
    if (state.confirming) {
      state.confirming = false;
      render();
      ui.end.focus();
    } else requestClose();
    e.preventDefault();
    return;
  }
  if (e.key !== 'Tab') return;
  const focusable = Array.from(ui.app.querySelectorAll<HTMLElement>('a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"])')).filter(
    (el) => !(el as HTMLButtonElement).disabled && el.tabIndex >= 0 && el.getClientRects().length > 0 && !el.closest('[hidden]'),
  );
  const first = focusable[0];
  const last = focusable[focusable.length - 1];
  if (!first || !last) return;
  const active = document.activeElement;
  if (e.shiftKey && (active === first || !ui.app.contains(active))) {
    e.preventDefault();
    last.focus();
  } else if (!e.shiftKey && (active === last || !ui.app.contains(active))) {
    e.preventDefault();
    first.focus();
  }
});

// ------------------------------------------------------------------ start

/** The brand's language if Parley ships it, else the browser's; the page re-renders once its catalogue is in. */
async function showIn(asked: string | null | undefined): Promise<void> {
  await setLanguage(pickLanguage(asked)).catch(() => undefined);
  render();
}

render();
void showIn(params.get('lang'));
if (embedded) {
  toHost({ source: PROTOCOL, type: 'ready' });
} else {
  // Opened on its own (a full-page chat link): /widget/frame.html?account=ID[&skill=…&name=…]
  const accountId = params.get('account');
  state.open = true;
  if (accountId) {
    const skill = params.get('skill');
    const name = params.get('name');
    const lang = params.get('lang');
    void boot({ accountId, ...(skill && { skillId: skill }), ...(name && { name }), ...(lang && { lang }) });
  }
}
