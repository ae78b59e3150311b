/**
 * The room socket's wire protocol (`/rooms/:room/socket`): a socket says `hello` with its join
 * token within a time limit, and then sends commands (answered with `ack` or `error`), pings,
 * fresh join tokens and requests for media tickets. Every frame counts against the rate limits
 * (limits.ts); a refusal names what was wrong and when to retry. Commands go to the room master
 * (room.ts); this module is also the master's transport to these sockets (send, resync, expel).
 *
 * The join itself (welcome, catch-up, presence) is in room-join.ts. Media-server signaling
 * (`sfu` frames) of a joined participant goes to the SFU controller (media/sfu.ts), whose frames
 * go back to that connection only; a connection's media there closes with it.
 */
import { parseClientMessage } from '../../src/protocol/schema.ts';
import { REMOVED_MESSAGE } from '../../src/protocol/presence.ts';
import { isStaff, type ClientMessage, type IceServer, type RoomState, type SessionInfo, type SfuClientMessage } from '../../src/protocol/types.ts';
import type { TokenVerifier } from '../auth.ts';
import { ROOM_MOVED_MESSAGE } from '../cluster/ownership.ts';
import type { IceConfig } from '../config.ts';
import { iceServersFor } from '../media/turn.ts';
import type { TicketStore } from '../peerjs/tickets.ts';
import type { Store } from '../store/store.ts';
import type { Clock, WsAcceptor, WsHandlers, WsSocket } from '../socket.ts';
import { absentRefusal, isPresent } from './audience.ts';
import { ConnectionOutput, newConnection, type Connection } from './connection.ts';
import { snapshotFor } from './fan-out.ts';
import { FLOOD_CLOSE_CODE, RateLimiter, familyOfMessage, rateRefusal, type ConnectionLimiter, type Family, type RateLimits } from './limits.ts';
import type { RoomMaster, RoomTransport } from './room.ts';
import { hello, type JoinContext } from './room-join.ts';
import { STORAGE_REFUSAL, type StorageHealth } from './storage-guard.ts';
import { TokenExpiry, tokenExpiry } from './token-expiry.ts';

export interface RoomSocketConfig {
  /** A socket must say hello within this time. */
  helloTimeoutMs: number;
  /** Close a socket whose unsent backlog passes this many bytes (it will resume). */
  maxBufferedBytes: number;
  /** Tell an open connection this long before its join token expires (`token-expiring`). */
  tokenWarnMs: number;
  /** Rate limits per connection and per user (limits.ts); null turns them off. */
  rateLimits: RateLimits | null;
  /** Open room sockets per user in one room (consoles and the one participant socket); 0: no cap. */
  maxConnectionsPerUser: number;
  /** Commands waiting for one room's slow store before new ones are refused (`storage-unavailable`). */
  maxBacklog: number;
}

/** The rooms, as the socket protocol reaches them (hub.ts). */
export interface RoomDirectory {
  /** The live room, loaded from the store or created. */
  room(id: string): Promise<RoomMaster<Connection>>;
  /** The room if it is in memory. */
  peek(id: string): RoomMaster<Connection> | undefined;
}

export interface RoomSocketDeps {
  rooms: RoomDirectory;
  /** Read for resumes (the events a client missed). */
  store: Pick<Store, 'eventsSince'>;
  clock: Clock;
  verifier: TokenVerifier;
  storage: StorageHealth;
  config: RoomSocketConfig;
  /** Random media ids for connections that bring none (or one taken by someone else). */
  randomId: () => string;
  /** Media tickets (the PeerJS key): handed out in `welcome` and on request. None: no tickets. */
  tickets?: TicketStore;
  /** The event session behind a room, if any (title, AI assistant, schedule, registrations). */
  sessionInfo?: (room: string) => SessionInfo | null | Promise<SessionInfo | null>;
  /** The media server's controller (media/sfu.ts); none: `sfu` frames are refused as `sfu-unavailable`. */
  sfu?: SfuSignaling;
  /** STUN/TURN servers for participant connections (in `welcome` and `media-ticket`); none: not sent. */
  ice?: IceConfig;
}

/** The SFU controller as the room sockets reach it. */
export interface SfuSignaling {
  /** An `sfu` frame of a joined participant connection (present or not: the controller checks the state). */
  handle(conn: Connection, msg: SfuClientMessage): void;
  /** The connection closed: its media at the media server goes. */
  closed(conn: Connection): void;
}

/** The ICE fields of `welcome` and `media-ticket`. */
export interface IceFields {
  iceServers?: IceServer[];
  iceTransportPolicy?: 'relay';
  /** When the TURN credential expires (server time); absent without TURN. */
  iceExpiresAt?: number;
}

