import type { Recipient } from '../storage/repos/events.repo.js';

/** Socket.IO namespace and room of one listener. Events are stored per recipient, so the audience of a stored event is its recipient. */
export const namespaceOf = (r: Recipient): '/agent' | '/consumer' => (r.kind === 'agent' ? '/agent' : '/consumer');
export const roomOf = (r: Recipient): string => `${r.kind}:${r.id}`;
