/**
 * The room hub: the registry of live rooms. It loads a room from the store when someone opens
 * it (once, however many ask at the same time), reloads the rooms that were active after a
 * restart, unloads idle ones, and reports stats. Each room is a room master (room.ts) whose
 * transport is the room sockets (room-socket.ts); the server's own choices before the reducer
 * are in prepare.ts.
 *
 * Transport, store, clock and token verification are injected (server/socket.ts), so rooms
 * are tested with fakes and run unchanged on Node and Deno.
 */
import { applySequenced, initialState } from '../../src/protocol/room.ts';
import type { MediaConfig, RoomState, SessionInfo } from '../../src/protocol/types.ts';
import type { TokenVerifier } from '../auth.ts';
import type { IceConfig } from '../config.ts';
import type { TicketStore } from '../peerjs/tickets.ts';
import type { Clock, WsAcceptor } from '../socket.ts';
import type { Store } from '../store/store.ts';
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
  /** Rooms unloaded for being idle, since the start. */
  private unloaded = 0;

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
  }

  /**
   * After a (re)start: reload every room that had people in it or a timer running. Present
   * users get a grace period to reconnect; deadlines that passed while the server was down fire
   * at once. Resolves with how many rooms were active.
   */
  async resume(): Promise<number> {
    const ids = await this.deps.store.activeRooms();
    for (const id of ids) {
      try {
        const room = await this.room(id);
        for (const p of Object.values(room.state.participants)) if (p.present) room.startGrace(p.id);
        room.schedule();
      } catch (err) {
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

  /** The live room, loaded from the store or created; every caller at the same time gets the same one. */
  room(id: string): Promise<Room> {
    const live = this.rooms.get(id);
    if (live) return Promise.resolve(live);
    let loading = this.loading.get(id);
    if (!loading) {
      loading = this.load(id).finally(() => this.loading.delete(id));
      this.loading.set(id, loading);
    }
    return loading;
  }

  private async load(id: string): Promise<Room> {
    const stored = await this.deps.store.loadRoom(id);
    let state = stored ? stored.snapshot : initialState(id, this.config.hostAwayMs);
    if (stored) for (const e of stored.events) state = applySequenced(state, e);
    const { deps, config } = this;
    const room = new RoomMaster<Connection>({
      id,
      state,
      store: deps.store,
      clock: deps.clock,
      storage: this.storage,
      transport: this.sockets,
      choices: { shuffle: deps.shuffle ?? cryptoShuffle, ...(deps.mood ? { mood: deps.mood } : {}) },
      config: { snapshotEvery: config.snapshotEvery, leaveGraceMs: config.leaveGraceMs, ...(config.media ? { media: config.media } : {}) },
      ...(deps.onStateChange ? { onStateChange: (before: RoomState, after: RoomState) => deps.onStateChange!(id, before, after) } : {}),
    });
    this.rooms.set(id, room);
    return room;
  }

  /** For /health: rooms in memory, rooms unloaded as idle since the start, open sockets, whether writes work. */
  stats(): { rooms: number; unloaded: number; connections: number; storage: 'ok' | 'unavailable' } {
    let connections = 0;
    for (const r of this.rooms.values()) connections += r.listeners.size;
    return { rooms: this.rooms.size, unloaded: this.unloaded, connections, storage: this.storage.ok ? 'ok' : 'unavailable' };
  }

  /** Is this PeerJS id the current media id of this user, present in this room's open session? */
  peerAdmitted(roomId: string, userId: string, peerId: string): boolean {
    return mediaAdmitted(this.rooms.get(roomId)?.state, userId, peerId);
  }

  /** A WebSocket acceptor for `/rooms/:room/socket`. */
  accept(roomId: string): WsAcceptor {
    return this.sockets.accept(roomId);
  }

  close(): void {
    this.deps.clock.clearInterval(this.sweeper);
    for (const room of this.rooms.values()) room.stop();
    this.sockets.closeAll(this.rooms.values());
    this.rooms.clear();
  }
}
