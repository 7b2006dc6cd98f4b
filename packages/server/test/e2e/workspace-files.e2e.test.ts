/// <reference lib="dom" />
// (page.evaluate callbacks run in the browser)
import { fileURLToPath } from 'node:url';
import type { Message } from '@parley/contract';
import type { Browser, BrowserContext, FrameLocator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentPage, type Demo, expectAccessible, launchBrowser, poll, row, setStatus, signIn, startDemo } from './workspace-support.js';

/**
 * Files in the agent's composer, in a real browser: picked, pasted or dropped, a file is shown
 * (name, size, a thumbnail for photos) with Remove and goes only on Send, with the message box as
 * its caption. And a file's size reads the same in the workspace and in the consumer's widget.
 * PARLEY_SCREENSHOTS=1 refreshes docs/screenshots/file-preview.png.
 */
const SHOOT = process.env.PARLEY_SCREENSHOTS === '1';
const shotPath = (file: string) => fileURLToPath(new URL(`../../../../docs/screenshots/${file}.png`, import.meta.url));

// A 2×2 PNG and a minimal PDF (193 bytes): the server decides file types by content.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP4z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==', 'base64');
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);

interface FilePayload {
  name: string;
  type: string;
  bytes: number[];
}
const payload = (name: string, type: string, data: Buffer): FilePayload => ({ name, type, bytes: [...data] });

