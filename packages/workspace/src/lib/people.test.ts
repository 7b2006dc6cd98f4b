import { describe, expect, it } from 'vitest';
import { closedByPhrase, closedByText, consumerLabel, formatPhone, initialsOf, lastMessageAuthor } from './people.js';

describe('phone numbers and consumer names', () => {
  it('formats numbers as people read them', () => {
    expect(formatPhone('+15550100199')).toBe('+1 555 010 0199');
    expect(formatPhone('+1 (555) 010-0199')).toBe('+1 555 010 0199');
    expect(formatPhone('+442079460958')).toBe('+44 207 946 0958');
    expect(formatPhone('+33612345678')).toBe('+33 612 345 678');
    expect(formatPhone('+35312345678')).toBe('+353 123 456 78');
    expect(formatPhone('5550100199')).toBe('555 010 0199');
  });

  it('leaves names alone', () => {
    for (const name of ['Ana Keller', 'Agent 007', '12', '+1 555', 'R2-D2', '']) expect(formatPhone(name)).toBeNull();
    expect(consumerLabel('Ana Keller', 'sms')).toBe('Ana Keller');
  });

  it('names an SMS consumer by the number, with the channel; other channels by the number', () => {
    expect(consumerLabel('+15550100199', 'sms')).toBe('SMS +1 555 010 0199');
    expect(consumerLabel('+15550100199', 'webhook')).toBe('+1 555 010 0199');
  });

  it('avatars take letters, never a "+"', () => {
    expect(initialsOf('Ana Keller')).toBe('AK');
    expect(initialsOf('ana maria keller')).toBe('AM');
    expect(initialsOf('SMS +1 555 010 0199')).toBe('S');
    expect(initialsOf('+1 555 010 0199')).toBe('#');
    expect(initialsOf('Élodie')).toBe('É');
  });
});

describe('who wrote the last message', () => {
  const agent = (senderId: string | null, senderName?: string) => ({
    text: 'x',
    senderType: 'agent' as const,
    senderId,
    ...(senderName && { senderName }),
    at: '',
  });
  it('"You" only for what I wrote; a colleague by name', () => {
    expect(lastMessageAuthor(agent('me', 'Alice Martin'), 'me')).toBe('You');
    expect(lastMessageAuthor(agent('bob', 'Bob Chen'), 'me')).toBe('Bob Chen');
    expect(lastMessageAuthor(agent('bob'), 'me')).toBe('Agent');
  });
  it('a bot by its name', () => {
    expect(lastMessageAuthor({ text: 'x', senderType: 'bot', senderId: 'faq', senderName: 'FAQ bot', at: '' }, 'faq')).toBe('FAQ bot');
  });
  it('nothing for the consumer, the system or no message', () => {
    expect(lastMessageAuthor({ text: 'x', senderType: 'consumer', senderId: 'k', at: '' }, 'me')).toBeNull();
    expect(lastMessageAuthor({ text: 'x', senderType: 'system', senderId: null, at: '' }, 'me')).toBeNull();
    expect(lastMessageAuthor(null, 'me')).toBeNull();
  });
});

describe('who closed it', () => {
  const closed = (closedBy: 'agent' | 'consumer' | 'system', closedById: string | null = null, closedByName: string | null = null) => ({
    state: 'closed' as const,
    closedBy,
    closedById,
    closedByName,
  });
  it('by the consumer, by you, by a colleague, automatically', () => {
    expect(closedByText(closed('consumer'), 'me')).toBe('Closed by the consumer');
    expect(closedByText(closed('agent', 'me', 'Alice Martin'), 'me')).toBe('Closed by you');
    expect(closedByText(closed('agent', 'dana', 'Dana Reyes'), 'me')).toBe('Closed by Dana Reyes');
    expect(closedByText(closed('system'), 'me')).toBe('Closed automatically');
    expect(closedByPhrase(closed('agent'), 'me')).toBe('by an agent'); // closed before it was recorded
  });
  it('nothing while open', () => {
    expect(closedByText({ state: 'open', closedBy: null, closedById: null, closedByName: null }, 'me')).toBeNull();
  });
});
