import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** Form parameters as a provider posted them; a key may repeat. */
export type FormParams = Map<string, string[]>;

export function parseForm(raw: string): FormParams {
  const params: FormParams = new Map();
  for (const [k, v] of new URLSearchParams(raw)) {
    const list = params.get(k) ?? [];
    list.push(v);
    params.set(k, list);
  }
  return params;
}

/** Constant-time comparison of two strings (false when the lengths differ). */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Constant-time comparison of a secret someone presents with the one expected: both are hashed
 * first, so the comparison takes the same time whatever the lengths (a length check would tell a
 * guesser the secret's length; timingSafeEqual needs equal-length inputs).
 */
export function secretEqual(presented: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(presented), digest(expected));
}

/**
 * Twilio's `X-Twilio-Signature`: base64 HMAC-SHA1, keyed with the auth token, of the full URL
 * Twilio called followed by every POST parameter name and value, sorted by name (a repeated name's
 * values sorted too).
 */
export function twilioSignature(authToken: string, url: string, params: FormParams): string {
  let data = url;
  for (const key of [...params.keys()].sort()) {
    for (const value of [...(params.get(key) ?? [])].sort()) data += key + value;
  }
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

/**
 * The URLs Twilio may have signed for what reached us as `url`: Twilio signs the URL as configured,
 * and some of its clients drop or add the default port, so both spellings are accepted.
 */
export function twilioUrlVariants(url: string): string[] {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return [url];
  }
  const defaultPort = u.protocol === 'https:' ? '443' : '80';
  const explicit = /^[a-z]+:\/\/[^/]*:\d+/i.test(url);
  const variants = [url];
  if (explicit && u.port === '') {
    // the URL carried the default port: also without it
    variants.push(`${u.protocol}//${u.host}${u.pathname}${u.search}`);
  } else if (!explicit) {
    variants.push(`${u.protocol}//${u.hostname}:${defaultPort}${u.pathname}${u.search}`);
  }
  return variants;
}

export function verifyTwilio(authToken: string, url: string, params: FormParams, signature: string | undefined): boolean {
  if (!signature) return false;
  return twilioUrlVariants(url).some((candidate) => safeEqual(twilioSignature(authToken, candidate, params), signature));
}

/** `sha256=<hex HMAC-SHA256 of the raw body>`: Meta's `X-Hub-Signature-256` and Parley's `X-Parley-Signature`. */
export function sha256Signature(secret: string, rawBody: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}

export function verifySha256(secret: string, rawBody: Buffer, header: string | undefined): boolean {
  if (!header) return false;
  return safeEqual(sha256Signature(secret, rawBody), header.trim().toLowerCase());
}