describe('workspace: files in the composer', () => {
  let demo: Demo;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    [demo, browser] = await Promise.all([startDemo(), launchBrowser()]);
  }, 60_000);
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await demo?.stop();
  });

  /** A consumer in the widget on /demo, writing to Sales; Alice (online) has the conversation open. */
  async function chatWithAlice(name: string, first: string): Promise<{ alice: Page; frame: FrameLocator; conversationId: string }> {
    const { page: alice } = await agentPage(browser, demo);
    await signIn(alice, demo, 'alice');
    await setStatus(alice, 'Online');
    const context = await browser.newContext({ viewport: { width: 1000, height: 800 }, locale: 'en-GB', timezoneId: 'UTC' });
    context.setDefaultTimeout(10_000);
    contexts.push(context);
    const visitor = await context.newPage();
    await visitor.goto(`${demo.url}/demo?name=${encodeURIComponent(name)}`);
    await visitor.getByRole('button', { name: /^Open chat/ }).click();
    const frame = visitor.frameLocator('iframe[title="Chat with us"]');
    await frame.getByLabel('Topic').selectOption({ label: 'Sales' });
    await frame.getByRole('textbox', { name: 'Message' }).fill(first);
    await frame.getByRole('textbox', { name: 'Message' }).press('Enter');
    await row(alice, name).waitFor();
    await row(alice, name).getByRole('button').click();
    await alice.getByRole('log').getByText(first).waitFor();
    const frameEl = visitor.frames().find((f) => f.url().includes('/widget/frame.html'));
    const stored = await frameEl?.evaluate((k) => localStorage.getItem(k), `parley:session:${demo.accountId}`);
    const conversationId = (JSON.parse(stored ?? '{}') as { conversationId?: string }).conversationId ?? '';
    expect(conversationId).toBeTruthy();
    return { alice, frame, conversationId };
  }

  const filesOnServer = async (conversationId: string) =>
    (await demo.api.ok<{ items: Message[] }>('GET', `/api/v1/conversations/${conversationId}/messages`, { token: demo.managerToken })).items.filter(
      (m) => m.file,
    );

  it("a file's size reads the same for the agent and the consumer (the 193-byte PDF is 193 B on both sides)", async () => {
    const { alice, frame, conversationId } = await chatWithAlice('Sam Sizes', 'How big is the invoice?');
    const aliceToken = await demo.api.login(demo.accountId, 'alice', demo.password('alice'));
    const form = new FormData();
    form.append('clientMessageId', 'size-1');
    form.append('file', new Blob([PDF], { type: 'application/pdf' }), 'invoice.pdf');
    const up = await fetch(`${demo.url}/api/v1/conversations/${conversationId}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${aliceToken}` },
      body: form,
    });
    expect(up.status).toBe(201);
    expect(((await up.json()) as Message).file?.size).toBe(193);
    const agentLink = alice.getByRole('log').getByRole('link', { name: /invoice\.pdf/ });
    await agentLink.waitFor();
    const consumerButton = frame.getByRole('button', { name: /Download invoice\.pdf/ });
    await consumerButton.waitFor();
    expect(await agentLink.textContent()).toBe('invoice.pdf (193 B)');
    expect(await consumerButton.getAttribute('aria-label')).toBe('Download invoice.pdf, 193 B');
    expect(await frame.locator('.file-size').last().textContent()).toBe('193 B');
  });

  it('shows a picked, pasted or dropped file with its size (a thumbnail for photos) and sends it only on Send, with a caption; Remove drops it', async () => {
    const { alice, frame, conversationId } = await chatWithAlice('Pia Preview', 'Can you send me the return label?');
    const composer = alice.getByRole('textbox', { name: 'Message' });
    // Every file the page uploads (a multipart POST of a message), in the order the page sends them.
    const uploads: string[] = [];
    alice.on('request', (r) => {
      if (r.method() === 'POST' && /\/messages$/.test(new URL(r.url()).pathname) && /multipart/.test(r.headers()['content-type'] ?? '')) uploads.push(r.url());
    });
    const ready = alice.getByRole('group', { name: /^File ready to send/ });
    const focused = () => alice.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.id ?? '');

    // ---- picked: shown with name and size, the focus in the message box (its caption); nothing sent
    await alice.getByLabel('File to send').setInputFiles({ name: 'invoice.pdf', mimeType: 'application/pdf', buffer: PDF });
    await ready.waitFor();
    await alice.getByRole('group', { name: 'File ready to send: invoice.pdf' }).waitFor();
    expect(await ready.textContent()).toMatch(/invoice\.pdf\s*193 B/);
    await poll(() => composer.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await composer.getAttribute('placeholder')).toMatch(/caption/i);
    await alice.getByRole('button', { name: 'Send file' }).waitFor();
    expect(uploads).toEqual([]);
    expect(await filesOnServer(conversationId)).toEqual([]);

    // ---- Remove, by keyboard: Shift+Tab from the message box, Enter; the focus comes back
    await composer.press('Shift+Tab');
    expect(await focused()).toBe('Remove invoice.pdf');
    await alice.keyboard.press('Enter');
    await ready.waitFor({ state: 'detached' });
    await poll(() => composer.evaluate((el) => el === document.activeElement)).toBe(true);
    await alice.getByRole('button', { name: 'Send', exact: true }).waitFor();
    expect(await filesOnServer(conversationId)).toEqual([]);

    // ---- a photo: its thumbnail; a caption; Enter sends both as one message
    await alice.getByLabel('File to send').setInputFiles({ name: 'parcel.png', mimeType: 'image/png', buffer: PNG });
    const thumb = ready.getByRole('img', { name: 'Preview of parcel.png' });
    await thumb.waitFor();
    await poll(() => thumb.evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(2);
    expect(await ready.textContent()).toContain('79 B');
    await composer.fill('Here is your return label');
    await expectAccessible(alice, 'a file ready to send');
    if (SHOOT) {
      await alice.mouse.move(0, 0);
      await alice.locator('.toasts').evaluate((el) => el.style.setProperty('display', 'none'));
      await alice.screenshot({ path: shotPath('file-preview') });
      await alice.locator('.toasts').evaluate((el) => el.style.removeProperty('display'));
    }
    await composer.press('Enter');
    await ready.waitFor({ state: 'detached' });
    await frame.getByRole('img', { name: 'parcel.png' }).waitFor();
    await frame.getByText('Here is your return label').waitFor();
    await poll(async () => (await filesOnServer(conversationId)).map((m) => [m.file?.name, m.text])).toEqual([['parcel.png', 'Here is your return label']]);
    expect(await composer.inputValue()).toBe('');

    // ---- pasted from the clipboard (a synthetic paste holding a file): shown, then Send file
    const paste = (file: FilePayload) =>
      composer.evaluate((el, f) => {
        const dt = new DataTransfer();
        dt.items.add(new File([new Uint8Array(f.bytes)], f.name, { type: f.type }));
        el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
      }, file);
    await paste(payload('invoice.pdf', 'application/pdf', PDF));
    await alice.getByRole('group', { name: 'File ready to send: invoice.pdf' }).waitFor();
    await alice.getByRole('button', { name: 'Send file' }).click();
    await ready.waitFor({ state: 'detached' });
    await alice.getByRole('log').getByRole('link', { name: 'invoice.pdf (193 B)' }).waitFor();
    await frame.getByRole('button', { name: 'Download invoice.pdf, 193 B' }).waitFor();
    await poll(async () => (await filesOnServer(conversationId)).map((m) => [m.file?.name, m.text])).toEqual([
      ['parcel.png', 'Here is your return label'],
      ['invoice.pdf', null],
    ]);

    // ---- dropped onto the conversation (the transcript): shown; removed with the mouse this time
    const drop = (file: FilePayload) =>
      alice.getByRole('log').evaluate((el, f) => {
        const dt = new DataTransfer();
        dt.items.add(new File([new Uint8Array(f.bytes)], f.name, { type: f.type }));
        for (const type of ['dragenter', 'dragover', 'drop']) el.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
      }, file);
    await drop(payload('plan.pdf', 'application/pdf', PDF));
    await alice.getByRole('group', { name: 'File ready to send: plan.pdf' }).waitFor();
    await alice.getByRole('button', { name: 'Remove plan.pdf' }).click();
    await ready.waitFor({ state: 'detached' });

    // ---- what can never go is refused at once, saying why; a paste of text stays text
    await drop(payload('notes.txt', 'text/plain', Buffer.from('hello')));
    await alice.getByText('notes.txt cannot be sent: only JPEG, PNG, GIF, PDF, DOCX, XLSX and PPTX files can.').waitFor();
    expect(await ready.count()).toBe(0);
    await composer.evaluate((el) => {
      const dt = new DataTransfer();
      dt.setData('text/plain', 'pasted words');
      dt.items.add(new File(['x'], 'image.png', { type: 'image/png' }));
      el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
    });
    expect(await ready.count()).toBe(0);
    // Proof that the paste uploaded nothing: a text message is sent after it, from the same page;
    // an upload the paste had started would have been requested (and stored) before it.
    await composer.fill('after the paste');
    await composer.press('Enter');
    await frame.getByText('after the paste').waitFor();
    expect(uploads).toHaveLength(2);
    expect(await filesOnServer(conversationId)).toHaveLength(2);
  });
});
