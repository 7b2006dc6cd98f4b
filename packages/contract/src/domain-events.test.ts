import { describe, expect, it } from 'vitest';
import { DOMAIN_EVENTS, parseDomainEvent } from './domain-events.js';
import { AGENT_EVENT_TYPES, CONSUMER_EVENT_TYPES } from './events.js';

/** Pushed on the socket but never stored: no payload schema, no audience. */
const SOCKET_ONLY = ['typing', 'resync.required'];

describe('DomainEvent', () => {
  it('has a payload schema for every stored event name of both namespaces, and no other', () => {
    const stored = [...new Set([...AGENT_EVENT_TYPES, ...CONSUMER_EVENT_TYPES])].filter((t) => !SOCKET_ONLY.includes(t));
    expect(Object.keys(DOMAIN_EVENTS).sort()).toEqual(stored.sort());
  });

  it('checks a payload against its schema', () => {
    expect(parseDomainEvent('offer.withdrawn', { id: 'c1', reason: 'timeout' })).toEqual({ type: 'offer.withdrawn', data: { id: 'c1', reason: 'timeout' } });
    expect(() => parseDomainEvent('offer.withdrawn', { id: 'c1', reason: 'bored' })).toThrow();
    expect(() => parseDomainEvent('typing', {})).toThrow(/unknown event type/);
  });
});
