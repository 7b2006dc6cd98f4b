import { afterEach, describe, expect, it, vi } from 'vitest';
import { Api, PAGE_LIMIT } from './api.js';

describe('Api.getAll', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('follows nextCursor to the last page, keeping the first page’s other fields', async () => {
    const pages: Record<string, { items: number[]; nextCursor: string | null; counts?: object }> = {
      '': { items: [1, 2], nextCursor: 'c1', counts: { ongoing: 5 } },
      c1: { items: [3, 4], nextCursor: 'c+2' },
      'c+2': { items: [5], nextCursor: null },
    };
    const urls: string[] = [];
    vi.stubGlobal('fetch', async (url: string) => {
      urls.push(url);
      const cursor = new URL(url, 'http://x').searchParams.get('cursor') ?? '';
      return new Response(JSON.stringify(pages[cursor]), { status: 200, headers: { 'content-type': 'application/json' } });
    });
    const r = await new Api().getAll<number, { counts: object }>('/api/v1/workspace/active?status=ongoing');
    expect(r.items).toEqual([1, 2, 3, 4, 5]);
    expect(r.counts).toEqual({ ongoing: 5 });
    expect(urls).toEqual([
      `/api/v1/workspace/active?status=ongoing&limit=${PAGE_LIMIT}`,
      `/api/v1/workspace/active?status=ongoing&limit=${PAGE_LIMIT}&cursor=c1`,
      `/api/v1/workspace/active?status=ongoing&limit=${PAGE_LIMIT}&cursor=c%2B2`,
    ]);
  });
});
