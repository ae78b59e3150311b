/**
 * The room hub: one authoritative object per live room. It authenticates room
 * sockets, applies commands through the shared pure reducer, persists the
 * resulting events before anyone hears of them, fans them out, and fires the
 * room's timers (reconnect grace, host away) from deadlines kept in state.
 *
 * Transport, store, clock and token verification are injected (server/socket.ts),
 * so the hub is tested with fakes and runs unchanged on Node and Deno.
 */
import { parseClientMessage } from '../../src/protocol/schema.ts';
import { applySequenced, initialState, reduce } from '../../src/protocol/reducer.ts';
import { assignable, canSee, historyOf, locationOf, nextDeadline, redactFor } from '../../src/protocol/breakout.ts';
import { isStaff } from '../../src/protocol/types.ts';
import { REMOVED_MESSAGE, isRemoved, participantOf } from '../../src/protocol/presence.ts';
import type {
  Actor,
  Command,
  SessionInfo,
  ErrorCode,
  RoomState,
  SequencedEvent,
  ServerMessage,
} from '../../src/protocol/types.ts';
import type { TokenVerifier } from '../auth.ts';
import type { Clock, WsAcceptor, WsHandlers, WsSocket } from '../socket.ts';
import type { Store } from '../store/store.ts';
import { auditEntries } from './audit.ts';
import { catchUp } from './catch-up.ts';
import { needsSnapshot } from './persist.ts';
import { STORAGE_REFUSAL, StorageHealth } from './storage-guard.ts';
import type { TicketStore } from '../peerjs/tickets.ts';
import { absentRefusal, hearing, isPresent, outsideView } from './audience.ts';
import { TokenExpiry, tokenExpiry } from './token-expiry.ts';
import { FLOOD_CLOSE_CODE, RateLimiter, defaultRateLimits, familyOfMessage, overUserCap, rateRefusal, type ConnectionLimiter, type Family, type RateLimits } from './limits.ts';

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
  sessionInfo?: (room: string) => SessionInfo | null;
  /** Sentiment of a chat message, from -1 to 1 (for the moderators' chat mood). */
  mood?: (text: string) => number;
  /** Media tickets (the PeerJS key): handed out in `welcome` and on request. None: no tickets. */
  tickets?: TicketStore;
  /**
   * The room's state changed (after it is stored, before anyone hears of it). The media side
   * uses it to close the signaling of whoever is no longer present, or changed peer id.
   */
  onStateChange?: (roomId: string, before: RoomState, after: RoomState) => void;
}

