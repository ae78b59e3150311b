/**
 * The room hub: the registry of live rooms. It loads a room from the store when someone opens
 * it (once, however many ask at the same time), reloads the rooms that were active after a
 * restart, unloads idle ones, and reports stats. Each room is a room master (room.ts) whose
 * transport is the room sockets (room-socket.ts); the server's own choices before the reducer
 * are in prepare.ts.
 *
 * Several servers on one database (cluster/): a room is served by the one server holding its
 * lease. The hub takes the lease before loading a room and keeps it renewed; while another server
 * holds it, a connection is refused with `room-moved` and the holder is asked to hand the room
 * over. A room whose lease is lost (a write refused by the fence, or a renewal that failed) is
 * dropped at once: its commands are refused, its sockets closed with `room-moved`, its timers
 * cancelled. A room taken over is loaded as after a restart: people who were present get the
 * usual grace period to reconnect, and its timers come from the deadlines in its state.
 *
 * Transport, store, clock and token verification are injected (server/socket.ts), so rooms
 * are tested with fakes and run unchanged on Node and Deno.
 */
import { applySequenced, initialState } from '../../src/protocol/room.ts';
import { removedUsers } from '../../src/protocol/presence.ts';
import type { MediaConfig, RoomState, SessionInfo } from '../../src/protocol/types.ts';
import type { TokenVerifier } from '../auth.ts';
import { LocalLeases, type RoomLeases } from '../cluster/lease.ts';
import { meetingLive, type LiveRooms } from '../cluster/live.ts';
import { CHANNEL, type ClusterNotice, type ClusterNotices } from '../cluster/notices.ts';
import { HANDOFF_RETRY_MS, RoomMovedError, RoomOwnership } from '../cluster/ownership.ts';
import type { IceConfig } from '../config.ts';
import type { TicketStore } from '../peerjs/tickets.ts';
import type { Clock, WsAcceptor } from '../socket.ts';
import type { Store, StoreNotice } from '../store/store.ts';
import type { Connection } from './connection.ts';
import { defaultRateLimits, type RateLimits } from './limits.ts';
import { cryptoShuffle } from './prepare.ts';
import { RoomMaster } from './room.ts';
import { RoomSockets, mediaAdmitted, type SfuSignaling } from './room-socket.ts';
import { StorageHealth } from './storage-guard.ts';

export interface HubConfig {
  /** Default wait for a host before the session ends (per room: a host token's hostAwayMinutes). */
  hostAwayMs: number;
  /** How long a dropped connection keeps its place before the user counts as gone. */
  leaveGraceMs: number;
  /** A socket must say hello within this time. */
  helloTimeoutMs: number;
  /** Close a socket whose unsent backlog passes this many bytes (it will resume). */
  maxBufferedBytes: number;
  /** Write a full snapshot at least every this many events. */
  snapshotEvery: number;
  /** Unload a room from memory after this long with nobody connected and no timer pending. */
  idleMs: number;
  /** Tell an open connection this long before its join token expires (`token-expiring`). */
  tokenWarnMs: number;
  /** Rate limits per connection and per user (limits.ts); null turns them off. */
  rateLimits: RateLimits | null;
  /** Open room sockets per user in one room (consoles and the one participant socket); 0: no cap. */
  maxConnectionsPerUser: number;
  /** Commands waiting for one room's store before new ones are refused with `storage-unavailable`. */
  maxBacklog: number;
  /** The media server and mesh limit the rooms' media mode follows (absent: no media server, the default limit). */
  media?: MediaConfig;
}

export const defaultHubConfig: HubConfig = {
  hostAwayMs: 15 * 60_000,
  leaveGraceMs: 10_000,
  helloTimeoutMs: 10_000,
  maxBufferedBytes: 4 * 1024 * 1024,
  snapshotEvery: 64,
  idleMs: 60_000,
  tokenWarnMs: 60_000,
  rateLimits: defaultRateLimits,
  maxConnectionsPerUser: 8,
  maxBacklog: 256,
};

