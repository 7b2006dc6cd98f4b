import {
  ContentCategory,
  ContentItem,
  CreateContentCategoryRequest,
  CreateContentRequest,
  SuggestionList,
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
import { suggestionsFor } from '../../services/suggestions.service.js';
import { actorOf } from '../actor.js';
import { userOf, userOrBotOf } from '../auth.js';
import { cursorPart, keysetPage, Page, pageQuery } from '../pagination.js';
import { bearerAuth, IdParams, NoContent, type RouteContext, type ZApp } from './types.js';

/** Categories and content are ordered by position, then name (title), then id. */
const OrderedPosition = z.tuple([cursorPart.int, cursorPart.string, cursorPart.string]);

export function contentRoutes(app: ZApp, { deps }: RouteContext): void {
  const tags = ['predefined content'];
  const security = bearerAuth;
  app.get(
    '/api/v1/content/categories',
    {
      config: { access: 'user' },
      schema: {
        tags,
        security,
        summary: 'Categories by position',
        querystring: z.strictObject(pageQuery(OrderedPosition)),
        response: { 200: Page(ContentCategory) },
      },
    },
    async (req) => {
      const { limit, cursor } = req.query;
      const rows = await listCategories(deps, userOf(req).accountId, { after: cursor, limit: limit + 1 });
      return keysetPage(rows, limit, (c) => [c.position, c.name, c.id]);
    },
  );
  app.post(
    '/api/v1/content/categories',
    { config: { access: 'manager' }, schema: { tags, security, body: CreateContentCategoryRequest, response: { 201: ContentCategory } } },
    async (req, reply) => reply.code(201).send(await createCategory(deps, userOf(req).accountId, req.body, actorOf(req))),
  );
  app.patch(
    '/api/v1/content/categories/:id',
    { config: { access: 'manager' }, schema: { tags, security, params: IdParams, body: UpdateContentCategoryRequest, response: { 200: ContentCategory } } },
    async (req) => updateCategory(deps, userOf(req).accountId, req.params.id, req.body, actorOf(req)),
  );
  app.delete(
    '/api/v1/content/categories/:id',
    { config: { access: 'manager' }, schema: { tags, security, params: IdParams, response: { 204: NoContent } } },
    async (req, reply) => {
      await deleteCategory(deps, userOf(req).accountId, req.params.id, actorOf(req));
      return reply.code(204).send(null);
    },
  );
  app.get(
    '/api/v1/content',
    {
      // A bot's key reads the predefined content too (the FAQ bot answers from it).
      config: { access: 'user', bot: true },
      schema: {
        tags,
        summary: 'Predefined content; q matches title and text, not category names',
        security,
        querystring: z.strictObject({ q: z.string().max(200).optional(), ...pageQuery(OrderedPosition) }),
        response: { 200: Page(ContentItem) },
      },
    },
    async (req) => {
      const { q, limit, cursor } = req.query;
      const items = await listContent(deps, userOrBotOf(req).accountId, q, { after: cursor, limit: limit + 1 });
      return keysetPage(items, limit, (i) => [i.position, i.title, i.id]);
    },
  );
  app.post(
    '/api/v1/content',
    { config: { access: 'manager' }, schema: { tags, security, body: CreateContentRequest, response: { 201: ContentItem } } },
    async (req, reply) => reply.code(201).send(await createContent(deps, userOf(req).accountId, req.body, actorOf(req))),
  );
  app.patch(
    '/api/v1/content/:id',
    { config: { access: 'manager' }, schema: { tags, security, params: IdParams, body: UpdateContentRequest, response: { 200: ContentItem } } },
    async (req) => updateContent(deps, userOf(req).accountId, req.params.id, req.body, actorOf(req)),
  );
  app.delete(
    '/api/v1/content/:id',
    { config: { access: 'manager' }, schema: { tags, security, params: IdParams, response: { 204: NoContent } } },
    async (req, reply) => {
      await deleteContent(deps, userOf(req).accountId, req.params.id, actorOf(req));
      return reply.code(204).send(null);
    },
  );
  app.get(
    '/api/v1/conversations/:id/suggestions',
    {
      config: { access: 'conversation:read' },
      schema: {
        tags,
        security,
        summary: "Suggested answers: up to 5 predefined content items for the consumer's latest unanswered messages, best first, each with a score",
        params: IdParams,
        response: { 200: SuggestionList },
      },
    },
    async (req) => suggestionsFor(deps, userOf(req), req.params.id),
  );
}
