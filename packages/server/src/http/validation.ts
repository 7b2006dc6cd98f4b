import type { FastifySchemaCompiler } from 'fastify';
import type { ZodType } from 'zod';
import { invalidFields } from '../domain/errors.js';
import { readableIssue } from '../domain/validation.js';

/** Fastify's validator compiler for the zod route schemas; `httpPart` names the part (`body`, `querystring`, `params`). */
export const validatorCompiler: FastifySchemaCompiler<ZodType> =
  ({ schema, httpPart }) =>
  (data) => {
    const r = schema.safeParse(data, { error: readableIssue });
    return r.success ? { value: r.data } : { error: invalidFields(httpPart ?? 'body', r.error.issues) };
  };
