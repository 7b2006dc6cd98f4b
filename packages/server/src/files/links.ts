import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed download links: `/api/v1/files/{id}?exp=<epoch s>&sig=<HMAC-SHA256(key, "file:{id}:{exp}")>`.
 * A link names one file and ends at `exp`; it is handed only to those who may read the file (in
 * their Message.file.url), so an <img src> works without a token in the URL. See docs/adr/0005.
 */
export interface FileLinks {
  /** The signed URL of `fileId`, valid until the end of the next full hour after `now`. */
  url(fileId: string, now: number): string;
  /** A signed URL valid for `ttlSec` from `now` (e.g. for a provider fetching an MMS attachment). */
  urlFor(fileId: string, now: number, ttlSec: number): string;
  /** True when `sig` is this server's signature of `fileId` until `exp` and `exp` has not passed. */
  verify(fileId: string, exp: number, sig: string, now: number): boolean;
}

const HOUR = 3600;

export const filePath = (fileId: string): string => `/api/v1/files/${encodeURIComponent(fileId)}`;

export function createFileLinks(key: string): FileLinks {
  const sign = (fileId: string, exp: number) => createHmac('sha256', key).update(`file:${fileId}:${exp}`).digest('base64url');
  const link = (fileId: string, exp: number) => `${filePath(fileId)}?exp=${exp}&sig=${sign(fileId, exp)}`;
  return {
    // Rounded to the hour so the same file keeps the same URL for a while (browser cache): valid 1–2 h.
    url: (fileId, now) => link(fileId, (Math.floor(now / 1000 / HOUR) + 2) * HOUR),
    urlFor: (fileId, now, ttlSec) => link(fileId, Math.floor(now / 1000) + ttlSec),
    verify(fileId, exp, sig, now) {
      if (!Number.isSafeInteger(exp) || exp * 1000 <= now) return false;
      const want = Buffer.from(sign(fileId, exp));
      const got = Buffer.from(sig);
      return got.length === want.length && timingSafeEqual(got, want);
    },
  };
}
