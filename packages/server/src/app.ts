import { randomUUID } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import pino, { type Logger } from 'pino';
import type { TrustProxy } from './config.js';
import { type Clock, systemClock } from './domain/clock.js';
import { documentAccess, enforceDeclaredAccess } from './http/access.js';
import { guards } from './http/auth.js';
import { trustProxyOption } from './http/client-address.js';
import { registerEmbedScript } from './http/embed.js';
import { registerInputGuards } from './http/input.js';
import { registerMetrics } from './http/metrics.js';
import { frameworkErrorProblem, problem, registerProblemHandlers, sendProblem } from './http/problem.js';
import { accountRoutes } from './http/routes/account.routes.js';
import { apiKeysRoutes } from './http/routes/api-keys.routes.js';
import { auditRoutes } from './http/routes/audit.routes.js';
import { authRoutes } from './http/routes/auth.routes.js';
import { botsRoutes } from './http/routes/bots.routes.js';
import { businessHoursRoutes } from './http/routes/business-hours.routes.js';
import { channelsRoutes } from './http/routes/channels.routes.js';
import { consumerRoutes } from './http/routes/consumer.routes.js';
import { consumersRoutes } from './http/routes/consumers.routes.js';
import { contentRoutes } from './http/routes/content.routes.js';
import { conversationsRoutes } from './http/routes/conversations.routes.js';
import { dispositionsRoutes } from './http/routes/dispositions.routes.js';
import { filesRoutes } from './http/routes/files.routes.js';
import { labelsRoutes } from './http/routes/labels.routes.js';
import { meRoutes } from './http/routes/me.routes.js';
import { notesRoutes } from './http/routes/notes.routes.js';
import { reportsRoutes } from './http/routes/reports.routes.js';
import { skillsRoutes } from './http/routes/skills.routes.js';
import { ssoRoutes } from './http/routes/sso.routes.js';
import { statusReasonsRoutes } from './http/routes/status-reasons.routes.js';
import { surveysRoutes } from './http/routes/surveys.routes.js';
import type { RouteContext } from './http/routes/types.js';
import { usersRoutes } from './http/routes/users.routes.js';
import { webhooksRoutes } from './http/routes/webhooks.routes.js';
import { securityHeaders } from './http/security-headers.js';
import { registerWorkspace } from './http/static.js';
import { documentUploads, registerUploads } from './http/uploads.js';
import { validatorCompiler } from './http/validation.js';
import { registerWidget } from './http/widget.js';
import { createOutboundHttp, type Resolver } from './outbound/guarded-http.js';
import type { HandshakeLimits } from './realtime/handshake-gate.js';
import { attachRealtime, type Realtime } from './realtime/socket.js';
import { ensureAuditRetention } from './services/audit.service.js';
import { botTurnJob } from './services/bots.service.js';
import { createReadCaches } from './services/caches.js';
import type { Deps } from './services/context.js';
import { crmSyncJob } from './services/crm-sync.service.js';
import { createFileDeps } from './services/files.service.js';
import { createJobRunner } from './services/jobs.service.js';
import { deliveryJob } from './services/outbound.service.js';
import { createRoutingKicker } from './services/routing.service.js';
import { timerHandlers } from './services/timer-handlers.js';
import { createScheduler, type Scheduler } from './services/timers.service.js';
import { webhookJob } from './services/webhooks.service.js';
import type { Database } from './storage/db.js';
import { listAccountsWithQueued } from './storage/repos/queue.repo.js';

