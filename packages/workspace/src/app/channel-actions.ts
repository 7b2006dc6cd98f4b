import type { QuickReply, TemplateMessage } from '@parley/contract';
import { api } from '../lib/api.js';
import type { Message } from '../lib/types.js';

// The agent's channel actions: messages with quick replies or a WhatsApp template, templates to offer, and a failed delivery sent again.

/** Text, with quick replies when the agent added some. */
export async function sendWithQuickReplies(id: string, text: string, clientMessageId: string, quickReplies: QuickReply[]): Promise<Message> {
  return api.call('POST /api/v1/conversations/{id}/messages', {
    params: { id },
    body: { text, clientMessageId, ...(quickReplies.length && { quickReplies }) },
  });
}

/** An approved WhatsApp template (the only message once the 24-hour window has closed). */
export async function sendTemplate(id: string, template: TemplateMessage, clientMessageId: string): Promise<Message> {
  return api.call('POST /api/v1/conversations/{id}/messages', { params: { id }, body: { template, clientMessageId } });
}

export async function conversationTemplates(id: string) {
  return (await api.call('GET /api/v1/conversations/{id}/templates', { params: { id } })).items;
}

/** A failed message, queued again (the server answers it as queued; its progress comes as message.updated). */
export async function retryDelivery(conversationId: string, messageId: string): Promise<Message> {
  return api.call('POST /api/v1/conversations/{id}/messages/{messageId}/retry', { params: { id: conversationId, messageId } });
}