/** Is this media id the current one of this user, present in this room's open session? */
export function mediaAdmitted(state: RoomState | undefined, userId: string, peerId: string): boolean {
  return !!state && state.status === 'open' && isPresent(state, userId) && state.participants[userId]!.peerId === peerId;
}

const NOT_JOINED = 'Say hello with a join token first.';

export class RoomSockets implements RoomTransport<Connection> {
  private deps: RoomSocketDeps;
  readonly out: ConnectionOutput;
  readonly expiry: TokenExpiry<Connection>;
  /** The rate limits these sockets share (per-user buckets live here); null when off. */
  readonly limiter: RateLimiter | null;
  private join: JoinContext;
  /** The ICE servers last sent to each connection (a resync's welcome repeats them). */
  private iceSent = new WeakMap<Connection, IceFields>();

  constructor(deps: RoomSocketDeps) {
    this.deps = deps;
    this.out = new ConnectionOutput(deps.config.maxBufferedBytes);
    this.limiter = deps.config.rateLimits && new RateLimiter(deps.config.rateLimits, deps.clock);
    this.expiry = new TokenExpiry<Connection>({
      clock: deps.clock,
      warnMs: deps.config.tokenWarnMs,
      onWarn: (conn, exp) => this.out.send(conn, { type: 'token-expiring', expiresAt: exp }),
      onExpire: (conn) => this.expired(conn),
    });
    this.join = { ...deps, out: this.out, expiry: this.expiry, limiter: this.limiter, ticketFor: (conn) => this.ticketFor(conn), iceFor: (conn, userId) => this.iceFor(conn, userId) };
  }

  // --- the room master's transport -------------------------------------------------------

  send(to: Connection, frame: string): void {
    this.out.sendRaw(to, frame);
  }

  /** Someone back in the room after hearing only placeholders: the whole state again, as a welcome. */
  resync(to: Connection, state: RoomState): void {
    const actor = to.actor!;
    const media = state.status === 'open' ? { ...this.ticketFor(to), ...this.iceSent.get(to) } : {};
    this.out.send(to, { type: 'welcome', self: { ...actor, peerId: to.peerId }, snapshot: snapshotFor(state, actor), serverTime: this.deps.clock.now(), ...media });
  }

  expel(to: Connection): void {
    this.out.fail(to, 'removed', REMOVED_MESSAGE, undefined, true);
  }

  // --- the protocol ----------------------------------------------------------------------

  /** A WebSocket acceptor for `/rooms/:room/socket`. */
  accept(roomId: string): WsAcceptor {
    return (socket) => this.open(roomId, socket);
  }

  /**
   * STUN/TURN servers for a participant connection, as welcome fields, with TURN credentials made
   * now for this user (none for consoles, or when no servers are configured).
   */
  private async iceFor(conn: Connection, userId: string): Promise<IceFields> {
    const { ice } = this.deps;
    if (!ice || conn.console) return {};
    const now = this.deps.clock.now();
    const servers = await iceServersFor(ice, userId, now);
    const turn = servers.some((s) => s.credential);
    const fields: IceFields = servers.length
      ? { iceServers: servers, ...(ice.policy === 'relay' ? { iceTransportPolicy: 'relay' as const } : {}), ...(turn ? { iceExpiresAt: now + ice.turnTtlSeconds * 1000 } : {}) }
      : {};
    this.iceSent.set(conn, fields);
    return fields;
  }

  /** A media ticket for this connection's peer id, as welcome fields (none for consoles or without a store). */
  private ticketFor(conn: Connection): { mediaTicket?: string } {
    if (!this.deps.tickets || conn.console || !conn.actor || !conn.peerId) return {};
    return { mediaTicket: this.deps.tickets.issue(conn.roomId, conn.actor.id, conn.peerId).ticket };
  }

