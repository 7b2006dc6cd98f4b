import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRequests, FENCE_LISTENER, frameFence, isFence, roundTrip } from './fences.js';
import { ADMIN_PASSWORD, cliCreateAccount, waitFor } from './support.js';
import { consumer, type Demo, expectAccessible, launchBrowser, poll, startDemo } from './workspace-support.js';

/**
 * The embed bridge belongs to the signed-in user's account, not to the frame's `?account=`
 * (issue 11, point 2). Account A is the demo account (the victim: its agent Alice has a
 * conversation with a secret in it). Account B is another tenant (the attacker's) that lists the
 * attack page's origin (localhost:<port>, while Parley is 127.0.0.1:<port>) in its
 * allowedFrameAncestors. The attack page frames `/?account=B` and, all the time, posts
 * setStatus / requestTranscript / openConversation commands to the frame with target `*`, and
 * records every message it receives.
 */

interface Received {
  origin: string;
  data: unknown;
}

function attackPage(workspaceUrl: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Free CRM</title></head>
<body style="margin:0;display:flex;font-family:sans-serif">
<main style="flex:1;padding:16px"><h1>Free CRM</h1></main>
<iframe id="parley" title="Parley agent workspace" src="${workspaceUrl}" style="width:420px;height:760px;border:0"></iframe>
<script>
window.received = [];
window.victimConversation = null;
window.paused = false;
window.rounds = 0;
${FENCE_LISTENER}
addEventListener('message', (e) => window.received.push({ origin: e.origin, data: e.data }));
setInterval(() => {
  if (window.paused) return;
  window.rounds++;
  const w = document.getElementById('parley').contentWindow;
  const id = window.victimConversation;
  for (const [type, data] of [['setStatus', { status: 'online' }], ['requestTranscript', id ? { id } : {}], ['requestTranscript', {}], ['openConversation', { id: id || 'none' }]]) {
    w.postMessage({ source: 'parley-embed', version: 1, type, data }, '*');
  }
}, 200);
</script></body></html>`;
}

const setPaused = (page: Page, paused: boolean) =>
  page.evaluate((p) => {
    (window as unknown as { paused: boolean }).paused = p;
  }, paused);

function startHost(html: () => string): Promise<{ server: Server; origin: string }> {
  const server = createServer((_req, res) => {
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(html());
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, origin: `http://localhost:${(server.address() as AddressInfo).port}` })),
  );
}

