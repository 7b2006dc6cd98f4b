import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Message } from '@parley/contract';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bigPng, ELF, EXE, type FormPart, GIF, HTML, JPEG, multipart, ooxml, PDF, PNG, SVG, ZIP } from '../factories/files.js';
import { type AccountHandle, type AgentHandle, type ConsumerHandle, http, makeAccount } from '../factories/index.js';
import { dialects, startTestApp, type TestApp } from '../harness.js';
import { connect } from '../socket-client.js';
import { expectProblem } from './support.js';

const LIMIT = 64 * 1024;
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const PPTX = 'application/vnd.openxmlformats-officedocument.presentationml.presentation';

/** Every file under `dir`, recursively (the FileStore's folder). */
async function storedFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe.each(dialects)('file uploads and downloads on %s', (dialect) => {
  let t: TestApp;
  let dir: string;
  let acc: AccountHandle;
  let alice: AgentHandle;
  let jo: ConsumerHandle;
  let conv: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'parley-files-test-'));
    t = await startTestApp(dialect, { filesDir: dir, maxUploadBytes: LIMIT });
    await t.listen();
    acc = await makeAccount(t);
    alice = await acc.agent('alice', { skills: ['Sales'] });
    jo = await acc.consumer({ name: 'Jo Photo' });
    conv = (await jo.open({ skill: 'Sales', text: 'hello' })).id;
  });
  afterAll(async () => {
    await t.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const upload = (url: string, token: string, parts: FormPart[]): Promise<LightMyRequestResponse> => {
    const body = multipart(parts);
    return t.app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${token}`, 'content-type': body.contentType }, payload: body.payload });
  };
  const consumerUpload = (file: Buffer, filename: string, contentType: string, extra: FormPart[] = []) =>
    upload(`/api/v1/consumer/conversations/${conv}/messages`, jo.token, [{ name: 'file', value: file, filename, contentType }, ...extra]);
  const agentUpload = (file: Buffer, filename: string, contentType: string, extra: FormPart[] = [], token = alice.token, id = conv) =>
    upload(`/api/v1/conversations/${id}/messages`, token, [{ name: 'file', value: file, filename, contentType }, ...extra]);
  const fileRows = async () =>
    Number(
      (
        await t.db.kysely
          .selectFrom('files')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const messageRows = async () =>
    Number(
      (
        await t.db.kysely
          .selectFrom('messages')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('conversation_id', '=', conv)
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('a consumer photo reaches the agent live as message.created with its file; the signed link serves it inline with safe headers', async () => {
    const agentSocket = await connect(t.url, '/agent', alice.token);
    const res = await consumerUpload(PNG, 'holiday.png', 'image/png', [
      { name: 'text', value: 'this one' },
      { name: 'clientMessageId', value: 'photo-1' },
    ]);
    expect(res.statusCode, res.body).toBe(201);
    const msg = res.json() as Message;
    expect(msg).toMatchObject({ senderType: 'consumer', text: 'this one', clientMessageId: 'photo-1' });
    expect(msg.file).toMatchObject({ name: 'holiday.png', contentType: 'image/png', size: PNG.length });
    expect(msg.file?.url).toMatch(new RegExp(`^/api/v1/files/${msg.file?.id}\\?exp=\\d+&sig=[\\w-]+$`));

    const live = await agentSocket.next((e) => e.type === 'message.created' && (e.data as Message).id === msg.id);
    const file = (live.data as Message).file;
    expect(file).toMatchObject({ id: msg.file?.id, contentType: 'image/png', name: 'holiday.png' });
    agentSocket.close();

    // the signed URL works without any token (an <img src>), with the right headers
    const dl = await t.app.inject({ method: 'GET', url: file?.url ?? '' });
    expect(dl.statusCode).toBe(200);
    expect(dl.rawPayload.equals(PNG)).toBe(true);
    expect(dl.headers['content-type']).toBe('image/png');
    expect(dl.headers['x-content-type-options']).toBe('nosniff');
    expect(dl.headers['content-disposition']).toMatch(/^inline; filename="holiday.png"/);
    expect(dl.headers['content-security-policy']).toMatch(/default-src 'none'/);
    expect(Number(dl.headers['content-length'])).toBe(PNG.length);

    // the same retry (clientMessageId) answers the stored message, stores nothing more
    const before = { files: await fileRows(), stored: (await storedFiles(dir)).length };
    const again = await consumerUpload(PNG, 'holiday.png', 'image/png', [{ name: 'clientMessageId', value: 'photo-1' }]);
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(msg.id);
    expect({ files: await fileRows(), stored: (await storedFiles(dir)).length }).toEqual(before);

    // the transcript carries the file (signed) for the agent too
    const transcript = await http(t)('GET', `/api/v1/conversations/${conv}/messages`, { token: alice.token });
    const inList = (transcript.json().items as Message[]).find((m) => m.id === msg.id);
    expect(inList?.file?.url).toMatch(/\?exp=\d+&sig=/);
  });

  it('each allowed type passes: consumers JPEG, PNG, GIF; agents those and PDF, DOCX, XLSX, PPTX — typed from content', async () => {
    const consumerCases: [Buffer, string, string][] = [
      [JPEG, 'a.jpg', 'image/jpeg'],
      [PNG, 'b.png', 'image/png'],
      [GIF, 'c.gif', 'image/gif'],
    ];
    for (const [data, name, type] of consumerCases) {
      const r = await consumerUpload(data, name, 'application/octet-stream');
      expect(r.statusCode, `${name}: ${r.body}`).toBe(201);
      expect(r.json().file).toMatchObject({ contentType: type, name, size: data.length });
    }
    const agentCases: [Buffer, string, string][] = [
      ...consumerCases,
      [PDF, 'offer.pdf', 'application/pdf'],
      [ooxml('docx'), 'letter.docx', DOCX],
      [ooxml('xlsx'), 'prices.xlsx', XLSX],
      [ooxml('pptx'), 'deck.pptx', PPTX],
    ];
    for (const [data, name, type] of agentCases) {
      const r = await agentUpload(data, name, 'text/plain');
      expect(r.statusCode, `${name}: ${r.body}`).toBe(201);
      const m = r.json() as Message;
      expect(m.file).toMatchObject({ contentType: type, name, size: data.length });
      // documents download as attachments with their real type
      const dl = await http(t)('GET', `/api/v1/files/${m.file?.id}`, { token: alice.token });
      expect(dl.statusCode).toBe(200);
      expect(dl.headers['content-type']).toBe(type);
      expect(dl.headers['x-content-type-options']).toBe('nosniff');
      expect(dl.headers['content-disposition']).toMatch(type.startsWith('image/') ? /^inline;/ : /^attachment;/);
      expect(dl.rawPayload.equals(data)).toBe(true);
    }
    // a file whose name lies gets the extension of what it really is
    const lying = await agentUpload(PNG, 'invoice.html', 'text/html');
    expect(lying.statusCode).toBe(201);
    expect(lying.json().file).toMatchObject({ contentType: 'image/png', name: 'invoice.html.png' });
  });

  it('impostors are refused with 415 and nothing is stored: renamed executables, HTML, SVG, a ZIP posing as DOCX, an empty file', async () => {
    const before = { files: await fileRows(), messages: await messageRows(), stored: (await storedFiles(dir)).sort() };
    const cases: [string, Buffer, string, string][] = [
      ['ELF named .pdf', ELF, 'manual.pdf', 'application/pdf'],
      ['MZ named .pdf', EXE, 'invoice.pdf', 'application/pdf'],
      ['HTML', HTML, 'page.html', 'text/html'],
      ['HTML named .png', HTML, 'photo.png', 'image/png'],
      ['SVG', SVG, 'logo.svg', 'image/svg+xml'],
      ['SVG named .gif', SVG, 'logo.gif', 'image/gif'],
      ['ZIP named .docx', ZIP, 'report.docx', DOCX],
      ['DOCX without its main part', ooxml('docx', { omitMainPart: true }), 'broken.docx', DOCX],
      ['macro-enabled document', ooxml('docx', { mainType: 'application/vnd.ms-word.document.macroEnabled.main+xml' }), 'macro.docx', DOCX],
      ['empty file', Buffer.alloc(0), 'empty.png', 'image/png'],
    ];
    for (const [what, data, name, type] of cases) {
      expectProblem(await agentUpload(data, name, type), 415, 'unsupported_media_type');
      if (what !== 'macro-enabled document') expectProblem(await consumerUpload(data, name, type), 415, 'unsupported_media_type');
    }
    // consumers send photos only
    for (const [data, name] of [
      [PDF, 'offer.pdf'],
      [ooxml('docx'), 'letter.docx'],
      [ooxml('xlsx'), 'prices.xlsx'],
    ] as const)
      expectProblem(await consumerUpload(data, name, 'image/png'), 415, 'unsupported_media_type');
    expect({ files: await fileRows(), messages: await messageRows(), stored: (await storedFiles(dir)).sort() }).toEqual(before);
  });

  it('over the size limit → 413 and nothing stored; at the limit it passes', async () => {
    const before = { files: await fileRows(), messages: await messageRows(), stored: (await storedFiles(dir)).length };
    expectProblem(await consumerUpload(bigPng(LIMIT + 1), 'big.png', 'image/png'), 413, 'payload_too_large');
    expectProblem(await agentUpload(bigPng(LIMIT * 3), 'big.png', 'image/png'), 413, 'payload_too_large');
    expect({ files: await fileRows(), messages: await messageRows(), stored: (await storedFiles(dir)).length }).toEqual(before);
    const exact = await consumerUpload(bigPng(LIMIT), 'exact.png', 'image/png');
    expect(exact.statusCode, exact.body).toBe(201);
  });

  it('bad multipart: no file part → 400, a second file → 400, unknown field → 400, multipart elsewhere → 415; JSON still works', async () => {
    expectProblem(await upload(`/api/v1/consumer/conversations/${conv}/messages`, jo.token, [{ name: 'text', value: 'no file' }]), 400, 'invalid_request');
    expectProblem(
      await upload(`/api/v1/consumer/conversations/${conv}/messages`, jo.token, [
        { name: 'file', value: PNG, filename: 'a.png' },
        { name: 'file', value: PNG, filename: 'b.png' },
      ]),
      400,
      'invalid_request',
    );
    expectProblem(await consumerUpload(PNG, 'a.png', 'image/png', [{ name: 'isAdmin', value: 'true' }]), 400, 'invalid_request');
    expectProblem(await consumerUpload(PNG, 'a.png', 'image/png', [{ name: 'text', value: 'nul\u0000' }]), 400, 'invalid_request');
    const garbage = await t.app.inject({
      method: 'POST',
      url: `/api/v1/consumer/conversations/${conv}/messages`,
      headers: { authorization: `Bearer ${jo.token}`, 'content-type': 'multipart/form-data; boundary=x' },
      payload: 'not multipart at all',
    });
    expect(garbage.statusCode).toBeGreaterThanOrEqual(400);
    expect(garbage.statusCode).toBeLessThan(500);
    const elsewhere = multipart([{ name: 'file', value: PNG, filename: 'a.png' }]);
    expectProblem(
      await t.app.inject({
        method: 'POST',
        url: `/api/v1/conversations/${conv}/read`,
        headers: { authorization: `Bearer ${alice.token}`, 'content-type': elsewhere.contentType },
        payload: elsewhere.payload,
      }),
      415,
      'unsupported_media_type',
    );
    const json = await jo.send(conv, 'plain text still works');
    expect(json.statusCode).toBe(201);
    expect(json.json().file).toBeNull();
  });

  it('downloads: the conversation’s consumer, its agent and managers; another consumer, an agent without access or another account → 404', async () => {
    const sent = await agentUpload(PDF, 'contract.pdf', 'application/pdf');
    expect(sent.statusCode).toBe(201);
    const file = (sent.json() as Message).file;
    const id = file?.id ?? '';
    const req = http(t);

    // allowed: the consumer (consumer route), the agent, a manager, an agent of the skill (may read the conversation)
    expect((await req('GET', `/api/v1/consumer/files/${id}`, { token: jo.token })).statusCode).toBe(200);
    expect((await req('GET', `/api/v1/files/${id}`, { token: alice.token })).statusCode).toBe(200);
    expect((await req('GET', `/api/v1/files/${id}`, { token: acc.manager.token })).statusCode).toBe(200);
    const carol = await acc.agent('carol', { skills: ['Sales'], online: false });
    expect((await req('GET', `/api/v1/files/${id}`, { token: carol.token })).statusCode).toBe(200);
    const dl = await req('GET', `/api/v1/files/${id}`, { token: alice.token });
    expect(dl.headers['content-disposition']).toBe(`attachment; filename="contract.pdf"; filename*=UTF-8''contract.pdf`);
    expect(dl.headers['content-type']).toBe('application/pdf');

    // refused: another consumer of the account, an agent without the skill, another account's users and consumers
    const nosy = await acc.consumer({ name: 'Nosy' });
    expectProblem(await req('GET', `/api/v1/consumer/files/${id}`, { token: nosy.token }), 404, 'not_found');
    const dave = await acc.agent('dave', { skills: ['Support'], online: false });
    expectProblem(await req('GET', `/api/v1/files/${id}`, { token: dave.token }), 404, 'not_found');
    const other = await makeAccount(t);
    const eve = await other.agent('eve');
    const mallory = await other.consumer();
    expectProblem(await req('GET', `/api/v1/files/${id}`, { token: eve.token }), 404, 'not_found');
    expectProblem(await req('GET', `/api/v1/files/${id}`, { token: other.manager.token }), 404, 'not_found');
    expectProblem(await req('GET', `/api/v1/consumer/files/${id}`, { token: mallory.token }), 404, 'not_found');

    // no token → 401; a consumer token on the agents' route → 401
    expectProblem(await req('GET', `/api/v1/files/${id}`), 401, 'unauthorized');
    expectProblem(await req('GET', `/api/v1/files/${id}`, { token: jo.token }), 401, 'unauthorized');

    // signed links: forged, for another file, or expired → 401
    const url = new URL(file?.url ?? '', 'http://x');
    const exp = url.searchParams.get('exp') ?? '';
    const sig = url.searchParams.get('sig') ?? '';
    expect((await req('GET', `/api/v1/files/${id}?exp=${exp}&sig=${sig}`)).statusCode).toBe(200);
    expectProblem(await req('GET', `/api/v1/files/${id}?exp=${exp}&sig=${sig.slice(0, -2)}xx`), 401, 'unauthorized');
    expectProblem(await req('GET', `/api/v1/files/${id}?exp=${Number(exp) + 3600}&sig=${sig}`), 401, 'unauthorized');
    const png = (await agentUpload(PNG, 'x.png', 'image/png')).json() as Message;
    expectProblem(await req('GET', `/api/v1/files/${png.file?.id}?exp=${exp}&sig=${sig}`), 401, 'unauthorized');
    t.clock.advance(3 * 3600_000);
    expectProblem(await req('GET', `/api/v1/files/${id}?exp=${exp}&sig=${sig}`), 401, 'unauthorized');
    // a fresh read of the messages gives a fresh link
    const fresh = ((await req('GET', `/api/v1/consumer/conversations/${conv}/messages`, { token: jo.token })).json().items as Message[]).find(
      (m) => m.file?.id === id,
    );
    expect((await req('GET', fresh?.file?.url ?? '')).statusCode).toBe(200);
  });

  it('a closed conversation takes no uploads (409) and stores nothing; another consumer cannot upload to it (404)', async () => {
    const ann = await acc.consumer({ name: 'Ann' });
    const c = (await ann.open({ skill: 'Sales', text: 'hi' })).id;
    const nosy = await acc.consumer({ name: 'Nosy 2' });
    const body = () => [{ name: 'file', value: PNG, filename: 'a.png' }];
    expectProblem(await upload(`/api/v1/consumer/conversations/${c}/messages`, nosy.token, body()), 404, 'not_found');
    expect((await http(t)('POST', `/api/v1/consumer/conversations/${c}/close`, { token: ann.token })).statusCode).toBe(200);
    const before = { files: await fileRows(), stored: (await storedFiles(dir)).length };
    expectProblem(await upload(`/api/v1/consumer/conversations/${c}/messages`, ann.token, body()), 409, 'conflict');
    expect({ files: await fileRows(), stored: (await storedFiles(dir)).length }).toEqual(before);
  });
});
