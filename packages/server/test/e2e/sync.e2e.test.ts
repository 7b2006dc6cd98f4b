import type { ActiveItem, EventEnvelope, Message } from '@parley/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_PASSWORD,
  Api,
  cliCreateAccount,
  dialects,
  type Env,
  makeEnv,
  RealtimeClient,
  type ServerProcess,
  serverSeq,
  setUpAgents,
  startServer,
} from './support.js';

interface ConsumerView {
  id: string;
  state: string;
  agent: { id: string } | null;
  closedAt: string | null;
}

/** What an agent app derives from its events: the Active list by id, and messages per conversation. */
function agentState(events: EventEnvelope[]) {
  const active = new Map<string, ActiveItem>();
  const messages = new Map<string, Message[]>();
  for (const e of events) {
    if (e.type === 'conversation.upserted') {
      const item = e.data as ActiveItem;
      active.set(item.id, item);
    } else if (e.type === 'conversation.removed') active.delete((e.data as { id: string }).id);
    else if (e.type === 'message.created') {
      const m = e.data as Message;
      messages.set(m.conversationId, [...(messages.get(m.conversationId) ?? []), m]);
    }
  }
  return { active: Object.fromEntries(active), messages: Object.fromEntries(messages) };
}

/** What a consumer widget derives: its conversations by id, and messages per conversation. */
function consumerState(events: EventEnvelope[]) {
  const conversations = new Map<string, ConsumerView>();
  const messages = new Map<string, Message[]>();
  for (const e of events) {
    if (e.type === 'conversation.updated' || e.type === 'conversation.closed') {
      const v = e.data as ConsumerView;
      conversations.set(v.id, v);
    } else if (e.type === 'message.created') {
      const m = e.data as Message;
      messages.set(m.conversationId, [...(messages.get(m.conversationId) ?? []), m]);
    }
  }
  return { conversations: Object.fromEntries(conversations), messages: Object.fromEntries(messages) };
}

/** Both clients have applied everything the server has for this listener (re-checked: nothing still arriving). */
async function settle(url: () => string, ns: '/agent' | '/consumer', token: string, clients: RealtimeClient[]): Promise<number> {
  for (let round = 0; round < 20; round++) {
    const seq = await serverSeq(url, ns, token);
    for (const c of clients) await c.until(() => c.seq >= seq, `seq ${seq}`);
    if ((await serverSeq(url, ns, token)) === seq) return seq;
  }
  throw new Error('events kept coming');
}

/** Same listener, same baseline → the same applied events, gapless, nothing beyond the server's seq. */
function expectSameStream(stayed: RealtimeClient, rejoined: RealtimeClient, finalSeq: number) {
  expect(rejoined.baseline).toBe(stayed.baseline);
  const base = stayed.baseline ?? 0;
  expect(stayed.events.map((e) => e.seq)).toEqual(Array.from({ length: finalSeq - base }, (_, i) => base + i + 1));
  expect(rejoined.events).toEqual(stayed.events);
  expect(stayed.events.some((e) => e.type === 'resync.required')).toBe(false);
}

