import { afterEach, describe, expect, it, vi } from 'vitest';
import { setLanguage } from '../i18n/index.js';
import { ApiError, ConsumerApi, problemMessage } from './api.js';

describe('ConsumerApi lists', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('messages() follows nextCursor, so a transcript longer than one page arrives whole', async () => {
    const urls: string[] = [];
    vi.stubGlobal('fetch', async (url: string) => {
      urls.push(url);
      const cursor = new URL(url, 'http://x').searchParams.get('cursor');
      const body = cursor ? { items: [{ id: 'm3' }], nextCursor: null } : { items: [{ id: 'm1' }, { id: 'm2' }], nextCursor: 'next/1' };
      return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
    });
    const r = await new ConsumerApi().messages('c1', 4);
    expect(r.items.map((m) => m.id)).toEqual(['m1', 'm2', 'm3']);
    expect(urls).toEqual([
      '/api/v1/consumer/conversations/c1/messages?after=4&limit=200',
      '/api/v1/consumer/conversations/c1/messages?after=4&limit=200&cursor=next%2F1',
    ]);
  });
});

describe('ConsumerApi errors', () => {
  afterEach(async () => {
    vi.unstubAllGlobals();
    await setLanguage('en');
  });

  it("says what went wrong in the widget's language, never the server's English detail", async () => {
    vi.stubGlobal('fetch', async () =>
      Response.json({ code: 'unsupported_media_type', status: 415, detail: 'image/svg+xml is not an allowed type' }, { status: 415 }),
    );
    await setLanguage('es');
    const err = await new ConsumerApi().messages('c1', 0).catch((e: Error) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as Error).message).toBe('Este tipo de archivo no se puede enviar.');
    expect(problemMessage(418, { detail: 'teapot' })).not.toContain('teapot');
  });
});
