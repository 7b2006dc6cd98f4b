import type { HttpRequest } from './adapter.js';

export type SendResult = { ok: true; status: number } | { ok: false; status: number | null; error: string };

export const SEND_TIMEOUT_MS = 10_000;

/**
 * POST one provider request. Only a 2xx is success; redirects are not followed (a 3xx is a
 * failure, retried like any other). Never throws.
 */
export async function postToProvider(req: HttpRequest, timeoutMs = SEND_TIMEOUT_MS): Promise<SendResult> {
  try {
    const res = await fetch(req.url, { method: 'POST', headers: req.headers, body: req.body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    const text = await res.text().catch(() => '');
    if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status };
    return { ok: false, status: res.status, error: `HTTP ${res.status}${text ? `: ${text.slice(0, 200)}` : ''}` };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    return { ok: false, status: null, error: `${e.name}: ${e.cause?.code ?? e.message}`.slice(0, 300) };
  }
}
