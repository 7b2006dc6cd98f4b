import { cleanDisplayName } from '@parley/contract';
import { metaMessagingAdapter } from './meta.js';

/**
 * Instagram Messaging: the Messenger Platform for an Instagram professional account linked to a
 * Facebook Page (meta.ts). Inbound `object: "instagram"`, `entry[].messaging[]`, the same
 * `X-Hub-Signature-256` and `hub.challenge`; photos the consumer sends are fetched from their CDN
 * link and stored as files. Outbound the Send API with the Page access token (`pageId` optional,
 * else `me`); receipts from `read.mid`.
 */
export const instagramAdapter = metaMessagingAdapter({
  type: 'instagram',
  object: 'instagram',
  title: 'Instagram Messaging',
  fetchAttachments: true,
  addressVariable: 'igsid',
  defaultName: (from) => `Instagram user ${cleanDisplayName(from.slice(-4))}`,
});