describe('embed bridge: a page allowed by one account gets nothing of another', () => {
  let demo: Demo;
  let browser: Browser;
  let attack: { server: Server; origin: string };
  let b: { accountId: string; managerToken: string; agentId: string };
  let secret: { conversationId: string };
  const BERT_PASSWORD = 'bert has a long password';

  beforeAll(async () => {
    [demo, browser] = await Promise.all([startDemo(), launchBrowser()]);
    // Account B, made with the CLI next to the running server, with an agent of its own.
    const created = await cliCreateAccount(demo.env, 'Other brand', 'mallory');
    const managerToken = await demo.api.login(created.accountId, 'mallory', ADMIN_PASSWORD);
    const bert = await demo.api.ok<{ id: string }>(
      'POST',
      '/api/v1/users',
      { token: managerToken, body: { username: 'bert', password: BERT_PASSWORD, displayName: 'Bert Black', role: 'agent' } },
      [201],
    );
    b = { accountId: created.accountId, managerToken, agentId: bert.id };
    attack = await startHost(() => attackPage(`${demo.url}/?account=${b.accountId}`));

    // A's agent Alice holds a conversation with a secret in it; then she is away.
    const aliceToken = await demo.api.login(demo.accountId, 'alice', demo.password('alice'));
    await demo.api.ok('PUT', '/api/v1/me/status', { token: aliceToken, body: { status: 'online' } }, [200]);
    const c = await consumer(demo, 'Vera Victim', 'Sales', 'My card ends in 4242, order SECRET-7731');
    await waitFor(
      async () =>
        (await demo.api.ok<{ items: { id: string }[] }>('GET', '/api/v1/workspace/active', { token: aliceToken })).items.some((i) => i.id === c.conversationId),
      "Alice's conversation",
    );
    await demo.api.ok('PUT', '/api/v1/me/status', { token: aliceToken, body: { status: 'away' } }, [200]);
    secret = { conversationId: c.conversationId };
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    attack?.server.close();
    await demo?.stop();
  });

  const setFrameAncestors = async (origins: string[]) => {
    await demo.api.ok('PATCH', '/api/v1/account/settings', { token: b.managerToken, body: { allowedFrameAncestors: origins } }, [200]);
    // The server caches account settings for a moment: wait until the public lookup says so.
    await poll(
      async () =>
        (await demo.api.ok<{ allowedFrameAncestors: string[] }>('GET', `/api/v1/embed/config?accountId=${encodeURIComponent(b.accountId)}`))
          .allowedFrameAncestors,
    ).toEqual(origins);
  };
  const statusOf = async (accountToken: string, userId: string) =>
    (await demo.api.ok<{ items: { id: string; status: string }[] }>('GET', '/api/v1/users', { token: accountToken })).items.find((u) => u.id === userId)
      ?.status;
  const aliceStatus = async () => {
    const users = await demo.api.ok<{ items: { id: string; username: string; status: string }[] }>('GET', '/api/v1/users', { token: demo.managerToken });
    return users.items.find((u) => u.username === 'alice')?.status;
  };

  async function openAttack(): Promise<{ page: Page; received: () => Promise<Received[]>; logins: unknown[]; settled: () => Promise<void> }> {
    const context = await browser.newContext({ viewport: { width: 1100, height: 800 }, locale: 'en-GB', timezoneId: 'UTC' });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    page.on('pageerror', (e) => console.error(`[page error] ${e.message}`));
    // The sign-in requests the frame sends, with their bodies.
    const logins: unknown[] = [];
    page.on('request', (r) => {
      if (new URL(r.url()).pathname === '/api/v1/auth/login') logins.push(r.postDataJSON());
    });
    await page.goto(attack.origin);
    await page.evaluate((id) => {
      (window as unknown as { victimConversation: string }).victimConversation = id;
    }, secret.conversationId);
    await page.frameLocator('#parley').getByLabel('Username').waitFor();
    const requests = apiRequests(page);
    const frame = () => {
      const f = page.frames().find((x) => x !== page.mainFrame());
      if (!f) throw new Error('no workspace frame');
      return f;
    };
    /**
     * Instead of a fixed moment: the page posts its commands twice more (unless paused); a fence
     * host → frame → host proves the frame has dispatched all of them; then no /api request (a
     * status change, a transcript lookup) is left in flight; then a fence frame → host proves that
     * whatever the frame posted meanwhile has reached the page's log.
     */
    const settled = async () => {
      const paused = await page.evaluate(() => (window as unknown as { paused: boolean }).paused);
      if (!paused) {
        const from = await page.evaluate(() => (window as unknown as { rounds: number }).rounds);
        await page.waitForFunction((n) => (window as unknown as { rounds: number }).rounds >= n + 2, from, { polling: 20 });
      }
      await roundTrip(page, frame());
      await requests.idle();
      await frameFence(page, frame());
    };
    const received = async () => (await page.evaluate(() => (window as unknown as { received: Received[] }).received)).filter((r) => !isFence(r.data));
    return { page, received, logins, settled };
  }

  /** Nothing the page received mentions account A, Alice or the secret conversation. */
  const expectNothingOfA = async (received: Received[]) => {
    const all = JSON.stringify(received);
    expect(all).not.toContain('SECRET-7731');
    expect(all).not.toContain('Vera Victim');
    expect(all).not.toContain(secret.conversationId);
    expect(all).not.toContain('Alice');
    expect(all).not.toContain(`"accountId":"${demo.accountId}"`);
  };

  it("refuses an A agent's sign-in inside B's frame: the page hears nothing and cannot change her status", async () => {
    await setFrameAncestors([attack.origin]);
    const { page, received, logins, settled } = await openAttack();
    const frame = page.frameLocator('#parley');

    // ---- before anyone signs in: not a single message, not even `ready`
    await settled();
    expect(await received()).toEqual([]);

    // ---- an agent of A tries to sign in to A inside the frame of B: refused with a clear error
    expect(await frame.getByLabel('Account').inputValue()).toBe(b.accountId);
    await frame.getByLabel('Account').fill(demo.accountId);
    await frame.getByLabel('Username').fill('alice');
    await frame.getByLabel('Password').fill(demo.password('alice'));
    await frame.getByRole('button', { name: 'Sign in' }).click();
    const alert = frame.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toBe(
      `This embedded workspace is for account "${b.accountId}" only. Sign in with a user of that account, or open Parley in its own browser tab.`,
    );
    await page.screenshot({ path: '/tmp/embed-refused.png' });
    await expectAccessible(page, 'refused sign-in in a frame');
    // No session: still the form; the frame did not even ask for a token, and keeps none.
    expect(await frame.getByRole('heading', { name: 'Sign in to your workspace' }).count()).toBe(1);
    expect(await frame.getByRole('heading', { name: 'Active conversations' }).count()).toBe(0);
    expect(logins).toEqual([]);
    // The page kept asking for A's transcript and to set the status all along: nothing came back, Alice is still away.
    await settled();
    expect(await received()).toEqual([]);
    expect(await aliceStatus()).toBe('away');

    // ---- the server refuses it too when the workspace names the frame's account
    const refused = await demo.api.req('POST', '/api/v1/auth/login', {
      body: { accountId: demo.accountId, username: 'alice', password: demo.password('alice'), frameAccountId: b.accountId },
    });
    expect(refused.status).toBe(403);
    expect(refused.json).toMatchObject({ code: 'forbidden', status: 403 });
    // Naming the right account is a normal sign-in.
    const ok = await demo.api.req('POST', '/api/v1/auth/login', {
      body: { accountId: demo.accountId, username: 'alice', password: demo.password('alice'), frameAccountId: demo.accountId },
    });
    expect(ok.status).toBe(200);

    // ---- B's own agent signs in: now (and only now) the page allowed by B hears B's agent
    await frame.getByLabel('Account').fill(b.accountId);
    await frame.getByLabel('Username').fill('bert');
    await frame.getByLabel('Password').fill(BERT_PASSWORD);
    await frame.getByRole('button', { name: 'Sign in' }).click();
    await frame.getByRole('heading', { name: 'Active conversations' }).waitFor();
    expect(logins).toEqual([{ accountId: b.accountId, username: 'bert', password: BERT_PASSWORD, frameAccountId: b.accountId }]);
    const parley = new URL(demo.url).origin;
    const events = async () =>
      (await received()).map((r) => ({ origin: r.origin, ...(r.data as { source: string; type: string; data: Record<string, unknown> }) }));
    await poll(async () => (await events()).map((e) => e.type)).toEqual(expect.arrayContaining(['ready', 'auth.changed']));
    expect((await events()).every((e) => e.origin === parley && e.source === 'parley-workspace')).toBe(true);
    expect((await events()).find((e) => e.type === 'auth.changed')?.data).toMatchObject({ signedIn: true, user: { id: b.agentId, accountId: b.accountId } });
    // The page's commands work for B's agent (this host is in B's list): the same loop would have moved Alice.
    await poll(() => statusOf(b.managerToken, b.agentId)).toBe('online');
    await expectNothingOfA(await received());
    expect((await events()).filter((e) => e.type === 'transcript')).toEqual([]);

    // ---- sign-out resets the bridge: one signed-out notice, then silence; commands are ignored again
    // (the page pauses its loop around the sign-out itself, so no status request of the session races the sign-out)
    await setPaused(page, true);
    await settled(); // every command posted before the pause is handled, its request answered
    await frame.getByRole('button', { name: 'Sign out' }).click();
    await frame.getByLabel('Username').waitFor();
    await poll(async () => (await events()).at(-1)).toMatchObject({ type: 'auth.changed', data: { signedIn: false } });
    const afterSignOut = (await received()).length;
    await poll(() => statusOf(b.managerToken, b.agentId)).toBe('offline'); // signing out of the last session
    await setPaused(page, false);
    await settled();
    expect(await statusOf(b.managerToken, b.agentId)).toBe('offline');
    expect((await received()).length).toBe(afterSignOut);

    // ---- and A's agent is refused again after that
    await frame.getByLabel('Account').fill(demo.accountId);
    await frame.getByLabel('Username').fill('alice');
    await frame.getByLabel('Password').fill(demo.password('alice'));
    await frame.getByRole('button', { name: 'Sign in' }).click();
    await frame.getByRole('alert').waitFor();
    await settled();
    expect((await received()).length).toBe(afterSignOut);
    expect(await aliceStatus()).toBe('away');
    await expectNothingOfA(await received());
    await page.context().close();
  }, 120_000);

  it("binds to the list of the signed-in user's account as it is at sign-in: a host no longer listed gets nothing", async () => {
    // The page may frame B's workspace (CSP at load time)…
    await setFrameAncestors([attack.origin]);
    const { page, received, settled } = await openAttack();
    const frame = page.frameLocator('#parley');
    // …but B's manager removes it before the agent signs in.
    await setFrameAncestors(['https://crm.example.com']);
    await demo.api.ok('PUT', `/api/v1/users/${b.agentId}/status`, { token: b.managerToken, body: { status: 'away' } }, [200]);

    await frame.getByLabel('Username').fill('bert');
    await frame.getByLabel('Password').fill(BERT_PASSWORD);
    await frame.getByRole('button', { name: 'Sign in' }).click();
    await frame.getByRole('heading', { name: 'Active conversations' }).waitFor();
    // Signed in, but the bridge never started: no message at all, and the page's setStatus does nothing.
    await settled();
    expect(await received()).toEqual([]);
    expect(await statusOf(b.managerToken, b.agentId)).toBe('away');
    await page.context().close();
  }, 60_000);
});
