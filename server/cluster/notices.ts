/**
 * Notices between the servers that share one database, over PostgreSQL's LISTEN/NOTIFY on the
 * `kr_cluster` channel. Each is a small JSON object:
 *
 * - `handoff {room, to}`: server `to` got a connection for a room another server owns; the owner
 *   hands it over (hub.ts), unless it handed that room off a moment ago (no flapping).
 * - `removed {room, userId, from}`: the user was removed from the room; every server closes that
 *   user's room and signaling sockets for the room. The room's owner sends it with the write that
 *   keeps the removal (hub.ts, `StoreNotice`), so it is heard exactly when the removal is kept.
 * - `live {room, live, from}`: whether the room's meeting is live (a host or moderator present)
 *   changed; the REST side (Start Meeting) answers the same on every server (live.ts).
 *
 * PostgreSQL delivers a notice only once the transaction that sent it commits, to every listener,
 * the sender included (listeners skip their own by `from`). A notice sent while a listener's
 * connection is down is lost to it: the listener says so (`onGap`) so caches built from notices
 * start over from the tables. Nothing here ever throws at the process: a lost connection is logged
 * and made again with a back-off.
 *
 * `LocalNotices` is the same bus inside one process (one server alone, and tests).
 */
import pg from 'pg';
import { ROOM_ID } from '../../src/protocol/schema.ts';

export const CHANNEL = 'kr_cluster';

export type ClusterNotice =
  | { kind: 'handoff'; room: string; to: string }
  | { kind: 'removed'; room: string; userId: string; from: string }
  | { kind: 'live'; room: string; live: boolean; from: string };

export interface ClusterNotices {
  /** Tell every server (this one included). Rejects when the database cannot take it. */
  send(notice: ClusterNotice): Promise<void>;
  /** Hear every notice; returns a function that stops. */
  subscribe(listener: (notice: ClusterNotice) => void): () => void;
  /** Notices may have been missed (the listening connection was lost): returns a function that stops. */
  onGap(listener: () => void): () => void;
  close(): Promise<void>;
}

const MAX_NOTICE = 2000;
const NAME = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/;

/** A notice as it came over the wire, checked; null when it is not one of ours. */
export function parseNotice(payload: string | undefined): ClusterNotice | null {
  if (!payload || payload.length > MAX_NOTICE) return null;
  let v: Record<string, unknown>;
  try {
    v = JSON.parse(payload) as Record<string, unknown>;
  } catch {
    return null;
  }
  if (!v || typeof v !== 'object' || typeof v.room !== 'string' || !ROOM_ID.test(v.room)) return null;
  const name = (x: unknown): x is string => typeof x === 'string' && NAME.test(x);
  switch (v.kind) {
    case 'handoff':
      return name(v.to) ? { kind: 'handoff', room: v.room, to: v.to } : null;
    case 'removed':
      return typeof v.userId === 'string' && v.userId.length >= 1 && v.userId.length <= 128 && name(v.from) ? { kind: 'removed', room: v.room, userId: v.userId, from: v.from } : null;
    case 'live':
      return typeof v.live === 'boolean' && name(v.from) ? { kind: 'live', room: v.room, live: v.live, from: v.from } : null;
    default:
      return null;
  }
}

class Listeners<T extends unknown[]> {
  private set = new Set<(...args: T) => void>();
  add(fn: (...args: T) => void): () => void {
    this.set.add(fn);
    return () => this.set.delete(fn);
  }
  emit(...args: T): void {
    for (const fn of [...this.set]) {
      try {
        fn(...args);
      } catch (err) {
        console.error('cluster notice listener failed', err);
      }
    }
  }
  clear(): void {
    this.set.clear();
  }
}

/** One process: notices go straight to its own listeners (once the sending code ran, never during it, as over the wire). */
export class LocalNotices implements ClusterNotices {
  private heard = new Listeners<[ClusterNotice]>();
  private gaps = new Listeners<[]>();
  private closed = false;

