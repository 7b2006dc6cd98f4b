import { OutboundError, type OutboundHttp } from '../outbound/guarded-http.js';
import type { ChannelAdapter, HttpRequest } from './adapter.js';

/** `permanent`: not worth retrying (the address is refused by the outbound policy, the channel cannot send). */
export type SendResult =
  | { ok: true; status: number; body?: string }
  | { ok: false; status: number | null; error: string; permanent?: true; retryAfterMs?: number };

export const SEND_TIMEOUT_MS = 10_000;
/** A provider's answer is read only for the error text and the message id; more than this is cut off and fails the attempt. */
export const SEND_MAX_BODY_BYTES = 64 * 1024;

/**
 * Send one provider request through the guarded outbound client (POST unless the request says).
 * Only a 2xx is success; redirects are not followed (a 3xx is a failure, retried like any other).
 * A refused address fails at once, permanently, with the same text whatever is (or is not)
 * listening there. A refusal is read the provider's way when the adapter knows it
 * (`sendFailure`: rate limits wait, an expired token or a closed window fails at once). Never throws.
 */
export async function postToProvider(outbound: OutboundHttp, req: HttpRequest, timeoutMs = SEND_TIMEOUT_MS, adapter?: ChannelAdapter): Promise<SendResult> {
  try {
    const method = req.method ?? 'POST';
    const res = await outbound.request({
      url: req.url,
      method,
      headers: req.headers,
      ...(method === 'POST' && { body: req.body }),
      timeoutMs,
      maxBodyBytes: SEND_MAX_BODY_BYTES,
    });
    const text = res.body.toString('utf8');
    if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status, body: text };
    if (adapter?.sendFailure) {
      const f = adapter.sendFailure(res.status, text, res.headers);
      return {
        ok: false,
        status: res.status,
        error: f.error.slice(0, 500),
        ...(f.permanent && { permanent: true as const }),
        ...(f.retryAfterMs !== undefined && { retryAfterMs: f.retryAfterMs }),
      };
    }
    return { ok: false, status: res.status, error: `HTTP ${res.status}${text ? `: ${text.slice(0, 200)}` : ''}` };
  } catch (err) {
    if (err instanceof OutboundError && err.kind === 'refused') return { ok: false, status: null, error: err.message, permanent: true };
    const e = err as Error;
    return { ok: false, status: null, error: `${e.name}: ${e.message}`.slice(0, 300) };
  }
}
