import {
  ContentCategory,
  ContentItem,
  CreateContentCategoryRequest,
  CreateContentRequest,
  UpdateContentCategoryRequest,
  UpdateContentRequest,
} from '@parley/contract';
import { z } from 'zod';
import {
  createCategory,
  createContent,
  deleteCategory,
  deleteContent,
  listCategories,
  listContent,
  updateCategory,
  updateContent,
} from '../../services/content.service.js';
import { userOf } from '../auth.js';
import { bearerAuth, IdParams, NoContent, type RouteContext, WholeList, wholeList, type ZApp } from './types.js';

export function contentRoutes(app: ZApp, { deps }: RouteContext): void {
  const tags = ['predefined content'];
  const security = bearerAuth;
  app.get(
    '/api/v1/content/categories',
    { config: { access: 'user' }, schema: { tags, security, response: { 200: WholeList(ContentCategory) } } },
    async (req) => wholeList(await listCategories(deps, userOf(req).accountId)),
  );
  app.post(
    '/api/v1/content/categories',
    { config: { access: 'manager' }, schema: { tags, security, body: CreateContentCategoryRequest, response: { 201: ContentCategory } } },
    async (req, reply) => reply.code(201).send(await createCategory(deps, userOf(req).accountId, req.body)),
  );
  app.patch(
    '/api/v1/content/categories/:id',
    { config: { access: 'manager' }, schema: { tags, security, params: IdParams, body: UpdateContentCategoryRequest, response: { 200: ContentCategory } } },
    async (req) => updateCategory(deps, userOf(req).accountId, req.params.id, req.body),
  );
  app.delete(
    '/api/v1/content/categories/:id',
    { config: { access: 'manager' }, schema: { tags, security, params: IdParams, response: { 204: NoContent } } },
    async (req, reply) => {
      await deleteCategory(deps, userOf(req).accountId, req.params.id);
      return reply.code(204).send(null);
    },
  );
  app.get(
    '/api/v1/content',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Predefined content; q matches title and text, not category names',
        security,
        querystring: z.strictObject({ q: z.string().max(200).optional() }),
        response: { 200: WholeList(ContentItem) },
      },
    },
    async (req) => wholeList(await listContent(deps, userOf(req).accountId, req.query.q)),
  );
  app.post(
    '/api/v1/content',
    { config: { access: 'manager' }, schema: { tags, security, body: CreateContentRequest, response: { 201: ContentItem } } },
    async (req, reply) => reply.code(201).send(await createContent(deps, userOf(req).accountId, req.body)),
  );
  app.patch(
    '/api/v1/content/:id',
    { config: { access: 'manager' }, schema: { tags, security, params: IdParams, body: UpdateContentRequest, response: { 200: ContentItem } } },
    async (req) => updateContent(deps, userOf(req).accountId, req.params.id, req.body),
  );
  app.delete(
    '/api/v1/content/:id',
    { config: { access: 'manager' }, schema: { tags, security, params: IdParams, response: { 204: NoContent } } },
    async (req, reply) => {
      await deleteContent(deps, userOf(req).accountId, req.params.id);
      return reply.code(204).send(null);
    },
  );
}
