import { cleanDisplayName } from '@parley/contract';
import { hubChallenge, metaMessagingAdapter } from './meta.js';

/**
 * Facebook Messenger in Meta's shapes (meta.ts). Inbound: the Messenger Platform webhook
 * (`object: "page"`, `entry[].messaging[]`) signed with `X-Hub-Signature-256` (the channel secret
 * is the app secret); `GET` answers the `hub.challenge` check with the verify token. Outbound: the
 * Send API, `POST {base}/v{ver}/me/messages?access_token=…`. Attachments stay links in the text.
 */
export const messengerAdapter = metaMessagingAdapter({
  type: 'messenger',
  object: 'page',
  title: 'Messenger Platform page',
  fetchAttachments: false,
  addressVariable: 'psid',
  defaultName: (from) => `Messenger user ${cleanDisplayName(from.slice(-4))}`,
});

/** The `hub.challenge` check (kept under its first name). */
export const messengerChallenge = hubChallenge;