export interface HubDeps {
  store: Store;
  clock: Clock;
  verifier: TokenVerifier;
  config?: Partial<HubConfig>;
  /** Random peer ids (injected for deterministic tests). */
  randomId?: () => string;
  /** Random order for shuffles (injected for deterministic tests). */
  shuffle?: <T>(items: T[]) => T[];
  /** The event session behind a room, if any (title, AI assistant, schedule, registrations). */
  sessionInfo?: (room: string) => SessionInfo | null | Promise<SessionInfo | null>;
  /** Sentiment of a chat message, from -1 to 1 (for the moderators' chat mood). */
  mood?: (text: string) => number;
  /** Media tickets (the PeerJS key): handed out in `welcome` and on request. None: no tickets. */
  tickets?: TicketStore;
  /**
   * The room's state changed (after it is stored, before anyone hears of it). The media side
   * uses it to close the signaling of whoever is no longer present, or changed peer id.
   */
  onStateChange?: (roomId: string, before: RoomState, after: RoomState) => void;
  /** The media server's controller for `sfu` frames (media/sfu.ts); none: they are refused. */
  sfu?: SfuSignaling;
  /** STUN/TURN servers handed to participant connections. */
  ice?: IceConfig;
  /** Room ownership among servers (cluster/lease.ts); default: this server alone serves every room. */
  leases?: RoomLeases;
  /** Notices between servers (handoff, removed, live); none: one server alone. */
  notices?: ClusterNotices;
  /** Where "is the meeting live" changes go (cluster/live.ts). */
  live?: LiveRooms;
  /**
   * Rooms with people or timers that no server serves (their server died and nobody came back):
   * adopted at start and every few lease periods so their timers fire. Default: the store's active rooms, at start only.
   */
  orphans?: () => Promise<string[]>;
  /**
   * The room left this server, moved to another or unloaded for being idle: its media signaling
   * goes too, and when idle (nobody there), what the media server holds for it.
   */
  onUnload?: (roomId: string, why: 'idle' | 'moved') => void;
  /** Another server removed this user from the room: close what this server holds of theirs (signaling). */
  onRemoved?: (roomId: string, userId: string) => void;
}

function defaultRandomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return 'p' + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export type Room = RoomMaster<Connection>;

export class RoomHub {
  readonly deps: HubDeps;
  readonly config: HubConfig;
  readonly storage: StorageHealth;
  readonly sockets: RoomSockets;
  private rooms = new Map<string, Room>();
  private loading = new Map<string, Promise<Room>>();
  private sweeper: unknown;
  private adopter: unknown = null;
  /** Rooms unloaded for being idle, since the start. */
  private unloaded = 0;
  /** Rooms given to (or lost to) another server, since the start. */
  private movedOut = 0;
  readonly ownership: RoomOwnership;
  private unsubscribe: (() => void) | null = null;
  private closing = false;
  private adoptFailureLoggedAt = -Infinity;

  constructor(deps: HubDeps) {
    this.deps = deps;
    this.config = { ...defaultHubConfig, ...deps.config };
    this.storage = new StorageHealth(deps.clock);
    this.sockets = new RoomSockets({
      rooms: this,
      store: deps.store,
      clock: deps.clock,
      verifier: deps.verifier,
      storage: this.storage,
      config: this.config,
      randomId: deps.randomId ?? defaultRandomId,
      ...(deps.tickets ? { tickets: deps.tickets } : {}),
      ...(deps.sessionInfo ? { sessionInfo: deps.sessionInfo } : {}),
      ...(deps.sfu ? { sfu: deps.sfu } : {}),
      ...(deps.ice ? { ice: deps.ice } : {}),
    });
    const every = Math.min(60_000, Math.max(1_000, Math.round(this.config.idleMs / 4)));
    this.sweeper = deps.clock.setInterval(() => this.unloadIdle(), every);
    this.ownership = new RoomOwnership({
      leases: deps.leases ?? new LocalLeases(),
      clock: deps.clock,
      ...(deps.notices ? { notices: deps.notices } : {}),
      onLost: (room, why) => this.lost(room, why),
    });
    this.ownership.start();
    if (deps.notices) this.unsubscribe = deps.notices.subscribe((n) => this.heard(n));
    if (deps.orphans && this.ownership.shared) {
      // Rooms whose server died with nobody coming back: their timers still fire, once, here or elsewhere.
      const period = Math.max(2_000, this.ownership.leases.ttlMs * 2);
      this.adopter = deps.clock.setInterval(() => void this.adopt(), period);
    }
  }

  /**
   * After a (re)start: reload every room that had people in it or a timer running. Present
   * users get a grace period to reconnect; deadlines that passed while the server was down fire
   * at once. Resolves with how many rooms were active.
   */
  async resume(): Promise<number> {
    return this.adopt();
  }

