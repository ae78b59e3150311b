/**
 * "Is the meeting live?" (a host or moderator is in the room's open session), for the REST side:
 * Start Meeting hands attendees a room token only once it is. The room lives on one server, but
 * the request may reach any: `LiveRooms` answers the same everywhere.
 *
 * - `LocalLiveRooms`: one server alone: the room's state in this server's memory.
 * - `PostgresLiveRooms`: several servers. The room's owner answers from its state; it writes every
 *   change to `room_status` and sends a `live` notice in the same statement (notices.ts), so the
 *   others keep the latest value they heard, and read `room_status` for a room they heard nothing
 *   of (they just started, or their listening connection was lost: then they forget what they heard).
 */
import type pg from 'pg';
import { isStaff, type RoomState } from '../../src/protocol/types.ts';
import { CHANNEL, type ClusterNotice, type ClusterNotices } from './notices.ts';

/** Open, with a host or moderator present. */
export function meetingLive(state: RoomState | null | undefined): boolean {
  return !!state && state.status === 'open' && Object.values(state.participants).some((p) => p.present && isStaff(p.role));
}

export interface LiveRooms {
  /** Is the room's meeting live right now? Rejects when that cannot be known (the database is down). */
  isLive(room: string): Promise<boolean>;
  /** This server serves the room and its "live" is now `live` (after a change, or on loading it). */
  changed(room: string, live: boolean): void;
  /** The changes given so far are written (before a room is handed over). */
  settled?(): Promise<void>;
  close(): Promise<void>;
}

export class LocalLiveRooms implements LiveRooms {
  private state: (room: string) => RoomState | undefined;
  /** `state`: the room's state when it is in this server's memory. */
  constructor(state: (room: string) => RoomState | undefined) {
    this.state = state;
  }
  async isLive(room: string): Promise<boolean> {
    return meetingLive(this.state(room));
  }
  changed(): void {}
  async close(): Promise<void> {}
}

const PUBLISH = `with saved as (
  insert into room_status (room, live, updated_at) values ($1, $2, now())
  on conflict (room) do update set live = excluded.live, updated_at = excluded.updated_at
) select pg_notify($3, $4)`;

export interface PostgresLiveRoomsOptions {
  pool: pg.Pool;
  notices: ClusterNotices;
  serverId: string;
  /** The room's state when this server serves it (the hub's), else undefined. */
  state: (room: string) => RoomState | undefined;
  /** Rooms whose latest notice is kept (the oldest are forgotten past it). Default 10,000. */
  maxHeard?: number;
  /** Wait before writing a value again after the database refused it. Default 2 s. */
  retryMs?: number;
  log?: (line: string) => void;
}

export class PostgresLiveRooms implements LiveRooms {
  private opts: PostgresLiveRoomsOptions;
  /** What the notices said, by room (insertion order: oldest first). */
  private heard = new Map<string, boolean>();
  /** Per room: the latest value not yet written, and the writing under way (a room's writes stay in order). */
  private latest = new Map<string, boolean>();
  private running = new Map<string, Promise<void>>();
  private unsubscribe: Array<() => void>;
  private closed = false;
  private timers = new Set<ReturnType<typeof setTimeout>>();

  constructor(opts: PostgresLiveRoomsOptions) {
    this.opts = opts;
    this.unsubscribe = [opts.notices.subscribe((n) => this.heardNotice(n)), opts.notices.onGap(() => this.heard.clear())];
  }

  async isLive(room: string): Promise<boolean> {
    const state = this.opts.state(room);
    if (state) return meetingLive(state);
    const heard = this.heard.get(room);
    if (heard !== undefined) return heard;
    const { rows } = await this.opts.pool.query<{ live: boolean }>('select live from room_status where room = $1', [room]);
    return rows[0]?.live ?? false;
  }

  changed(room: string, live: boolean): void {
    if (this.closed) return;
    this.latest.set(room, live);
    this.flushSoon(room);
  }

  /** Writes under way have finished (for tests and orderly shutdown). */
  async settled(): Promise<void> {
    while (this.running.size) await Promise.all(this.running.values());
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const u of this.unsubscribe) u();
    await this.settled();
  }

  private flushSoon(room: string): void {
    if (!this.running.has(room)) this.running.set(room, this.flush(room).finally(() => this.running.delete(room)));
  }

  /** Write the room's latest value until nothing newer waits; when the database refuses, try again later. */
  private async flush(room: string): Promise<void> {
    while (this.latest.has(room) && !this.closed) {
      const live = this.latest.get(room)!;
      this.latest.delete(room);
      try {
        const notice: ClusterNotice = { kind: 'live', room, live, from: this.opts.serverId };
        await this.opts.pool.query(PUBLISH, [room, live, CHANNEL, JSON.stringify(notice)]);
      } catch (err) {
        if (!this.latest.has(room)) this.latest.set(room, live);
        (this.opts.log ?? ((l) => console.error(l)))(`room "${room}": cannot record whether its meeting is live (${(err as Error).message}); trying again shortly`);
        const t = setTimeout(() => {
          this.timers.delete(t);
          if (!this.closed && this.latest.has(room)) this.flushSoon(room);
        }, this.opts.retryMs ?? 2_000);
        this.timers.add(t);
        return;
      }
    }
  }

  private heardNotice(n: ClusterNotice): void {
    if (n.kind !== 'live') return;
    this.heard.delete(n.room);
    this.heard.set(n.room, n.live);
    const max = this.opts.maxHeard ?? 10_000;
    while (this.heard.size > max) this.heard.delete(this.heard.keys().next().value!);
  }
}
