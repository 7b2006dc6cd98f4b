import swagger from '@fastify/swagger';
import { ENDPOINTS, type EndpointSpec } from '@parley/contract';
import Fastify from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../harness.js';

type Operation = {
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>;
};
type Doc = { paths: Record<string, Record<string, Operation>> };

const entries = Object.entries(ENDPOINTS as Record<string, EndpointSpec>).map(([key, spec]) => {
  const [method = '', path = ''] = key.split(' ');
  return { key, method: method.toLowerCase(), path, spec };
});

/** The OpenAPI document the server would generate for routes declaring exactly the contract's schemas. */
async function contractDocument(): Promise<Doc> {
  const app = Fastify().withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  await app.register(swagger, { openapi: { openapi: '3.1.0', info: { title: 'contract', version: '1' } }, transform: jsonSchemaTransform });
  for (const { method, path, spec } of entries) {
    const response = spec.response === null || spec.response === 'text' ? {} : { 200: spec.response };
    app.route({
      method: method.toUpperCase() as 'GET',
      url: path.replace(/\{(\w+)\}/g, ':$1'),
      schema: { ...(spec.body && !spec.multipart && { body: spec.body }), response },
      handler: async () => null,
    });
  }
  await app.ready();
  const doc = app.swagger() as unknown as Doc;
  await app.close();
  return doc;
}

const successSchema = (op: Operation | undefined) =>
  Object.entries(op?.responses ?? {}).find(([code]) => /^2/.test(code))?.[1].content?.['application/json']?.schema;

/**
 * The typed client's endpoint table (packages/contract endpoints.ts) says what the server does:
 * every entry is a route, with the same body and success schema, so a type the workspace or the
 * widget reads cannot drift from what the server sends.
 */
describe('the contract endpoint table', () => {
  let t: TestApp;
  let served: Doc;
  let contract: Doc;
  beforeAll(async () => {
    t = await startTestApp('sqlite');
    served = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json() as Doc;
    contract = await contractDocument();
  });
  afterAll(async () => t.stop());

  it('every entry is a route of the server', () => {
    expect(entries.length).toBeGreaterThan(60);
    expect(entries.filter((e) => !served.paths[e.path]?.[e.method]).map((e) => e.key)).toEqual([]);
  });

  it('every entry declares the success answer of its route: the same schema, none for 204 and text answers', () => {
    const differ: string[] = [];
    for (const e of entries) {
      const route = served.paths[e.path]?.[e.method];
      if (e.spec.response === null) {
        if (!route?.responses?.['204']) differ.push(`${e.key}: the route does not answer 204`);
      } else if (e.spec.response === 'text') {
        if (successSchema(route) !== undefined) differ.push(`${e.key}: the route answers JSON`);
      } else if (JSON.stringify(successSchema(route)) !== JSON.stringify(successSchema(contract.paths[e.path]?.[e.method]))) {
        differ.push(`${e.key}: the response schema differs`);
      }
    }
    expect(differ).toEqual([]);
  });

  it('every entry with a JSON body takes the body schema of its route', () => {
    const differ = entries
      .filter((e) => e.spec.body && !e.spec.multipart)
      .filter((e) => {
        const body = (d: Doc) => d.paths[e.path]?.[e.method]?.requestBody?.content?.['application/json']?.schema;
        return JSON.stringify(body(served)) !== JSON.stringify(body(contract));
      })
      .map((e) => e.key);
    expect(differ).toEqual([]);
  });
});
