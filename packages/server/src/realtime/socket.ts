import type { Server as HttpServer } from 'node:http';
import type { EventEnvelope } from '@parley/contract';
import type { Redis } from 'ioredis';
import { Server, type Socket } from 'socket.io';
import { agentRecipient, consumerRecipient, conversationOf, type Recipient, type StoredDelivery } from '../domain/audience.js';
import { authenticateConsumer, authenticateUser } from '../services/auth.service.js';
import type { Deps, Publisher } from '../services/context.js';
import { currentSeq, replayAfter, typingCue } from '../services/realtime.service.js';
import { namespaceOf, roomOf } from './audience.js';
import { DEFAULT_HANDSHAKE_LIMITS, HandshakeGate, type HandshakeLimits, shedError } from './handshake-gate.js';
import { loopLag } from './loop-lag.js';

const TYPING_THROTTLE_MS = 2000;

export interface Realtime {
  io: Server;
  publisher: Publisher & { disconnect(recipient: Recipient, tokenHash?: string): Promise<void> };
  connectedSockets(): number;
  close(): Promise<void>;
}

export const toEnvelope = (e: StoredDelivery): EventEnvelope => ({
  seq: e.seq,
  type: e.type as EventEnvelope['type'],
  at: new Date(e.at).toISOString(),
  data: e.data,
});

interface SocketData {
  recipient: Recipient;
  accountId: string;
  tokenHash?: string;
  /** A manager's socket also joins the account's managers room. */
  manager?: true;
}

/**
 * The events a client may emit, per namespace, with who may emit them to what effect — declared
 * once here; handlers are attached only through `onClientEvent`, so an undeclared event cannot be
 * handled, and the authorization matrix test walks this list (test/api/authorization-matrix.test.ts).
 * Connecting at all needs the namespace's kind of token (a user's on /agent, a consumer's on
 * /consumer), checked again against the database: revoked, deactivated or password-changed tokens
 * are refused.
 */
export const CLIENT_EVENTS = {
  '/agent': {
    sync: "own stream: replays only the events stored for this socket's user",
    typing: 'conversation:act — relayed to the consumer only for the agent it is assigned to, or a manager, while open',
  },
  '/consumer': {
    sync: "own stream: replays only the events stored for this socket's consumer",
  },
} as const;

type ClientEvent<N extends keyof typeof CLIENT_EVENTS> = keyof (typeof CLIENT_EVENTS)[N];

/** What a client event's optional acknowledgement says: done, or refused with a problem code. */
type Ack = (answer: { ok: true } | { ok: false; code: 'invalid_request' | 'forbidden' | 'not_found' }) => void;

function onClientEvent<N extends keyof typeof CLIENT_EVENTS>(
  socket: Socket,
  ns: N,
  event: ClientEvent<N>,
  handler: (req: unknown, ack: Ack) => Promise<void>,
): void {
  if (!(event in CLIENT_EVENTS[ns])) throw new Error(`socket event ${String(event)} on ${ns} has no declared policy`);
  socket.on(event as string, (req: unknown, ack?: unknown) => handler(req, typeof ack === 'function' ? (ack as Ack) : () => undefined));
}

const DASHBOARD_DEBOUNCE_MS = 300;
/** Past this many conversations in one cue it names none (`conversationIds: null`). */
const DASHBOARD_MAX_IDS = 200;
/** The room of an account's managers on /agent (ephemeral dashboard cues). */
export const managersRoom = (accountId: string) => `managers:${accountId}`;

/**
 * Socket.IO on the HTTP server: `/agent` (auth.token) and `/consumer` (auth.consumerToken).
 * Each socket joins its recipient room; committed events are emitted to that room as "event".
 * "hello" tells a new socket its current seq; "sync" { afterSeq } replays what it missed.
 */
