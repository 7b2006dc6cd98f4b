import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { secretEqual } from '../channels/signatures.js';
import type { Database } from '../storage/db.js';
import { countQueuedEverywhere } from '../storage/repos/queue.repo.js';
import { problem, sendProblem } from './problem.js';

/**
 * Prometheus metrics: one registry per app instance. With `token` (PARLEY_METRICS_TOKEN) a scrape
 * must send `Authorization: Bearer <token>` (compared in constant time); otherwise 401 problem JSON.
 * Without it `/metrics` is open, for a scraper on a private network.
 */
export function registerMetrics(app: FastifyInstance, opts: { db: Database; sockets: () => number; token?: string | undefined }) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const http = new Histogram({
    name: 'parley_http_request_duration_seconds',
    help: 'HTTP request latency',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const messages = new Counter({ name: 'parley_messages_total', help: 'Messages stored', labelNames: ['sender'], registers: [registry] });
  new Gauge({
    name: 'parley_sockets',
    help: 'Connected realtime sockets on this node',
    registers: [registry],
    collect() {
      this.set(opts.sockets());
    },
  });
  new Gauge({
    name: 'parley_queue_depth',
    help: 'Queued conversations (all accounts)',
    registers: [registry],
    async collect() {
      this.set(await countQueuedEverywhere(opts.db.kysely));
    },
  });
  app.addHook('onResponse', (req, reply, done) => {
    const route = req.routeOptions.url ?? 'unmatched';
    http.observe({ method: req.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    if (reply.statusCode === 201 && req.method === 'POST' && route.endsWith('/messages')) {
      messages.inc({ sender: route.startsWith('/api/v1/consumer') ? 'consumer' : 'agent' });
    }
    done();
  });
  const { token } = opts;
  const scraperOnly = token
    ? (req: FastifyRequest, reply: FastifyReply, done: () => void) => {
        const given = /^Bearer (\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
        if (given !== undefined && secretEqual(given, token)) return done();
        reply.header('www-authenticate', 'Bearer realm="metrics"');
        sendProblem(reply, problem('unauthorized', 'metrics need the bearer token PARLEY_METRICS_TOKEN'));
      }
    : undefined;
  app.get('/metrics', { schema: { hide: true }, ...(scraperOnly && { onRequest: scraperOnly }) }, async (_req, reply) =>
    reply.type(registry.contentType).send(await registry.metrics()),
  );
  return registry;
}
