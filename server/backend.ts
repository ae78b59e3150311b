/**
 * Where a server keeps its state, from its configuration (the same on Node and Deno):
 *
 * - without DATABASE_URL: one SQLite file in DATA_DIR for the rooms and the sessions API, and this
 *   server alone serves every room (LocalLeases, as app.ts defaults to);
 * - with DATABASE_URL: PostgreSQL for the rooms (PostgresStore), the sessions API
 *   (PostgresSessionsStore) and the rooms' leases (PostgresLeases, this server's SERVER_ID and
 *   LEASE_SECONDS), one bounded pool shared by all three, and a connection kept for the notices
 *   between servers (LISTEN kr_cluster).
 */
import { join } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import { PostgresLeases, type RoomLeases } from './cluster/lease.ts';
import { PostgresNotices, type ClusterNotices } from './cluster/notices.ts';
import type { ServerConfig } from './config.ts';
import { openPostgres } from './store/pg.ts';
import { PostgresStore } from './store/postgres.ts';
import { PostgresSessionsStore } from './store/sessions-postgres.ts';
import type { SessionsStore } from './store/sessions-store.ts';
import { SqliteStore } from './store/sqlite.ts';
import type { Store } from './store/store.ts';
import type pg from 'pg';

/** Several servers on one PostgreSQL: what the hub and the REST side need to share the rooms. */
export interface Cluster {
  pool: pg.Pool;
  leases: RoomLeases;
  notices: ClusterNotices;
  /** Stop listening and close the pool (after the stores are done with it). */
  close(): Promise<void>;
}

export interface Backend {
  store: Store;
  /** SQLite: the database the sessions API keeps its tables in. */
  db?: DatabaseSync;
  /** PostgreSQL: the sessions API's store. */
  sessions?: SessionsStore;
  cluster?: Cluster;
}

export async function openBackend(config: ServerConfig): Promise<Backend> {
  const settings = config.database;
  if (!settings) {
    const store = new SqliteStore(join(config.dataDir, 'rooms.db'));
    return { store, db: store.db };
  }
  const pg = await openPostgres(settings.url, { poolSize: settings.poolSize, statementTimeoutMs: settings.statementTimeoutMs });
  let notices: PostgresNotices;
  try {
    notices = await PostgresNotices.listen({ pool: pg.pool, url: settings.url });
  } catch (err) {
    await pg.close();
    throw new Error(`PostgreSQL: cannot listen for notices between servers: ${(err as Error).message}`, { cause: err });
  }
  return {
    store: new PostgresStore(pg.pool),
    sessions: new PostgresSessionsStore(pg.pool),
    cluster: {
      pool: pg.pool,
      leases: new PostgresLeases(pg.pool, config.serverId, config.leaseTtlMs),
      notices,
      async close() {
        await notices.close();
        await pg.close();
      },
    },
  };
}
