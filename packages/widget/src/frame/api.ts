/**
 * The consumer API, through the contract's typed client (request and response types from its
 * endpoint table). The frame is same-origin with Parley, so paths are relative.
 */

import { ApiClient, ApiError, type BodyOf, type ErrorCode, type Problem } from '@parley/contract';
import { type FrameKey, t } from '../i18n/index.js';

export { ApiError };

/**
 * What an error answer says to the consumer, in the widget's language: a sentence of the frame
 * catalogue for the problem's stable code. The server's detail is written in English for
 * developers and is never shown here.
 */
const CODE_MESSAGE: Partial<Record<ErrorCode, FrameKey>> = {
  invalid_request: 'error.code.invalid_request',
  unauthorized: 'error.code.unauthorized',
  forbidden: 'error.code.forbidden',
  not_found: 'error.code.not_found',
  conflict: 'error.code.conflict',
  payload_too_large: 'error.code.payload_too_large',
  unsupported_media_type: 'error.code.unsupported_media_type',
  rate_limited: 'error.code.rate_limited',
  internal_error: 'error.code.unavailable',
  unavailable: 'error.code.unavailable',
};

export function problemMessage(status: number, problem: Partial<Problem>): string {
  const key = problem.code && CODE_MESSAGE[problem.code];
  return key ? t(key) : t('error.status', { status });
}

export class ConsumerApi {
  private readonly client = new ApiClient({
    offline: {
      get detail() {
        return t('error.offline');
      },
    },
    message: problemMessage,
  });

  get token(): string | undefined {
    return this.client.token ?? undefined;
  }
  set token(token: string | undefined) {
    this.client.token = token;
  }

  session(input: BodyOf<'POST /api/v1/consumer/session'>) {
    return this.client.call('POST /api/v1/consumer/session', { body: input });
  }

  /** Every skill a consumer may write to (every page). */
  skills(accountId: string) {
    return this.client.all('GET /api/v1/consumer/skills', { query: { accountId } });
  }

  /** Whether the account (or the skill) is open now, and when it opens next. */
  availability(accountId: string, skillId?: string) {
    return this.client.call('GET /api/v1/consumer/availability', { query: { accountId, ...(skillId && { skillId }) } });
  }

  history() {
    return this.client.call('GET /api/v1/consumer/history');
  }

  openConversation(input: { skillId?: string | undefined; text?: string | undefined }) {
    return this.client.call('POST /api/v1/consumer/conversations', { body: input });
  }

  conversation(id: string) {
    return this.client.call('GET /api/v1/consumer/conversations/{id}', { params: { id } });
  }

  /** The messages after seq `after`: every page of them. */
  messages(id: string, after = 0) {
    return this.client.all('GET /api/v1/consumer/conversations/{id}/messages', { params: { id }, query: { after } });
  }

  /** `quickReply`: the agent's button the consumer chose (its text is the button's title). */
  send(id: string, text: string, clientMessageId: string, quickReply?: { payload: string }) {
    return this.client.call('POST /api/v1/consumer/conversations/{id}/messages', {
      params: { id },
      body: { text, clientMessageId, ...(quickReply && { quickReply }) },
    });
  }

  sendPhoto(id: string, file: File, clientMessageId: string) {
    const form = new FormData();
    form.append('clientMessageId', clientMessageId);
    form.append('file', file, file.name);
    return this.client.call('POST /api/v1/consumer/conversations/{id}/messages', { params: { id }, body: form });
  }

  urgent(id: string) {
    return this.client.call('POST /api/v1/consumer/conversations/{id}/urgent', { params: { id } });
  }

  close(id: string) {
    return this.client.call('POST /api/v1/consumer/conversations/{id}/close', { params: { id } });
  }

  /** The survey sent for a conversation (404 when none was). */
  surveyOf(id: string) {
    return this.client.call('GET /api/v1/consumer/conversations/{id}/survey', { params: { id } });
  }

  survey(id: string, answers: Record<string, string | number>) {
    return this.client.call('POST /api/v1/consumer/conversations/{id}/survey', { params: { id }, body: { answers } });
  }

  /** A file of the conversation, fetched with the consumer token (an <img src> could not send it). */
  async file(url: string): Promise<Blob> {
    const res = await fetch(url, { headers: this.token ? { authorization: `Bearer ${this.token}` } : {} });
    if (!res.ok) throw new ApiError(res.status, {}, t('file.failed', { status: res.status }));
    return res.blob();
  }
}
