import { type PushedEvent, RECONNECT_OPTIONS, retryDelayAfterShed, SeqTracker } from '@parley/contract';
import { io, type Socket } from 'socket.io-client';

export type ConnectionState = 'connecting' | 'online' | 'offline';

export interface RealtimeHandlers {
  onEvent(e: PushedEvent): void;
  onState(state: ConnectionState): void;
  /** The server could not replay what was missed: reload state over HTTP. */
  onResync(): void;
  onUnauthorized(): void;
  /**
   * Managers: the live dashboard changed (a cue to refetch GET /api/v1/reports/live and the
   * supervision list); `conversationIds` names the conversations it was about (null: too many to name).
   */
  onDashboardChanged?(conversationIds: string[] | null): void;
  /** The first `hello`: from here on every event is delivered; state read over HTTP before it may have missed some. */
  onBaseline?(): void;
}

/**
 * The agent's realtime stream. `hello` gives the baseline seq; every event goes through a
 * SeqTracker (a gap asks for `sync`, duplicates are dropped); after a reconnect the client emits
 * `sync { afterSeq }` and so receives exactly what it missed, in order. When the browser reports
 * it is offline the socket is closed at once (the banner shows) and reopened when it is back.
 */
export class Realtime {
  private socket: Socket | null = null;
  private tracker: SeqTracker | null = null;
  private early: PushedEvent[] = [];
  private stopped = false;

  constructor(
    private readonly token: string,
    private readonly h: RealtimeHandlers,
  ) {}

  get seq(): number {
    return this.tracker?.seq ?? -1;
  }

  start(): void {
    this.stopped = false;
    const socket = io('/agent', {
      auth: { token: this.token },
      transports: ['websocket', 'polling'],
      tryAllTransports: true,
      // Jittered exponential backoff, so the agents of a restarted node come back spread out.
      ...RECONNECT_OPTIONS,
    });
    this.socket = socket;
    this.h.onState('connecting');
    socket.on('hello', (hello: { seq: number }) => {
      if (!this.tracker) {
        this.tracker = new SeqTracker(
          hello.seq,
          // The payloads are the server's DomainEvents (the contract types each by its name).
          (e) => this.h.onEvent(e as PushedEvent),
          (afterSeq) => this.sync(afterSeq),
        );
        const early = this.early;
        this.early = [];
        for (const e of early) this.receive(e);
        this.h.onBaseline?.();
      } else if (hello.seq < this.tracker.seq) {
        // The server's log is behind us (restored database): start over from HTTP.
        this.tracker.reset(hello.seq);
        this.h.onResync();
      } else if (hello.seq > this.tracker.seq) {
        this.sync(this.tracker.seq);
      }
      this.h.onState('online');
    });
    socket.on('event', (e: PushedEvent) => this.receive(e));
    // Managers only: an ephemeral cue (no seq) that the live dashboard figures changed.
    socket.on('dashboard.changed', (cue: { conversationIds?: unknown } | null) =>
      this.h.onDashboardChanged?.(Array.isArray(cue?.conversationIds) ? cue.conversationIds.filter((x): x is string => typeof x === 'string') : null),
    );
    socket.on('disconnect', (reason) => {
      if (this.stopped) return;
      this.h.onState(navigator.onLine === false ? 'offline' : 'connecting');
      // The server closed us (e.g. a revoked token): try once more; an auth error signs out.
      if (reason === 'io server disconnect') setTimeout(() => !this.stopped && socket.connect(), 1000);
    });
    socket.on('connect_error', (err) => {
      if (err.message === 'unauthorized') {
        this.stop();
        this.h.onUnauthorized();
        return;
      }
      // The server shed the handshake (overloaded): come back after its hint, jittered.
      const wait = retryDelayAfterShed(err);
      if (wait !== undefined) setTimeout(() => !this.stopped && !socket.active && socket.connect(), wait);
      this.h.onState('offline');
    });
    window.addEventListener('offline', this.onOffline);
    window.addEventListener('online', this.onOnline);
  }

  private receive(e: PushedEvent): void {
    if (!this.tracker) {
      this.early.push(e);
      return;
    }
    if (e.type === 'resync.required') {
      this.tracker.reset(e.seq);
      this.h.onResync();
      return;
    }
    this.tracker.receive(e);
  }

  private lastTyping = new Map<string, number>();

  /** Ephemeral "agent is typing" for the consumer; at most one every 2 s per conversation. */
  typing(conversationId: string): void {
    const now = Date.now();
    if (now - (this.lastTyping.get(conversationId) ?? 0) < 2000) return;
    this.lastTyping.set(conversationId, now);
    if (this.socket?.connected) this.socket.emit('typing', { conversationId });
  }

  private sync(afterSeq: number): void {
    this.socket?.emit('sync', { afterSeq });
  }

  private onOffline = () => {
    this.socket?.disconnect();
    this.h.onState('offline');
  };

  private onOnline = () => {
    if (this.stopped || !this.socket || this.socket.connected) return;
    this.h.onState('connecting');
    this.socket.connect();
  };

  stop(): void {
    this.stopped = true;
    window.removeEventListener('offline', this.onOffline);
    window.removeEventListener('online', this.onOnline);
    this.socket?.removeAllListeners();
    this.socket?.disconnect();
    this.socket = null;
  }
}
