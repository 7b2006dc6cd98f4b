import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentPage, consumer, type Demo, expectAccessible, launchBrowser, poll, row, setStatus, signIn, startDemo } from './workspace-support.js';

/**
 * Bots in a real browser: the manager registers a bot on the console's Bots screen (key and
 * secret shown once), a bot double on loopback answers the consumer with that key and hands over
 * with a note, and the agent sees the bot's part of the transcript and the note, labelled as the
 * bot's. PARLEY_SCREENSHOTS=1 refreshes docs/screenshots/console-bots*.png and workspace-bot-handover*.png.
 */
const SHOOT = process.env.PARLEY_SCREENSHOTS === '1';
const shotPath = (file: string) => fileURLToPath(new URL(`../../../../docs/screenshots/${file}.png`, import.meta.url));

/** Both widths; the console scrolls inside its pane, so the window grows to the content. */
async function shoot(page: Page, name: string, pane: string): Promise<void> {
  const size = page.viewportSize() ?? { width: 1280, height: 800 };
  await page.mouse.move(0, 0);
  for (const width of [1280, 400]) {
    await page.setViewportSize({ width, height: 800 });
    const height = await page.locator(pane).evaluate((body) => {
      for (let el: Element | null = body; el; el = el.parentElement) el.scrollTop = 0;
      return Math.ceil(body.getBoundingClientRect().top + body.scrollHeight);
    });
    await page.setViewportSize({ width, height: Math.max(800, Math.min(height, 2400)) });
    await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
    await page.screenshot({ path: shotPath(`${name}${width === 400 ? '-400' : ''}`) });
  }
  await page.setViewportSize(size);
}

interface Turn {
  type: string;
  data: { conversationId: string; message: { text: string } };
}