  /** Load the active rooms no server serves (after a start, or when their server died); how many there were. */
  private async adopt(): Promise<number> {
    let ids: string[];
    try {
      ids = await (this.deps.orphans ?? (() => this.deps.store.activeRooms()))();
    } catch (err) {
      const now = this.deps.clock.now();
      if (now - this.adoptFailureLoggedAt >= 60_000) {
        this.adoptFailureLoggedAt = now;
        console.error(`Could not list the rooms to reload (${(err as Error)?.message ?? err}); they load when someone opens them.`);
      }
      return 0;
    }
    for (const id of ids) {
      if (this.closing) break;
      if (this.rooms.has(id)) continue;
      try {
        await this.room(id, false);
      } catch (err) {
        if ((err as Error)?.name === 'RoomMovedError') continue; // another server took it first
        console.error(`Could not reload room "${id}"; it loads again when someone opens it.`, err);
      }
    }
    return ids.length;
  }

  /**
   * Unload rooms idle for `idleMs` (nobody connected or present, nothing queued, no timer due);
   * they load again from the store when someone opens them. Returns how many.
   */
  unloadIdle(): number {
    const now = this.deps.clock.now();
    let n = 0;
    for (const [id, room] of this.rooms) {
      if (!room.idle) room.lastUsed = now;
      else if (now - room.lastUsed >= this.config.idleMs) {
        room.stop();
        this.rooms.delete(id);
        void this.ownership.release(id);
        this.deps.onUnload?.(id, 'idle');
        n++;
      }
    }
    this.unloaded += n;
    return n;
  }

  /** The room if it is loaded (someone opened it since the start, or it was active), else undefined. */
  peek(id: string): Room | undefined {
    return this.rooms.get(id);
  }

  /**
   * The live room, loaded from the store or created; every caller at the same time gets the same
   * one. Rejects with `RoomMovedError` while another server serves it (after asking that server to
   * hand it over, when `ask`).
   */
  room(id: string, ask = true): Promise<Room> {
    const live = this.rooms.get(id);
    if (live) return live.moved ? Promise.reject(new RoomMovedError(id, 'the next server', HANDOFF_RETRY_MS)) : Promise.resolve(live);
    if (this.closing) return Promise.reject(new Error('the server is stopping'));
    let loading = this.loading.get(id);
    if (!loading) {
      loading = this.load(id, ask).finally(() => this.loading.delete(id));
      this.loading.set(id, loading);
    }
    return loading;
  }

  private async load(id: string, ask: boolean): Promise<Room> {
    const fence = await this.ownership.acquire(id, ask);
    let state: RoomState;
    try {
      if (this.closing) throw new Error('the server is stopping');
      const stored = await this.deps.store.loadRoom(id);
      state = stored ? stored.snapshot : initialState(id, this.config.hostAwayMs);
      if (stored) for (const e of stored.events) state = applySequenced(state, e);
    } catch (err) {
      void this.ownership.release(id);
      throw err;
    }
    const { deps, config } = this;
    const room: Room = new RoomMaster<Connection>({
      id,
      state,
      store: deps.store,
      clock: deps.clock,
      storage: this.storage,
      transport: this.sockets,
      choices: { shuffle: deps.shuffle ?? cryptoShuffle, ...(deps.mood ? { mood: deps.mood } : {}) },
      config: { snapshotEvery: config.snapshotEvery, leaveGraceMs: config.leaveGraceMs, ...(config.media ? { media: config.media } : {}) },
      onStateChange: (before: RoomState, after: RoomState) => this.stateChanged(id, before, after),
      ...(fence ? { fence, onLeaseLost: () => this.drop(id, room, HANDOFF_RETRY_MS) } : {}),
      ...(deps.notices ? { notices: (before: RoomState, after: RoomState) => this.removalNotices(id, before, after) } : {}),
    });
    this.rooms.set(id, room);
    // As after a restart (or a takeover from a server that died): whoever was present has the
    // usual grace period to come back, and the timers run from the deadlines in the state.
    for (const p of Object.values(state.participants)) if (p.present) room.startGrace(p.id);
    room.schedule();
    deps.live?.changed(id, meetingLive(state));
    return room;
  }

  private stateChanged(id: string, before: RoomState, after: RoomState): void {
    this.deps.onStateChange?.(id, before, after);
    const live = meetingLive(after);
    if (live !== meetingLive(before)) this.deps.live?.changed(id, live);
  }

