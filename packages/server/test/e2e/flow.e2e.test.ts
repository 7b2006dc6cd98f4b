import type { ActiveItem, Message } from '@parley/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api, cliCreateAccount, dialects, type Env, makeEnv, parseDemo, RealtimeClient, type ServerProcess, setUpAgents, startServer } from './support.js';

interface ConsumerView {
  id: string;
  state: string;
  agent: { id: string; displayName: string } | null;
}

describe.each(dialects)('e2e: first start and a conversation over the wire on %s', (dialect) => {
  let env: Env;
  let server: ServerProcess | undefined;
  let agentToken = '';
  const sockets: RealtimeClient[] = [];

  beforeAll(async () => {
    env = await makeEnv(dialect);
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await server?.stop();
    await env?.destroy();
  });

  it('starts on a fresh data dir, serves health, docs and metrics, and carries a conversation both ways in realtime', async () => {
    // PostgreSQL (cluster mode) seeds no demo account: make one with the CLI before starting.
    const cliAccount = dialect === 'postgres' ? await cliCreateAccount(env, 'Flow brand') : undefined;
    server = await startServer(env);
    const url = server.url;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.stdout()).toContain(`Parley is running at ${url}`);
    const api = new Api(() => url);

    // ---- who signs in
    let accountId: string;
    let skillId: string;
    if (dialect === 'sqlite') {
      // The embedded default prints the demo logins once, on an empty database.
      const demo = parseDemo(server.stdout());
      expect(demo, `no demo logins in:\n${server.stdout()}`).toBeDefined();
      if (!demo) return;
      expect(demo.accountId).toBe('demo');
      expect(demo.users.map((u) => [u.role, u.username])).toEqual([
        ['manager', 'manager'],
        ['agent', 'alice'],
        ['agent', 'bob'],
        ['agent', 'carol'],
      ]);
      for (const u of demo.users) expect(u.password.length).toBeGreaterThanOrEqual(8);
      accountId = demo.accountId;
      const password = (name: string) => demo.users.find((u) => u.username === name)?.password ?? '';
      // Every printed login works; a wrong password does not.
      const managerToken = await api.login(accountId, 'manager', password('manager'));
      expect((await api.req('GET', '/api/v1/users', { token: managerToken })).status).toBe(200);
      agentToken = await api.login(accountId, 'alice', password('alice'));
      expect(await api.login(accountId, 'bob', password('bob'))).toBeTruthy();
      expect(await api.login(accountId, 'carol', password('carol'))).toBeTruthy();
      expect((await api.req('POST', '/api/v1/auth/login', { body: { accountId, username: 'alice', password: password('bob') } })).status).toBe(401);
      await api.ok('PUT', '/api/v1/me/status', { token: agentToken, body: { status: 'online' } }, [200]);
      const skills = await api.ok<{ items: { id: string; name: string }[] }>('GET', `/api/v1/consumer/skills?accountId=${accountId}`);
      skillId = skills.items.find((s) => s.name === 'Sales')?.id ?? '';
      expect(skillId).not.toBe('');
    } else {
      if (!cliAccount) return;
      accountId = cliAccount.accountId;
      const setup = await setUpAgents(api, accountId, { skill: 'Sales', agents: [{ username: 'alice' }] });
      const agent = setup.agents[0];
      if (!agent) return;
      agentToken = agent.token;
      skillId = setup.skillId;
    }
    const me = await api.ok<{ id: string; status: string }>('GET', '/api/v1/me', { token: agentToken });
    expect(me.status).toBe('online');

    // ---- health
    const health = await api.req<{ status: string }>('GET', '/healthz');
    expect([health.status, health.json]).toEqual([200, { status: 'ok' }]);
    const ready = await api.req<{ status: string }>('GET', '/readyz');
    expect([ready.status, ready.json]).toEqual([200, { status: 'ready' }]);

    // ---- a conversation, live on both sides
    const agentRt = new RealtimeClient(() => url, '/agent', agentToken);
    sockets.push(agentRt);
    await agentRt.connect();
    const session = await api.consumerSession(accountId, 'Jo Wire');
    const consumerRt = new RealtimeClient(() => url, '/consumer', session.consumerToken);
    sockets.push(consumerRt);
    await consumerRt.connect();

    const opened = await api.req<ConsumerView>('POST', '/api/v1/consumer/conversations', {
      token: session.consumerToken,
      body: { skillId, text: 'Hello, is the red one in stock?' },
    });
    expect(opened.status).toBe(201);
    const convId = opened.json.id;

    const upserted = await agentRt.event<ActiveItem>((e) => e.type === 'conversation.upserted' && e.data.id === convId, 'the conversation in the Active list');
    expect(upserted.data).toMatchObject({ id: convId, state: 'open', agentId: me.id, awaiting: 'agent', consumer: { name: 'Jo Wire' } });
    expect(upserted.data.lastMessage?.text).toBe('Hello, is the red one in stock?');
    // The consumer learns who answers.
    const assigned = await consumerRt.event<ConsumerView>(
      (e) => e.type === 'conversation.updated' && e.data.id === convId && e.data.state === 'open',
      'conversation.updated (open) on /consumer',
    );
    expect(assigned.data.agent?.id).toBe(me.id);

    const written = await api.req<Message>('POST', `/api/v1/consumer/conversations/${convId}/messages`, {
      token: session.consumerToken,
      body: { text: 'Size M please', clientMessageId: 'c-1' },
    });
    expect(written.status).toBe(201);
    const got = await agentRt.event<Message>((e) => e.type === 'message.created' && e.data.clientMessageId === 'c-1', 'the consumer message on /agent');
    expect(got.data).toMatchObject({ conversationId: convId, senderType: 'consumer', text: 'Size M please', seq: 2, id: written.json.id });

    const answer = await api.req<Message>('POST', `/api/v1/conversations/${convId}/messages`, {
      token: agentToken,
      body: { text: 'Yes, we have it!', clientMessageId: 'a-1' },
    });
    expect(answer.status).toBe(201);
    const reply = await consumerRt.event<Message>((e) => e.type === 'message.created' && e.data.senderType === 'agent', 'the agent answer on /consumer');
    expect(reply.data).toMatchObject({ id: answer.json.id, conversationId: convId, text: 'Yes, we have it!', seq: 3, senderId: me.id });

    // Each listener's seqs are gapless from its hello.
    for (const rt of [agentRt, consumerRt]) {
      expect(rt.events.map((e) => e.seq)).toEqual(rt.events.map((_, i) => (rt.baseline ?? 0) + i + 1));
      expect(rt.syncs).toEqual([]);
    }
    const transcript = await api.ok<{ items: Message[] }>('GET', `/api/v1/consumer/conversations/${convId}/messages`, { token: session.consumerToken });
    expect(transcript.items.map((m) => [m.seq, m.senderType, m.text])).toEqual([
      [1, 'consumer', 'Hello, is the red one in stock?'],
      [2, 'consumer', 'Size M please'],
      [3, 'agent', 'Yes, we have it!'],
    ]);

    // ---- OpenAPI, docs, metrics
    const spec = await api.req('GET', '/api/v1/openapi.json');
    expect(spec.status).toBe(200);
    const doc = JSON.parse(spec.text) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toMatch(/^3\./);
    const paths = Object.keys(doc.paths);
    expect(paths).toEqual(
      expect.arrayContaining(['/api/v1/auth/login', '/api/v1/consumer/session', '/api/v1/workspace/active', '/api/v1/conversations/{id}/messages']),
    );

    const docs = await api.req('GET', '/docs');
    expect(docs.status).toBe(200);
    expect(docs.headers.get('content-type')).toContain('text/html');
    expect(docs.text.toLowerCase()).toContain('<html');

    const metrics = await api.req('GET', '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.text).toContain('# TYPE parley_http_request_duration_seconds histogram');
    expect(metrics.text).toMatch(/parley_http_request_duration_seconds_count\{[^}]*route="\/api\/v1\/consumer\/conversations\/:id\/messages"[^}]*\} [1-9]/);
  }, 90_000);

  it('shuts down cleanly on SIGTERM and, restarted on the same data, keeps its data and prints no new logins', async () => {
    const first = server;
    expect(first).toBeDefined();
    if (!first) return;
    const firstOut = first.stdout();
    expect(await first.kill('SIGTERM')).toEqual({ code: 0, signal: null });

    server = await startServer(env);
    const api = new Api(() => server?.url ?? '');
    expect(server.stdout()).toContain('Parley is running at');
    expect(parseDemo(server.stdout())).toBeUndefined();
    expect((await api.req('GET', '/readyz')).status).toBe(200);
    // Tokens, conversations and messages survived the restart.
    const active = await api.ok<{ items: ActiveItem[] }>('GET', '/api/v1/workspace/active', { token: agentToken });
    expect(active.items.map((i) => [i.state, i.lastMessage?.text])).toEqual([['open', 'Yes, we have it!']]);
    if (dialect === 'sqlite') {
      const alice = parseDemo(firstOut)?.users.find((u) => u.username === 'alice');
      expect(alice).toBeDefined();
      expect(await api.login('demo', 'alice', alice?.password ?? '')).toBeTruthy();
    }
  }, 90_000);
});
