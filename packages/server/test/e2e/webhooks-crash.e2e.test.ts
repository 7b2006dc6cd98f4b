import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StubServer, startStubServer } from '../stub-server.js';
import { Api, cliCreateAccount, dialects, type Env, makeEnv, type ServerProcess, setUpAgents, startServer, waitFor } from './support.js';

const CONVERSATIONS = 4;
const MESSAGES = 5;

type Got = { webhookId: string; status: number; messageId: string; conversationId: string; seq: number };

/**
 * The webhook outbox survives a SIGKILL: a real `parley serve` process, a receiver that fails at
 * first (so deliveries are pending, some mid-retry), the process killed, started again on the
 * same data — and every acknowledged message's delivery arrives, with the same webhook-id on every
 * attempt, and each conversation's deliveries are accepted in the order of its messages.
 */
describe.each(dialects)('e2e: webhooks across a SIGKILL on %s', (dialect) => {
  let env: Env;
  let stub: StubServer;
  const servers: ServerProcess[] = [];
  beforeAll(async () => {
    env = await makeEnv(dialect);
    stub = await startStubServer();
  });
  afterAll(async () => {
    for (const s of servers) await s.stop();
    await stub?.close();
    await env?.destroy();
  });

  it('nothing is lost and the order per conversation holds', async () => {
    const { accountId } = await cliCreateAccount(env, 'Webhook brand');
    let server = await startServer(env);
    servers.push(server);
    let base = server.url;
    const api = new Api(() => base);
    const { managerToken, skillId } = await setUpAgents(api, accountId, { skill: 'Support', agents: [] });
    const got: Got[] = [];
    let accept = false;
    stub.handle = (_req, res, body) => {
      const data = (JSON.parse(body) as { data: { id: string; conversationId: string; seq: number } }).data;
      const status = accept ? 200 : 503;
      got.push({ webhookId: String(_req.headers['webhook-id']), status, messageId: data.id, conversationId: data.conversationId, seq: data.seq });
      res.statusCode = status;
      res.end();
    };
    await api.ok('POST', '/api/v1/webhooks', { token: managerToken, body: { url: `${stub.url}/in`, events: ['message.created'] } }, [201]);

    const sent = new Map<string, { conversationId: string; seq: number }>();
    for (let c = 0; c < CONVERSATIONS; c++) {
      const s = await api.consumerSession(accountId, `Consumer ${c}`);
      const conv = await api.ok<{ id: string }>('POST', '/api/v1/consumer/conversations', { token: s.consumerToken, body: { skillId } }, [201]);
      for (let m = 0; m < MESSAGES; m++) {
        const msg = await api.ok<{ id: string; seq: number }>('POST', `/api/v1/consumer/conversations/${conv.id}/messages`, {
          token: s.consumerToken,
          body: { text: `c${c} m${m}`, clientMessageId: `c${c}-m${m}` },
        });
        sent.set(msg.id, { conversationId: conv.id, seq: msg.seq });
      }
    }
    // Some attempts were made and refused: deliveries are pending, mid-retry, when the process dies.
    await waitFor(() => got.length >= CONVERSATIONS, 'first (refused) attempts', 30_000);
    expect(got.every((g) => g.status === 503)).toBe(true);
    expect(await server.kill('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });

    accept = true;
    server = await startServer(env);
    servers.push(server);
    base = server.url;
    const delivered = () => new Set(got.filter((g) => g.status === 200).map((g) => g.messageId));
    await waitFor(() => [...sent.keys()].every((id) => delivered().has(id)), 'every message delivered after the restart', 90_000, 100);

    // one webhook-id per message, on every attempt
    const idsOf = new Map<string, Set<string>>();
    for (const g of got) idsOf.set(g.messageId, (idsOf.get(g.messageId) ?? new Set()).add(g.webhookId));
    for (const [, ids] of idsOf) expect(ids.size).toBe(1);
    // per conversation, accepted in message order (a later message never accepted before an earlier one)
    for (let c = 0; c < CONVERSATIONS; c++) {
      const conv = [...sent.values()].find((_, i) => Math.floor(i / MESSAGES) === c)?.conversationId;
      const accepted = got.filter((g) => g.status === 200 && g.conversationId === conv).map((g) => g.seq);
      const firsts = accepted.filter((s, i) => accepted.indexOf(s) === i);
      expect(firsts).toEqual([...firsts].sort((a, b) => a - b));
      expect(firsts).toHaveLength(MESSAGES);
    }
    // the delivery log agrees
    const hooks = await api.ok<{ items: { id: string }[] }>('GET', '/api/v1/webhooks', { token: managerToken });
    const log = await api.ok<{ items: { status: string }[] }>('GET', `/api/v1/webhooks/${hooks.items[0]?.id}/deliveries?limit=200`, { token: managerToken });
    expect(log.items).toHaveLength(sent.size);
    expect(log.items.every((d) => d.status === 'delivered')).toBe(true);
  }, 180_000);
});
