/**
 * Cluster mode end to end: two `parley serve` processes on one PostgreSQL database and one Redis.
 * Realtime crosses nodes (a write to node 1 reaches a socket on node 2). Then consumers write
 * through both nodes under load; node 2 is SIGKILLed in the middle; the agents it served
 * reconnect to node 1 and `sync`. Then: every write was stored once; every conversation is
 * assigned to exactly one agent, within capacity; every agent got its conversations over realtime
 * (live or replayed); and, with nothing else happening, the `status` timer still turns them
 * overdue, pushed by the surviving node.
 *
 * Timer leases are 30 s, so the test makes sure the killed node never holds one: the SLA
 * (SLA_SEC, counted from each conversation's first message) runs out well after the kill (a few
 * seconds in), and a node only claims timers that are due. So no timer waits for a lease to
 * expire; all of them fire on node 1. The test checks that the load ended before the first SLA.
 */
import { randomBytes } from 'node:crypto';
import type { ActiveItem, EventEnvelope, Message } from '@parley/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClusterEnv, makeClusterEnv } from './cluster-support.js';
import { Api, cliCreateAccount, delay, RealtimeClient, type Reply, type ServerProcess, serverSeq, setUpAgents, startServer, waitFor } from './support.js';

const dbUrl = process.env.PARLEY_TEST_DATABASE_URL || undefined;
const redisUrl = process.env.PARLEY_TEST_REDIS_URL || undefined;

const MAX = 5;
/** Agents and the node their socket connects to first. */
const AGENTS = [
  { username: 'ann', node: 1 },
  { username: 'ben', node: 1 },
  { username: 'cid', node: 2 },
  { username: 'dan', node: 2 },
] as const;
/** Exactly the agents' capacity: each agent must end with MAX, none with more. */
const CONSUMERS = AGENTS.length * MAX;
/** Consumers started before the kill; the rest open their conversations after it (on node 1). */
const WAVE1 = 12;
/** The kill comes once this many conversations exist and this many messages were acknowledged. */
const KILL_AFTER = { created: 8, acked: 30 };
/** Acknowledged messages after the kill before the load stops. */
const ACKS_AFTER_KILL = 60;
/** Response-time target (all kinds): long enough for the whole load to end before the first runs out. */
const SLA_SEC = 20;

type NodeNo = 1 | 2;

interface Agent {
  id: string;
  username: string;
  token: string;
  home: NodeNo;
  /** The node its socket uses now (changes to 1 when node 2 dies). */
  route: { via: NodeNo };
  rt: RealtimeClient;
  /** Every envelope as it came off the wire (live or replayed), across reconnects: for diagnostics. */
  wire: number[];
  /** Extra syncs the stall watchdog sent (see below). */
  rescues: number[];
}

interface Client {
  idx: number;
  token: string;
  conversationId: string | undefined;
  /** clientMessageIds in the order first sent; each retried (same id) until acknowledged. */
  sent: string[];
  acked: Map<string, Message>;
  /** Failed attempts (network error or 5xx), each retried. */
  failures: number;
  /** 200 answers: the write had already been stored by an attempt whose answer was lost. */
  repeats: number;
  lastFailure: string;
}

interface Details {
  id: string;
  state: string;
  status: string;
  agentId: string | null;
  slaDueAt: string | null;
  createdAt: string;
}

const upserts = (a: Agent) => (a.rt.events as EventEnvelope<ActiveItem>[]).filter((e) => e.type === 'conversation.upserted');

