import { randomUUID } from 'node:crypto';
import multipart from '@fastify/multipart';
import { Message, SendMessageRequest } from '@parley/contract';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { DomainError, invalid } from '../domain/errors.js';
import { parseInput } from '../domain/validation.js';
import { isImage } from '../files/detect.js';
import { contentDisposition } from '../files/names.js';
import type { Deps } from '../services/context.js';
import { type SendResult, sendMessage } from '../services/conversations.service.js';
import { type Download, sendFileMessage, type Upload } from '../services/files.service.js';
import { signFileRefs } from '../services/message-wire.js';
import type { Principal } from '../services/principal.js';
import { bearerAuth, IdParams, type ZApp } from './routes/types.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route takes multipart/form-data uploads (elsewhere multipart is 415 like any non-JSON body). */
    upload?: boolean;
  }
}

/** Room for the text field (10 000 characters of up to 4 UTF-8 bytes) and the clientMessageId. */
const FIELD_BYTES = 64 * 1024;

/**
 * Multipart uploads: parsed only on routes with `config: { upload: true }`, one `file` part of at
 * most `maxUploadBytes` (413 beyond), a few small fields. Everything else answers multipart with 415.
 */
export async function registerUploads(app: FastifyInstance, deps: Deps): Promise<void> {
  const maxUploadBytes = deps.files?.maxUploadBytes ?? 0;
  await app.register(multipart, {
    limits: { fileSize: maxUploadBytes, files: 2, fields: 4, fieldSize: FIELD_BYTES, parts: 6, headerPairs: 20 },
  });
  app.addHook('preValidation', (req, _reply, done) => {
    done(
      req.isMultipart() && !req.routeOptions.config.upload
        ? new DomainError('unsupported_media_type', 'multipart/form-data is accepted only where files are uploaded')
        : undefined,
    );
  });
  // Messages leave with their file link signed (services/message-wire.ts).
  app.addHook('preSerialization', (_req, _reply, payload, done) => done(null, signFileRefs(deps, payload)));
}

/** Body schema of the message endpoints: JSON `{ text, clientMessageId }`, or none when multipart (read by the handler). */
const messageBodySchema = {
  body: SendMessageRequest.nullish(),
  consumes: ['application/json', 'multipart/form-data'],
  description:
    'JSON `{ text, clientMessageId }`, or multipart/form-data with a `file` part and optional `text` and `clientMessageId` fields. ' +
    'The file type is decided from its content: consumers may send JPEG, PNG and GIF photos; agents also PDF, DOCX, XLSX and PPTX. ' +
    'Other types → 415, over the size limit → 413.',
};

const MULTIPART_SCHEMA = {
  type: 'object',
  properties: {
    file: { type: 'string', format: 'binary', description: 'the file; its type is read from its content' },
    text: { type: 'string', minLength: 1, maxLength: 10_000 },
    clientMessageId: { type: 'string', minLength: 1, maxLength: 128 },
  },
  required: ['file'],
  additionalProperties: false,
};

/** swagger `transformObject`: the multipart variant of upload endpoints shows its parts, not the JSON body. */
export function documentUploads(doc: { openapiObject?: unknown; swaggerObject?: unknown }): Record<string, unknown> {
  const api = (doc.openapiObject ?? doc.swaggerObject ?? {}) as Record<string, unknown>;
  type Op = { requestBody?: { content?: Record<string, { schema?: unknown }> } };
  for (const item of Object.values((api.paths ?? {}) as Record<string, Record<string, Op>>)) {
    for (const op of Object.values(item)) {
      const content = op?.requestBody?.content;
      // a new entry: swagger shares one media object between the content types of a route
      if (content?.['multipart/form-data']) content['multipart/form-data'] = { schema: MULTIPART_SCHEMA };
    }
  }
  return api;
}

const FormFields = z.strictObject({
  text: z.string().trim().min(1, 'text must not be empty').max(10_000).optional(),
  clientMessageId: z.string().min(1).max(128).optional(),
});