export interface AppOptions {
  db: Database;
  clock?: Clock;
  /** A pino logger; silent when omitted. */
  logger?: Logger;
  redisUrl?: string | undefined;
  /** Socket.IO handshakes per second and at once, per node (PARLEY_HANDSHAKE_RATE / _CONCURRENCY); over them a handshake is shed with a retry hint. */
  handshakeLimits?: HandshakeLimits | undefined;
  bodyLimit?: number;
  loginRateLimitPerMinute?: number;
  /** 'auto' runs the durable-timer loop; 'manual' leaves firing to `timers.tick()` (tests with a fake clock). */
  timers?: 'auto' | 'manual';
  /** Folder of uploaded files (main.ts: `<data>/files`); a folder under the OS temp dir when omitted. */
  filesDir?: string;
  /** Largest upload in bytes (PARLEY_MAX_UPLOAD_BYTES, default 25 MB). */
  maxUploadBytes?: number;
  /** Public base URL of channel webhooks (PARLEY_PUBLIC_URL); else derived from each request. */
  publicUrl?: string | undefined;
  /** Queued conversations read per routing transaction (default 500; tests use small pages). */
  routingPageSize?: number;
  /** PARLEY_OUTBOUND_ALLOW: hosts, addresses and CIDRs outbound requests may reach although private (default: none). */
  outboundAllow?: readonly string[];
  /** How outbound requests resolve names (default dns.lookup; tests inject one to play DNS rebinding). */
  outboundResolver?: Resolver;
  /** Whose X-Forwarded-For gives `req.ip` (PARLEY_TRUST_PROXY); default false: the TCP peer. */
  trustProxy?: TrustProxy;
  /** New consumer sessions per client address per minute (PARLEY_RATE_LIMIT_CONSUMER_SESSIONS, default 120). */
  consumerSessionRateLimitPerMinute?: number;
  /** PARLEY_HSTS=on: `Strict-Transport-Security` on every response. */
  hsts?: boolean;
  /** PARLEY_METRICS_TOKEN: `/metrics` wants this bearer token; open when unset. */
  metricsToken?: string | undefined;
  /** Requests per API key per minute, per node (PARLEY_API_KEY_RATE_LIMIT_PER_MINUTE, default 600). */
  apiKeyRatePerMinute?: number;
  /** Where the rate limiter keeps its counters: default Redis at `redisUrl` (namespace `parley-rl-`) or memory; tests pass a namespace of their own. */
  rateLimitStore?: { redisUrl: string; nameSpace: string };
}

export interface ParleyApp {
  app: FastifyInstance;
  deps: Deps;
  realtime: Realtime;
  /** Resolves when no routing run is in progress (tests). */
  routingIdle(): Promise<void>;
  timers: Scheduler;
  close(): Promise<void>;
}

