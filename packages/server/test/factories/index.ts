import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import type { TestApp } from '../harness.js';

export type Http = (
  method: string,
  url: string,
  opts?: { token?: string; body?: unknown; headers?: Record<string, string> },
) => Promise<LightMyRequestResponse>;

/** inject() with JSON body and bearer token. */
export function http(t: TestApp): Http {
  return (method, url, opts = {}) =>
    t.app.inject({
      method: method as 'GET',
      url,
      headers: {
        ...(opts.token && { authorization: `Bearer ${opts.token}` }),
        ...(opts.body !== undefined && { 'content-type': 'application/json' }),
        ...opts.headers,
      },
      ...(opts.body !== undefined && { payload: typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body) }),
    });
}

export const PASSWORD = 'correct horse battery';

export interface AgentHandle {
  id: string;
  username: string;
  token: string;
}

export interface AccountHandle {
  accountId: string;
  manager: AgentHandle;
  skills: Record<string, string>;
  agent(name: string, o?: { skills?: string[]; maxConcurrent?: number; role?: 'agent' | 'manager'; online?: boolean }): Promise<AgentHandle>;
  consumer(o?: { name?: string; customVariables?: Record<string, string>; language?: string }): Promise<ConsumerHandle>;
}

export interface ConsumerHandle {
  consumerId: string;
  token: string;
  open(o?: { skill?: string; text?: string }): Promise<{ id: string; state: string }>;
  send(conversationId: string, text: string, clientMessageId?: string): Promise<LightMyRequestResponse>;
}

async function ok<T>(res: Promise<LightMyRequestResponse>, status: number): Promise<T> {
  const r = await res;
  if (r.statusCode !== status) throw new Error(`expected ${status}, got ${r.statusCode}: ${r.body}`);
  return r.json() as T;
}

export async function login(t: TestApp, accountId: string, username: string, password = PASSWORD): Promise<string> {
  const r = await ok<{ token: string }>(http(t)('POST', '/api/v1/auth/login', { body: { accountId, username, password } }), 200);
  return r.token;
}

/** A new account with a manager and the named skills; every test makes its own. */
export async function makeAccount(t: TestApp, o: { skills?: string[] } = {}): Promise<AccountHandle> {
  const { createAccount } = await import('../../src/services/accounts.service.js');
  const { accountId, userId } = await createAccount(t.deps, { name: `Brand ${randomUUID().slice(0, 8)}`, adminUsername: 'boss', adminPassword: PASSWORD });
  const req = http(t);
  const managerToken = await login(t, accountId, 'boss');
  const skills: Record<string, string> = {};
  for (const name of o.skills ?? ['Sales', 'Support']) {
    const s = await ok<{ id: string }>(req('POST', '/api/v1/skills', { token: managerToken, body: { name } }), 201);
    skills[name] = s.id;
  }
  const handle: AccountHandle = {
    accountId,
    manager: { id: userId, username: 'boss', token: managerToken },
    skills,
    async agent(name, a = {}) {
      const u = await ok<{ id: string }>(
        req('POST', '/api/v1/users', {
          token: managerToken,
          body: {
            username: name,
            password: PASSWORD,
            displayName: name[0]?.toUpperCase() + name.slice(1),
            role: a.role ?? 'agent',
            skills: (a.skills ?? Object.keys(skills)).map((s) => skills[s] ?? s),
            maxConcurrent: a.maxConcurrent ?? 5,
          },
        }),
        201,
      );
      const token = await login(t, accountId, name);
      if (a.online !== false) await ok(req('PUT', '/api/v1/me/status', { token, body: { status: 'online' } }), 200);
      await t.routingIdle();
      return { id: u.id, username: name, token };
    },
    async consumer(c = {}) {
      const s = await ok<{ consumerToken: string; consumerId: string }>(
        req('POST', '/api/v1/consumer/session', {
          body: {
            accountId,
            name: c.name ?? 'Jo Consumer',
            ...(c.customVariables && { customVariables: c.customVariables }),
            ...(c.language && { language: c.language }),
          },
        }),
        201,
      );
      return {
        consumerId: s.consumerId,
        token: s.consumerToken,
        async open(oc = {}) {
          const r = await req('POST', '/api/v1/consumer/conversations', {
            token: s.consumerToken,
            body: { ...(oc.skill && { skillId: skills[oc.skill] ?? oc.skill }), ...(oc.text && { text: oc.text }) },
          });
          if (r.statusCode !== 201 && r.statusCode !== 200) throw new Error(`open: ${r.statusCode} ${r.body}`);
          await t.routingIdle();
          return r.json();
        },
        send(conversationId, text, clientMessageId = randomUUID()) {
          return req('POST', `/api/v1/consumer/conversations/${conversationId}/messages`, { token: s.consumerToken, body: { text, clientMessageId } });
        },
      };
    },
  };
  return handle;
}
