import { describe, expect, it } from 'vitest';
import { dropName, eraseInJson } from './erasure.js';

describe('erasure', () => {
  it('drops whole-word occurrences of the name, any case, and nothing else', () => {
    expect(dropName('Called Jo Old back; jo old said hi', 'Jo Old')).toBe('Called Erased consumer back; Erased consumer said hi');
    expect(dropName('Joanna and Al also', 'Al')).toBe('Joanna and Erased consumer also');
    expect(dropName('a (b) c and ab', '(b)')).toBe('a Erased consumer c and ab');
    expect(dropName('unchanged', '  ')).toBe('unchanged');
  });
  it("erases the consumer's message texts, files and variables in an event payload, keeps the agent's", () => {
    const event = {
      conversation: { id: 'c1', consumer: { id: 'k1', name: 'Jo Old' }, lastMessage: { text: 'my card', senderType: 'consumer', senderId: 'k1' } },
      message: { id: 'm1', senderType: 'consumer', text: 'call me on 555', file: { id: 'f1', url: '/x' } },
      reply: { senderType: 'agent', text: 'Sure Jo Old', file: null },
      customVariables: { plan: 'gold' },
    };
    expect(eraseInJson(event, 'Jo Old')).toEqual({
      conversation: { id: 'c1', consumer: { id: 'k1', name: 'Erased consumer' }, lastMessage: { text: '[erased]', senderType: 'consumer', senderId: 'k1' } },
      message: { id: 'm1', senderType: 'consumer', text: '[erased]', file: null },
      reply: { senderType: 'agent', text: 'Sure Erased consumer', file: null },
      customVariables: {},
    });
  });
});