/** Builds the HTTP app, realtime and routing around a database. Never listens: callers do (tests use inject() or listen on port 0). */
export async function buildApp(opts: AppOptions): Promise<ParleyApp> {
  const log = opts.logger ?? pino({ level: 'silent' });
  const security = securityHeaders({ hsts: opts.hsts ?? false });
  const app = Fastify({
    loggerInstance: log as FastifyBaseLogger,
    bodyLimit: opts.bodyLimit ?? 1_048_576,
    // req.ip (rate limits, login lockout, logs): the TCP peer unless proxies are trusted.
    trustProxy: trustProxyOption(opts.trustProxy),
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
    },
    requestIdHeader: false,
    // One access-log line per request (the onResponse hook below) instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    ajv: { customOptions: { removeAdditional: false } },
    frameworkErrors: (err, req, reply) => {
      security.set(reply);
      frameworkErrorProblem(err, req, reply);
    },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // Hooks on every request are callback-style: an async hook costs a promise per request.
  app.addHook('onRequest', (req, reply, done) => {
    reply.header('x-request-id', req.id);
    done();
  });
  // Access log: one line per request, at info for the API and at debug for probes, metrics and
  // static files (the workspace, widget and docs assets), which would otherwise drown the rest.
  app.addHook('onResponse', (req, reply, done) => {
    const quiet = req.method === 'GET' && !req.url.startsWith('/api/');
    const line = { method: req.method, url: req.url, ip: req.ip, statusCode: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10 };
    if (reply.statusCode >= 500) req.log.error(line, 'request failed');
    else if (quiet) req.log.debug(line, 'request');
    else req.log.info(line, 'request');
    done();
  });
  registerProblemHandlers(app);
  registerInputGuards(app);

  // Routing needs deps, deps need the kicker: late-bound through a getter.
  let deps: Deps;
  const getDeps = () => deps;
  const routing = createRoutingKicker(getDeps);
  const realtime = await attachRealtime(app.server, getDeps, { redisUrl: opts.redisUrl, handshakeLimits: opts.handshakeLimits });
  security.register(app);
  // Durable jobs (ADR 12): each kind's queues run on the timers (one timer per kind and ordering key).
  const jobs = createJobRunner();
  jobs.registerJobKind('delivery', deliveryJob);
  jobs.registerJobKind('crm_sync', crmSyncJob);
  jobs.registerJobKind('webhook', webhookJob);
  jobs.registerJobKind('bot', botTurnJob);
  const timers = createScheduler(getDeps, { ...timerHandlers, ...jobs.timerHandlers() }, { pollMs: opts.db.dialect === 'postgres' ? 1000 : 5000 });
  deps = {
    db: opts.db,
    clock: opts.clock ?? systemClock,
    publisher: realtime.publisher,
    log,
    kickRouting: routing.kick,
    timersChanged: (dueAt) => timers.notify(dueAt),
    files: await createFileDeps(opts.db, { dir: opts.filesDir, maxUploadBytes: opts.maxUploadBytes }),
    ...(opts.routingPageSize !== undefined && { routingPageSize: opts.routingPageSize }),
    outbound: createOutboundHttp({ allow: opts.outboundAllow ?? [], ...(opts.outboundResolver && { resolver: opts.outboundResolver }) }),
    ...(opts.publicUrl && { publicUrl: opts.publicUrl.replace(/\/+$/, '') }),
    caches: createReadCaches(opts.clock ?? systemClock),
  };
  // Every /api/ route declares who may call it (config.access); its guard is derived from that.
  const routeGuards = guards(deps, { ...(opts.apiKeyRatePerMinute !== undefined && { apiKeyRatePerMinute: opts.apiKeyRatePerMinute }) });
  const accessRegistry = enforceDeclaredAccess(app, routeGuards);
  await registerUploads(app, deps);

  const rateStore = opts.rateLimitStore ?? (opts.redisUrl ? { redisUrl: opts.redisUrl, nameSpace: 'parley-rl-' } : undefined);
  const rateRedis = rateStore ? new (await import('ioredis')).Redis(rateStore.redisUrl, { maxRetriesPerRequest: 1, connectTimeout: 500 }) : undefined;
  await app.register(rateLimit, {
    global: false,
    ...(rateRedis && rateStore && { redis: rateRedis, nameSpace: rateStore.nameSpace }),
    errorResponseBuilder: (_req, ctx) => ({ ...problem('rate_limited', `too many requests; retry in ${Math.ceil(ctx.ttl / 1000)} s`), statusCode: 429 }),
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Parley API', version: '1.0.0', description: 'Public API v1 of Parley, the open-source messaging contact center.' },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } } },
    },
    transform: jsonSchemaTransform,
    transformObject: (doc) => documentAccess(documentUploads(doc), accessRegistry),
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  registerMetrics(app, { db: opts.db, sockets: realtime.connectedSockets, token: opts.metricsToken });

  await registerWorkspace(app, deps);
  app.get('/api/v1/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () => app.swagger());
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_req, reply) => {
    try {
      await opts.db.ping();
      return { status: 'ready' };
    } catch {
      return sendProblem(reply, problem('unavailable', 'database not reachable'));
    }
  });

  const ctx: RouteContext = { deps, guards: routeGuards, loginRateLimitPerMinute: opts.loginRateLimitPerMinute ?? 30 };
  authRoutes(app, ctx);
  ssoRoutes(app, ctx, { publicUrl: opts.publicUrl });
  usersRoutes(app, ctx);
  skillsRoutes(app, ctx);
  accountRoutes(app, ctx);
  businessHoursRoutes(app, ctx);
  statusReasonsRoutes(app, ctx);
  dispositionsRoutes(app, ctx);
  labelsRoutes(app, ctx);
  meRoutes(app, ctx);
  conversationsRoutes(app, ctx);
  consumerRoutes(app, ctx, { sessionsPerMinute: opts.consumerSessionRateLimitPerMinute ?? 120 });
  contentRoutes(app, ctx);
  notesRoutes(app, ctx);
  registerWidget(app);
  registerEmbedScript(app);
  filesRoutes(app, ctx);
  surveysRoutes(app, ctx);
  channelsRoutes(app, ctx, { publicUrl: opts.publicUrl });
  reportsRoutes(app, ctx);
  auditRoutes(app, ctx);
  consumersRoutes(app, ctx);
  apiKeysRoutes(app, ctx);
  webhooksRoutes(app, ctx);
  botsRoutes(app, ctx);

  await app.ready();
  // Accounts made before the audit log (or by an older node) get their daily audit-retention timer.
  await ensureAuditRetention(deps);
  // A node that died between a commit and its routing run leaves conversations queued: every node
  // sweeps the queues now and then, besides the start-up sweep in main.ts.
  let sweeper: NodeJS.Timeout | undefined;
  if (opts.timers !== 'manual') {
    timers.start();
    sweeper = setInterval(() => void sweepQueued(deps).catch((err) => log.error({ err }, 'queue sweep failed')), 15_000);
    sweeper.unref();
  }

  return {
    app,
    deps,
    realtime,
    timers,
    routingIdle: routing.idle,
    async close() {
      if (sweeper) clearInterval(sweeper);
      await timers.stop();
      await realtime.close();
      await app.close();
      await routing.idle();
      rateRedis?.disconnect();
    },
  };
}

/** On start-up: route whatever was left queued (e.g. by a crash between commit and routing). */
export async function sweepQueued(deps: Deps): Promise<void> {
  for (const accountId of await listAccountsWithQueued(deps.db.kysely)) deps.kickRouting(accountId);
}