/** The parts of a multipart message: one `file`, optional `text` and `clientMessageId`. Malformed multipart → 400, too big → 413. */
export async function readMessageForm(req: FastifyRequest): Promise<{ text?: string | undefined; clientMessageId: string; upload: Upload }> {
  let upload: Upload | undefined;
  const fields: Record<string, string> = {};
  try {
    for await (const part of req.parts()) {
      if (part.type === 'file') {
        if (part.fieldname !== 'file') throw invalid(`unexpected file part "${part.fieldname}": send the file as "file"`, 'file');
        if (upload) throw invalid('send one file per message', 'file');
        upload = { name: part.filename, data: await part.toBuffer() };
        continue;
      }
      if (part.fieldnameTruncated || part.valueTruncated) throw new DomainError('payload_too_large', `the field ${part.fieldname} is too long`);
      if (part.fieldname !== 'text' && part.fieldname !== 'clientMessageId') throw invalid(`unknown field "${part.fieldname}"`, part.fieldname);
      if (part.fieldname in fields) throw invalid(`the field ${part.fieldname} is given twice`, part.fieldname);
      fields[part.fieldname] = String(part.value);
    }
  } catch (err) {
    if (err instanceof DomainError) throw err;
    const status = (err as { statusCode?: number }).statusCode;
    if (status === 413) throw new DomainError('payload_too_large', (err as Error).message || 'the upload is too large');
    throw invalid(`malformed multipart body: ${(err as Error).message || 'unreadable'}`, 'body');
  }
  if (!upload) throw invalid('a multipart message needs a file part named "file"', 'file');
  for (const [k, v] of Object.entries(fields)) if (v.includes('\u0000')) throw invalid(`${k}: NUL characters are not allowed`, k);
  const form = parseInput(FormFields, fields, 'body');
  return { text: form.text, clientMessageId: form.clientMessageId ?? randomUUID(), upload };
}

/** Handles POST …/messages for JSON and multipart alike. */
async function sendFromRequest(deps: Deps, p: Principal, conversationId: string, req: FastifyRequest): Promise<SendResult> {
  if (req.isMultipart()) return sendFileMessage(deps, p, conversationId, await readMessageForm(req));
  const body = req.body as z.infer<typeof SendMessageRequest> | null | undefined;
  if (!body) throw invalid('send JSON { text, clientMessageId } or multipart/form-data with a file', 'body');
  return sendMessage(deps, p, conversationId, body);
}

/**
 * POST `<path>` (with an `:id` conversation param): send a message as JSON or multipart, 201 for a
 * new message, 200 when its clientMessageId was already stored. The agent's and the consumer's
 * send routes differ only in their guard, the principal, the tags and the summary.
 */
export function sendMessageRoute(
  app: ZApp,
  deps: Deps,
  route: {
    path: string;
    access: 'conversation:act' | 'consumer';
    /** A bot's key may send too (http/access.ts `config.bot`). */
    bot?: boolean;
    principal: (req: FastifyRequest) => Principal;
    tags: string[];
    summary: string;
  },
): void {
  app.post(
    route.path,
    {
      config: { upload: true, access: route.access, ...(route.bot && { bot: true }) },
      schema: {
        tags: route.tags,
        security: bearerAuth,
        params: IdParams,
        ...messageBodySchema,
        summary: route.summary,
        response: { 200: Message, 201: Message },
      },
    },
    async (req, reply) => {
      const r = await sendFromRequest(deps, route.principal(req), req.params.id, req);
      return reply.code(r.created ? 201 : 200).send(r.message);
    },
  );
}

/** A file download: its real type, never sniffed, never run; images inline, everything else as an attachment. */
export function sendDownload(reply: FastifyReply, d: Download): FastifyReply {
  return reply
    .header('content-type', d.file.contentType)
    .header('content-length', String(d.size))
    .header('x-content-type-options', 'nosniff')
    .header('content-disposition', contentDisposition(isImage(d.file.contentType) ? 'inline' : 'attachment', d.file.name))
    .header('content-security-policy', "default-src 'none'; sandbox")
    .header('cross-origin-resource-policy', 'same-origin')
    .header('cache-control', 'private, max-age=3600')
    .send(d.stream);
}
