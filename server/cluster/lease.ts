/**
 * Room ownership when several servers share one database: a room is served by the one server
 * holding its lease. A lease is a row (room, owner, epoch, expires_at); the owner renews it, and
 * when it lapses another server takes the room with the next epoch. The epoch fences writes: the
 * room store appends only while (owner, epoch) still holds a live lease, checked inside the append's
 * transaction, so a deposed owner (paused, partitioned, slow) can never write after a takeover.
 *
 * Every time is the database's (`now()`), never a server's clock: servers' clocks may disagree.
 * A single server (SQLite, or PostgreSQL with one server) uses `LocalLeases`, which always grants.
 */
import type pg from 'pg';
import type { Clock } from '../socket.ts';
import type { Fence } from '../store/store.ts';

export type { Fence };

/** The room's lease is no longer this server's: refuse the command (`room-moved`), close and unload the room. */
export class LeaseLostError extends Error {
  readonly room: string;
  readonly owner: string;
  readonly epoch: number;
  constructor(room: string, fence: Fence) {
    super(`room "${room}" is no longer served here (lease ${fence.epoch} of ${fence.owner} lost)`);
    this.name = 'LeaseLostError';
    this.room = room;
    this.owner = fence.owner;
    this.epoch = fence.epoch;
  }
}

export type Acquired = { epoch: number } | { heldBy: string; retryAfterMs: number };

export interface RoomLeases {
  /**
   * Take the room if free, lapsed or already ours: a new epoch every time (so writes from an
   * earlier load of the room, even on this server, are fenced off). While another server's lease
   * lives: who holds it and the ms until it lapses.
   */
  acquire(room: string): Promise<Acquired>;
  /**
   * Extend our lease; false when it is no longer ours (another server took the room: drop it at
   * once). A lease of ours that lapsed but that nobody took is extended: nobody else wrote since.
   */
  renew(room: string, epoch: number): Promise<boolean>;
  /** Extend all of ours in one statement (room → epoch); the rooms that are no longer ours. */
  renewAll(held: ReadonlyMap<string, number>): Promise<string[]>;
  /** Give the room up now (expires_at = now()): another server may take it at once; the epoch stays. */
  release(room: string, epoch: number): Promise<void>;
  readonly serverId: string;
  readonly ttlMs: number;
}

/** `LEASE_SECONDS` as milliseconds: default 5 s. */
export function leaseTtlMs(env: Record<string, string | undefined>): number {
  const raw = env.LEASE_SECONDS?.trim();
  if (!raw) return 5_000;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 1 || n > 300) throw new Error(`LEASE_SECONDS must be a number of seconds from 1 to 300; got "${raw}".`);
  return Math.round(n * 1000);
}

/**
 * One statement: take the row when it is free, lapsed or ours, else report its holder. The
 * holder is read from the statement's snapshot; a row another server inserted concurrently is not
 * in it, so `acquire` asks again in that case.
 */
const ACQUIRE = `
with taken as (
  insert into room_leases as l (room, owner, epoch, expires_at)
  values ($1, $2, 1, now() + make_interval(secs => $3::float8 / 1000))
  on conflict (room) do update set owner = excluded.owner, epoch = l.epoch + 1, expires_at = excluded.expires_at
    where l.owner = excluded.owner or l.expires_at <= now()
  returning epoch
)
select epoch, null as owner, null as retry_ms from taken
union all
select null, owner, ceil(greatest(extract(epoch from expires_at - now()), 0) * 1000)
from room_leases where room = $1 and not exists (select 1 from taken)`;

const RENEW = `update room_leases set expires_at = now() + make_interval(secs => $4::float8 / 1000)
  where room = $1 and owner = $2 and epoch = $3`;

const RENEW_ALL = `update room_leases l set expires_at = now() + make_interval(secs => $4::float8 / 1000)
  from unnest($2::text[], $3::bigint[]) as h(room, epoch)
  where l.room = h.room and l.owner = $1 and l.epoch = h.epoch
  returning l.room`;

const RELEASE = `update room_leases set expires_at = now() where room = $1 and owner = $2 and epoch = $3`;

export class PostgresLeases implements RoomLeases {
  readonly pool: pg.Pool;
  readonly serverId: string;
  readonly ttlMs: number;

  constructor(pool: pg.Pool, serverId: string, ttlMs: number) {
    if (!serverId) throw new Error('a server id is needed to hold room leases');
    if (!(ttlMs >= 100)) throw new Error(`a lease lasts at least 100 ms; got ${ttlMs}`);
    this.pool = pool;
    this.serverId = serverId;
    this.ttlMs = ttlMs;
  }

  async acquire(room: string): Promise<Acquired> {
    for (let attempt = 0; ; attempt++) {
      const { rows } = await this.pool.query<{ epoch: string | null; owner: string | null; retry_ms: string | null }>(ACQUIRE, [
        room,
        this.serverId,
        this.ttlMs,
      ]);
      const row = rows[0];
      if (row?.epoch != null) return { epoch: Number(row.epoch) };
      if (row?.owner != null) return { heldBy: row.owner, retryAfterMs: Number(row.retry_ms) };
      // Another server inserted the row between our snapshot and our insert: ask again.
      if (attempt >= 3) throw new Error(`room "${room}": its lease kept changing hands; try again`);
    }
  }