export async function attachRealtime(
  server: HttpServer,
  getDeps: () => Deps,
  opts: { redisUrl?: string | undefined; handshakeLimits?: HandshakeLimits | undefined },
): Promise<Realtime> {
  const io = new Server(server, { serveClient: false, cors: { origin: true, credentials: false }, maxHttpBufferSize: 64 * 1024 });
  let redis: { pub: Redis; sub: Redis } | undefined;
  if (opts.redisUrl) {
    // Cluster mode only: the embedded default never loads the Redis client.
    const [{ Redis }, { createAdapter }] = await Promise.all([import('ioredis'), import('@socket.io/redis-adapter')]);
    const pub = new Redis(opts.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 3 });
    const sub = pub.duplicate();
    await Promise.all([pub.connect(), sub.connect()]);
    io.adapter(createAdapter(pub, sub));
    redis = { pub, sub };
  }

  const agents = io.of('/agent');
  const consumers = io.of('/consumer');
  // A reconnect storm is shed before any token lookup, with a retry hint (handshake-gate.ts).
  // Made at the first handshake: deps (and their clock) are bound after attachRealtime returns.
  let gate: HandshakeGate | undefined;
  const limits = opts.handshakeLimits ?? DEFAULT_HANDSHAKE_LIMITS;
  const lag = limits.maxLagMs ? loopLag() : undefined;
  const shed = (next: (err?: Error) => void) => {
    gate ??= new HandshakeGate(
      limits,
      () => getDeps().clock.now(),
      () => (lag?.lagMs() ?? 0) > (limits.maxLagMs ?? Number.POSITIVE_INFINITY),
    );
    const a = gate.admit();
    if (!a.ok) next(shedError(a.retryAfterMs));
    return a.ok ? a.release : undefined;
  };

  agents.use(async (socket, next) => {
    const release = shed(next);
    if (!release) return;
    try {
      const token = (socket.handshake.auth as { token?: unknown }).token;
      const p = typeof token === 'string' ? await authenticateUser(getDeps(), token) : undefined;
      if (!p) return next(new Error('unauthorized'));
      const data: SocketData = { recipient: agentRecipient(p.userId), accountId: p.accountId, tokenHash: p.tokenHash };
      socket.data = data;
      if (p.role === 'manager') data.manager = true;
      next();
    } catch (err) {
      next(err as Error);
    } finally {
      release();
    }
  });
  consumers.use(async (socket, next) => {
    const release = shed(next);
    if (!release) return;
    try {
      const token = (socket.handshake.auth as { consumerToken?: unknown }).consumerToken;
      const p = typeof token === 'string' ? await authenticateConsumer(getDeps(), token) : undefined;
      if (!p) return next(new Error('unauthorized'));
      const data: SocketData = { recipient: consumerRecipient(p.consumerId), accountId: p.accountId };
      socket.data = data;
      next();
    } catch (err) {
      next(err as Error);
    } finally {
      release();
    }
  });

  const onConnection = async (socket: Socket) => {
    const data = socket.data as SocketData;
    // Join before reading the seq, so no event can fall between "hello" and the live stream.
    await socket.join(roomOf(data.recipient));
    if (data.manager) await socket.join(managersRoom(data.accountId));
    onClientEvent(socket, socket.nsp.name === '/agent' ? '/agent' : '/consumer', 'sync', async (req: unknown, ack) => {
      const afterSeq = (req as { afterSeq?: unknown } | null)?.afterSeq;
      if (typeof afterSeq !== 'number' || !Number.isInteger(afterSeq) || afterSeq < 0) {
        socket.emit('error_problem', { code: 'invalid_request', detail: 'sync needs { afterSeq: integer ≥ 0 }' });
        return ack({ ok: false, code: 'invalid_request' });
      }
      try {
        await replay(socket, data, afterSeq);
        ack({ ok: true });
      } catch (err) {
        getDeps().log.error({ err }, 'sync failed');
      }
    });
    const seq = await currentSeq(getDeps(), data.recipient);
    socket.emit('hello', { seq });
  };
  agents.on('connection', onConnection);
  consumers.on('connection', onConnection);
  agents.on('connection', (socket) => relayTyping(socket, socket.data as SocketData));

  /**
   * Ephemeral "agent is typing": the agent emits `typing { conversationId }`; the conversation's
   * consumer gets the socket event `typing { conversationId, agent: { displayName } }` — not stored,
   * no seq, not replayed by sync. Only the assigned agent (or a manager) of an open conversation;
   * at most one relay per conversation every TYPING_THROTTLE_MS per socket.
   */
  function relayTyping(socket: Socket, data: SocketData): void {
    const last = new Map<string, number>();
    onClientEvent(socket, '/agent', 'typing', async (req: unknown, ack) => {
      const conversationId = (req as { conversationId?: unknown } | null)?.conversationId;
      if (typeof conversationId !== 'string' || conversationId.length === 0 || conversationId.length > 100) return ack({ ok: false, code: 'invalid_request' });
      const deps = getDeps();
      const now = deps.clock.now();
      if (now - (last.get(conversationId) ?? 0) < TYPING_THROTTLE_MS) return ack({ ok: true });
      if (last.size > 200) last.clear();
      last.set(conversationId, now);
      try {
        const cue = await typingCue(deps, data.accountId, data.recipient.id, conversationId);
        if ('refused' in cue) return ack({ ok: false, code: cue.refused });
        consumers.to(roomOf(cue.to)).emit('typing', { conversationId, agent: cue.agent });
        ack({ ok: true });
      } catch (err) {
        deps.log.warn({ err }, 'typing relay failed');
      }
    });
  }

  async function replay(socket: Socket, data: SocketData, afterSeq: number): Promise<void> {
    const deps = getDeps();
    const r = await replayAfter(deps, data.accountId, data.recipient, afterSeq, (e) => socket.emit('event', toEnvelope(e)));
    if ('resync' in r) {
      socket.emit('event', { seq: r.resync, type: 'resync.required', at: new Date(deps.clock.now()).toISOString(), data: { seq: r.resync } });
    }
  }

  /**
   * Live dashboard cue: after events of an account are published, managers of the account get one
   * ephemeral `dashboard.changed` socket event (not stored, no seq) at most every DASHBOARD_DEBOUNCE_MS
   * per process, naming the conversations those events were about (`conversationIds`; null when
   * more than DASHBOARD_MAX_IDS, i.e. "refetch everything"). The console's dashboard and supervision
   * view refetch on it, and a supervisor's open transcript only when its conversation is named.
   * Conversation and status changes all publish events, so this needs no hook in the services.
   */
  const pendingDashboards = new Map<string, { timer: NodeJS.Timeout; ids: Set<string> | null }>();
  function dashboardChanged(accountId: string, conversationId: string | null): void {
    let pending = pendingDashboards.get(accountId);
    if (!pending) {
      const timer = setTimeout(() => {
        const p = pendingDashboards.get(accountId);
        pendingDashboards.delete(accountId);
        agents.to(managersRoom(accountId)).emit('dashboard.changed', { accountId, conversationIds: p?.ids ? [...p.ids] : null });
      }, DASHBOARD_DEBOUNCE_MS);
      timer.unref();
      pending = { timer, ids: new Set() };
      pendingDashboards.set(accountId, pending);
    }
    if (conversationId && pending.ids) {
      pending.ids.add(conversationId);
      if (pending.ids.size > DASHBOARD_MAX_IDS) pending.ids = null;
    }
  }

  const publisher: Realtime['publisher'] = {
    publish(events) {
      for (const e of events) {
        io.of(namespaceOf(e.recipient)).to(roomOf(e.recipient)).emit('event', toEnvelope(e));
        dashboardChanged(e.accountId, conversationOf(e));
      }
    },
    async refreshRights(accountId, userId, now) {
      const mine = agents.in(roomOf(agentRecipient(userId)));
      if (!now.active) {
        mine.disconnectSockets(true);
        return;
      }
      // Events are stored per recipient and chosen from the rights at the time (so skills need no
      // room); the one right a socket holds itself is the managers' room of dashboard cues.
      if (now.role === 'manager') mine.socketsJoin(managersRoom(accountId));
      else mine.socketsLeave(managersRoom(accountId));
    },
    async disconnect(recipient, tokenHash) {
      const ns = io.of(namespaceOf(recipient));
      if (!tokenHash) {
        ns.in(roomOf(recipient)).disconnectSockets(true);
        return;
      }
      const sockets = await ns.in(roomOf(recipient)).fetchSockets();
      for (const s of sockets) if ((s.data as SocketData).tokenHash === tokenHash) s.disconnect(true);
    },
  };

  return {
    io,
    publisher,
    connectedSockets: () => agents.sockets.size + consumers.sockets.size,
    async close() {
      lag?.stop();
      for (const p of pendingDashboards.values()) clearTimeout(p.timer);
      pendingDashboards.clear();
      io.disconnectSockets(true);
      await new Promise<void>((resolve) => {
        io.close(() => resolve());
      });
      if (redis) {
        redis.pub.disconnect();
        redis.sub.disconnect();
      }
    },
  };
}
