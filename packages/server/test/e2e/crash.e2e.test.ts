import { randomBytes } from 'node:crypto';
import type { Message } from '@parley/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api, cliCreateAccount, delay, dialects, type Env, makeEnv, type ServerProcess, setUpAgents, startServer, waitFor } from './support.js';

const CLIENTS = 20;
/** Acknowledged messages to reach before the kill, and again after the restart. */
const ACKS_PER_PHASE = 60;

interface Client {
  idx: number;
  token: string;
  conversationId: string;
  /** clientMessageIds in the order they were first sent; each is retried until acknowledged. */
  sent: string[];
  /** clientMessageId → the acknowledged message (first 2xx). */
  acked: Map<string, Message>;
  /** Acknowledgements that came as 200: the message was already stored (a retry whose first answer was lost). */
  repeats: number;
  failures: number;
  lastFailure: string;
}

describe.each(dialects)('e2e: SIGKILL under load on %s', (dialect) => {
  let env: Env;
  const servers: ServerProcess[] = [];

  beforeAll(async () => {
    env = await makeEnv(dialect);
  });
  afterAll(async () => {
    for (const s of servers) await s.stop();
    await env?.destroy();
  });

  it('every acknowledged message survives exactly once; retries with the same clientMessageId never duplicate; seqs stay gapless', async () => {
    const { accountId } = await cliCreateAccount(env, 'Crash brand');
    let server = await startServer(env);
    servers.push(server);
    let base = server.url;
    const api = new Api(() => base);
    // An agent takes some conversations, so routing runs too; the rest wait queued (and are swept on restart).
    const { skillId } = await setUpAgents(api, accountId, { skill: 'Support', agents: [{ username: 'ann', maxConcurrent: 10 }] });

    const clients: Client[] = await Promise.all(
      Array.from({ length: CLIENTS }, async (_, idx) => {
        const s = await api.consumerSession(accountId, `Load ${idx}`);
        const conv = await api.ok<{ id: string }>('POST', '/api/v1/consumer/conversations', { token: s.consumerToken, body: { skillId } }, [201]);
        return { idx, token: s.consumerToken, conversationId: conv.id, sent: [], acked: new Map(), repeats: 0, failures: 0, lastFailure: '' };
      }),
    );
    let stop = false;
    let totalAcked = 0;
    let inFlight = 0;
    const unexpected: string[] = [];
    const run = randomBytes(3).toString('hex');

    // A well-behaved client: one message at a time; anything but a 2xx (network error, 5xx) is
    // retried with the same clientMessageId, with a short backoff, until it is acknowledged.
    // Every fourth message also "loses" its first acknowledgement (as a dropped response would),
    // so the retry must get the stored message back (200, same id), never a second copy.
    const runClient = async (c: Client) => {
      for (let i = 0; !stop; i++) {
        const clientMessageId = `${run}-${c.idx}-${i}`;
        c.sent.push(clientMessageId);
        let lostAck: Message | undefined;
        const deadline = Date.now() + 60_000;
        let serverErrors = 0;
        for (let attempt = 0; ; attempt++) {
          // Down for long, or up and refusing the same message again and again: it will never be acknowledged.
          if (Date.now() > deadline || serverErrors > 20)
            throw new Error(`client ${c.idx}: ${clientMessageId} never acknowledged; last failure: ${c.lastFailure}`);
          inFlight++;
          try {
            const r = await api.req<Message>('POST', `/api/v1/consumer/conversations/${c.conversationId}/messages`, {
              token: c.token,
              body: { text: `message ${i} from client ${c.idx}`, clientMessageId },
              timeoutMs: 5000,
            });
            if (r.status === 200 || r.status === 201) {
              if (lostAck && (r.status !== 200 || r.json.id !== lostAck.id)) {
                unexpected.push(`client ${c.idx}: retry of ${clientMessageId} answered ${r.status} ${r.json.id}, first answer was ${lostAck.id}`);
              }
              if (i % 4 === 1 && !lostAck) {
                lostAck = r.json;
                continue;
              }
              if (r.status === 200) c.repeats++;
              c.acked.set(clientMessageId, r.json);
              totalAcked++;
              break;
            }
            c.lastFailure = `${r.status} ${r.text}`;
            serverErrors++;
            if (r.status < 500) unexpected.push(`client ${c.idx}: ${r.status} ${r.text}`);
          } catch (err) {
            // connection refused/reset while the server is down: not acknowledged, retry
            c.lastFailure = String((err as Error).cause ?? err);
          } finally {
            inFlight--;
          }
          c.failures++;
          await delay(Math.min(200, 10 * 2 ** attempt));
        }
      }
    };
    const load = Promise.all(clients.map(runClient));
    // Surface a client's error at once rather than at the end.
    let loadError: unknown;
    load.catch((err) => {
      loadError = err;
    });

    try {
      await waitFor(() => loadError ?? totalAcked >= ACKS_PER_PHASE, `${ACKS_PER_PHASE} acknowledged messages before the kill`, 60_000);
      if (loadError) throw loadError;
      const inFlightAtKill = inFlight;
      const ackedAtKill = totalAcked;
      expect(await server.kill('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
      expect(inFlightAtKill).toBeGreaterThan(0);

      server = await startServer(env);
      servers.push(server);
      base = server.url;
      await waitFor(() => loadError ?? totalAcked >= ackedAtKill + ACKS_PER_PHASE, `${ACKS_PER_PHASE} more acknowledged messages after the restart`, 60_000);
      if (loadError) throw loadError;
    } finally {
      stop = true;
    }
    await load.catch((err) => {
      throw new Error(`${String(err)}\nserver output (tail):\n${server.stdout().slice(-3000)}`);
    });
    expect(unexpected).toEqual([]);
    // The kill cost the clients failed attempts, and lost acknowledgements were answered from the store.
    expect(clients.reduce((n, c) => n + c.failures, 0)).toBeGreaterThan(0);
    expect(clients.reduce((n, c) => n + c.repeats, 0)).toBeGreaterThan(0);

    for (const c of clients) {
      expect(c.acked.size).toBe(c.sent.length); // every message was eventually acknowledged
      const { items } = await api.ok<{ items: Message[] }>('GET', `/api/v1/consumer/conversations/${c.conversationId}/messages`, { token: c.token });
      const ids = items.map((m) => m.clientMessageId);
      // no duplicates at all
      expect(new Set(ids).size, `duplicates in conversation of client ${c.idx}`).toBe(ids.length);
      // exactly what the client sent, once each, in its order (one at a time per client)
      expect(ids).toEqual(c.sent);
      // gapless 1..n
      expect(items.map((m) => m.seq)).toEqual(items.map((_, i) => i + 1));
      // each acknowledgement names the stored message
      for (const m of items) {
        const ack = c.acked.get(m.clientMessageId ?? '');
        expect(ack && { id: ack.id, seq: ack.seq, text: ack.text }).toEqual({ id: m.id, seq: m.seq, text: m.text });
      }
    }
  }, 180_000);
});
