/**
 * Which rooms this server serves, as the hub sees it: it takes a room's lease before loading the
 * room, keeps the leases of its rooms renewed (LeaseKeeper), gives a room up on a handoff or at
 * shutdown, and tells a server that asks for a room someone else holds how long to wait.
 *
 * - A room another live server holds is refused with `RoomMovedError`; the holder is asked to hand
 *   it over (a `handoff` notice, at most every HANDOFF_ASK_EVERY_MS per room). The client is told to
 *   retry soon (the holder lets go within a moment), or, when asking has not helped for a while
 *   (the holder died, or it handed this room off a moment ago), when the holder's lease lapses.
 * - No flapping: a server that handed a room off does not hand it off again for NO_FLAP_MS.
 * - One server alone (`LocalLeases`) always gets its rooms, and writes carry no fence.
 */
import type pg from 'pg';
import type { Clock } from '../socket.ts';
import type { Fence } from '../store/store.ts';
import { LeaseKeeper, LocalLeases, type Acquired, type RoomLeases } from './lease.ts';
import type { ClusterNotices } from './notices.ts';

/** A room handed off is not handed off again for this long. */
export const NO_FLAP_MS = 10_000;
/** How soon clients of a room that was just handed over (or is being) should come back. */
export const HANDOFF_RETRY_MS = 250;
/** A room's holder is asked for it at most this often. */
const HANDOFF_ASK_EVERY_MS = 500;
/** Asking for this long without result: the holder is not letting go (dead, or no-flap): wait for its lease. */
const PATIENCE_MS = 2_000;

/** This server does not serve the room: another one holds it (`heldBy`); try again after `retryAfterMs`. */
export class RoomMovedError extends Error {
  readonly room: string;
  readonly heldBy: string;
  readonly retryAfterMs: number;
  constructor(room: string, heldBy: string, retryAfterMs: number) {
    super(`room "${room}" is served by another server (${heldBy}) right now`);
    this.name = 'RoomMovedError';
    this.room = room;
    this.heldBy = heldBy;
    this.retryAfterMs = retryAfterMs;
  }
}

/** What a client is told when its room is served elsewhere. */
export const ROOM_MOVED_MESSAGE = 'This room is moving to another server; reconnecting.';

export interface OwnershipDeps {
  leases: RoomLeases;
  clock: Clock;
  /** To ask a holder for a room (handoff); none: nobody is asked. */
  notices?: ClusterNotices;
  /** A room's lease was lost (another server took it, or it could not be renewed for a whole ttl). */
  onLost: (room: string, why: 'taken' | 'unconfirmed') => void;
  log?: (line: string) => void;
}

export class RoomOwnership {
  readonly leases: RoomLeases;
  /** Several servers share the rooms (the leases are in the database): writes carry a fence. */
  readonly shared: boolean;
  readonly keeper: LeaseKeeper;
  private deps: OwnershipDeps;
  /** room → when this server last handed it off. */
  private handedOff = new Map<string, number>();
  /** room → whom we asked for it, since when, and when last. */
  private asked = new Map<string, { owner: string; since: number; sentAt: number }>();

  constructor(deps: OwnershipDeps) {
    this.deps = deps;
    this.leases = deps.leases;
    this.shared = !(deps.leases instanceof LocalLeases);
    this.keeper = new LeaseKeeper({ leases: deps.leases, clock: deps.clock, onLost: deps.onLost, ...(deps.log ? { log: deps.log } : {}) });
  }

  get serverId(): string {
    return this.leases.serverId;
  }

  /** Start renewing (several servers only). */
  start(): void {
    if (this.shared) this.keeper.start();
  }

  stop(): void {
    this.keeper.stop();
  }

  /**
   * Take the room's lease: the fence its writes carry (null for one server alone). While another
   * server holds it: `RoomMovedError`, after asking the holder to hand it over when `ask`.
   */
  async acquire(room: string, ask: boolean): Promise<Fence | null> {
    const got = await this.leases.acquire(room);
    if ('epoch' in got) {
      this.asked.delete(room);
      this.keeper.hold(room, got.epoch);
      return this.shared ? { owner: this.leases.serverId, epoch: got.epoch } : null;
    }
    throw new RoomMovedError(room, got.heldBy, this.retryAfter(room, got, ask));
  }

  /** How long the client should wait; asks the holder for the room (at most every HANDOFF_ASK_EVERY_MS). */
  private retryAfter(room: string, got: Extract<Acquired, { heldBy: string }>, ask: boolean): number {
    const now = this.deps.clock.now();
    let a = this.asked.get(room);
    if (!a || a.owner !== got.heldBy || now - a.sentAt > 30_000) {
      if (this.asked.size >= 10_000) this.asked.clear();
      a = { owner: got.heldBy, since: now, sentAt: -Infinity };
      this.asked.set(room, a);
    }
    if (ask && this.deps.notices && now - a.sentAt >= HANDOFF_ASK_EVERY_MS) {
      a.sentAt = now;
      this.deps.notices.send({ kind: 'handoff', room, to: this.leases.serverId }).catch((err) => {
        this.log(`room "${room}": cannot ask ${got.heldBy} to hand it over (${(err as Error).message})`);
      });
    }
    const lapse = Math.max(0, got.retryAfterMs);
    if (now - a.since < PATIENCE_MS) return Math.min(Math.max(lapse, 100), 500);
    return Math.min(Math.max(lapse + 100, HANDOFF_RETRY_MS), 10_000);
  }

  /** The fence of a room this server holds, or null. */
  fence(room: string): Fence | null {
    return this.shared ? this.keeper.fence(room) : null;
  }

  /** Did this server hand the room off less than NO_FLAP_MS ago? */
  handedOffRecently(room: string): boolean {
    const at = this.handedOff.get(room);
    return at !== undefined && this.deps.clock.now() - at < NO_FLAP_MS;
  }

  /** Stop renewing the room's lease and give it up now, so another server may take it at once. */
  async release(room: string, handoff = false): Promise<void> {
    const fence = this.keeper.fence(room);
    this.keeper.drop(room);
    if (handoff) {
      const now = this.deps.clock.now();
      for (const [r, at] of this.handedOff) if (now - at >= NO_FLAP_MS) this.handedOff.delete(r);
      this.handedOff.set(room, now);
    }
    if (!fence || !this.shared) return;
    try {
      await this.leases.release(room, fence.epoch);
    } catch (err) {
      // Not renewed any more, it lapses by itself within the lease time.
      this.log(`room "${room}": cannot give its lease up (${(err as Error).message}); it lapses within ${this.leases.ttlMs} ms`);
    }
  }

  /** Stop renewing the room's lease (it was lost, or the room left memory without a handoff). */
  forget(room: string): void {
    this.keeper.drop(room);
  }

  private log(line: string): void {
    (this.deps.log ?? ((l: string) => console.error(l)))(line);
  }
}

/**
 * Rooms with people present or a timer pending whose lease lapsed at least `graceMs` ago (or that
 * never had one): their server died and nobody came back to them, so one of the others adopts them
 * (their timers must fire). The grace leaves a room just handed off to the server it went to.
 */
export async function orphanRooms(pool: pg.Pool, graceMs: number, limit = 100): Promise<string[]> {
  const { rows } = await pool.query<{ room: string }>(
    `select s.room from room_snapshots s left join room_leases l on l.room = s.room
     where s.active and (l.room is null or l.expires_at < now() - make_interval(secs => $1::float8 / 1000))
     order by s.updated_at limit $2`,
    [graceMs, limit],
  );
  return rows.map((r) => r.room);
}
