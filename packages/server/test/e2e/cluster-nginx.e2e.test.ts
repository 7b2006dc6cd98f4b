/**
 * The cluster behind a real load balancer, under faults: two nodes on PostgreSQL + Redis behind
 * nginx (Debian's, generated config with WebSocket upgrade; PARLEY_TRUST_PROXY), consumers writing
 * without pause and agents listening, all through nginx, while a node is SIGKILLed and restarted
 * three times (chaos.mjs; bench/chaos.mjs runs the same with ≥ 20 kills). Clients retry with the
 * same clientMessageId and reconnect through nginx to the survivor, then `sync`.
 *
 * Then: no acknowledged message lost or stored twice, transcripts in the order sent, every
 * acknowledged message in an agent's view exactly once, and every agent's view (across its
 * reconnects) identical to that of a socket on a third node that never went down.
 */
import { describe, expect, it } from 'vitest';
import { runChaos } from './chaos.mjs';
import { findNginx } from './nginx-proxy.mjs';

const dbUrl = process.env.PARLEY_TEST_DATABASE_URL || undefined;
const redisUrl = process.env.PARLEY_TEST_REDIS_URL || undefined;
const nginx = findNginx();

describe.skipIf(!dbUrl || !redisUrl || !nginx)('e2e: two nodes behind nginx, SIGKILLed under load', () => {
  it('loses and duplicates nothing acknowledged, and every agent ends with the view of a never-disconnected socket', async () => {
    const r = await runChaos({
      adminUrl: dbUrl ?? '',
      redisUrl: redisUrl ?? '',
      kills: 3,
      consumers: 8,
      agents: 3,
      minGapMs: 800,
      maxGapMs: 1500,
      thinkMs: 20,
    });
    const summary = JSON.stringify({ ...r, timeline: undefined }, null, 1);
    // The faults happened: three kills, with writes acknowledged (by the survivor) while a node was down.
    expect(r.kills, summary).toHaveLength(3);
    expect(
      r.kills.reduce((n, k) => n + k.ackedWhileDown, 0),
      summary,
    ).toBeGreaterThan(0);
    expect(r.acked, summary).toBeGreaterThan(0);
    // Storage: exactly what was acknowledged, once each, in order.
    expect({ lost: r.lost, duplicated: r.duplicated, outOfOrder: r.outOfOrder, unacknowledgedStored: r.unacknowledgedStored }, summary).toEqual({
      lost: 0,
      duplicated: 0,
      outOfOrder: 0,
      unacknowledgedStored: 0,
    });
    expect(r.stored, summary).toBe(r.acked);
    // Delivery: each acknowledged message reached an agent, and no agent twice.
    expect(r.undelivered, summary).toBe(0);
    for (const v of r.views) {
      expect(v, summary).toMatchObject({ equal: true, gapless: true, duplicateDeliveries: 0, referenceDisconnects: 0 });
      expect(v.liveSeq, summary).toBe(v.serverSeq);
      expect(v.referenceSeq, summary).toBe(v.serverSeq);
    }
    // Some agent socket was on a killed node and came back through nginx.
    expect(
      r.views.reduce((n, v) => n + v.reconnects, 0),
      summary,
    ).toBeGreaterThan(0);
  }, 90_000);
});