/** Fisher–Yates with the platform's cryptographic randomness. */
export function cryptoShuffle<T>(items: T[]): T[] {
  const out = [...items];
  const rnd = crypto.getRandomValues(new Uint32Array(out.length));
  for (let i = out.length - 1; i > 0; i--) {
    const j = rnd[i] % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

interface Connection {
  socket: WsSocket;
  actor: Actor | null;
  peerId: string;
  /** True once the user left on purpose: closing the socket then starts no grace timer. */
  left: boolean;
  /** A console connection: commands and state, but no presence in the room. */
  observer: boolean;
  closed: boolean;
  /** Join token expiry (see token-expiry.ts). */
  exp?: number;
  warned?: boolean;
  expiryTimer?: unknown;
  /** The user was away and heard placeholders: send a snapshot when they are back. */
  stale?: boolean;
}

function defaultRandomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return 'p' + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

const REDACTED = (seq: number) => JSON.stringify({ type: 'event', seq, event: { type: 'redacted' } } satisfies ServerMessage);

export class Room {
  readonly id: string;
  state: RoomState;
  readonly connections = new Set<Connection>();
  private hub: RoomHub;
  private graceTimers = new Map<string, unknown>();
  private timer: unknown = null;
  private timerFor: number | null = null;
  private sinceSnapshot = 0;
  /** When the room was last used (a command, or a sweep that found it busy); idle rooms are unloaded. */
  lastUsed: number;

  constructor(hub: RoomHub, id: string, state: RoomState) {
    this.hub = hub;
    this.id = id;
    this.state = state;
    this.lastUsed = hub.deps.clock.now();
  }

  /**
   * Apply a command: decide with the reducer, sequence and persist the events,
   * then send them to every connection. Returns the error for the sender, if any.
   */
  dispatch(command: Command, actor: Actor | null): { ok: true; seq: number } | { ok: false; code: ErrorCode; message: string } {
    const { clock, store } = this.hub.deps;
    // Random choices are made here, before the pure reducer, and carried in the command.
    if (command.type === 'breakout/configure') {
      const order = command.assignment === 'manual' ? [] : this.hub.shuffle(assignable(this.state));
      command = { type: 'breakout/deal', reason: 'configure', order, configure: command };
    } else if (command.type === 'chat/send' && this.hub.deps.mood) {
      command = { ...command, mood: this.hub.deps.mood(command.text) };
    } else if (command.type === 'breakout/shuffle') {
      command = { type: 'breakout/deal', reason: 'shuffle', order: this.hub.shuffle(assignable(this.state)) };
    }
    const before = this.state;
    const now = clock.now();
    const result = reduce(before, command, { actor, now });
    if (!result.ok) return result;
    if (result.events.length === 0) return { ok: true, seq: before.seq };
    let seq = before.seq;
    const sequenced: SequencedEvent[] = result.events.map((event) => ({ seq: ++seq, event }));
    const next: RoomState = { ...result.state, seq };
    const count = this.sinceSnapshot + sequenced.length;
    const snapshot = needsSnapshot(sequenced, count, this.hub.config.snapshotEvery) ? next : null;
    try {
      // Durable before anyone hears of it, with the audit record of a moderator action in the same write.
      store.append(this.id, sequenced, snapshot, auditEntries(command, result.events, actor, before, now));
    } catch (err) {
      this.hub.storage.failed(err, this.id); // nothing changed: no state, no fan-out
      return { ok: false, code: 'storage-unavailable', message: STORAGE_REFUSAL };
    }
    this.hub.storage.succeeded();
    this.sinceSnapshot = snapshot ? 0 : count;
    this.state = next;
    this.lastUsed = now;
    this.hub.stateChanged(this.id, before, next);

    // Fan out: each event once as JSON; connections it is not for get a placeholder
    // with the same sequence number.
    let state = before;
    for (const e of sequenced) {
      const frame = JSON.stringify({ type: 'event', seq: e.seq, event: e.event } satisfies ServerMessage);
      let hidden: string | null = null;
      for (const conn of this.connections) {
        const heard = hearing(conn.actor, conn.observer, e.event, state); // one audience rule: audience.ts
        if (heard === 'hears') this.hub.sendRaw(conn, frame);
        else this.hub.sendRaw(conn, (hidden ??= REDACTED(e.seq)));
        if (heard === 'absent') conn.stale = true;
      }
      if (e.event.type === 'breakout-moved' || e.event.type === 'breakout-ended') this.sendHistory(state, e);
      if (e.event.type === 'participant-removed') this.hub.expel(this, e.event.userId); // they heard why; now out
      state = applySequenced(state, e);
    }
    for (const conn of this.connections) if (conn.stale && conn.actor && isPresent(this.state, conn.actor.id)) this.hub.resync(conn, this);
    this.schedule();
    return { ok: true, seq };
  }

  /** Someone who changed rooms gets the chat history of the room they arrived in. */
  private sendHistory(before: RoomState, e: SequencedEvent): void {
    const after = applySequenced(before, e);
    for (const conn of this.connections) {
      const id = conn.actor?.id;
      if (!id) continue;
      const to = locationOf(after, id);
      if (to === locationOf(before, id)) continue;
      this.hub.send(conn, { type: 'history', messages: historyOf(after, to) });
    }
  }

  /** Keep one timer, for the earliest deadline in state (host away, moves, time limit, closing). */
  schedule(): void {
    const { clock } = this.hub.deps;
    const deadline = nextDeadline(this.state);
    if (deadline === this.timerFor) return;
    if (this.timer !== null) clock.clearTimeout(this.timer);
    this.timer = null;
    this.timerFor = deadline;
    if (deadline === null) return;
    this.timer = clock.setTimeout(() => this.fire(deadline), Math.max(0, deadline - clock.now()));
  }

  /** A deadline is due: apply it, or when that cannot be saved, try again after a back-off. */
  private fire(deadline: number): void {
    this.timer = null;
    this.timerFor = null;
    if (!this.settled({ type: 'timer/due' })) {
      this.timerFor = deadline;
      this.timer = this.hub.deps.clock.setTimeout(() => this.fire(deadline), this.hub.storage.retryDelay);
      return;
    }
    this.schedule(); // a clock that fired early gets another try
  }

  /** Apply a command of the server's own (from a timer); false when it should be tried again later. */
  private settled(command: Command): boolean {
    try {
      const result = this.dispatch(command, null);
      return result.ok || result.code !== 'storage-unavailable';
    } catch (err) {
      console.error(`room "${this.id}": ${command.type} failed; trying again shortly`, err);
      return false;
    }
  }

  /** Start the reconnect grace period for a user with no open connection. */
  startGrace(userId: string, delay = this.hub.config.leaveGraceMs): void {
    const { clock } = this.hub.deps;
    this.cancelGrace(userId);
    this.graceTimers.set(
      userId,
      clock.setTimeout(() => {
        this.graceTimers.delete(userId);
        if (this.connectionOf(userId)) return;
        if (!this.settled({ type: 'presence/leave', userId })) this.startGrace(userId, this.hub.storage.retryDelay);
      }, delay),
    );
  }

  /** Nobody connected, nobody present, no timer pending: the room can leave memory. */
  get idle(): boolean {
    return (
      this.connections.size === 0 &&
      this.graceTimers.size === 0 &&
      this.timer === null &&
      nextDeadline(this.state) === null &&
      !Object.values(this.state.participants).some((p) => p.present)
    );
  }

  cancelGrace(userId: string): void {
    const t = this.graceTimers.get(userId);
    if (t !== undefined) {
      this.hub.deps.clock.clearTimeout(t);
      this.graceTimers.delete(userId);
    }
  }

  /** The user's connection in the room (consoles do not count). */
  connectionOf(userId: string): Connection | undefined {
    for (const c of this.connections) if (c.actor?.id === userId && !c.closed && !c.observer) return c;
    return undefined;
  }

  stop(): void {
    const { clock } = this.hub.deps;
    for (const t of this.graceTimers.values()) clock.clearTimeout(t);
    this.graceTimers.clear();
    if (this.timer !== null) clock.clearTimeout(this.timer);
    this.timer = null;
    this.timerFor = null;
  }
}

export class RoomHub {
  readonly deps: HubDeps;
  readonly config: HubConfig;
  private rooms = new Map<string, Room>();
  private randomId: () => string;
  readonly shuffle: <T>(items: T[]) => T[];
  readonly storage: StorageHealth;
  private sweeper: unknown;
  /** Rooms unloaded for being idle, since the start. */
  private unloaded = 0;
  readonly expiry: TokenExpiry<Connection>;

  constructor(deps: HubDeps) {
    this.deps = deps;
    this.config = { ...defaultHubConfig, ...deps.config };
    this.randomId = deps.randomId ?? defaultRandomId;
    this.shuffle = deps.shuffle ?? cryptoShuffle;
    this.storage = new StorageHealth(deps.clock);
    const every = Math.min(60_000, Math.max(1_000, Math.round(this.config.idleMs / 4)));
    this.sweeper = deps.clock.setInterval(() => this.unloadIdle(), every);
    this.expiry = this.makeExpiry();
  }

  /**
   * After a (re)start: reload every room that had people in it or a timer
   * running. Present users get a grace period to reconnect; deadlines that
   * passed while the server was down fire at once.
   */
  resume(): number {
    const ids = this.deps.store.activeRooms();
    for (const id of ids) {
      try {
        const room = this.room(id);
        for (const p of Object.values(room.state.participants)) if (p.present) room.startGrace(p.id);
        room.schedule();
      } catch (err) {
        console.error(`Could not reload room "${id}"; it loads again when someone opens it.`, err);
      }
    }
    return ids.length;
  }

  /**
   * Unload rooms idle for `idleMs` (nobody connected or present, no timer due);
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

  /** The live room object, loaded from the store or created. */
  room(id: string): Room {
    let room = this.rooms.get(id);
    if (room) return room;
    const stored = this.deps.store.loadRoom(id);
    let state = stored ? stored.snapshot : initialState(id, this.config.hostAwayMs);
    if (stored) for (const e of stored.events) state = applySequenced(state, e);
    room = new Room(this, id, state);
    this.rooms.set(id, room);
    return room;
  }

  /** For /health: rooms in memory, rooms unloaded as idle since the start, open sockets, whether writes work. */
  stats(): { rooms: number; unloaded: number; connections: number; storage: 'ok' | 'unavailable' } {
    let connections = 0;
    for (const r of this.rooms.values()) connections += r.connections.size;
    return { rooms: this.rooms.size, unloaded: this.unloaded, connections, storage: this.storage.ok ? 'ok' : 'unavailable' };
  }

  /** Is this PeerJS id the current media id of this user, present in this room's open session? */
  peerAdmitted(roomId: string, userId: string, peerId: string): boolean {
    const state = this.rooms.get(roomId)?.state;
    return !!state && state.status === 'open' && isPresent(state, userId) && state.participants[userId]!.peerId === peerId;
  }

  /** A room's state changed: tell the media side (see HubDeps.onStateChange). */
  stateChanged(roomId: string, before: RoomState, after: RoomState): void {
    if (!this.deps.onStateChange) return;
    try {
      this.deps.onStateChange(roomId, before, after);
    } catch (err) {
      console.error('state change hook failed', err);
    }
  }

  /** Someone back in the room after hearing only placeholders: the whole state again, as a welcome. */
  resync(conn: Connection, room: Room): void {
    conn.stale = false;
    const actor = conn.actor!;
    this.send(conn, { type: 'welcome', self: { ...actor, peerId: conn.peerId }, snapshot: redactFor(room.state, actor), serverTime: this.deps.clock.now(), ...this.ticketFor(room.id, conn) });
  }

  /** A media ticket for this connection's peer id, as welcome fields (none for consoles or without a store). */
  private ticketFor(roomId: string, conn: Connection): { mediaTicket?: string } {
    if (!this.deps.tickets || conn.observer || !conn.actor || !conn.peerId) return {};
    return { mediaTicket: this.deps.tickets.issue(roomId, conn.actor.id, conn.peerId).ticket };
  }

  /** `media-ticket`: a fresh ticket, for someone present in the open session. */
  private mediaTicket(roomId: string, conn: Connection): void {
    const state = this.rooms.get(roomId)?.state;
    if (!this.deps.tickets || !conn.actor || conn.observer || !state || !this.peerAdmitted(roomId, conn.actor.id, conn.peerId)) {
      return this.fail(conn, 'not-joined', 'Media tickets are for people in the running session: join it first.');
    }
    const { ticket, expiresAt } = this.deps.tickets.issue(roomId, conn.actor.id, conn.peerId);
    this.send(conn, { type: 'media-ticket', ticket, expiresAt });
  }

  /** `token`: a fresh join token for the same room and user; its role applies from now on. */
  private async refreshToken(roomId: string, conn: Connection, token: string): Promise<void> {
    const verdict = await this.deps.verifier.verify(token, roomId);
    if (conn.closed || !conn.actor) return;
    if (!verdict.ok) return this.fail(conn, 'bad-token', `The new join token was refused: ${verdict.reason}`);
    const { actor } = verdict;
    if (actor.id !== conn.actor.id) return this.fail(conn, 'forbidden', 'The new join token is for another user; sign in again as the same user.');
    if (conn.observer && !isStaff(actor.role)) return this.fail(conn, 'forbidden', 'Only hosts and moderators can keep the breakout console open.', undefined, true);
    const previous = conn.actor;
    conn.actor = actor;
    const exp = tokenExpiry(token);
    this.expiry.set(conn, exp);
    this.send(conn, { type: 'token-accepted', expiresAt: exp ?? 0 });
    const room = this.rooms.get(roomId);
    if (!room || conn.observer || !isPresent(room.state, actor.id)) return;
    if (previous.role !== actor.role || previous.name !== actor.name) room.dispatch({ type: 'presence/join', peerId: conn.peerId }, actor);
  }

  /** Token expiry: warn first, then leave the room and close. */
  private makeExpiry(): TokenExpiry<Connection> {
    return new TokenExpiry<Connection>({
    clock: this.deps.clock,
    warnMs: this.config.tokenWarnMs,
    onWarn: (conn, exp) => this.send(conn, { type: 'token-expiring', expiresAt: exp }),
    onExpire: (conn) => {
      const actor = conn.actor;
      if (!actor) return;
      conn.left = true;
      for (const room of this.rooms.values()) {
        if (!room.connections.has(conn)) continue;
        room.connections.delete(conn);
        if (!conn.observer && isPresent(room.state, actor.id) && !room.connectionOf(actor.id)) room.dispatch({ type: 'presence/leave', userId: actor.id }, null);
      }
      this.fail(conn, 'token-expired', 'Your sign-in expired: open the room again to get a fresh one.', undefined, true);
    },
    });
  }

  close(): void {
    this.deps.clock.clearInterval(this.sweeper);
    for (const room of this.rooms.values()) {
      room.stop();
      for (const c of room.connections) {
        c.closed = true;
        try {
          c.socket.close(1012, 'Server restarting');
        } catch {
          /* already gone */
        }
      }
    }
    this.rooms.clear();
  }

  sendRaw(conn: Connection, frame: string): void {
    if (conn.closed) return;
    if (conn.socket.bufferedAmount > this.config.maxBufferedBytes) {
      conn.closed = true;
      conn.socket.close(4008, 'Too far behind; reconnect to resume');
      return;
    }
    try {
      conn.socket.send(frame);
    } catch {
      conn.closed = true;
    }
  }

  send(conn: Connection, msg: ServerMessage): void {
    this.sendRaw(conn, JSON.stringify(msg));
  }

  private fail(conn: Connection, code: ErrorCode, message: string, ref?: string, fatal = false): void {
    this.send(conn, { type: 'error', code, message, ...(ref ? { ref } : {}), ...(fatal ? { fatal } : {}) });
    if (fatal) {
      conn.closed = true;
      conn.socket.close(4001, code);
    }
  }

  private rateLimiter?: RateLimiter | null;
  /** The rate limits this hub's connections share (per-user buckets live here); null when off. */
  get limiter(): RateLimiter | null {
    if (this.rateLimiter === undefined) this.rateLimiter = this.config.rateLimits && new RateLimiter(this.config.rateLimits, this.deps.clock);
    return this.rateLimiter;
  }

  /** Take a token for one message, or refuse it saying when to retry; a client that keeps flooding is closed. */
  private allowed(conn: Connection, limits: ConnectionLimiter, family: Family, ref?: string): boolean {
    const verdict = limits.check(family, conn.actor?.id);
    if (verdict.ok) return true;
    this.send(conn, rateRefusal(family, verdict.retryAfterMs, ref, verdict.flooding));
    if (verdict.flooding) {
      if (conn.actor) this.limiter?.penalize(conn.actor.id);
      conn.closed = true;
      conn.socket.close(FLOOD_CLOSE_CODE, 'rate-limited');
    }
    return false;
  }

  /** At hello: refuse a user still waiting out a flood penalty, or one past the per-user cap. */
  private refusedAtHello(room: Room, conn: Connection, userId: string, observer: boolean): boolean {
    const wait = this.limiter?.penaltyMs(userId) ?? 0;
    if (wait > 0) {
      const message = `This user sent too many messages; join again in ${Math.ceil(wait / 1000)} s.`;
      this.send(conn, { type: 'error', code: 'rate-limited', message, retryAfterMs: wait, fatal: true });
      conn.closed = true;
      conn.socket.close(FLOOD_CLOSE_CODE, 'rate-limited');
      return true;
    }
    if (!overUserCap(room.connections, userId, observer, this.config.maxConnectionsPerUser)) return false;
    this.fail(conn, 'rate-limited', `You have ${this.config.maxConnectionsPerUser} connections open to this room; close another window or console first.`, undefined, true);
    return true;
  }

  /** A removed user's connections (room and console) are told why and closed; no grace period. */
  expel(room: Room, userId: string): void {
    room.cancelGrace(userId);
    for (const conn of [...room.connections]) {
      if (conn.actor?.id !== userId) continue;
      room.connections.delete(conn);
      this.fail(conn, 'removed', REMOVED_MESSAGE, undefined, true);
    }
  }

  /** A WebSocket acceptor for `/rooms/:room/socket`. */
  accept(roomId: string): WsAcceptor {
    return (socket) => this.open(roomId, socket);
  }

  private open(roomId: string, socket: WsSocket): WsHandlers {
    const conn: Connection = { socket, actor: null, peerId: '', left: false, observer: false, closed: false };
    const { clock } = this.deps;
    let helloTimer: unknown = clock.setTimeout(() => {
      helloTimer = null;
      if (!conn.actor) this.fail(conn, 'not-joined', 'No hello received within the time limit.', undefined, true);
    }, this.config.helloTimeoutMs);
    let pending: string[] | null = null; // frames that arrive while the token is being verified
    const limits = this.limiter?.connection(); // every frame, then each message by family (limits.ts)

    const handle = (raw: string): void => {
      if (conn.closed) return;
      if (pending) {
        if (pending.length < 32) pending.push(raw);
        else this.fail(conn, 'bad-message', 'Too many messages before the join finished.');
        return;
      }
      const parsed = parseClientMessage(raw);
      if (!parsed.ok) return this.fail(conn, parsed.code, parsed.message, parsed.ref);
      const msg = parsed.value;
      const family = limits && familyOfMessage(msg);
      if (family && !this.allowed(conn, limits, family, msg.type === 'command' ? msg.ref : undefined)) return;
      if (msg.type === 'ping') return this.send(conn, { type: 'pong', t: msg.t, serverTime: clock.now() });
      if (msg.type === 'hello') {
        if (conn.actor) return this.fail(conn, 'bad-message', 'Already joined on this connection.');
        pending = [];
        void this.hello(roomId, conn, msg).catch((err) => {
          console.error('room join failed', err);
          this.fail(conn, 'internal', 'The server could not complete the join; try again shortly.', undefined, true);
        }).finally(() => {
          if (helloTimer !== null) clock.clearTimeout(helloTimer);
          helloTimer = null;
          const queued = pending ?? [];
          pending = null;
          for (const q of queued) handle(q);
        });
        return;
      }
      if (msg.type === 'media-ticket' || msg.type === 'token') {
        if (!conn.actor) return this.fail(conn, 'not-joined', 'Say hello with a join token first.');
        return msg.type === 'token' ? void this.refreshToken(roomId, conn, msg.token) : this.mediaTicket(roomId, conn);
      }
      if (!conn.actor) return this.fail(conn, 'not-joined', 'Say hello with a join token first.', msg.ref);
      const room = this.room(roomId);
      const away = absentRefusal(room.state, conn.actor, conn.observer, msg.command); // not present: audience.ts
      if (away) return this.fail(conn, 'not-joined', away, msg.ref);
      if (conn.observer && msg.command.type === 'session/leave') return this.fail(conn, 'invalid', 'A console is not in the room; close it instead.', msg.ref);
      // Starting the session or Rejoin puts this connection's media id back in the room (not a console's).
      const command = (msg.command.type === 'session/start' || msg.command.type === 'session/join') && !conn.observer ? { ...msg.command, peerId: conn.peerId } : msg.command;
      const result = room.dispatch(command, conn.actor);
      if (!result.ok) return this.fail(conn, result.code, result.message, msg.ref);
      if (msg.command.type === 'session/leave') conn.left = true;
      if (msg.ref) this.send(conn, { type: 'ack', ref: msg.ref, seq: result.seq });
    };

    return {
      message: (data) => {
        if (limits && !conn.closed && !this.allowed(conn, limits, 'frame')) return;
        if (typeof data !== 'string') {
          return this.fail(conn, 'bad-message', 'Binary frames are not accepted; send JSON text.');
        }
        try {
          handle(data);
        } catch (err) {
          console.error('room socket error', err);
          this.fail(conn, 'internal', 'The server could not process that message.');
        }
      },
      close: () => {
        if (helloTimer !== null) clock.clearTimeout(helloTimer);
        helloTimer = null;
        conn.closed = true;
        this.expiry.clear(conn);
        const room = this.rooms.get(roomId);
        if (!room || !room.connections.delete(conn) || !conn.actor) return;
        if (conn.left || conn.observer) return;
        if (room.connectionOf(conn.actor.id)) return; // another tab took over
        if (isPresent(room.state, conn.actor.id)) room.startGrace(conn.actor.id);
      },
    };
  }

  /** Keep the room's copy of its event session (title, schedule, assistant) current. */
  refreshSessionInfo(room: Room): void {
    if (!this.deps.sessionInfo) return;
    let info: SessionInfo | null = null;
    try {
      info = this.deps.sessionInfo(room.id);
    } catch (err) {
      console.error('session lookup failed', err);
      return;
    }
    room.dispatch({ type: 'session/info', info }, null);
  }

  private async hello(
    roomId: string,
    conn: Connection,
    msg: { token: string; since?: number; peerId?: string; observer?: boolean; away?: boolean },
  ): Promise<void> {
    const verdict = await this.deps.verifier.verify(msg.token, roomId);
    if (conn.closed) return;
    if (!verdict.ok) return this.fail(conn, 'bad-token', verdict.reason, undefined, true);
    const { actor, claims } = verdict;
    const room = this.room(roomId);
    if (isRemoved(room.state, actor.id)) return this.fail(conn, 'removed', REMOVED_MESSAGE, undefined, true);
    if (this.refusedAtHello(room, conn, actor.id, !!msg.observer)) return; // limits.ts

    if (msg.observer) {
      if (!isStaff(actor.role)) return this.fail(conn, 'forbidden', 'Only hosts and moderators can open the breakout console.', undefined, true);
      conn.observer = true;
      conn.actor = actor;
      this.send(conn, { type: 'welcome', self: { ...actor, peerId: '' }, snapshot: redactFor(room.state, actor), serverTime: this.deps.clock.now() });
      room.connections.add(conn);
      this.expiry.set(conn, tokenExpiry(msg.token));
      return;
    }

    // One live connection per user: a newer tab replaces the older one.
    const previous = room.connectionOf(actor.id);
    if (previous) {
      room.connections.delete(previous);
      this.fail(previous, 'replaced', 'You joined this room from another window.', undefined, true);
    }
    room.cancelGrace(actor.id);

    const current = participantOf(room.state, actor.id);
    const takenByOther =
      msg.peerId !== undefined &&
      Object.values(room.state.participants).some((p) => p.id !== actor.id && p.present && p.peerId === msg.peerId);
    conn.peerId = msg.peerId && !takenByOther ? msg.peerId : this.randomId();
    conn.actor = actor;

    // A resume within the grace period with the same media id is no news to anyone else.
    const unchanged =
      current?.present && current.peerId === conn.peerId && current.role === actor.role && current.name === actor.name;
    // A join that needs a write while writes are failing: refuse before welcoming; the client retries.
    if (!unchanged && this.storage.refusing) return this.refuseJoin(room, conn, actor.id);

    // Catch the client up: the events it missed (a bounded number), or the whole state.
    // Someone who was not present heard only placeholders for the room's news: the whole state, not a resume.
    const missed = current?.present ? catchUp(this.deps.store, roomId, room.state, actor, msg.since) : null;
    // Someone arriving in an ended session is not in it: they see neither its chat nor anyone's media id.
    const open = room.state.status === 'open';
    this.send(conn, {
      type: 'welcome',
      self: { ...actor, peerId: conn.peerId },
      ...(missed ? { events: missed } : { snapshot: open ? redactFor(room.state, actor) : outsideView(redactFor(room.state, actor)) }),
      serverTime: this.deps.clock.now(),
      ...(open ? this.ticketFor(roomId, conn) : {}),
    });
    room.connections.add(conn);
    this.expiry.set(conn, tokenExpiry(msg.token));

    this.refreshSessionInfo(room);
    // `away`: a page on the ended screen reconnects without being counted in the room.
    if (!unchanged && !msg.away) {
      const hostAwayMs = claims.hostAwayMinutes !== undefined ? Math.round(claims.hostAwayMinutes * 60_000) : undefined;
      const joined = room.dispatch({ type: 'presence/join', peerId: conn.peerId, ...(hostAwayMs ? { hostAwayMs } : {}) }, actor);
      if (!joined.ok && joined.code === 'storage-unavailable') this.refuseJoin(room, conn, actor.id);
    }
  }

  /** The join could not be saved: say so and close; the client reconnects after its back-off. */
  private refuseJoin(room: Room, conn: Connection, userId: string): void {
    room.connections.delete(conn);
    this.send(conn, { type: 'error', code: 'storage-unavailable', message: STORAGE_REFUSAL });
    conn.closed = true;
    conn.socket.close(1013, 'Try again later');
    // A user who was still present (a resume) keeps the usual grace period.
    if (isPresent(room.state, userId) && !room.connectionOf(userId)) room.startGrace(userId);
  }
}
