import { DomainError } from '../domain/errors.js';
import type { Deps } from './context.js';

/**
 * The save-time half of the outbound address policy: a URL Parley will later call (a channel's
 * outboundUrl or providerBaseUrl, the Salesforce loginUrl or instanceUrl) is refused with
 * `outbound_address_refused` when it names a refused address literally or its name resolves to one.
 * A name that does not resolve now is accepted: every request checks again (outbound/guarded-http.ts).
 * Call it before opening a transaction (it may wait for DNS). The answer does not say which address
 * the name resolved to.
 */
export async function assertOutboundUrls(deps: Deps, urls: { path: string; url: string | null | undefined }[]): Promise<void> {
  const errors: { path: string; message: string }[] = [];
  for (const { path, url } of urls) {
    if (!url) continue;
    const verdict = await deps.outbound.checkUrl(url);
    if (verdict.ok) continue;
    deps.log.info({ path, reason: verdict.reason }, 'outbound URL refused');
    errors.push({
      path,
      message: 'refused: outbound requests do not reach private, loopback, link-local or reserved addresses (unless allowed by PARLEY_OUTBOUND_ALLOW)',
    });
  }
  if (errors.length) throw new DomainError('outbound_address_refused', errors.map((e) => `${e.path}: ${e.message}`).join('; '), errors);
}
