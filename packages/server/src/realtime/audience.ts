import type { Recipient } from '../domain/audience.js';

/**
 * Socket.IO namespace and room of one listener. Who receives an event is decided once, by
 * `audienceFor` (domain/audience.ts), and stored with it; the socket layer only delivers a stored
 * event to its recipient's room.
 */
export const namespaceOf = (r: Recipient): '/agent' | '/consumer' => (r.kind === 'agent' ? '/agent' : '/consumer');
export const roomOf = (r: Recipient): string => `${r.kind}:${r.id}`;
