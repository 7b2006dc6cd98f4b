import type { DomainEvent } from '@parley/contract';
import type { Logger } from 'pino';
import { deliveriesOf, type Scene } from '../domain/audience.js';
import type { Clock } from '../domain/clock.js';
import type { FileLinks } from '../files/links.js';
import type { FileStore } from '../files/store.js';
import type { OutboundHttp } from '../outbound/guarded-http.js';
import type { Database, DbTransaction } from '../storage/db.js';
import type { PendingEvent, Recipient, StoredEvent } from '../storage/repos/events.repo.js';
import { appendEvents } from '../storage/repos/events.repo.js';
import type { ReadCaches } from './caches.js';
import { signFileRefs } from './message-wire.js';
import { enqueueWebhookDeliveries } from './webhooks.service.js';

/** Delivers committed events to live listeners (in-process Socket.IO, or across nodes via Redis). */
export interface Publisher {
  publish(events: StoredEvent[]): void;
  /** Drop live sockets of a recipient (all, or only those opened with one token). */
  disconnect(recipient: Recipient, tokenHash?: string): Promise<void>;
  /**
   * A user's role, skills or activity changed: their open sockets (on every node) get the rights
   * of the user as they are now — a deactivated user's sockets are dropped, a demoted manager's
   * leave the managers' room, a promoted agent's join it.
   */
  refreshRights(accountId: string, userId: string, now: { role: 'agent' | 'manager'; active: boolean }): Promise<void>;
}

export interface Deps {
  db: Database;
  clock: Clock;
  publisher: Publisher;
  log: Logger;
  /** Called after a commit that may let queued conversations move (new arrival, agent freed). */
  kickRouting: (accountId: string) => void;
  /** A durable timer was scheduled for `dueAt`: the scheduler re-arms if it is sooner. */
  timersChanged: (dueAt: number) => void;
  /** Uploaded files (buildApp always sets it; absent only in tools that never touch files). */
  files?: FileDeps;
  /** Queued conversations read per routing transaction (default 500). */
  routingPageSize?: number;
  /** The one guarded client for every outbound HTTP request (outbound/guarded-http.ts). */
  outbound: OutboundHttp;
  /** PARLEY_PUBLIC_URL: providers fetch files Parley sends from signed links under it (without it, files are named in the text). */
  publicUrl?: string | undefined;
  /** The app's read caches, on `clock` (services/caches.ts). */
  caches: ReadCaches;
}

/** Where uploads go, how big they may be, and how download links are signed. */
export interface FileDeps {
  store: FileStore;
  links: FileLinks;
  maxUploadBytes: number;
}

/** The events of one transaction, each for its recipient; filled only through `emit`. */
export type Outbox = PendingEvent[];

/** Record events that happened in `scene`: their recipients come from `audienceFor` (domain/audience.ts), never from the caller. */
export function emit(out: Outbox, events: readonly DomainEvent[], scene: Scene): void {
  out.push(...deliveriesOf(events, scene));
}

/**
 * One transaction: `fn` reads and writes through repos and pushes events into `out`; the events
 * are appended in the same transaction and published only after the commit.
 */
export async function inTransaction<T>(deps: Deps, accountId: string, fn: (tx: DbTransaction, out: Outbox) => Promise<T>): Promise<T> {
  let stored: StoredEvent[] = [];
  const result = await deps.db.transaction(async (tx) => {
    const out: Outbox = [];
    const r = await fn(tx, out);
    stored = await appendEvents(
      tx,
      deps.db.dialect,
      accountId,
      out.map((e) => ({ ...e, data: signFileRefs(deps, e.data) }) as PendingEvent),
      deps.clock.now(),
    );
    // The webhook outbox: deliveries of these events are written in their transaction.
    await enqueueWebhookDeliveries(deps, tx, accountId, out);
    return r;
  });
  if (stored.length) deps.publisher.publish(stored);
  return result;
}