  async renew(room: string, epoch: number): Promise<boolean> {
    const r = await this.pool.query(RENEW, [room, this.serverId, epoch, this.ttlMs]);
    return r.rowCount === 1;
  }

  async renewAll(held: ReadonlyMap<string, number>): Promise<string[]> {
    if (!held.size) return [];
    const rooms = [...held.keys()];
    const { rows } = await this.pool.query<{ room: string }>(RENEW_ALL, [this.serverId, rooms, [...held.values()], this.ttlMs]);
    const kept = new Set(rows.map((r) => r.room));
    return rooms.filter((r) => !kept.has(r));
  }

  async release(room: string, epoch: number): Promise<void> {
    await this.pool.query(RELEASE, [room, this.serverId, epoch]);
  }
}

/** One server alone: every room is ours (epochs still count up, per room). */
export class LocalLeases implements RoomLeases {
  readonly serverId: string;
  readonly ttlMs: number;
  private epochs = new Map<string, number>();

  constructor(serverId = 'local', ttlMs = 5_000) {
    this.serverId = serverId;
    this.ttlMs = ttlMs;
  }

  async acquire(room: string): Promise<Acquired> {
    const epoch = (this.epochs.get(room) ?? 0) + 1;
    this.epochs.set(room, epoch);
    return { epoch };
  }

  async renew(): Promise<boolean> {
    return true;
  }

  async renewAll(): Promise<string[]> {
    return [];
  }

  async release(): Promise<void> {}
}

/**
 * Keeps a server's leases alive: renews all the rooms it holds every ttl/3 in one statement and
 * reports a room as lost when another server took it (`taken`), or when no renewal succeeded for a
 * whole ttl (`unconfirmed`: the database cannot be reached, and the lease may have lapsed, so
 * another server may own the room by now). A renewal round never overlaps the previous one.
 */
export class LeaseKeeper {
  private leases: RoomLeases;
  private clock: Clock;
  private onLost: (room: string, why: 'taken' | 'unconfirmed') => void;
  private log: (line: string) => void;
  /** room → [epoch, when it was last confirmed (this server's clock, for durations only)] */
  private held = new Map<string, { epoch: number; confirmedAt: number }>();
  private timer: unknown = null;
  private running: Promise<void> | null = null;

  constructor(opts: {
    leases: RoomLeases;
    clock: Clock;
    onLost: (room: string, why: 'taken' | 'unconfirmed') => void;
    log?: (line: string) => void;
  }) {
    this.leases = opts.leases;
    this.clock = opts.clock;
    this.onLost = opts.onLost;
    this.log = opts.log ?? ((line) => console.error(line));
  }

  /** Keep renewing this room's lease at `epoch` (just acquired). */
  hold(room: string, epoch: number): void {
    this.held.set(room, { epoch, confirmedAt: this.clock.now() });
  }

  /** Stop renewing it (released or unloaded). */
  drop(room: string): void {
    this.held.delete(room);
  }

  /** The fence for writes to a room held here, or null. */
  fence(room: string): Fence | null {
    const h = this.held.get(room);
    return h ? { owner: this.leases.serverId, epoch: h.epoch } : null;
  }

  get rooms(): string[] {
    return [...this.held.keys()];
  }

  start(): void {
    if (this.timer !== null) return;
    this.timer = this.clock.setInterval(() => void this.renewNow(), Math.max(1, Math.floor(this.leases.ttlMs / 3)));
  }

  stop(): void {
    if (this.timer !== null) this.clock.clearInterval(this.timer);
    this.timer = null;
  }

  /** One renewal round now (or the one already running). */
  renewNow(): Promise<void> {
    this.running ??= this.round().finally(() => (this.running = null));
    return this.running;
  }

  private async round(): Promise<void> {
    const sent = new Map([...this.held].map(([room, h]) => [room, h.epoch]));
    if (!sent.size) return;
    const at = this.clock.now();
    let lost: Set<string>;
    try {
      lost = new Set(await this.leases.renewAll(sent));
    } catch (err) {
      this.log(`cannot renew room leases (${(err as Error).message}); trying again in ${Math.floor(this.leases.ttlMs / 3)} ms`);
      for (const [room, h] of [...this.held]) {
        if (sent.get(room) === h.epoch && this.clock.now() - h.confirmedAt >= this.leases.ttlMs) {
          this.held.delete(room);
          this.onLost(room, 'unconfirmed');
        }
      }
      return;
    }
    for (const [room, epoch] of sent) {
      const h = this.held.get(room);
      if (!h || h.epoch !== epoch) continue; // dropped or re-acquired meanwhile
      if (lost.has(room)) {
        this.held.delete(room);
        this.onLost(room, 'taken');
      } else {
        h.confirmedAt = at;
      }
    }
  }
}