describe.skipIf(!dbUrl || !redisUrl)('e2e: two nodes on PostgreSQL + Redis, one SIGKILLed under load', () => {
  let env: ClusterEnv | undefined;
  const nodes: ServerProcess[] = [];
  const sockets: RealtimeClient[] = [];

  let accountId = '';
  let watchdog: NodeJS.Timeout | undefined;

  // The processes (own time budget: starting two nodes is slow on a busy machine): a fresh
  // database, an account made with the CLI, then both nodes.
  beforeAll(async () => {
    env = await makeClusterEnv(dbUrl ?? '', redisUrl ?? '');
    ({ accountId } = await cliCreateAccount(env, 'Cluster brand'));
    const started = await Promise.allSettled([startServer(env, { name: 'node 1' }), startServer(env, { name: 'node 2' })]);
    for (const r of started) if (r.status === 'fulfilled') nodes.push(r.value); // afterAll stops whichever started
    for (const r of started) if (r.status === 'rejected') throw r.reason;
  });
  afterAll(async () => {
    clearInterval(watchdog);
    for (const s of sockets) s.close();
    await Promise.all(nodes.map((n) => n.stop()));
    await env?.destroy();
  });

  it('assigns every conversation exactly once, delivers across nodes and after failover, and timers still fire on the survivor', async ({ onTestFailed }) => {
    const [node1, node2] = nodes;
    if (!node1 || !node2) throw new Error('the nodes did not start');
    const T0 = Date.now();
    // Where the time went: printed once at the end, and with any load failure.
    const timeline: string[] = [];
    const step = (what: string) => timeline.push(`+${Date.now() - T0} ms ${what}`);
    onTestFailed(() => console.log(`cluster e2e timeline (failed):\n${timeline.join('\n')}`));
    for (const n of [node1, node2]) expect(n.stdout()).toContain('cluster (PostgreSQL + Redis)');
    expect(node1.url).not.toBe(node2.url);
    const api1 = new Api(() => node1.url);
    const api2 = new Api(() => node2.url);
    const apiOf = (n: NodeNo) => (n === 1 ? api1 : api2);
    const urlOf = (n: NodeNo) => (n === 1 ? node1.url : node2.url);

    // ---- set-up through node 1: a skill, four agents (node-1 agents stay offline for now), short SLAs
    const setup = await setUpAgents(api1, accountId, {
      skill: 'Support',
      agents: AGENTS.map((a) => ({ username: a.username, maxConcurrent: MAX, online: a.node === 2 })),
    });
    const { managerToken, skillId } = setup;
    const sla = { defaultSec: SLA_SEC, firstTimeSec: SLA_SEC, urgentSec: SLA_SEC };
    await api1.ok('PATCH', '/api/v1/account/settings', { token: managerToken, body: { sla } }, [200]);
    // Node 2 reads the same database: it sees the settings (and node 1's tokens).
    expect((await api2.ok<{ sla: typeof sla }>('GET', '/api/v1/account/settings', { token: managerToken })).sla).toEqual(sla);

    const agents: Agent[] = setup.agents.map((a, i) => {
      const home: NodeNo = AGENTS[i]?.node ?? 1;
      const route = { via: home };
      const rt = new RealtimeClient(() => urlOf(route.via), '/agent', a.token);
      sockets.push(rt);
      return { ...a, home, route, rt, wire: [], rescues: [] };
    });
    const connect = async (a: Agent) => {
      await a.rt.connect();
      a.rt.socket?.on('event', (e: EventEnvelope) => a.wire.push(e.seq));
    };
    await Promise.all(agents.map(connect));
    step('agents set up and connected');
    const onNode2 = agents.filter((a) => a.home === 2);

    // Stall watchdog. SeqTracker asks for a sync only when its first held event arrives; if that
    // sync's answer fills the gap only partly (an event committed after the server read it, whose
    // live push was lost because its node was killed between commit and publish), the listener
    // waits forever. A client should re-ask; this one does when events beyond its applied seq have
    // been held for over a second with no progress. Every rescue is listed in the timeline.
    const stalled = new Map<Agent, { seq: number; since: number }>();
    watchdog = setInterval(() => {
      for (const a of agents) {
        const held = a.wire.length > 0 && Math.max(...a.wire) > a.rt.seq;
        const prev = stalled.get(a);
        if (!held || !a.rt.connected || prev?.seq !== a.rt.seq) {
          if (held) stalled.set(a, { seq: a.rt.seq, since: Date.now() });
          else stalled.delete(a);
          continue;
        }
        if (Date.now() - prev.since < 1000) continue;
        a.rescues.push(a.rt.seq);
        const asked = a.rt.syncs[a.rt.syncs.length - 1];
        const why =
          asked !== undefined && asked >= a.rt.seq
            ? `its sync { afterSeq: ${asked} } is still unanswered`
            : `its tracker will not ask again (last asked after ${asked})`;
        step(`${a.username}: events beyond seq ${a.rt.seq} held for 1 s and ${why}; watchdog sends sync { afterSeq: ${a.rt.seq} }`);
        a.rt.socket?.emit('sync', { afterSeq: a.rt.seq });
        stalled.set(a, { seq: a.rt.seq, since: Date.now() });
      }
    }, 250);

    // Consumer sessions for the load, made now (through both nodes) so the load itself is short.
    const sessions = await Promise.all(
      Array.from({ length: CONSUMERS - 1 }, (_, i) => apiOf(i % 2 === 0 ? 2 : 1).consumerSession(accountId, `Consumer ${i + 1}`)),
    );

    // ---- realtime crosses nodes (quiet, before the load): only node-2 agents are online
    const run = randomBytes(3).toString('hex');
    const probeSession = await api1.consumerSession(accountId, 'Consumer 0');
    const probe = await api1.ok<{ id: string }>(
      'POST',
      '/api/v1/consumer/conversations',
      { token: probeSession.consumerToken, body: { skillId, text: 'hello from consumer 0' } },
      [201],
    );
    // Routed by node 1 (where it was created) to an agent whose socket is on node 2.
    const holder = await waitFor(
      () => onNode2.find((a) => upserts(a).some((e) => e.data.id === probe.id)),
      'the probe conversation on a node-2 socket',
      10_000,
    );
    const probeCmid = `${run}-0-probe`;
    const probeMsg = await api1.ok<Message>(
      'POST',
      `/api/v1/consumer/conversations/${probe.id}/messages`,
      { token: probeSession.consumerToken, body: { text: 'written to node 1', clientMessageId: probeCmid } },
      [201],
    );
    const crossed = await holder.rt.event<Message>(
      (e) => e.type === 'message.created' && e.data.id === probeMsg.id,
      'the node-1 message on the node-2 socket',
      5000,
    );
    expect(crossed.data).toMatchObject({ conversationId: probe.id, senderType: 'consumer', text: 'written to node 1', clientMessageId: probeCmid });
    // It came live through the Redis adapter: that socket never asked for a sync (nothing was replayed).
    expect(holder.rt.syncs).toEqual([]);
    expect(holder.rescues).toEqual([]);
    expect(holder.rt.connected).toBe(true);
    const probeDetails = await api2.ok<Details>('GET', `/api/v1/conversations/${probe.id}`, { token: managerToken });
    expect(probeDetails).toMatchObject({ state: 'open', agentId: holder.id });
    step('cross-node probe done');

    // ---- the load: node-1 agents come online, consumers write through both nodes alternately
    for (const a of agents.filter((x) => x.home === 1)) await api1.ok('PUT', '/api/v1/me/status', { token: a.token, body: { status: 'online' } }, [200]);
    const clients: Client[] = [
      {
        idx: 0,
        token: probeSession.consumerToken,
        conversationId: probe.id,
        sent: [probeCmid],
        acked: new Map([[probeCmid, probeMsg]]),
        failures: 0,
        repeats: 0,
        lastFailure: '',
      },
      ...sessions.map((s, i) => ({
        idx: i + 1,
        token: s.consumerToken,
        conversationId: undefined,
        sent: [],
        acked: new Map<string, Message>(),
        failures: 0,
        repeats: 0,
        lastFailure: '',
      })),
    ];

    let stop = false;
    let node2Down = false;
    let created = 1;
    let totalAcked = 0;
    const inFlight = { 1: 0, 2: 0 };
    const failedOn = { 1: 0, 2: 0 };
    let loadError: unknown;
    /** The test gave up: clients stop retrying. */
    let aborted = false;
    // Alternate nodes per request (a round-robin balancer); once node 2 is known dead, node 1 only.
    const pick = (k: number): NodeNo => (node2Down || k % 2 === 0 ? 1 : 2);

    // One write, retried until acknowledged: a network error or 5xx tries the next node (same body,
    // so the same clientMessageId); anything else but the expected statuses fails the test.
    const send = async <T>(c: Client, k: number, path: string, body: unknown): Promise<Reply<T>> => {
      for (let attempt = 0; ; attempt++) {
        if (aborted) throw new Error('load aborted');
        if (attempt > 200) throw new Error(`consumer ${c.idx}: POST ${path} never acknowledged; last failure: ${c.lastFailure}`);
        const n = pick(k + attempt);
        inFlight[n]++;
        let r: Reply<T> | undefined;
        try {
          r = await apiOf(n).req<T>('POST', path, { token: c.token, body, timeoutMs: 5000 });
        } catch (err) {
          c.lastFailure = `node ${n}: ${String((err as Error).cause ?? err)}`; // refused / reset: not acknowledged
        } finally {
          inFlight[n]--;
        }
        if (r && (r.status === 200 || r.status === 201)) {
          if (r.status === 200) c.repeats++;
          return r;
        }
        if (r && r.status < 500) throw new Error(`consumer ${c.idx} via node ${n}: POST ${path}: ${r.status} ${r.text}`);
        if (r) c.lastFailure = `node ${n}: ${r.status} ${r.text}`;
        c.failures++;
        failedOn[n]++;
        await delay(Math.min(100, 10 * 2 ** attempt));
      }
    };

    const runClient = async (c: Client, startDelayMs: number) => {
      await delay(startDelayMs);
      if (!c.conversationId) {
        const r = await send<{ id: string }>(c, c.idx, '/api/v1/consumer/conversations', { skillId, text: `hello from consumer ${c.idx}` });
        c.conversationId = r.json.id;
        created++;
      }
      for (let i = 0; !stop; i++) {
        const clientMessageId = `${run}-${c.idx}-${i}`;
        c.sent.push(clientMessageId);
        const r = await send<Message>(c, c.idx + i + 1, `/api/v1/consumer/conversations/${c.conversationId}/messages`, {
          text: `message ${i} from consumer ${c.idx}`,
          clientMessageId,
        });
        c.acked.set(clientMessageId, r.json);
        totalAcked++;
      }
    };
    const running: Promise<void>[] = [];
    const launch = (c: Client, startDelayMs: number) => {
      const p = runClient(c, startDelayMs);
      p.catch((err) => {
        loadError ??= err;
        stop = true;
      });
      running.push(p);
    };

    // On failure: where every client stands, and what the nodes logged.
    const diagnoseAgents = async () => {
      const lines = [];
      for (const a of agents) {
        const server = await serverSeq(() => node1.url, '/agent', a.token).catch((e) => String(e));
        lines.push(
          `${a.username} (home node ${a.home}, via ${a.route.via}): applied up to ${a.rt.seq}, server at ${server}, syncs ${JSON.stringify(a.rt.syncs)}, rescues ${JSON.stringify(a.rescues)}, wire ${a.wire.join(',')}`,
        );
      }
      return lines.join('\n');
    };
    const agentWait = async (p: Promise<unknown>) => {
      try {
        await p;
      } catch (err) {
        throw new Error(
          `${String(err)}\n${timeline.join('\n')}\n${await diagnoseAgents()}\n${nodes.map((n) => `${n.name} output:\n${(n.stdout() + n.stderr()).slice(-4000)}`).join('\n')}`,
        );
      }
    };
    const diagnose = (err: unknown) => {
      const state = clients.map(
        (c) => `${c.idx}: ${c.conversationId ?? 'no conversation'}, ${c.acked.size}/${c.sent.length} acked, last failure: ${c.lastFailure}`,
      );
      const logs = nodes.map((n) => `${n.name} output:\n${(n.stdout() + n.stderr()).slice(-4000)}`);
      return new Error(`${String(err)}\n${timeline.join('\n')}\nin flight: ${JSON.stringify(inFlight)}\n${state.join('\n')}\n${logs.join('\n')}`);
    };
    let killAt = 0;
    let loadEnd = 0;
    try {
      clients.slice(0, WAVE1).forEach((c, i) => {
        launch(c, i * 40);
      });
      await waitFor(
        () => loadError ?? (created >= KILL_AFTER.created && totalAcked >= KILL_AFTER.acked),
        `${KILL_AFTER.created} conversations and ${KILL_AFTER.acked} acknowledged messages before the kill`,
        15_000,
      );
      if (loadError) throw loadError;

      step('kill now');
      // ---- SIGKILL node 2 in the middle of the load
      const inFlightOnNode2 = inFlight[2];
      const ackedAtKill = totalAcked;
      killAt = Date.now();
      expect(await node2.kill('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
      node2Down = true;
      step('node 2 dead');
      expect(inFlightOnNode2, 'requests in flight on node 2 when it was killed').toBeGreaterThan(0);
      clients.slice(WAVE1).forEach((c, i) => {
        launch(c, i * 20);
      });

      // The agents it served lose their sockets, reconnect to node 1 and sync from their last seq.
      for (const a of onNode2) {
        await waitFor(() => !a.rt.connected, `${a.username}'s socket to drop with node 2`, 5000);
        a.route.via = 1;
        await connect(a);
        expect(a.rt.syncs.length, `${a.username} asked for a sync after reconnecting`).toBeGreaterThan(0);
      }
      step('reconnected');

      await waitFor(
        () => loadError ?? (created === CONSUMERS && totalAcked >= ackedAtKill + ACKS_AFTER_KILL),
        `all ${CONSUMERS} conversations and ${ACKS_AFTER_KILL} acknowledged messages after the kill`,
        20_000,
      );
    } catch (err) {
      aborted = true;
      throw diagnose(err);
    } finally {
      stop = true;
      await Promise.allSettled(running);
      loadEnd = Date.now();
    }
    if (loadError) throw diagnose(loadError);
    step(
      `load stopped: ${totalAcked} messages acknowledged; failed attempts on node 1/2: ${failedOn[1]}/${failedOn[2]}; repeats: ${clients.reduce((n, c) => n + c.repeats, 0)}`,
    );
    expect(node1.exited()).toBe(false);
    // The kill cost the clients failed attempts on node 2 (each retried on node 1).
    expect(failedOn[2]).toBeGreaterThan(0);

    // ---- every write through either node was stored exactly once, in order
    const conversationIds: string[] = [];
    const transcripts = new Map<string, Message[]>();
    for (const c of clients) {
      const id = c.conversationId ?? '';
      conversationIds.push(id);
      expect(c.acked.size).toBe(c.sent.length);
      const { items } = await api1.ok<{ items: Message[] }>('GET', `/api/v1/consumer/conversations/${id}/messages`, { token: c.token });
      expect(items.map((m) => m.seq)).toEqual(items.map((_, i) => i + 1));
      expect(items[0]?.text).toBe(`hello from consumer ${c.idx}`);
      expect(items.slice(1).map((m) => m.clientMessageId)).toEqual(c.sent);
      for (const m of items.slice(1)) expect(c.acked.get(m.clientMessageId ?? '')?.id).toBe(m.id);
      transcripts.set(id, items);
    }
    expect(new Set(conversationIds).size).toBe(CONSUMERS);
    step('transcripts checked');

    // ---- no SLA ran out during the load: any `overdue` later can only come from the status timer
    const details = new Map<string, Details>();
    for (const id of conversationIds) details.set(id, await api1.ok<Details>('GET', `/api/v1/conversations/${id}`, { token: managerToken }));
    const dueOf = (id: string) => Date.parse(details.get(id)?.slaDueAt ?? '');
    const dues = conversationIds.map(dueOf);
    expect(dues.every(Number.isFinite)).toBe(true);
    const firstDue = Math.min(...dues);
    const lastDue = Math.max(...dues);
    expect(loadEnd, `the load must end before the first SLA (${SLA_SEC} s) runs out; this machine was too slow`).toBeLessThan(firstDue);
    // The killed node never held a due timer: the first SLA runs out after the kill.
    expect(firstDue).toBeGreaterThan(killAt);

    // ---- exactly one agent per conversation, nobody over capacity (Active lists, as each agent sees them)
    const owner = new Map<string, Agent>();
    const ownedBy = new Map<Agent, string[]>();
    for (const a of agents) {
      const { items } = await api1.ok<{ items: ActiveItem[] }>('GET', '/api/v1/workspace/active', { token: a.token });
      expect(items.length, `${a.username}'s open conversations`).toBeLessThanOrEqual(MAX);
      for (const item of items) {
        expect(item).toMatchObject({ state: 'open', agentId: a.id });
        expect(owner.get(item.id)?.username, `conversation ${item.id} in two Active lists`).toBeUndefined();
        owner.set(item.id, a);
      }
      ownedBy.set(
        a,
        items.map((i) => i.id),
      );
    }
    expect([...owner.keys()].sort()).toEqual([...conversationIds].sort());
    for (const a of agents) expect(ownedBy.get(a)?.length, `${a.username} at capacity`).toBe(MAX);
    // The manager's view agrees: open, and with that one agent.
    for (const id of conversationIds) expect(details.get(id)).toMatchObject({ id, state: 'open', agentId: owner.get(id)?.id });
    step('assignment checked');

    // ---- every agent got each of its conversations (live, or replayed by sync after the failover) — and no one else's
    for (const a of agents) {
      const mine = ownedBy.get(a) ?? [];
      await agentWait(
        a.rt.until(
          () => mine.every((id) => upserts(a).some((e) => e.data.id === id)),
          `${a.username}: conversation.upserted for each of its conversations`,
          10_000,
        ),
      );
      expect([...new Set(upserts(a).map((e) => e.data.id))].sort()).toEqual([...mine].sort());
      for (const e of upserts(a)) expect(e.data.agentId).toBe(a.id);
      // Messages: the assignment's upsert carries the last message written before it; each one
      // written after it was pushed, once, in order (across the failover), and the newest row is current.
      for (const id of mine) {
        const transcript = transcripts.get(id) ?? [];
        const assigned = upserts(a).find((e) => e.data.id === id);
        const k = transcript.findIndex((m) => m.text === assigned?.data.lastMessage?.text);
        expect(k, `${a.username}: the assignment of ${id} carries one of its messages`).toBeGreaterThanOrEqual(0);
        const after = transcript.slice(k + 1).map((m) => m.id);
        const pushed = () =>
          a.rt.events.filter((e) => e.type === 'message.created' && (e.data as Message).conversationId === id).map((e) => (e.data as Message).id);
        await agentWait(
          a.rt.until(() => pushed().length >= after.length, `${a.username}: the ${after.length} messages of ${id} written after its assignment`, 10_000),
        );
        expect(pushed()).toEqual(after);
        const last = transcript[transcript.length - 1];
        expect(upserts(a).findLast((e) => e.data.id === id)?.data.lastMessage?.text).toBe(last?.text);
      }
    }

    // ---- with nothing else happening, the status timer (on node 1, the only node left) turns each one overdue
    const overdueOf = (a: Agent, id: string) => upserts(a).find((e) => e.data.id === id && e.data.status === 'overdue');
    for (const a of agents) {
      const mine = ownedBy.get(a) ?? [];
      await agentWait(
        a.rt.until(
          () => mine.every((id) => overdueOf(a, id)),
          `${a.username}: conversation.upserted with status "overdue" for each of its conversations`,
          Math.max(0, lastDue - Date.now()) + 10_000,
        ),
      );
      for (const id of mine) {
        const e = overdueOf(a, id);
        const at = Date.parse(e?.at ?? '');
        expect(e?.data).toMatchObject({ id, state: 'open', agentId: a.id, awaiting: 'agent' });
        expect(at, 'pushed when the SLA ran out').toBeGreaterThanOrEqual(dueOf(id));
        expect(at, 'pushed after the load stopped').toBeGreaterThan(loadEnd);
      }
    }
    for (const a of agents) {
      const active = await api1.ok<{ counts: Record<string, number>; items: ActiveItem[] }>('GET', '/api/v1/workspace/active', { token: a.token });
      expect(active.counts).toMatchObject({ overdue: MAX, ongoing: 0 });
      expect(active.items.map((i) => i.status)).toEqual(Array(MAX).fill('overdue'));
    }

    // ---- each socket saw a gapless seq from its first hello (across the failover), up to the server's last
    for (const a of agents) {
      const seqs = a.rt.events.map((e) => e.seq);
      expect(seqs, `${a.username}: gapless seqs`).toEqual(seqs.map((_, i) => (a.rt.baseline ?? 0) + i + 1));
      expect(a.rt.seq).toBe(await serverSeq(() => node1.url, '/agent', a.token));
      expect(a.rt.events.some((e) => e.type === 'resync.required')).toBe(false);
    }
    step('overdue pushed to every agent');
    console.log(`cluster e2e timeline:\n${timeline.join('\n')}`);
  }, 60_000);
});
