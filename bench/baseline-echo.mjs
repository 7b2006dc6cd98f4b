#!/usr/bin/env node
// Baseline for the load benchmark: the same stack as Parley (Fastify + Socket.IO on one HTTP server,
// the versions Parley uses) with none of Parley's work. `POST /rooms/:room/messages` takes the JSON
// body, wraps it like a Parley `message.created` envelope and emits it as "event" to the room; a
// socket on `/agent` joins the room named by `auth.token`. No auth, no database, no validation.
//
//   node bench/baseline-echo.mjs [--port 0]     → prints "baseline listening at http://127.0.0.1:PORT"
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';

// Resolve fastify and socket.io from the server workspace, so the baseline runs the very versions Parley does.
const require = createRequire(new URL('../packages/server/package.json', import.meta.url));
const Fastify = require('fastify');
const { Server } = require('socket.io');

const { values } = parseArgs({ options: { port: { type: 'string', default: '0' } }, strict: true });

const app = Fastify({ logger: false, bodyLimit: 1_048_576 });
const io = new Server(app.server, { serveClient: false, cors: { origin: true, credentials: false }, maxHttpBufferSize: 64 * 1024 });
const agents = io.of('/agent');

agents.use((socket, next) => {
  const token = socket.handshake.auth?.token;
  if (typeof token !== 'string' || !token) return next(new Error('unauthorized'));
  socket.data.room = token;
  next();
});
agents.on('connection', (socket) => {
  socket.join(socket.data.room);
  socket.emit('hello', { seq: 0 });
});

const seqs = new Map();
app.post('/rooms/:room/messages', async (req, reply) => {
  const { room } = req.params;
  const body = req.body ?? {};
  const seq = (seqs.get(room) ?? 0) + 1;
  seqs.set(room, seq);
  const now = new Date().toISOString();
  const message = {
    id: randomUUID(),
    conversationId: room,
    seq,
    senderType: 'consumer',
    senderId: room,
    text: body.text,
    file: null,
    clientMessageId: body.clientMessageId,
    createdAt: now,
  };
  agents.to(room).emit('event', { seq, type: 'message.created', at: now, data: message });
  return reply.code(201).send(message);
});

const address = await app.listen({ port: Number(values.port), host: '127.0.0.1' });
process.stdout.write(`baseline listening at ${address}\n`);

let closing = false;
const shutdown = () => {
  if (closing) return;
  closing = true;
  io.disconnectSockets(true);
  io.close(() => process.exit(0)); // also closes the HTTP server
  setTimeout(() => process.exit(0), 3000).unref();
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
