import { type EventEnvelope, SeqTracker } from '@parley/contract';
import { io, type Socket } from 'socket.io-client';

/** A realtime listener as a real client would write it: hello → seq, gap → sync, duplicates dropped. */
export interface Listener {
  socket: Socket;
  events: EventEnvelope[];
  tracker: SeqTracker;
  /** Resolves with the first (new) event matching. */
  next(pred: (e: EventEnvelope) => boolean, timeoutMs?: number): Promise<EventEnvelope>;
  close(): void;
}

export async function connect(url: string, ns: '/agent' | '/consumer', token: string): Promise<Listener> {
  const socket = io(`${url}${ns}`, {
    auth: ns === '/agent' ? { token } : { consumerToken: token },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  const events: EventEnvelope[] = [];
  const waiters: { pred: (e: EventEnvelope) => boolean; resolve: (e: EventEnvelope) => void }[] = [];
  let tracker: SeqTracker | undefined;
  const apply = (e: EventEnvelope) => {
    events.push(e);
    for (const w of [...waiters]) {
      if (w.pred(e)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(e);
      }
    }
  };
  const early: EventEnvelope[] = [];
  socket.on('event', (e: EventEnvelope) => (tracker ? tracker.receive(e) : early.push(e)));
  const hello = await new Promise<{ seq: number }>((resolve, reject) => {
    socket.once('hello', resolve);
    socket.once('connect_error', reject);
  });
  tracker = new SeqTracker(hello.seq, apply, (afterSeq) => socket.emit('sync', { afterSeq }));
  for (const e of early) tracker.receive(e);
  return {
    socket,
    events,
    tracker,
    next(pred, timeoutMs = 5000) {
      const seen = events.find(pred);
      if (seen) {
        events.splice(events.indexOf(seen), 1);
        return Promise.resolve(seen);
      }
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching event within ${timeoutMs} ms; got ${events.map((e) => e.type).join(', ')}`)), timeoutMs);
        waiters.push({
          pred,
          resolve: (e) => {
            clearTimeout(timer);
            events.splice(events.indexOf(e), 1);
            resolve(e);
          },
        });
      });
    },
    close() {
      socket.close();
    },
  };
}

/** Connects with raw handshake auth; resolves 'connected' or the connect_error message. */
export function tryConnect(url: string, ns: '/agent' | '/consumer', auth: Record<string, unknown>): Promise<string> {
  return new Promise((resolve) => {
    const s: Socket = io(`${url}${ns}`, { auth, transports: ['websocket'], reconnection: false, forceNew: true });
    s.on('connect', () => {
      s.close();
      resolve('connected');
    });
    s.on('connect_error', (err) => {
      s.close();
      resolve(err.message);
    });
  });
}

/**
 * A round trip on the listener's own connection (a `sync` from its current seq, acknowledged):
 * everything the server sent this socket before answering has arrived once it resolves. A test
 * proves that something did not reach a socket (an event, a disconnect) by a round trip after the
 * cause, never by a sleep.
 */
export async function roundTrip(l: Listener, timeoutMs = 5000): Promise<void> {
  const answer = (await l.socket.timeout(timeoutMs).emitWithAck('sync', { afterSeq: l.tracker.seq })) as { ok: boolean };
  if (!answer.ok) throw new Error('sync refused');
}