  /**
   * What the other servers must hear of a change, sent by its write: a removed user's sockets
   * elsewhere close, and never for a removal that was not kept.
   */
  private removalNotices(id: string, before: RoomState, after: RoomState): StoreNotice[] {
    const removed = removedUsers(after);
    if (removed === removedUsers(before)) return [];
    const was = new Set(removedUsers(before));
    return removed
      .filter((userId) => !was.has(userId))
      .map((userId) => ({ channel: CHANNEL, payload: JSON.stringify({ kind: 'removed', room: id, userId, from: this.ownership.serverId } satisfies ClusterNotice) }));
  }

  /** A notice from the servers (this one's own included). */
  private heard(n: ClusterNotice): void {
    if (n.kind === 'handoff' && n.to !== this.ownership.serverId) void this.handOff(n.room);
    if (n.kind === 'removed' && n.from !== this.ownership.serverId) {
      // Another server serves the room now; anything of theirs still open here closes.
      this.rooms.get(n.room)?.expel(n.userId);
      this.deps.onRemoved?.(n.room, n.userId);
    }
  }

  /**
   * Another server has a connection for a room served here: unless this server handed the room
   * off a moment ago (no flapping), stop taking its commands, let its queue finish, give the lease
   * up, close its sockets with `room-moved` (they come back through the router to the new server)
   * and unload it.
   */
  async handOff(id: string): Promise<boolean> {
    const room = this.rooms.get(id);
    if (!room || room.moved || this.ownership.handedOffRecently(id)) return false;
    room.moveAway();
    room.stop();
    await room.exclusive(() => undefined).catch(() => undefined);
    await this.deps.live?.settled?.();
    await this.ownership.release(id, true);
    this.drop(id, room, HANDOFF_RETRY_MS);
    return true;
  }

  /** The room's lease was lost: drop it at once (another server serves it, or may by now). */
  private lost(id: string, why: 'taken' | 'unconfirmed'): void {
    const room = this.rooms.get(id);
    if (!room) return;
    console.error(`room "${id}": ${why === 'taken' ? 'another server took it over' : 'its lease could not be renewed'}; letting it go`);
    this.drop(id, room, why === 'taken' ? HANDOFF_RETRY_MS : 1_000);
  }

  /** The room is not served here any more: refuse, close its sockets with `room-moved`, cancel its timers, unload. */
  private drop(id: string, room: Room, retryAfterMs: number): void {
    room.moveAway();
    room.stop();
    if (this.rooms.get(id) !== room) return;
    this.rooms.delete(id);
    this.ownership.forget(id);
    this.movedOut++;
    this.sockets.moved(room, retryAfterMs);
    this.deps.onUnload?.(id, 'moved');
  }

  /** For /health: rooms in memory, rooms unloaded as idle since the start, open sockets, whether writes work. */
  stats(): { rooms: number; unloaded: number; moved: number; connections: number; storage: 'ok' | 'unavailable'; server: string } {
    let connections = 0;
    for (const r of this.rooms.values()) connections += r.listeners.size;
    return {
      rooms: this.rooms.size,
      unloaded: this.unloaded,
      moved: this.movedOut,
      connections,
      storage: this.storage.ok ? 'ok' : 'unavailable',
      server: this.ownership.serverId,
    };
  }

  /** Is this PeerJS id the current media id of this user, present in this room's open session? */
  peerAdmitted(roomId: string, userId: string, peerId: string): boolean {
    return mediaAdmitted(this.rooms.get(roomId)?.state, userId, peerId);
  }

  /** A WebSocket acceptor for `/rooms/:room/socket`. */
  accept(roomId: string): WsAcceptor {
    return this.sockets.accept(roomId);
  }

  /**
   * Stop serving: cancel the rooms' timers, give their leases up (so other servers take them at
   * once; waits for that at most `releaseWaitMs`) and close every socket with "restarting".
   */
  async close(releaseWaitMs = 2_000): Promise<void> {
    this.closing = true;
    this.deps.clock.clearInterval(this.sweeper);
    if (this.adopter !== null) this.deps.clock.clearInterval(this.adopter);
    this.unsubscribe?.();
    this.ownership.stop();
    const rooms = [...this.rooms.entries()];
    for (const [, room] of rooms) {
      room.moveAway();
      room.stop();
    }
    this.sockets.closeAll(this.rooms.values());
    this.rooms.clear();
    if (!this.ownership.shared) return;
    const released = Promise.all(rooms.map(([id]) => this.ownership.release(id)));
    let timer: unknown = null;
    await Promise.race([released, new Promise<void>((resolve) => (timer = setTimeout(resolve, releaseWaitMs)))]);
    clearTimeout(timer as ReturnType<typeof setTimeout>);
  }
}
