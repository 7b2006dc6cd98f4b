import type { Problem } from '@parley/contract';

/** An HTTP error carrying the server's RFC 9457 problem details. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Partial<Problem>,
  ) {
    super(problem.detail || problem.title || `HTTP ${status}`);
  }
}

type Body = Record<string, unknown> | FormData | undefined;

/** A thin fetch client for the public API v1, bearer-authenticated. `onUnauthorized` fires on 401 (the token was revoked). */
export class Api {
  token: string | null = null;
  onUnauthorized: (() => void) | null = null;

  async request<T>(method: string, path: string, body?: Body, opts: { text?: boolean } = {}): Promise<T> {
    const headers: Record<string, string> = {};
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    const isForm = typeof FormData !== 'undefined' && body instanceof FormData;
    if (body !== undefined && !isForm) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(path, {
        method,
        headers,
        body: body === undefined ? null : isForm ? (body as FormData) : JSON.stringify(body),
      });
    } catch {
      throw new ApiError(0, { title: 'Network error', detail: 'The server cannot be reached. Check your connection.' });
    }
    if (res.status === 401 && this.token && path !== '/api/v1/auth/login') this.onUnauthorized?.();
    if (!res.ok) {
      let problem: Partial<Problem> = {};
      try {
        problem = (await res.json()) as Partial<Problem>;
      } catch {
        // not JSON
      }
      throw new ApiError(res.status, problem);
    }
    if (res.status === 204) return undefined as T;
    return (opts.text ? await res.text() : await res.json()) as T;
  }

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }
  post<T>(path: string, body?: Body): Promise<T> {
    return this.request<T>('POST', path, body);
  }
  put<T>(path: string, body?: Body): Promise<T> {
    return this.request<T>('PUT', path, body);
  }
  patch<T>(path: string, body?: Body): Promise<T> {
    return this.request<T>('PATCH', path, body);
  }
  del<T>(path: string): Promise<T> {
    return this.request<T>('DELETE', path);
  }
  text(path: string): Promise<string> {
    return this.request<string>('GET', path, undefined, { text: true });
  }

  /**
   * Every item of a list: every list of the API is paginated (`limit` ≤ 200, `cursor`,
   * `{ items, nextCursor }`), so this follows `nextCursor` until the last page. The first page's
   * other fields (`counts`, `unread`…) come back as they are; `items` holds all pages.
   */
  async getAll<T, Extra extends object = object>(path: string, maxPages = 100): Promise<Extra & { items: T[] }> {
    const sep = path.includes('?') ? '&' : '?';
    let page = await this.get<Extra & Page<T>>(`${path}${sep}limit=${PAGE_LIMIT}`);
    const first = page;
    const items = [...page.items];
    for (let n = 1; page.nextCursor && n < maxPages; n++) {
      page = await this.get<Extra & Page<T>>(`${path}${sep}limit=${PAGE_LIMIT}&cursor=${encodeURIComponent(page.nextCursor)}`);
      items.push(...page.items);
    }
    return { ...first, items, nextCursor: null };
  }
}

/** One page of a list, as every list of the API answers. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** The largest page the API gives (API.md: `limit` ≤ 200). */
export const PAGE_LIMIT = 200;

export const api = new Api();

/** `encodeURIComponent` for path segments. */
export const seg = (s: string) => encodeURIComponent(s);

export function newClientMessageId(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}
