#!/usr/bin/env node
// Chaos benchmark: two Parley nodes on PostgreSQL + Redis behind nginx, consumers writing and
// agents listening through nginx without pause, while a random node is SIGKILLed (and started
// again on its port) `--kills` times. Counts what was lost, duplicated or seen differently than
// by a socket on a third node that never went down (packages/server/test/e2e/chaos.mjs; the test
// suite runs a 3-kill version in cluster-nginx.e2e.test.ts). Writes the "chaos" section of RESULTS.md.
//
//   node bench/chaos.mjs [--kills 20] [--consumers 20] [--agents 5] [--gap-ms 1000-2500] [--think-ms 20] [--no-write]
// PostgreSQL: --database-url, else DATABASE_URL, else PARLEY_TEST_DATABASE_URL (may CREATE DATABASE);
// Redis: --redis-url, else REDIS_URL, else PARLEY_TEST_REDIS_URL. Needs `npm run build` and nginx.
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { runChaos } from '../packages/server/test/e2e/chaos.mjs';
import { findNginx } from '../packages/server/test/e2e/nginx-proxy.mjs';
import { writeSection } from './sections.mjs';

const { values: opts } = parseArgs({
  options: {
    kills: { type: 'string', default: '20' },
    consumers: { type: 'string', default: '20' },
    agents: { type: 'string', default: '5' },
    'gap-ms': { type: 'string', default: '1000-2500' },
    'think-ms': { type: 'string', default: '20' },
    'database-url': { type: 'string' },
    'redis-url': { type: 'string' },
    'no-write': { type: 'boolean', default: false },
  },
  strict: true,
});
const adminUrl = opts['database-url'] || process.env.DATABASE_URL || process.env.PARLEY_TEST_DATABASE_URL;
const redisUrl = opts['redis-url'] || process.env.REDIS_URL || process.env.PARLEY_TEST_REDIS_URL;
if (!adminUrl || !redisUrl) throw new Error('chaos: needs PostgreSQL (--database-url) and Redis (--redis-url)');
if (!findNginx()) throw new Error('chaos: nginx is not installed (apt-get install nginx)');
const [minGapMs, maxGapMs] = opts['gap-ms'].split('-').map(Number);
const kills = Number(opts.kills);
if (!(kills >= 1 && kills <= 200)) throw new Error('--kills: 1..200');
if (!(minGapMs > 0 && maxGapMs >= minGapMs && maxGapMs <= 60_000)) throw new Error('--gap-ms: MIN-MAX in ms');

const load0 = loadavg();
const started = new Date();
const r = await runChaos({
  adminUrl,
  redisUrl,
  kills,
  consumers: Number(opts.consumers),
  agents: Number(opts.agents),
  minGapMs,
  maxGapMs,
  thinkMs: Number(opts['think-ms']),
  log: (line) => process.stderr.write(`chaos: ${line}\n`),
});
const load1 = loadavg();
const la = (l) => l.map((x) => x.toFixed(2)).join(' / ');
const restart = r.kills.map((k) => k.restartMs).sort((a, b) => a - b);
const median = restart[Math.floor(restart.length / 2)] ?? 0;
const byNode = r.kills.reduce((m, k) => m.set(k.node, (m.get(k.node) ?? 0) + 1), new Map());
const views = r.views;
const allEqual = views.every((v) => v.equal && v.gapless && v.duplicateDeliveries === 0 && v.liveSeq === v.serverSeq && v.referenceSeq === v.serverSeq);
const ok = r.lost === 0 && r.duplicated === 0 && r.outOfOrder === 0 && r.undelivered === 0 && r.unacknowledgedStored === 0 && allEqual;
const md = `## Chaos (two nodes behind nginx, SIGKILL under load)

Written by \`node bench/chaos.mjs\` (after \`npm run build\`); ${started.toISOString().replace(/\.\d+Z$/, 'Z')}, ${cpus().length} CPU(s), Node ${process.version}; load average at start ${la(load0)}, at the end ${la(load1)} (the machine is shared: other sessions' work runs beside it).

Set-up: two \`parley serve\` nodes on one fresh PostgreSQL database and one Redis behind nginx (generated config, WebSocket upgrade, \`PARLEY_TRUST_PROXY=127.0.0.1\`), plus a third node, not behind nginx and never killed, holding a reference socket per agent. ${r.consumers} consumers write back to back through nginx (${opts['think-ms']} ms think time), each write retried with the same \`clientMessageId\` until acknowledged; ${r.agents} agents listen through nginx (socket.io-client reconnection with jittered exponential backoff, then \`sync { afterSeq }\`). Every ${minGapMs}–${maxGapMs} ms a random node behind nginx is SIGKILLed and started again on its port.

| measure | value |
| --- | ---: |
| SIGKILLs | **${r.kills.length}** (${[...byNode].map(([n, c]) => `${n}: ${c}`).join(', ')}) |
| load duration | ${r.loadSec} s |
| writes acknowledged | ${r.acked.toLocaleString('en-US')} (${Math.round(r.acked / r.loadSec)} per s) |
| attempts / failed attempts (retried) / answered 200 (stored by an earlier attempt) | ${r.attempts.toLocaleString('en-US')} / ${r.failedAttempts} / ${r.repeats} |
| restart of a killed node until it listens (median / max) | ${median} ms / ${restart[restart.length - 1] ?? 0} ms |
| longest stretch with no write acknowledged | ${r.maxAckGapMs} ms |
| **acknowledged messages lost** | **${r.lost}** |
| **stored twice** | **${r.duplicated}** |
| transcripts out of the order sent | ${r.outOfOrder} |
| acknowledged but in no agent's view | ${r.undelivered} |
| agent views equal to the never-disconnected reference (gapless, each message once, at the server's seq) | **${views.filter((v) => v.equal && v.gapless && v.duplicateDeliveries === 0 && v.liveSeq === v.serverSeq).length} / ${views.length}** |
| agent socket reconnects through nginx / syncs asked | ${views.reduce((n, v) => n + v.reconnects, 0)} / ${views.reduce((n, v) => n + v.syncs, 0)} |
| reference sockets that dropped | ${views.reduce((n, v) => n + v.referenceDisconnects, 0)} |

${ok ? '**Result: nothing acknowledged was lost or duplicated, and every agent ended with the reference view.**' : '**Result: FAILED — see the counts above.**'}
`;
process.stdout.write(`\n${md}\n`);
if (!opts['no-write']) {
  writeSection('chaos', md);
  process.stderr.write('chaos: wrote the chaos section of bench/RESULTS.md\n');
}
process.exit(ok ? 0 : 1);
