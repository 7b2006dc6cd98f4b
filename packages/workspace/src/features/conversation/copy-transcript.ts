import { api } from '../../lib/api.js';

/** Puts text on the clipboard: the Clipboard API, else a hidden textarea and `execCommand('copy')`. */
export async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    const ta = document.createElement('textarea');
    ta.value = text;
    ta.setAttribute('readonly', '');
    ta.style.position = 'fixed';
    ta.style.opacity = '0';
    document.body.appendChild(ta);
    ta.select();
    document.execCommand('copy');
    ta.remove();
  }
}

/**
 * "Copy transcript": the server's `transcript.txt`, copied as it is. The text is laid out by
 * `formatTranscript` (@parley/contract) — the same text the host page gets and the CRM Task holds —
 * so a message's continuation lines are indented and no message can pass for another sender's line.
 * It is never re-flowed here (no trimming or joining of lines), which would undo that. Returns the text.
 */
export async function copyTranscript(conversationId: string): Promise<string> {
  const text = await api.call('GET /api/v1/conversations/{id}/transcript.txt', { params: { id: conversationId } });
  await copyText(text);
  return text;
}
