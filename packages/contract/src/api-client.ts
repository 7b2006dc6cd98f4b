import type { BodyOf, Endpoint, ListEndpoint, ParamsOf, ResponseOf } from './endpoints.js';
import type { Problem } from './errors.js';

/**
 * The typed client of API v1, used by the workspace and the widget: an endpoint of the table
 * (endpoints.ts) gives the path parameters, the body and the answer's type, so no caller writes a
 * path or a response type by hand. At run time it is a thin fetch wrapper (no zod: the widget's
 * bundle stays small); the answers are the server's, which serialises them through the same schemas.
 */

/** An HTTP error carrying the server's RFC 9457 problem details (status 0: the server could not be reached). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Partial<Problem>,
    message?: string,
  ) {
    super(message ?? (problem.detail || problem.title || `HTTP ${status}`));
  }

  /** The problem's machine-readable code (`error` when the answer had none). */
  get code(): string {
    return this.problem.code ?? 'error';
  }
}

/** Query values; undefined ones are left out. */
export type Query = Record<string, string | number | boolean | undefined>;

type Params<E extends Endpoint> = keyof ParamsOf<E> extends never ? { params?: undefined } : { params: ParamsOf<E> };
type Body<E extends Endpoint> = [BodyOf<E>] extends [never] ? { body?: undefined } : { body?: BodyOf<E> };
/** What a call takes besides the endpoint: its path parameters, query and body. */
export type RequestOf<E extends Endpoint> = Params<E> & Body<E> & { query?: Query };
type Args<E extends Endpoint> = keyof ParamsOf<E> extends never ? [request?: RequestOf<E>] : [request: RequestOf<E>];

/** The largest page the API gives (API.md: `limit` ≤ 200). */
export const PAGE_LIMIT = 200;
/** `all()` stops after this many pages. */
const MAX_PAGES = 100;

export interface ApiClientOptions {
  /** The error of a request that never reached the server. */
  offline: Partial<Problem>;
  /** The message of an error answer (default: the problem's detail, else its title, else `HTTP <status>`). */
  message?: (status: number, problem: Partial<Problem>) => string;
}

/** The path of an endpoint with its parameters filled in (each one encoded as a path segment) and the query appended. */
export function pathOf(endpoint: Endpoint, params: Record<string, string> = {}, query: Query = {}): string {
  const template = endpoint.slice(endpoint.indexOf(' ') + 1);
  const path = template.replace(/\{(\w+)\}/g, (_, k: string) => encodeURIComponent(params[k] ?? ''));
  const qs = Object.entries(query)
    .filter((e): e is [string, string | number | boolean] => e[1] !== undefined)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&');
  return qs ? `${path}?${qs}` : path;
}

export class ApiClient {
  /** The bearer token sent with each request. */
  token: string | null | undefined = null;
  /** Called on a 401 to a request that carried a token (other than the sign-in): the session was revoked. */
  onUnauthorized: (() => void) | null = null;

  constructor(private readonly opts: ApiClientOptions) {}

  /** A request to an endpoint of the table, answered with its typed response. */
  call<E extends Endpoint>(endpoint: E, ...[request]: Args<E>): Promise<ResponseOf<E>> {
    const r = (request ?? {}) as { params?: Record<string, string>; query?: Query; body?: unknown };
    const method = endpoint.slice(0, endpoint.indexOf(' '));
    return this.send(method, pathOf(endpoint, r.params, r.query), r.body) as Promise<ResponseOf<E>>;
  }

  /**
   * Every item of a list: every list of the API is paginated (`limit` ≤ 200, `cursor`,
   * `{ items, nextCursor }`), so this follows `nextCursor` until the last page. The first page's
   * other fields (`counts`, `unread`…) come back as they are; `items` holds all pages (at most MAX_PAGES).
   */
  async all<E extends ListEndpoint>(endpoint: E, ...[request]: Args<E>): Promise<ResponseOf<E>> {
    type P = { items: unknown[]; nextCursor: string | null };
    const r = (request ?? {}) as { params?: Record<string, string>; query?: Query };
    const page = (cursor?: string) => this.send('GET', pathOf(endpoint, r.params, { ...r.query, limit: PAGE_LIMIT, cursor })) as Promise<P>;
    const first = await page();
    const items = [...first.items];
    let last = first;
    for (let n = 1; last.nextCursor && n < MAX_PAGES; n++) {
      last = await page(last.nextCursor);
      items.push(...last.items);
    }
    return { ...first, items, nextCursor: null } as ResponseOf<E>;
  }

  /** A raw request (what the table does not describe): parsed JSON, or text with `text: true`. */
  async send(method: string, path: string, body?: unknown, opts: { text?: boolean } = {}): Promise<unknown> {
    const headers: Record<string, string> = {};
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    const isForm = typeof FormData !== 'undefined' && body instanceof FormData;
    if (body !== undefined && !isForm) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(path, { method, headers, body: body === undefined ? null : isForm ? body : JSON.stringify(body) });
    } catch {
      throw new ApiError(0, this.opts.offline, this.opts.message?.(0, this.opts.offline));
    }
    if (res.status === 401 && this.token && path !== '/api/v1/auth/login') this.onUnauthorized?.();
    if (res.status === 204) return undefined;
    const text = await res.text();
    if (!res.ok) {
      let problem: Partial<Problem> = {};
      try {
        problem = (text ? JSON.parse(text) : {}) as Partial<Problem>;
      } catch {
        // not JSON
      }
      throw new ApiError(res.status, problem, this.opts.message?.(res.status, problem));
    }
    if (opts.text || res.headers.get('content-type')?.startsWith('text/')) return text;
    return text ? JSON.parse(text) : undefined;
  }
}
