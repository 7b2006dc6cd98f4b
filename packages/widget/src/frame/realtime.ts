/**
 * The consumer's realtime link: Socket.IO namespace `/consumer`, auth `{ consumerToken }`.
 * Stored events arrive as "event" with a gapless `seq`; the SeqTracker drops duplicates and asks
 * for a `sync` on a gap, and every reconnect syncs from the last applied seq. `typing` is an
 * ephemeral event (no seq, never stored).
 */
import { type EventEnvelope, type HelloPayload, type PushedEvent, RECONNECT_OPTIONS, retryDelayAfterShed, SeqTracker } from '@parley/contract';
import { io, type Socket } from 'socket.io-client';

export interface RealtimeHandlers {
  /** Every stored event, in order, exactly once. */
  /** A push; its payload is the server's DomainEvent (the contract types each by its name). */
  event(e: PushedEvent): void;
  /** The first hello: the caller loads state over HTTP now (events after it arrive through `event`). */
  ready(): void;
  typing(data: { conversationId: string; agent?: { displayName: string } }): void;
  connection(online: boolean): void;
  /** The session token was refused. */
  unauthorized(): void;
}

export class Realtime {
  private socket: Socket;
  private tracker: SeqTracker | undefined;
  private closed = false;

  constructor(token: string, h: RealtimeHandlers) {
    // Jittered exponential backoff (RECONNECT_OPTIONS), so a restarted node's visitors come back spread out.
    const socket = io('/consumer', { auth: { consumerToken: token }, transports: ['websocket', 'polling'], ...RECONNECT_OPTIONS });
    this.socket = socket;
    const early: EventEnvelope[] = [];
    socket.on('event', (e: EventEnvelope) => {
      if (!this.tracker) early.push(e);
      else if (e.type === 'resync.required') {
        // Too far behind to replay: start again from the server's seq; the caller reloads over HTTP.
        this.tracker.reset(e.seq);
        h.event(e as PushedEvent);
      } else this.tracker.receive(e);
    });
    socket.on('hello', (hello: HelloPayload) => {
      h.connection(true);
      if (!this.tracker) {
        this.tracker = new SeqTracker(
          hello.seq,
          (e) => h.event(e as PushedEvent),
          (afterSeq) => socket.emit('sync', { afterSeq }),
        );
        for (const e of early.splice(0)) this.tracker.receive(e);
        h.ready();
      } else {
        socket.emit('sync', { afterSeq: this.tracker.seq });
      }
    });
    socket.on('typing', (data: { conversationId?: unknown; agent?: { displayName?: unknown } }) => {
      if (typeof data?.conversationId !== 'string') return;
      const name = data.agent?.displayName;
      h.typing({ conversationId: data.conversationId, ...(typeof name === 'string' && { agent: { displayName: name } }) });
    });
    socket.on('disconnect', () => h.connection(false));
    socket.on('connect_error', (err: Error) => {
      h.connection(false);
      if (err.message === 'unauthorized') {
        socket.close();
        h.unauthorized();
        return;
      }
      // The server shed the handshake (overloaded): come back after its hint, jittered.
      const wait = retryDelayAfterShed(err);
      if (wait !== undefined) setTimeout(() => !this.closed && !socket.active && socket.connect(), wait);
    });
  }

  close(): void {
    this.closed = true;
    this.socket.close();
  }
}