  private open(roomId: string, socket: WsSocket): WsHandlers {
    const conn = newConnection(socket, roomId);
    const { clock, config } = this.deps;
    const { out } = this;
    let helloTimer: unknown = clock.setTimeout(() => {
      helloTimer = null;
      if (!conn.actor) out.fail(conn, 'not-joined', 'No hello received within the time limit.', undefined, true);
    }, config.helloTimeoutMs);
    let pending: string[] | null = null; // frames that arrive while the join is under way
    const limits = this.limiter?.connection(); // every frame, then each message by family (limits.ts)

    const handle = (raw: string): void => {
      if (conn.closed) return;
      if (pending) {
        if (pending.length < 32) pending.push(raw);
        else out.fail(conn, 'bad-message', 'Too many messages before the join finished.');
        return;
      }
      const parsed = parseClientMessage(raw);
      if (!parsed.ok) return out.fail(conn, parsed.code, parsed.message, parsed.ref);
      const msg = parsed.value;
      const family = limits && familyOfMessage(msg);
      if (family && !this.allowed(conn, limits, family, msg.type === 'command' ? msg.ref : undefined)) return;
      switch (msg.type) {
        case 'ping':
          return out.send(conn, { type: 'pong', t: msg.t, serverTime: clock.now() });
        case 'hello': {
          if (conn.actor) return out.fail(conn, 'bad-message', 'Already joined on this connection.');
          // The hello came in time: the limit is for saying hello, not for how long a busy room or
          // a slow store takes to let the user in (the join has its own bounds and refusals).
          if (helloTimer !== null) clock.clearTimeout(helloTimer);
          helloTimer = null;
          pending = [];
          void hello(this.join, conn, msg)
            .catch((err) => {
              console.error('room join failed', err);
              out.fail(conn, 'internal', 'The server could not complete the join; try again shortly.', undefined, true);
            })
            .finally(() => {
              const queued = pending ?? [];
              pending = null;
              for (const q of queued) handle(q);
            });
          return;
        }
        case 'media-ticket':
          if (!conn.actor) return out.fail(conn, 'not-joined', NOT_JOINED);
          return void this.mediaTicket(conn).catch((err) => {
            console.error('media ticket failed', err);
            out.fail(conn, 'internal', 'The server could not make a media ticket; try again shortly.');
          });
        case 'token':
          if (!conn.actor) return out.fail(conn, 'not-joined', NOT_JOINED);
          return void this.refreshToken(conn, msg.token).catch((err) => {
            console.error('token refresh failed', err);
            out.fail(conn, 'internal', 'The server could not take the new join token; try again shortly.');
          });
        case 'command':
          return this.command(conn, msg);
        case 'sfu':
          return this.sfu(conn, msg);
      }
    };

    return {
      message: (data) => {
        if (limits && !conn.closed && !this.allowed(conn, limits, 'frame')) return;
        if (typeof data !== 'string') return out.fail(conn, 'bad-message', 'Binary frames are not accepted; send JSON text.');
        try {
          handle(data);
        } catch (err) {
          console.error('room socket error', err);
          out.fail(conn, 'internal', 'The server could not process that message.');
        }
      },
      close: () => {
        if (helloTimer !== null) clock.clearTimeout(helloTimer);
        helloTimer = null;
        conn.closed = true;
        this.expiry.clear(conn);
        this.deps.sfu?.closed(conn);
        const room = this.deps.rooms.peek(roomId);
        if (!room || !room.listeners.delete(conn) || !conn.actor) return;
        if (conn.left || conn.console) return;
        if (room.connected(conn.actor.id)) return; // another tab took over
        if (isPresent(room.state, conn.actor.id)) room.startGrace(conn.actor.id);
      },
    };
  }

  /** A command: to the room's queue, decided in turn; the sender gets `ack` or `error` once it is stored or refused. */
  private command(conn: Connection, msg: Extract<ClientMessage, { type: 'command' }>): void {
    const { out } = this;
    const actor = conn.actor;
    if (!actor) return out.fail(conn, 'not-joined', NOT_JOINED, msg.ref);
    const room = this.deps.rooms.peek(conn.roomId);
    if (!room || !room.listeners.has(conn)) return out.fail(conn, 'not-joined', NOT_JOINED, msg.ref);
    if (conn.console && msg.command.type === 'meeting/leave') return out.fail(conn, 'invalid', 'A console is not in the room; close it instead.', msg.ref);
    if (room.backlog >= this.deps.config.maxBacklog) return out.fail(conn, 'storage-unavailable', STORAGE_REFUSAL, msg.ref);
    void room
      .exclusive(async () => {
        const away = absentRefusal(room.state, actor, conn.console, msg.command); // not present: audience.ts
        if (away) return out.fail(conn, 'not-joined', away, msg.ref);
        const result = await room.commit(msg.command, actor, conn.console ? {} : { peerId: conn.peerId });
        if (!result.ok) return out.fail(conn, result.code, result.message, msg.ref);
        if (msg.command.type === 'meeting/leave') conn.left = true;
        if (msg.ref) out.send(conn, { type: 'ack', ref: msg.ref, seq: result.seq });
      })
      .catch((err) => {
        console.error('room command failed', err);
        out.fail(conn, 'internal', 'The server could not process that message.', msg.ref);
      });
  }

  /** An `sfu` frame: for the SFU controller, from a joined participant connection only; refusals go back as `sfu` errors. */
  private sfu(conn: Connection, msg: SfuClientMessage): void {
    const refuse = (code: 'not-joined' | 'forbidden' | 'sfu-unavailable', message: string) =>
      this.out.send(conn, { type: 'sfu', op: 'error', code, message, ...(msg.op === 'publish' ? { source: msg.source } : {}) });
    if (!conn.actor) return refuse('not-joined', NOT_JOINED);
    if (conn.console) return refuse('forbidden', 'A console sends and receives no media; open the room to take part.');
    const room = this.deps.rooms.peek(conn.roomId);
    if (!room || !room.listeners.has(conn)) return refuse('not-joined', NOT_JOINED);
    if (!this.deps.sfu) return refuse('sfu-unavailable', "This server has no media server: the room's media goes browser to browser.");
    this.deps.sfu.handle(conn, msg);
  }

