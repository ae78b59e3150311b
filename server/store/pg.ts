/**
 * PostgreSQL connections for the stores: one bounded `pg.Pool` per server, shared by the room store,
 * the sessions store and the room leases, and the schema migrations run when it opens.
 *
 * Bounded and fault-contained: at most `poolSize` connections; a caller waits at most
 * `connectTimeoutMs` for one; a statement runs at most `statementTimeoutMs` (PostgreSQL cancels it)
 * and the client gives up a little after that even when the server does not answer at all. A lost
 * connection is logged and discarded, never thrown at the process: the query that needed it
 * rejects (the command is refused as `storage-unavailable`) and the next one opens a fresh one.
 *
 * Credentials: prefer PGPASSWORD or a PGPASSFILE (read by `pg` itself) to a password in the URL.
 */
import pg from 'pg';
import { MIGRATIONS, type Migration } from './migrations.ts';

export interface PostgresOptions {
  /** Most connections this server opens (DATABASE_POOL_SIZE, default 10). */
  poolSize?: number;
  /** Longest a statement may run (DATABASE_STATEMENT_TIMEOUT_MS, default 10 s). */
  statementTimeoutMs?: number;
  /** Longest to wait for a connection, new or from the pool (default 5 s). */
  connectTimeoutMs?: number;
  /** Shown in pg_stat_activity (default `kaltura-room`). */
  applicationName?: string;
  /** The schema (default: MIGRATIONS). */
  migrations?: readonly Migration[];
  /** Where connection faults are reported (default: console.error, at most once a minute). */
  log?: (line: string) => void;
}

export interface Postgres {
  pool: pg.Pool;
  /** Ids of the migrations this start applied (empty when the schema was current). */
  applied: number[];
  /** Ends every connection; idempotent. */
  close(): Promise<void>;
}

export interface PostgresSettings {
  url: string;
  poolSize: number;
  statementTimeoutMs: number;
}

export const DEFAULT_POOL_SIZE = 10;
export const DEFAULT_STATEMENT_TIMEOUT_MS = 10_000;
const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
/** The advisory lock every server takes while it migrates, so two starting at once take turns. */
const MIGRATION_LOCK = 0x6b726d67; // "krmg"
const LOG_EVERY_MS = 60_000;

/** PostgreSQL settings from the environment, checked; null without DATABASE_URL (SQLite is used). */
export function postgresSettings(env: Record<string, string | undefined>): PostgresSettings | null {
  const url = env.DATABASE_URL?.trim();
  if (!url) return null;
  if (!/^postgres(ql)?:\/\/[^\s]+$/.test(url)) {
    throw new Error(`DATABASE_URL must be a postgres:// URL (postgres://user@host:5432/database); got "${redact(url)}".`);
  }
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name]?.trim();
    if (!raw) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be a whole number from ${min} to ${max}; got "${raw}".`);
    return n;
  };
  return {
    url,
    poolSize: int('DATABASE_POOL_SIZE', DEFAULT_POOL_SIZE, 1, 1000),
    statementTimeoutMs: int('DATABASE_STATEMENT_TIMEOUT_MS', DEFAULT_STATEMENT_TIMEOUT_MS, 100, 600_000),
  };
}

/** The URL with any password hidden, for messages and logs. */
export function redact(url: string): string {
  return url.replace(/^(\w+:\/\/[^:/@]*):[^@/]*@/, '$1:***@');
}

/** Opens the pool and brings the schema up to date. Rejects (and closes) when the database cannot be reached. */
export async function openPostgres(url: string, opts: PostgresOptions = {}): Promise<Postgres> {
  const statementTimeoutMs = opts.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS;
  const log = opts.log ?? ((line: string) => console.error(line));
  let loggedAt = -Infinity;
  let quiet = 0;
  const fault = (err: Error) => {
    const now = Date.now();
    if (now - loggedAt < LOG_EVERY_MS) {
      quiet++;
      return;
    }
    const more = quiet ? ` (${quiet} more since the last report)` : '';
    loggedAt = now;
    quiet = 0;
    log(`PostgreSQL connection lost: ${err.message}${more}; commands that need the database are refused until it answers again.`);
  };
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.poolSize ?? DEFAULT_POOL_SIZE,
    connectionTimeoutMillis: opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    idleTimeoutMillis: 30_000,
    statement_timeout: statementTimeoutMs,
    // The server cancels a statement at statement_timeout; this covers a server that stopped answering.
    query_timeout: statementTimeoutMs + 2_000,
    application_name: opts.applicationName ?? 'kaltura-room',
    keepAlive: true,
  });
  // An idle pooled connection that dies: the pool drops it and tells us here.
  pool.on('error', fault);
  // A connection that dies while checked out between two queries emits on the client itself, with
  // nobody listening: without this, that would end the process. The next query on it rejects.
  pool.on('connect', (client) => client.on('error', fault));

  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await pool.end();
  };
  try {
    const applied = await migrate(pool, opts.migrations ?? MIGRATIONS);
    return { pool, applied, close };
  } catch (err) {
    await close().catch(() => {});
    const e = err as Error;
    throw new Error(`PostgreSQL at ${redact(url)}: ${e.message}`, { cause: err });
  }
}

/**
 * Applies the migrations the database lacks, in id order, each in its own transaction under an
 * advisory lock (a second server starting at the same moment waits, then finds them applied).
 * Returns the ids it applied.
 */
export async function migrate(pool: pg.Pool, migrations: readonly Migration[]): Promise<number[]> {
  migrations.forEach((m, i) => {
    if (m.id !== i + 1) throw new Error(`migration "${m.name}" has id ${m.id}; ids must run 1, 2, 3, … in list order`);
  });
  const applied: number[] = [];
  for (;;) {
    const done = await inTransaction(pool, async (c) => {
      await c.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      await c.query(`create table if not exists schema_migrations (
        id integer primary key, name text not null, applied_at timestamptz not null default now())`);
      const { rows } = await c.query<{ id: number }>('select id from schema_migrations');
      const have = new Set(rows.map((r) => r.id));
      const next = migrations.find((m) => !have.has(m.id));
      if (!next) return true;
      try {
        await c.query(next.sql);
      } catch (err) {
        throw new Error(`migration ${next.id} (${next.name}) failed: ${(err as Error).message}`, { cause: err });
      }
      await c.query('insert into schema_migrations (id, name) values ($1, $2)', [next.id, next.name]);
      applied.push(next.id);
      return false;
    });
    if (done) return applied;
  }
}

/**
 * Runs `work` in a transaction on one pooled connection: COMMIT when it resolves, ROLLBACK when it
 * throws (the error is rethrown). A connection that failed is discarded, not reused.
 */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('begin');
    const result = await work(client);
    await client.query('commit');
    return result;
  } catch (err) {
    try {
      await client.query('rollback');
    } catch (e) {
      broken = e as Error;
    }
    throw err;
  } finally {
    client.release(broken);
  }
}
