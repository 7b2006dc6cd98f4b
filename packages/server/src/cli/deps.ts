import { join } from 'node:path';
import pino from 'pino';
import { type Config, databaseOptions } from '../config.js';
import { type Clock, systemClock } from '../domain/clock.js';
import { createOutboundHttp } from '../outbound/guarded-http.js';
import { createReadCaches } from '../services/caches.js';
import type { Deps } from '../services/context.js';
import { createFileDeps } from '../services/files.service.js';
import { openDatabase } from '../storage/db.js';

/**
 * The services' dependencies for a one-off command (`parley account create`, `parley retention
 * run`): the configured database (migrated) and files folder, no realtime (nobody listens), no
 * routing, a silent log. Closed when `fn` ends.
 */
export async function withCliDeps<T>(config: Config, fn: (deps: Deps) => Promise<T>, opts: { clock?: Clock } = {}): Promise<T> {
  const db = await openDatabase(databaseOptions(config));
  try {
    const clock = opts.clock ?? systemClock;
    const deps: Deps = {
      db,
      clock,
      log: pino({ level: 'silent' }),
      publisher: { publish: () => undefined, disconnect: async () => undefined, refreshRights: async () => undefined },
      kickRouting: () => undefined,
      timersChanged: () => undefined,
      outbound: createOutboundHttp({ allow: config.outboundAllow }),
      files: await createFileDeps(db, { dir: join(config.dataDir, 'files') }),
      caches: createReadCaches(clock),
    };
    return await fn(deps);
  } finally {
    await db.close();
  }
}