describe('bots', () => {
  let demo: Demo;
  let browser: Browser;
  let botServer: Server;
  let botUrl = '';
  const turns: Turn[] = [];

  beforeAll(async () => {
    [demo, browser] = await Promise.all([startDemo(), launchBrowser()]);
    botServer = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => {
        body += c;
      });
      req.on('end', () => {
        turns.push(JSON.parse(body) as Turn);
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => botServer.listen(0, '127.0.0.1', resolve));
    botUrl = `http://127.0.0.1:${(botServer.address() as AddressInfo).port}/bot`;
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
    await new Promise<void>((resolve) => (botServer ? botServer.close(() => resolve()) : resolve()));
  });

  it('the manager registers a bot; it answers and hands over; the agent sees its part and its note', async () => {
    const { page: boss } = await agentPage(browser, demo);
    await signIn(boss, demo, 'manager');
    await boss.getByRole('button', { name: 'Console' }).click();
    await boss.getByRole('navigation', { name: 'Console sections' }).getByRole('button', { name: 'Bots' }).click();
    await boss.getByRole('heading', { name: 'Bots', level: 3 }).waitFor();
    await boss.getByText('No bots yet').waitFor();

    // ---- the API's error next to its field, then registered; key and secret shown once
    const form = boss.getByRole('form', { name: 'New bot' });
    await form.getByLabel('Bot name').fill('FAQ bot');
    await form.getByLabel('Delivery URL').fill('not a url');
    await form.getByRole('checkbox', { name: 'Sales' }).check();
    await form.getByRole('button', { name: 'Register bot' }).click();
    await poll(() => form.locator('.field-error').first().textContent()).toBeTruthy();
    await form.getByLabel('Delivery URL').fill(botUrl);
    await form.getByLabel('Reply time (s)').fill('120');
    await form.getByRole('button', { name: 'Register bot' }).click();
    const key = (await boss.getByTestId('bot-key').textContent()) ?? '';
    expect(key).toMatch(/^pk_/);
    expect(await boss.getByTestId('bot-secret').textContent()).toMatch(/^whsec_/);
    const table = boss.getByRole('table', { name: 'Bots' });
    await table.getByRole('cell', { name: 'FAQ bot', exact: true }).waitFor();
    expect(await table.textContent()).toContain('Sales');
    await expectAccessible(boss, 'bots screen with the key shown');
    if (SHOOT) await shoot(boss, 'console-bots', '.console-body');
    await boss.getByRole('button', { name: 'Done' }).click();
    expect(await boss.getByTestId('bot-key').count()).toBe(0);

    // ---- edit: skills and reply time by keyboard
    await boss.getByRole('button', { name: 'Edit FAQ bot' }).click();
    const edit = boss.getByRole('form', { name: 'Edit bot FAQ bot' });
    await edit.getByLabel('Reply time (s)').fill('90');
    await edit.getByRole('checkbox', { name: 'Support' }).focus();
    await boss.keyboard.press('Space');
    await edit.getByRole('button', { name: 'Save bot' }).click();
    await poll(() => table.textContent()).toMatch(/Sales, Support/);
    expect(await table.textContent()).toContain('90 s');
    // back to Sales only, for what follows
    await boss.getByRole('button', { name: 'Edit FAQ bot' }).click();
    await boss.getByRole('form', { name: 'Edit bot FAQ bot' }).getByRole('checkbox', { name: 'Support' }).uncheck();
    await boss.getByRole('form', { name: 'Edit bot FAQ bot' }).getByRole('button', { name: 'Save bot' }).click();
    await poll(() => table.textContent()).not.toMatch(/Support/);
    await boss.setViewportSize({ width: 400, height: 800 });
    await expectAccessible(boss, 'bots screen at 400 px');
    await boss.setViewportSize({ width: 1280, height: 800 });

    // ---- a consumer writes: the bot gets the turn and answers with its key, then hands over with a note
    const { page: alice } = await agentPage(browser, demo);
    await signIn(alice, demo, 'alice');
    await setStatus(alice, 'Online');
    const dana = await consumer(demo, 'Dana Ruiz', 'Sales', 'Do you ship to Spain?');
    await poll(() => turns.filter((x) => x.data.conversationId === dana.conversationId).length).toBe(1);
    expect(turns.at(-1)).toMatchObject({ type: 'bot.message', data: { message: { text: 'Do you ship to Spain?' } } });
    await demo.api.ok(
      'POST',
      `/api/v1/conversations/${dana.conversationId}/messages`,
      { token: key, body: { text: 'Yes, we ship to all of the EU in 3–5 days.', clientMessageId: 'faq-1' } },
      [201],
    );
    await dana.say('I want to talk to a human about customs');
    await poll(() => turns.filter((x) => x.data.conversationId === dana.conversationId).length).toBe(2);
    // nobody has it yet: not in Alice's list while the bot has it
    expect(await row(alice, 'Dana Ruiz').count()).toBe(0);
    await demo.api.ok(
      'POST',
      `/api/v1/conversations/${dana.conversationId}/escalate`,
      { token: key, body: { note: 'Asked about customs fees for Spain.' } },
      [200],
    );

    // ---- the agent gets it, with the bot's part and its note
    await row(alice, 'Dana Ruiz').waitFor();
    await row(alice, 'Dana Ruiz').getByRole('button').click();
    const log = alice.getByRole('log', { name: /Transcript with Dana Ruiz/ });
    const botLine = log.locator('li.msg-bot');
    await botLine.getByText('Yes, we ship to all of the EU in 3–5 days.').waitFor();
    expect(await botLine.locator('.msg-who').textContent()).toBe('FAQ bot');
    expect(await botLine.locator('.bot-tag').textContent()).toBe('Bot');
    await log.getByText('I want to talk to a human about customs').waitFor();
    await expectAccessible(alice, 'conversation handed over by a bot');
    await alice.getByRole('tab', { name: 'Notes' }).click();
    const note = alice.locator('.note').filter({ hasText: 'Asked about customs fees for Spain.' });
    await note.waitFor();
    expect(await note.locator('.msg-who').textContent()).toBe('FAQ bot');
    await expectAccessible(alice, 'the bot’s hand-over note');
    if (SHOOT) {
      await alice.getByRole('tab', { name: 'Transcript' }).click();
      await shoot(alice, 'workspace-bot-handover', '.transcript');
    }
    // the agent answers as usual
    const composer = alice.getByRole('textbox', { name: /Message/ });
    await alice.getByRole('tab', { name: 'Transcript' }).click();
    await composer.fill('Hi Dana, Alice here: no customs fees within the EU.');
    await alice.getByRole('button', { name: 'Send', exact: true }).click();
    await poll(async () => (await dana.messages()).map((m) => m.senderType)).toEqual(['consumer', 'bot', 'consumer', 'agent']);

    // ---- delete: the key stops working
    boss.once('dialog', (d) => void d.accept());
    await boss.getByRole('button', { name: 'Delete FAQ bot' }).click();
    await boss.getByText('No bots yet').waitFor();
    const refused = await demo.api.req('GET', '/api/v1/content', { token: key });
    expect(refused.status).toBe(401);
  });
});
