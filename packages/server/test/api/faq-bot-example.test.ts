import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Message, Note } from '@parley/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AccountHandle, http, makeAccount, PASSWORD } from '../factories/index.js';
import { dialects, startTestApp, type TestApp } from '../harness.js';

/**
 * examples/faq-bot run as its README says (one command), against a test server: it registers
 * itself, answers from the account's predefined content and hands over on "agent".
 */
const BOT = fileURLToPath(new URL('../../../../examples/faq-bot/faq-bot.mjs', import.meta.url));

describe.each(dialects)('the FAQ bot example on %s', (dialect) => {
  let t: TestApp;
  let A: AccountHandle;
  let bot: ChildProcess | undefined;
  let out = '';
  const req = () => http(t);

  beforeAll(async () => {
    t = await startTestApp(dialect);
    t.clock.set(Date.now());
    await t.listen();
    A = await makeAccount(t);
    await A.agent('alice', { skills: ['Support'] });
    const m = A.manager.token;
    const cat = (await req()('POST', '/api/v1/content/categories', { token: m, body: { name: 'Returns' } })).json().id as string;
    for (const [title, text] of [
      ['How to return an item', 'Start a return from "My orders", print the prepaid label and drop the parcel at any post office.'],
      ['Order status', 'You can follow your order at any time from "My orders".'],
    ]) {
      expect((await req()('POST', '/api/v1/content', { token: m, body: { categoryId: cat, title, text } })).statusCode).toBe(201);
    }
    bot = spawn(
      process.execPath,
      [BOT, '--url', t.url, '--account', A.accountId, '--username', 'boss', '--password', PASSWORD, '--skill', 'Support', '--port', '0'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    bot.stdout?.setEncoding('utf8').on('data', (s: string) => {
      out += s;
    });
    bot.stderr?.setEncoding('utf8').on('data', (s: string) => {
      out += s;
    });
    // Started when it says so (its first line names the URL it listens on).
    await new Promise<void>((resolve, reject) => {
      const check = () => {
        if (out.includes('listening on')) return resolve();
        if (bot?.exitCode !== null) return reject(new Error(`the bot exited: ${out}`));
      };
      bot?.stdout?.on('data', check);
      bot?.once('exit', check);
      check();
    });
  });
  afterAll(async () => {
    if (bot && bot.exitCode === null) {
      const gone = new Promise((resolve) => bot?.once('exit', resolve));
      bot.kill('SIGTERM');
      await gone;
    }
    await t?.stop();
  });

  it('registers itself for the skill, answers from the predefined content, and hands over on "agent" with a note', async () => {
    const bots = (await req()('GET', '/api/v1/bots', { token: A.manager.token })).json().items;
    expect(bots).toEqual([expect.objectContaining({ name: 'FAQ bot', skillIds: [A.skills.Support] })]);

    const jo = await A.consumer({ name: 'Jo' });
    const conv = await jo.open({ skill: 'Support', text: 'How can I return an item I bought?' });
    const consumerMessages = async () =>
      (await req()('GET', `/api/v1/consumer/conversations/${conv.id}/messages`, { token: jo.token })).json().items as Message[];
    await t.advance(0);
    await expect
      .poll(async () => (await consumerMessages()).filter((m) => m.senderType === 'bot').map((m) => m.text), { timeout: 10_000, interval: 50 })
      .toEqual([expect.stringContaining('print the prepaid label')]);

    expect((await jo.send(conv.id, 'I would like to talk to an agent please')).statusCode).toBe(201);
    await t.advance(0);
    const details = async () => (await req()('GET', `/api/v1/conversations/${conv.id}`, { token: A.manager.token })).json();
    await expect.poll(async () => (await details()).bot?.status, { timeout: 10_000, interval: 50 }).toBe('escalated');
    await t.routingIdle();
    expect((await details()).agentId).not.toBeNull();
    const notes = (await req()('GET', `/api/v1/conversations/${conv.id}/notes`, { token: A.manager.token })).json().items as Note[];
    expect(notes).toEqual([expect.objectContaining({ authorName: 'FAQ bot', authorType: 'bot', text: expect.stringContaining('asked for a person') })]);
    expect((await consumerMessages()).filter((m) => m.senderType === 'bot').at(-1)?.text).toContain('passing you to one of our team');
  });

  it('a question it cannot answer twice in a row goes to the agents too', async () => {
    const kim = await A.consumer({ name: 'Kim' });
    const conv = await kim.open({ skill: 'Support', text: 'Do you sell gift cards?' });
    await t.advance(0);
    const botLines = async () =>
      ((await req()('GET', `/api/v1/consumer/conversations/${conv.id}/messages`, { token: kim.token })).json().items as Message[]).filter(
        (m) => m.senderType === 'bot',
      );
    await expect.poll(async () => (await botLines()).map((m) => m.text), { timeout: 10_000, interval: 50 }).toEqual([expect.stringContaining('do not know')]);
    expect((await kim.send(conv.id, 'Gift vouchers for birthdays?')).statusCode).toBe(201);
    await t.advance(0);
    await expect
      .poll(async () => (await req()('GET', `/api/v1/conversations/${conv.id}`, { token: A.manager.token })).json().bot?.status, {
        timeout: 10_000,
        interval: 50,
      })
      .toBe('escalated');
  });
});
