import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, login, makeAccount } from '../factories/index.js';
import { dialects, startTestApp, type TestApp } from '../harness.js';

describe.each(dialects)('languages on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect);
  });
  afterAll(async () => t.stop());

  it('keeps the agent’s language across sign-ins and refuses one Parley does not ship', async () => {
    const acc = await makeAccount(t);
    const alice = await acc.agent('alice');
    const req = http(t);
    expect((await req('GET', '/api/v1/me/settings', { token: alice.token })).json().language).toBeUndefined();
    const set = await req('PATCH', '/api/v1/me/settings', { token: alice.token, body: { language: 'pt-BR', timeFormat: '24h' } });
    expect(set.statusCode).toBe(200);
    expect(set.json()).toMatchObject({ language: 'pt-BR', timeFormat: '24h' });

    const again = await login(t, acc.accountId, 'alice');
    expect((await req('GET', '/api/v1/me/settings', { token: again })).json()).toMatchObject({ language: 'pt-BR', timeFormat: '24h' });

    for (const language of ['xx', 'pt-br', 'klingon', '', 7]) {
      const bad = await req('PATCH', '/api/v1/me/settings', { token: again, body: { language } });
      expect(bad.statusCode, String(language)).toBe(400);
      expect(bad.headers['content-type']).toContain('application/problem+json');
    }
    expect((await req('GET', '/api/v1/me/settings', { token: again })).json().language).toBe('pt-BR');

    // Another agent's choice is their own.
    const bob = await acc.agent('bob');
    expect((await req('PATCH', '/api/v1/me/settings', { token: bob.token, body: { language: 'ar' } })).json().language).toBe('ar');
    expect((await req('GET', '/api/v1/me/settings', { token: again })).json().language).toBe('pt-BR');
    // `null` goes back to following the browser.
    expect((await req('PATCH', '/api/v1/me/settings', { token: bob.token, body: { language: null } })).json().language).toBeNull();
  });
});
