import { CreateSkillRequest, SkillWithOverrides, UpdateSkillRequest } from '@parley/contract';
import { z } from 'zod';
import { createSkill, listAccountSkills, patchSkill, removeSkill } from '../../services/skills.service.js';
import { actorOf } from '../actor.js';
import { userOf } from '../auth.js';
import { cursorPart, keysetPage, Page, pageQuery } from '../pagination.js';
import { bearerAuth, IdParams, NoContent, type RouteContext, type ZApp } from './types.js';

/** Skills by name: the position is `[name, id]` (the consumer's list of skills pages the same way). */
export const SkillPosition = z.tuple([cursorPart.string, cursorPart.string]);

export function skillsRoutes(app: ZApp, { deps }: RouteContext): void {
  const tags = ['skills (manager)'];
  app.get(
    '/api/v1/skills',
    {
      config: { access: 'manager' },
      schema: {
        tags,
        security: bearerAuth,
        summary: 'Skills by name',
        querystring: z.strictObject(pageQuery(SkillPosition)),
        response: { 200: Page(SkillWithOverrides) },
      },
    },
    async (req) => {
      const { limit, cursor } = req.query;
      const skills = await listAccountSkills(deps, userOf(req).accountId, { after: cursor, limit: limit + 1 });
      return keysetPage(skills, limit, (s) => [s.name, s.id]);
    },
  );
  app.post(
    '/api/v1/skills',
    { config: { access: 'manager' }, schema: { tags, security: bearerAuth, body: CreateSkillRequest, response: { 201: SkillWithOverrides } } },
    async (req, reply) => reply.code(201).send(await createSkill(deps, userOf(req).accountId, req.body, actorOf(req))),
  );
  app.patch(
    '/api/v1/skills/:id',
    {
      config: { access: 'manager' },
      schema: { tags, security: bearerAuth, params: IdParams, body: UpdateSkillRequest, response: { 200: SkillWithOverrides } },
    },
    async (req) => patchSkill(deps, userOf(req).accountId, req.params.id, req.body, actorOf(req)),
  );
  app.delete(
    '/api/v1/skills/:id',
    { config: { access: 'manager' }, schema: { tags, security: bearerAuth, params: IdParams, response: { 204: NoContent } } },
    async (req, reply) => {
      await removeSkill(deps, userOf(req).accountId, req.params.id, actorOf(req));
      return reply.code(204).send(null);
    },
  );
}
