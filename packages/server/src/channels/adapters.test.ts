import { describe, expect, it } from 'vitest';
import type { ChannelConfig, InboundRequest } from './adapter.js';
import { messengerAdapter, messengerChallenge } from './messenger.js';
import { smsAdapter } from './sms.js';
import { webhookAdapter } from './webhook.js';

const request = (body: string): InboundRequest => ({ url: 'https://p.test/in', headers: {}, rawBody: Buffer.from(body) });
const channel = (o: Partial<ChannelConfig>): ChannelConfig => ({
  id: 'ch1',
  type: 'sms',
  secret: 'secret',
  outboundUrl: null,
  providerBaseUrl: null,
  credentials: {},
  address: null,
  ...o,
});
const msg = { messageId: 'm1', conversationId: 'c1', to: '+15550001111', text: 'Hello & bye', createdAt: 0 };

describe('sms adapter', () => {
  it('reads From, To, Body and every MediaUrl', () => {
    const form = new URLSearchParams({
      MessageSid: 'SM1',
      From: '+1555',
      To: '+1666',
      Body: ' hi ',
      NumMedia: '2',
      MediaUrl0: 'https://m/0',
      MediaUrl1: 'https://m/1',
    });
    expect(smsAdapter.parse(request(form.toString()))).toEqual([
      { eventId: 'SM1', from: '+1555', to: '+1666', name: '+1555', text: 'hi\nhttps://m/0\nhttps://m/1' },
    ]);
  });

  it('ignores status callbacks', () => {
    const form = new URLSearchParams({ MessageSid: 'SM1', MessageStatus: 'delivered', From: '+1666', To: '+1555' });
    expect(smsAdapter.parse(request(form.toString()))).toEqual([]);
  });

  it('builds the Messages API request, or says what is missing', () => {
    const r = smsAdapter.outbound(channel({ credentials: { accountSid: 'AC1', from: '+1666' }, providerBaseUrl: 'http://x.test/' }), msg);
    expect(r).toEqual({
      url: 'http://x.test/2010-04-01/Accounts/AC1/Messages.json',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from('AC1:secret').toString('base64')}` },
      body: 'To=%2B15550001111&From=%2B1666&Body=Hello+%26+bye',
    });
    expect(smsAdapter.outbound(channel({ credentials: { accountSid: 'AC1' }, address: '+1777' }), msg)).toMatchObject({
      body: expect.stringContaining('From=%2B1777'),
    });
    expect(smsAdapter.outbound(channel({ credentials: { accountSid: 'AC1', messagingServiceSid: 'MG1' } }), msg)).toMatchObject({
      body: 'To=%2B15550001111&MessagingServiceSid=MG1&Body=Hello+%26+bye',
    });
    expect(smsAdapter.outbound(channel({ credentials: { from: '+1' } }), msg)).toHaveProperty('error');
    expect(smsAdapter.outbound(channel({ credentials: { accountSid: 'AC1' } }), msg)).toHaveProperty('error');
  });
});

describe('messenger adapter', () => {
  it('takes messages and postbacks, skips echoes and receipts, and refuses what is not a page webhook', () => {
    const body = JSON.stringify({
      object: 'page',
      entry: [
        {
          id: 'PAGE',
          messaging: [
            { sender: { id: 'U1' }, recipient: { id: 'PAGE' }, message: { mid: 'm1', text: 'hi' } },
            { sender: { id: 'PAGE' }, recipient: { id: 'U1' }, message: { mid: 'm2', text: 'echo', is_echo: true } },
            { sender: { id: 'U1' }, recipient: { id: 'PAGE' }, delivery: { mids: ['m3'], watermark: 1 } },
            { sender: { id: 'U1' }, recipient: { id: 'PAGE' }, message: { mid: 'm4', attachments: [{ type: 'location', payload: null }] } },
            { sender: { id: 'U1' }, recipient: { id: 'PAGE' }, timestamp: 5, postback: { mid: 'm5', title: 'Track my order', payload: 'TRACK' } },
          ],
        },
      ],
    });
    expect(messengerAdapter.parse(request(body)).map((m) => [m.eventId, m.text])).toEqual([
      ['m1', 'hi'],
      ['m4', '[location]'],
      ['m5', 'Track my order'],
    ]);
    expect(() => messengerAdapter.parse(request('{"object":"instagram","entry":[]}'))).toThrow(/page webhook/);
    expect(() => messengerAdapter.parse(request('not json'))).toThrow(/JSON/);
  });

  it('answers the hub.challenge only to the verify token', () => {
    const q = { 'hub.mode': 'subscribe', 'hub.verify_token': 'tok', 'hub.challenge': '42' };
    expect(messengerChallenge('tok', q)).toBe('42');
    expect(messengerChallenge('other', q)).toBeNull();
    // compared as digests: a prefix, a longer token or an empty one never match
    expect(messengerChallenge('tok', { ...q, 'hub.verify_token': 'to' })).toBeNull();
    expect(messengerChallenge('tok', { ...q, 'hub.verify_token': 'toke' })).toBeNull();
    expect(messengerChallenge('tok', { ...q, 'hub.verify_token': '' })).toBeNull();
    expect(messengerChallenge('tok', { ...q, 'hub.mode': 'unsubscribe' })).toBeNull();
  });
});

describe('webhook adapter', () => {
  it('needs from, eventId and text or a media URL; unknown fields are refused', () => {
    expect(webhookAdapter.parse(request('{"from":"u","eventId":"e","mediaUrl":"https://m.test/a.png"}'))[0]?.text).toBe('https://m.test/a.png');
    expect(() => webhookAdapter.parse(request('{"from":"u","eventId":"e"}'))).toThrow(/text or mediaUrl/);
    expect(() => webhookAdapter.parse(request('{"from":"u","eventId":"e","text":"x","extra":1}'))).toThrow();
    expect(() => webhookAdapter.parse(request('not json'))).toThrow(/the body is not JSON/);
  });

  it('signs what it sends', () => {
    const r = webhookAdapter.outbound(channel({ type: 'webhook', outboundUrl: 'http://b.test/hook' }), msg);
    if ('error' in r) throw new Error(r.error);
    if (Array.isArray(r)) throw new Error('one request expected');
    expect(JSON.parse(r.body)).toEqual({ eventId: 'm1', conversationId: 'c1', to: '+15550001111', text: 'Hello & bye', createdAt: '1970-01-01T00:00:00.000Z' });
    expect(r.headers['x-parley-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(webhookAdapter.outbound(channel({ type: 'webhook' }), msg)).toHaveProperty('error');
  });
});
