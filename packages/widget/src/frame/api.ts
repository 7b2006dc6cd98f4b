/** The consumer API over fetch. The frame is same-origin with Parley, so paths are relative. */
import type { Message, Problem } from '@parley/contract';
import type { ConsumerConversation, SurveyAnswers, SurveyRequest } from './logic.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface History {
  conversations: ConsumerConversation[];
  messages: Message[];
}

export class ConsumerApi {
  token: string | undefined;

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {};
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    let payload: BodyInit | undefined;
    if (body instanceof FormData) payload = body;
    else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    let res: Response;
    try {
      res = await fetch(path, { method, headers, ...(payload !== undefined && { body: payload }) });
    } catch {
      throw new ApiError(0, 'network', 'You seem to be offline. Check your connection and try again.');
    }
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (!res.ok) {
      const p = json as Partial<Problem> | undefined;
      throw new ApiError(res.status, p?.code ?? 'error', p?.detail ?? `Request failed (${res.status})`);
    }
    return json as T;
  }

  session(input: {
    accountId: string;
    name?: string | undefined;
    identityToken?: string | undefined;
    customVariables?: Record<string, string | number | boolean> | undefined;
  }) {
    return this.call<{ consumerToken: string; consumerId: string }>('POST', '/api/v1/consumer/session', input);
  }

  /** Every item of a paginated list (`limit` ≤ 200, `cursor`, `{ items, nextCursor }`): follows nextCursor to the last page. */
  private async all<T>(path: string, maxPages = 100): Promise<{ items: T[] }> {
    const sep = path.includes('?') ? '&' : '?';
    const items: T[] = [];
    let cursor: string | null = null;
    for (let n = 0; n < maxPages; n++) {
      const page: { items: T[]; nextCursor?: string | null } = await this.call(
        'GET',
        `${path}${sep}limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      items.push(...page.items);
      cursor = page.nextCursor ?? null;
      if (!cursor) break;
    }
    return { items };
  }

  skills(accountId: string) {
    return this.all<{ id: string; name: string }>(`/api/v1/consumer/skills?accountId=${encodeURIComponent(accountId)}`);
  }

  history() {
    return this.call<History>('GET', '/api/v1/consumer/history');
  }

  openConversation(input: { skillId?: string | undefined; text?: string | undefined }) {
    return this.call<ConsumerConversation>('POST', '/api/v1/consumer/conversations', input);
  }

  conversation(id: string) {
    return this.call<ConsumerConversation>('GET', `/api/v1/consumer/conversations/${encodeURIComponent(id)}`);
  }

  /** The messages after seq `after`: every page of them. */
  messages(id: string, after = 0) {
    return this.all<Message>(`/api/v1/consumer/conversations/${encodeURIComponent(id)}/messages?after=${after}`);
  }

  /** `quickReply`: the agent's button the consumer chose (its text is the button's title). */
  send(id: string, text: string, clientMessageId: string, quickReply?: { payload: string }) {
    return this.call<Message>('POST', `/api/v1/consumer/conversations/${encodeURIComponent(id)}/messages`, {
      text,
      clientMessageId,
      ...(quickReply && { quickReply }),
    });
  }

  sendPhoto(id: string, file: File, clientMessageId: string) {
    const form = new FormData();
    form.append('clientMessageId', clientMessageId);
    form.append('file', file, file.name);
    return this.call<Message>('POST', `/api/v1/consumer/conversations/${encodeURIComponent(id)}/messages`, form);
  }

  urgent(id: string) {
    return this.call<ConsumerConversation>('POST', `/api/v1/consumer/conversations/${encodeURIComponent(id)}/urgent`);
  }

  close(id: string) {
    return this.call<ConsumerConversation>('POST', `/api/v1/consumer/conversations/${encodeURIComponent(id)}/close`);
  }

  /** The survey sent for a conversation (404 when none was). */
  surveyOf(id: string) {
    return this.call<{
      status: 'pending' | 'answered' | 'expired' | 'withdrawn';
      conversationId: string;
      questions: SurveyRequest['questions'];
      expiresAt: string;
    }>('GET', `/api/v1/consumer/conversations/${encodeURIComponent(id)}/survey`);
  }

  survey(id: string, answers: SurveyAnswers) {
    return this.call<unknown>('POST', `/api/v1/consumer/conversations/${encodeURIComponent(id)}/survey`, { answers });
  }

  /** A file of the conversation, fetched with the consumer token (an <img src> could not send it). */
  async file(url: string): Promise<Blob> {
    const res = await fetch(url, { headers: this.token ? { authorization: `Bearer ${this.token}` } : {} });
    if (!res.ok) throw new ApiError(res.status, 'file', `Could not load the file (${res.status})`);
    return res.blob();
  }
}