  async send(notice: ClusterNotice): Promise<void> {
    if (this.closed) return;
    const copy = JSON.parse(JSON.stringify(notice)) as ClusterNotice;
    queueMicrotask(() => {
      if (!this.closed) this.heard.emit(copy);
    });
  }
  subscribe(listener: (notice: ClusterNotice) => void): () => void {
    return this.heard.add(listener);
  }
  onGap(listener: () => void): () => void {
    return this.gaps.add(listener);
  }
  async close(): Promise<void> {
    this.closed = true;
    this.heard.clear();
    this.gaps.clear();
  }
}

export interface PostgresNoticesOptions {
  /** Where notices are sent from (any pooled connection). */
  pool: pg.Pool;
  /** The connection string for the one connection kept for LISTEN (not from the pool). */
  url: string;
  /** Back-off before making a lost listening connection again: first and longest (ms). */
  retryMs?: [number, number];
  log?: (line: string) => void;
}

/**
 * LISTEN on a connection of its own (a pooled one would be handed to other queries), made again
 * after it is lost; NOTIFY through the pool with `pg_notify` (one statement, its own transaction).
 */
export class PostgresNotices implements ClusterNotices {
  private opts: PostgresNoticesOptions;
  private heard = new Listeners<[ClusterNotice]>();
  private gaps = new Listeners<[]>();
  private client: pg.Client | null = null;
  private closed = false;
  private failures = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private log: (line: string) => void;

  private constructor(opts: PostgresNoticesOptions) {
    this.opts = opts;
    this.log = opts.log ?? ((line) => console.error(line));
  }

  /** Start listening; resolves once the first LISTEN is in place (rejects when the database cannot be reached). */
  static async listen(opts: PostgresNoticesOptions): Promise<PostgresNotices> {
    const n = new PostgresNotices(opts);
    await n.connect();
    return n;
  }

  async send(notice: ClusterNotice): Promise<void> {
    if (this.closed) return;
    await this.opts.pool.query('select pg_notify($1, $2)', [CHANNEL, JSON.stringify(notice)]);
  }

  subscribe(listener: (notice: ClusterNotice) => void): () => void {
    return this.heard.add(listener);
  }

  onGap(listener: () => void): () => void {
    return this.gaps.add(listener);
  }

  /** Whether the listening connection is up. */
  get listening(): boolean {
    return this.client !== null;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const c = this.client;
    this.client = null;
    this.heard.clear();
    this.gaps.clear();
    await c?.end().catch(() => {});
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.opts.url, application_name: 'kaltura-room notices', keepAlive: true });
    let lost = false;
    const onLost = (err?: Error) => {
      if (lost) return;
      lost = true;
      if (this.client === client) this.client = null;
      client.end().catch(() => {});
      if (this.closed) return;
      this.log(`notices between servers: connection lost (${err?.message ?? 'closed'}); listening again shortly`);
      this.gaps.emit();
      this.retry();
    };
    client.on('error', onLost);
    client.on('end', () => onLost());
    client.on('notification', (msg) => {
      if (msg.channel !== CHANNEL) return;
      const notice = parseNotice(msg.payload);
      if (notice) this.heard.emit(notice);
    });
    try {
      await client.connect();
      await client.query(`listen ${CHANNEL}`);
    } catch (err) {
      lost = true;
      client.end().catch(() => {});
      throw err;
    }
    if (this.closed) {
      await client.end().catch(() => {});
      return;
    }
    this.client = client;
    this.failures = 0;
  }

  private retry(): void {
    if (this.closed || this.timer !== null) return;
    const [first, max] = this.opts.retryMs ?? [250, 5_000];
    const delay = Math.min(max, first * 2 ** this.failures++);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.connect().then(
        // Anything sent while nobody listened is lost: caches start over.
        () => this.gaps.emit(),
        (err) => {
          if (this.closed) return;
          if (this.failures <= 1 || this.failures % 10 === 0) this.log(`notices between servers: cannot listen (${(err as Error).message}); trying again`);
          this.retry();
        },
      );
    }, delay);
  }
}