  /** Take a token for one message, or refuse it saying when to retry; a client that keeps flooding is closed. */
  private allowed(conn: Connection, limits: ConnectionLimiter, family: Family, ref?: string): boolean {
    const verdict = limits.check(family, conn.actor?.id);
    if (verdict.ok) return true;
    this.out.send(conn, rateRefusal(family, verdict.retryAfterMs, ref, verdict.flooding));
    if (verdict.flooding) {
      if (conn.actor) this.limiter?.penalize(conn.actor.id);
      this.out.close(conn, FLOOD_CLOSE_CODE, 'rate-limited');
    }
    return false;
  }

  /** `media-ticket`: a fresh ticket (and fresh TURN credentials), for someone present in the open session. */
  private async mediaTicket(conn: Connection): Promise<void> {
    const state = this.deps.rooms.peek(conn.roomId)?.state;
    if (!this.deps.tickets || !conn.actor || conn.console || !mediaAdmitted(state, conn.actor.id, conn.peerId)) {
      return this.out.fail(conn, 'not-joined', 'Media tickets are for people in the running session: join it first.');
    }
    const ice = await this.iceFor(conn, conn.actor.id);
    const { ticket, expiresAt } = this.deps.tickets.issue(conn.roomId, conn.actor.id, conn.peerId);
    this.out.send(conn, { type: 'media-ticket', ticket, expiresAt, ...ice });
  }

  /** `token`: a fresh join token for the same room and user; its role applies from now on. */
  private async refreshToken(conn: Connection, token: string): Promise<void> {
    const { out } = this;
    const verdict = await this.deps.verifier.verify(token, conn.roomId);
    if (conn.closed || !conn.actor) return;
    if (!verdict.ok) return out.fail(conn, 'bad-token', `The new join token was refused: ${verdict.reason}`);
    const { actor } = verdict;
    if (actor.id !== conn.actor.id) return out.fail(conn, 'forbidden', 'The new join token is for another user; sign in again as the same user.');
    if (conn.console && !isStaff(actor.role)) return out.fail(conn, 'forbidden', 'Only hosts and moderators can keep the breakout console open.', undefined, true);
    const previous = conn.actor;
    conn.actor = actor;
    const exp = tokenExpiry(token);
    this.expiry.set(conn, exp);
    out.send(conn, { type: 'token-accepted', expiresAt: exp ?? 0 });
    const room = this.deps.rooms.peek(conn.roomId);
    if (!room || conn.console || previous.role === actor.role && previous.name === actor.name) return;
    await room.exclusive(() => (isPresent(room.state, actor.id) ? room.commit({ type: 'presence/join', peerId: conn.peerId }, actor) : null));
  }

  /** The join token ran out (after a warning): the user leaves the room at once and the socket closes. */
  private expired(conn: Connection): void {
    const actor = conn.actor;
    if (!actor) return;
    conn.left = true;
    const room = this.deps.rooms.peek(conn.roomId);
    if (room?.listeners.delete(conn) && !conn.console) {
      const leave = () => (isPresent(room.state, actor.id) && !room.connected(actor.id) ? room.commit({ type: 'presence/leave', userId: actor.id }, null) : null);
      void room.exclusive(leave).catch((err) => console.error(`room "${room.id}": leave at token expiry failed`, err));
    }
    this.out.fail(conn, 'token-expired', 'Your sign-in expired: open the room again to get a fresh one.', undefined, true);
  }

  /**
   * The room is served elsewhere now (handed over, or its lease lost): every socket hears
   * `room-moved` with when to come back, and closes; the clients reconnect (through the router, to
   * the room's new server) and resume.
   */
  moved(room: RoomMaster<Connection>, retryAfterMs: number): void {
    for (const c of [...room.listeners]) refuseMoved(this.out, c, retryAfterMs);
    room.listeners.clear();
  }

  /** The server is stopping: close every socket with "restarting" (clients reconnect). */
  closeAll(rooms: Iterable<RoomMaster<Connection>>): void {
    for (const room of rooms) for (const c of room.listeners) this.out.close(c, 1012, 'Server restarting');
  }
}


/** Tell a connection its room is served elsewhere (retry after `retryAfterMs`), and close it. */
export function refuseMoved(out: ConnectionOutput, conn: Connection, retryAfterMs: number): void {
  out.send(conn, { type: 'error', code: 'room-moved', message: ROOM_MOVED_MESSAGE, fatal: true, retryAfterMs: Math.max(0, Math.round(retryAfterMs)) });
  out.close(conn, 1012, 'room-moved');
}