describe.each(dialects)('e2e: reconnect + sync catches up exactly on %s', (dialect) => {
  let env: Env;
  let server: ServerProcess | undefined;
  let accountId: string;
  let api: Api;
  const url = () => server?.url ?? '';
  const clients: RealtimeClient[] = [];
  const client = (ns: '/agent' | '/consumer', token: string) => {
    const c = new RealtimeClient(url, ns, token);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    env = await makeEnv(dialect);
    accountId = (await cliCreateAccount(env, 'Sync brand')).accountId;
    server = await startServer(env);
    api = new Api(url);
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await server?.stop();
    await env?.destroy();
  });

  /** A consumer with an open (assigned) conversation; resolves once `watcher` saw it assigned. */
  async function consumerWith(skillId: string, name: string, watcher: RealtimeClient) {
    const s = await api.consumerSession(accountId, name);
    const conv = await api.ok<{ id: string }>('POST', '/api/v1/consumer/conversations', { token: s.consumerToken, body: { skillId } }, [201]);
    await watcher.event<ActiveItem>(
      (e) => e.type === 'conversation.upserted' && e.data.id === conv.id && e.data.state === 'open',
      `${name}'s conversation assigned`,
    );
    let n = 0;
    const send = (text: string) =>
      api.ok<Message>(
        'POST',
        `/api/v1/consumer/conversations/${conv.id}/messages`,
        { token: s.consumerToken, body: { text, clientMessageId: `${name}-${n++}` } },
        [201],
      );
    return { id: conv.id, token: s.consumerToken, send };
  }

  it('agent: a second tab that was offline replays what it missed and ends with the same events and state as the one that stayed', async () => {
    const { skillId, agents } = await setUpAgents(api, accountId, { skill: 'AgentSync', agents: [{ username: 'sam', maxConcurrent: 10 }] });
    const sam = agents[0];
    if (!sam) throw new Error('no agent');
    const secondTab = await api.login(accountId, 'sam', ADMIN_PASSWORD);
    let replyN = 0;
    const reply = (convId: string, text: string) =>
      api.ok<Message>('POST', `/api/v1/conversations/${convId}/messages`, { token: sam.token, body: { text, clientMessageId: `r-${replyN++}` } }, [201]);

    const stayed = client('/agent', sam.token);
    const leaves = client('/agent', secondTab);
    await stayed.connect();
    await leaves.connect();

    // Both connected: a first conversation.
    const c1 = await consumerWith(skillId, 'one', stayed);
    await c1.send('hi from one');
    await leaves.event<Message>((e) => e.type === 'message.created' && e.data.text === 'hi from one', 'the first message on the second tab');

    // The second tab goes away; the work goes on.
    leaves.disconnect();
    const leftAt = leaves.seq;
    await reply(c1.id, 'hello one');
    await c1.send('thanks');
    const c2 = await consumerWith(skillId, 'two', stayed);
    await c2.send('question from two');
    await c2.send('more from two');
    await api.ok('POST', `/api/v1/conversations/${c2.id}/read`, { token: sam.token }, [204]);
    await api.ok('POST', `/api/v1/conversations/${c1.id}/close`, { token: sam.token }, [200]);
    await api.ok('DELETE', `/api/v1/workspace/active/${c1.id}`, { token: sam.token }, [204]);
    const c3 = await consumerWith(skillId, 'three', stayed);
    expect(stayed.seq).toBeGreaterThan(leftAt + 10);
    expect(leaves.seq).toBe(leftAt);

    // It comes back while new events keep arriving.
    await Promise.all([leaves.connect(), c3.send('three-a'), c3.send('three-b'), reply(c2.id, 'answer two'), c3.send('three-c')]);
    const finalSeq = await settle(url, '/agent', sam.token, [stayed, leaves]);

    expect(leaves.syncs[0]).toBe(leftAt);
    expectSameStream(stayed, leaves, finalSeq);
    const derived = agentState(leaves.events);
    expect(derived).toEqual(agentState(stayed.events));

    // ... and that state is the server's: the Active list and every transcript.
    expect(Object.keys(derived.active).sort()).toEqual([c2.id, c3.id].sort());
    const active = await api.ok<{ items: ActiveItem[] }>('GET', '/api/v1/workspace/active', { token: sam.token });
    const pick = (i: ActiveItem) => ({ id: i.id, state: i.state, agentId: i.agentId, unread: i.unread, awaiting: i.awaiting, lastMessage: i.lastMessage });
    expect(
      Object.values(derived.active)
        .map(pick)
        .sort((a, b) => a.id.localeCompare(b.id)),
    ).toEqual(active.items.map(pick).sort((a, b) => a.id.localeCompare(b.id)));
    expect(derived.active[c2.id]?.unread).toBe(0);
    for (const c of [c1, c2, c3]) {
      const { items } = await api.ok<{ items: Message[] }>('GET', `/api/v1/conversations/${c.id}/messages`, { token: sam.token });
      expect(derived.messages[c.id]?.map((m) => m.id)).toEqual(items.map((m) => m.id));
    }
  }, 90_000);

  it('consumer: a second widget that was offline replays what it missed and ends with the same events and state', async () => {
    const { skillId, agents } = await setUpAgents(api, accountId, { skill: 'ConsumerSync', agents: [{ username: 'kim', maxConcurrent: 10 }] });
    const kim = agents[0];
    if (!kim) throw new Error('no agent');
    let replyN = 0;
    const reply = (convId: string, text: string) =>
      api.ok<Message>('POST', `/api/v1/conversations/${convId}/messages`, { token: kim.token, body: { text, clientMessageId: `k-${replyN++}` } }, [201]);
    const s = await api.consumerSession(accountId, 'Widget Jo');
    let sendN = 0;
    const send = (convId: string, text: string) =>
      api.ok<Message>(
        'POST',
        `/api/v1/consumer/conversations/${convId}/messages`,
        { token: s.consumerToken, body: { text, clientMessageId: `w-${sendN++}` } },
        [201],
      );
    const open = (text?: string) =>
      api.ok<ConsumerView>('POST', '/api/v1/consumer/conversations', { token: s.consumerToken, body: { skillId, ...(text && { text }) } }, [201]);
    const assigned = (w: RealtimeClient, id: string) =>
      w.event<ConsumerView>((e) => e.type === 'conversation.updated' && e.data.id === id && e.data.state === 'open', `conversation ${id} assigned`);

    const stayed = client('/consumer', s.consumerToken);
    const leaves = client('/consumer', s.consumerToken);
    await stayed.connect();
    await leaves.connect();

    const first = await open();
    await assigned(leaves, first.id);
    await send(first.id, 'hello?');
    await leaves.event<Message>((e) => e.type === 'message.created' && e.data.text === 'hello?', 'own message on the second widget');

    leaves.disconnect();
    const leftAt = leaves.seq;
    await reply(first.id, 'hi, Kim here');
    await send(first.id, 'my order is late');
    await reply(first.id, 'sorry, it ships today');
    await api.ok('POST', `/api/v1/conversations/${first.id}/close`, { token: kim.token }, [200]);
    await stayed.event((e) => e.type === 'conversation.closed', 'conversation.closed');
    const second = await open('one more thing');
    await assigned(stayed, second.id);
    expect(leaves.seq).toBe(leftAt);

    await Promise.all([leaves.connect(), reply(second.id, 'sure'), send(second.id, 'the invoice'), reply(second.id, 'sent it')]);
    const finalSeq = await settle(url, '/consumer', s.consumerToken, [stayed, leaves]);

    expect(leaves.syncs[0]).toBe(leftAt);
    expectSameStream(stayed, leaves, finalSeq);
    const derived = consumerState(leaves.events);
    expect(derived).toEqual(consumerState(stayed.events));

    expect(derived.conversations[first.id]?.state).toBe('closed');
    expect(derived.conversations[second.id]?.state).toBe('open');
    for (const c of [first, second]) {
      const { items } = await api.ok<{ items: Message[] }>('GET', `/api/v1/consumer/conversations/${c.id}/messages`, { token: s.consumerToken });
      expect(derived.messages[c.id]?.map((m) => [m.seq, m.senderType, m.text])).toEqual(items.map((m) => [m.seq, m.senderType, m.text]));
      const view = await api.ok<ConsumerView>('GET', `/api/v1/consumer/conversations/${c.id}`, { token: s.consumerToken });
      expect(derived.conversations[c.id]?.state).toBe(view.state);
    }
  }, 90_000);
});
