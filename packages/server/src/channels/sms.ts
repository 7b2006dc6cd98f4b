import { invalid } from '../domain/errors.js';
import { type ChannelAdapter, header, numberedText, trimBase, withMedia } from './adapter.js';
import { type FormParams, parseForm, verifyTwilio } from './signatures.js';

const TWILIO_API = 'https://api.twilio.com';
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

const one = (p: FormParams, key: string): string | undefined => p.get(key)?.[0];

/**
 * SMS in Twilio's shapes. Inbound: the form-encoded messaging webhook, signed with
 * `X-Twilio-Signature` (the channel secret is the Twilio auth token). Outbound: the Messages REST
 * API, `POST {base}/2010-04-01/Accounts/{AccountSid}/Messages.json` with basic auth.
 */
export const smsAdapter: ChannelAdapter = {
  type: 'sms',
  credentialKeys: [
    { key: 'accountSid', secret: false },
    { key: 'authToken', secret: true },
    { key: 'from', secret: false },
    { key: 'messagingServiceSid', secret: false },
  ],
  secretCredential: 'authToken',
  addressVariable: 'phone',
  defaultName: (from) => from,
  // Quick replies go as a numbered list; "1", "2"… answers one.
  numberedQuickReplies: true,

  verify(channel, req) {
    return verifyTwilio(channel.secret, req.url, parseForm(req.rawBody.toString('utf8')), header(req, 'x-twilio-signature'));
  },

  parse(req) {
    const p = parseForm(req.rawBody.toString('utf8'));
    // A status callback (sent, delivered, failed…) pointed at this URL carries no consumer message.
    if (p.has('MessageStatus')) return [];
    const from = one(p, 'From');
    const sid = one(p, 'MessageSid') ?? one(p, 'SmsMessageSid');
    if (!from || !sid) throw invalid('a Twilio message webhook needs From and MessageSid', 'body');
    const count = Math.min(Number(one(p, 'NumMedia') ?? 0) || 0, 10);
    const media: string[] = [];
    for (let i = 0; i < count; i++) {
      const url = one(p, `MediaUrl${i}`);
      if (url) media.push(url);
    }
    const text = withMedia(one(p, 'Body'), media);
    return [{ eventId: sid, from, to: one(p, 'To'), name: from, text: text || '[empty message]' }];
  },

  reply: () => ({ contentType: 'text/xml; charset=utf-8', body: EMPTY_TWIML }),

  outbound(channel, msg) {
    const accountSid = channel.credentials.accountSid;
    if (!accountSid) return { error: 'the SMS channel has no credentials.accountSid' };
    const service = channel.credentials.messagingServiceSid;
    const from = channel.credentials.from ?? channel.address;
    if (!service && !from) return { error: 'the SMS channel has no sender: set credentials.from (or messagingServiceSid)' };
    const form = new URLSearchParams({
      To: msg.to,
      ...(service ? { MessagingServiceSid: service } : { From: from ?? '' }),
      Body: numberedText(msg.text, msg.quickReplies),
    });
    // A photo goes as MMS: Twilio fetches it from its signed link.
    if (msg.file?.contentType.startsWith('image/')) form.append('MediaUrl', msg.file.url);
    return {
      url: `${trimBase(channel.providerBaseUrl ?? TWILIO_API)}/2010-04-01/Accounts/${encodeURIComponent(accountSid)}/Messages.json`,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${accountSid}:${channel.secret}`).toString('base64')}`,
      },
      body: form.toString(),
    };
  },
};
