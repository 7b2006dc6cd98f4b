import { describe, expect, it } from 'vitest';
import { describeNotification, notificationToast } from './describe.js';

describe('what a notification says', () => {
  it('a mention names who wrote the note and opens the conversation', () => {
    const n = { type: 'mention', data: { conversationId: 'c1', by: 'Alice', text: '@bob look' } };
    expect(describeNotification(n)).toEqual({ who: 'Alice', headline: 'mentioned you in a note', text: '@bob look', target: { conversationId: 'c1' } });
    expect(notificationToast(n)).toBe('Alice mentioned you in a note');
  });

  it('a webhook turned off says which, why, and leads to the console (not "someone mentioned you")', () => {
    const n = { type: 'webhook.disabled', data: { webhookId: 'w1', url: 'https://crm.example.com/hook', reason: 'failing' } };
    const v = describeNotification(n);
    expect(v.headline).toBe('A webhook was turned off');
    expect(v.text).toContain('https://crm.example.com/hook');
    expect(v.target).toEqual({ console: true });
    expect(notificationToast(n)).toBe('A webhook was turned off');
  });

  it('a kind it does not know yet is not called a mention', () => {
    expect(describeNotification({ type: 'something.new', data: {} })).toMatchObject({ who: 'Someone', headline: 'sent you a notification', target: null });
  });
});
