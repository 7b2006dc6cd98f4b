import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiClient, ApiError, PAGE_LIMIT, pathOf } from './api-client.js';

const json = (body: unknown, status = 200, type = 'application/json') => new Response(JSON.stringify(body), { status, headers: { 'content-type': type } });

describe('the typed API client', () => {
  afterEach(() => vi.unstubAllGlobals());
  const client = () => new ApiClient({ offline: { title: 'Network error', detail: 'The server cannot be reached.' } });

  it('fills the path parameters as encoded segments and appends the query, leaving out undefined values', () => {
    expect(pathOf('GET /api/v1/conversations/{id}/messages', { id: 'a/b c' }, { after: 3, includePrevious: true, q: undefined })).toBe(
      '/api/v1/conversations/a%2Fb%20c/messages?after=3&includePrevious=true',
    );
    expect(pathOf('GET /api/v1/me')).toBe('/api/v1/me');
  });

  it('sends the method, bearer token and JSON body of the endpoint, and answers its JSON', async () => {
    const seen: { url: string; init: RequestInit }[] = [];
    vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
      seen.push({ url, init });
      return json({ id: 'c1', state: 'queued' });
    });
    const api = client();
    api.token = 't0k';
    const r = await api.call('POST /api/v1/conversations/{id}/transfer', { params: { id: 'c1' }, body: { skillId: 's1' } });
    expect(r).toEqual({ id: 'c1', state: 'queued' });
    expect(seen[0]?.url).toBe('/api/v1/conversations/c1/transfer');
    expect(seen[0]?.init.method).toBe('POST');
    expect(seen[0]?.init.headers).toEqual({ authorization: 'Bearer t0k', 'content-type': 'application/json' });
    expect(seen[0]?.init.body).toBe('{"skillId":"s1"}');
  });

  it('answers undefined for 204, text for a text answer', async () => {
    vi.stubGlobal('fetch', async (url: string) =>
      url.endsWith('.txt') ? new Response('hello', { status: 200, headers: { 'content-type': 'text/plain' } }) : new Response(null, { status: 204 }),
    );
    expect(await client().call('POST /api/v1/conversations/{id}/read', { params: { id: 'c1' } })).toBeUndefined();
    expect(await client().call('GET /api/v1/conversations/{id}/transcript.txt', { params: { id: 'c1' } })).toBe('hello');
  });

  it('turns an error answer into an ApiError with the problem, and a 401 with a token into onUnauthorized', async () => {
    vi.stubGlobal('fetch', async () =>
      json({ status: 401, code: 'unauthorized', title: 'Unauthorized', detail: 'token revoked' }, 401, 'application/problem+json'),
    );
    const api = client();
    api.token = 'old';
    let told = 0;
    api.onUnauthorized = () => told++;
    const err = await api.call('GET /api/v1/me').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 401, code: 'unauthorized', message: 'token revoked' });
    expect(told).toBe(1);
  });

  it('a request that never reaches the server is an ApiError of status 0 with the offline problem (and its own message, when given)', async () => {
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('fetch failed');
    });
    expect(
      await client()
        .call('GET /api/v1/me')
        .catch((e: unknown) => e),
    ).toMatchObject({ status: 0, message: 'The server cannot be reached.' });
    const widgetLike = new ApiClient({ offline: { code: 'network' } as never, message: (s, p) => p.detail ?? `Request failed (${s})` });
    expect(await widgetLike.call('GET /api/v1/me').catch((e: unknown) => e)).toMatchObject({ status: 0, code: 'network', message: 'Request failed (0)' });
  });

  it('all() follows nextCursor to the last page, keeping the first page’s other fields', async () => {
    const pages: Record<string, { items: number[]; nextCursor: string | null; counts?: object }> = {
      '': { items: [1, 2], nextCursor: 'c1', counts: { ongoing: 5 } },
      c1: { items: [3, 4], nextCursor: 'c+2' },
      'c+2': { items: [5], nextCursor: null },
    };
    const urls: string[] = [];
    vi.stubGlobal('fetch', async (url: string) => {
      urls.push(url);
      return json(pages[new URL(url, 'http://x').searchParams.get('cursor') ?? '']);
    });
    const r = await client().all('GET /api/v1/workspace/active', { query: { status: 'ongoing' } });
    expect(r.items).toEqual([1, 2, 3, 4, 5]);
    expect(r.counts).toEqual({ ongoing: 5 });
    expect(urls).toEqual([
      `/api/v1/workspace/active?status=ongoing&limit=${PAGE_LIMIT}`,
      `/api/v1/workspace/active?status=ongoing&limit=${PAGE_LIMIT}&cursor=c1`,
      `/api/v1/workspace/active?status=ongoing&limit=${PAGE_LIMIT}&cursor=c%2B2`,
    ]);
  });
});
