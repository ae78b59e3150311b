/**
 * PeerJS-compatible signaling, runtime-neutral (Node 24 and Deno 2).
 *
 * A stock `peerjs` 1.5.x client configured with `{ host, port, path: '/', key: <media ticket>, secure }`
 * works against this unchanged (the key is a short-lived, single-use ticket from the room socket,
 * never the join token: see tickets.ts):
 *  - WebSocket `/peerjs?key=KEY&id=ID&token=TOKEN&version=…` → `accept(url)` gives the `WsAcceptor`.
 *    The adapter must call the acceptor once the socket is open (so `send` works at once).
 *  - `GET /{key}/id` → respond with `generateId()` as text/plain.
 *
 * Rules:
 *  - `admit(key, id)` decides which room the peer joins. Peers are namespaced per room: a peer id only
 *    exists inside its room, so relaying to (or probing for) a peer of another room behaves exactly
 *    as for an unknown peer (queued, then EXPIRE), and the same id may exist in two rooms.
 *  - Frames that arrive while `admit` is pending are buffered (bounded) and handled after OPEN.
 *  - Same id again for the same user (a fresh ticket after a network blip) or with the same PeerJS
 *    token → OPEN, the old socket is replaced. Same id for another user → ID-TAKEN and close.
 *  - OFFER / ANSWER / CANDIDATE / LEAVE / EXPIRE with `dst` are relayed to `dst` (same room only) as
 *    the sender's JSON with `src` forced to the sender's id. OFFER / ANSWER / CANDIDATE
 *    to an absent peer are queued (bounded per destination, per sender, per room and in all, so one
 *    flooder cannot make other rooms' offers expire); once the oldest message queued for that peer is
 *    `expireTimeoutMs` old, the whole queue is dropped and each sender receives one
 *    `{type:'EXPIRE', src: dst, dst: sender}` (the stock client reports "peer-unavailable").
 *    LEAVE / EXPIRE to absent peers are dropped. A destination that stops reading
 *    (`bufferedAmount` > `maxBufferedBytes`) is disconnected.
 *  - HEARTBEAT (and any other frame) refreshes liveness; a single interval drops silent connections.
 *  - Garbage (bad JSON, binary, unknown type, > 64 KiB, bad `dst`) is answered with ERROR; the socket
 *    stays open and nobody else is affected.
 *  - `drop(room, userId?)` closes connections (e.g. a kicked user); `prune(room, keep)` closes those
 *    whose user or peer id is no longer in the room; `admit` must refuse their key afterwards.
 *
 * Memory: one small `Conn` object per connection (it is also the socket's `WsHandlers`, so no
 * per-connection closures), no per-connection timers.
 */
import type { Clock, WsAcceptor, WsHandlers, WsSocket } from '../socket.ts';
import { PEER_ID } from '../../src/protocol/schema.ts';

export interface Admission {
  room: string;
  userId: string;
}

export type AdmitResult = { ok: true; admission: Admission } | { ok: false; reason: string };

export interface SignalingOptions {
  clock: Clock;
  /** Verifies the key (a media ticket) for this peer id. A rejection counts as `{ok:false}`. */
  admit(key: string, peerId: string): Promise<AdmitResult>;
  /** Lifetime of a message queued for an absent peer before the sender gets EXPIRE. Default 5000. */
  expireTimeoutMs?: number;
  /** Drop a connection that sent nothing (not even HEARTBEAT) for this long. Default 60000. */
  aliveTimeoutMs?: number;
  /** Give up on an `admit` call that has not settled after this long. Default 10000. */
  admitTimeoutMs?: number;
  /** Queued messages per absent destination; beyond it the sender gets EXPIRE at once. Default 64. */
  maxQueuedPerPeer?: number;
  /** Characters of queued messages across all destinations; beyond it, EXPIRE at once. Default 16 Mi. */
  maxQueuedChars?: number;
  /** Characters queued in one room; beyond it, that room's senders get EXPIRE at once. Default 1 Mi. */
  maxQueuedCharsPerRoom?: number;
  /** Characters queued by one sender (peer id); beyond it, that sender gets EXPIRE at once. Default 256 Ki. */
  maxQueuedCharsPerSender?: number;
  /** Frames buffered per connection while `admit` is pending. Default 32. */
  maxPendingFrames?: number;
  /** A destination whose socket has more unsent bytes than this is dropped as stuck. Default 8 MiB. */
  maxBufferedBytes?: number;
  /**
   * Finer than the room: may `fromUser` signal `toUser` now (say, both in the same breakout
   * room)? A refused message is answered like one for an absent peer (EXPIRE). Default: yes.
   */
  canRelay?(room: string, fromUser: string, toUser: string): boolean;
  /** Sweep period. Default: a quarter of the smaller timeout, clamped to 10…1000 ms. */
  sweepIntervalMs?: number;
}

export interface SignalingStats {
  /** Admitted, connected peers. */
  peers: number;
  /** Messages waiting for an absent destination. */
  queued: number;
  /** Connections waiting for `admit`. */
  pending: number;
  /** Rooms with peers or queued messages. */
  rooms: number;
}

export interface Signaling {
  /** Acceptor for a WebSocket upgrade on `/peerjs` (the URL with the client's query string). */
  accept(url: URL): WsAcceptor;
  /** A fresh peer id for `GET /{key}/id` (a UUID, valid for PEER_ID). */
  generateId(): string;
  /** Close the signaling connections of a room (all, or only those admitted for `userId`). Returns how many. */
  drop(room: string, userId?: string): number;
  /** Close the connections of a room whose user and peer id `keep` no longer accepts. Returns how many. */
  prune(room: string, keep: (userId: string, peerId: string) => boolean): number;
  stats(): SignalingStats;
  /** Stop the sweep and close every connection. */
  close(): void;
}

/** Largest text frame accepted (characters). */
export const MAX_SIGNALING_FRAME = 64 * 1024;
export const MAX_PEER_ID_LENGTH = 64;
const MAX_TOKEN_LENGTH = 128;
const MAX_KEY_LENGTH = 256;

/** Close codes: 1000 or 3000–4999 only, the range every WebSocket API (incl. Deno's) accepts. */
export const CLOSE_REJECTED = 4001;
export const CLOSE_ID_TAKEN = 4002;
export const CLOSE_REPLACED = 4003;
export const CLOSE_TIMEOUT = 4004;
export const CLOSE_STUCK = 4005;
export const CLOSE_DROPPED = 4006;

const OPEN_FRAME = '{"type":"OPEN"}';
const HEARTBEAT_FRAME = '{"type":"HEARTBEAT"}';
const ID_TAKEN_FRAME = '{"type":"ID-TAKEN","payload":{"msg":"ID is taken"}}';

const errorFrame = (msg: string): string => JSON.stringify({ type: 'ERROR', payload: { msg } });
const ERR_BINARY = errorFrame('Binary frames are not supported: send JSON text.');
const ERR_TOO_LARGE = errorFrame(`Message too large: at most ${MAX_SIGNALING_FRAME} characters.`);
const ERR_JSON = errorFrame('Malformed message: not valid JSON.');
const ERR_SHAPE = errorFrame('Malformed message: expected a JSON object with a string "type".');
const ERR_DST = errorFrame(`Malformed message: "dst" must be a peer id (letters, digits, inner - or _; at most ${MAX_PEER_ID_LENGTH} characters).`);
const ERR_BUSY = errorFrame('Too many messages before the connection was admitted.');
const ERR_ADMIT_TIMEOUT = errorFrame('Admission timed out; try again.');
const ERR_ADMIT_FAILED = errorFrame('Admission failed; try again.');

const PENDING = 0;
const OPEN = 1;
const CLOSED = 2;

/** Message types relayed to `dst`, and whether they are queued for an absent `dst`. */
const RELAY: Record<string, boolean> = { __proto__: null, OFFER: true, ANSWER: true, CANDIDATE: true, LEAVE: false, EXPIRE: false } as never;

function validPeerId(id: unknown): id is string {
  return typeof id === 'string' && id.length > 0 && id.length <= MAX_PEER_ID_LENGTH && PEER_ID.test(id);
}

function trySend(socket: WsSocket, data: string): boolean {
  try {
    socket.send(data);
    return true;
  } catch {
    return false;
  }
}

function tryClose(socket: WsSocket, code: number, reason: string): void {
  try {
    socket.close(code, reason);
  } catch {
    // already closed
  }
}

/** Messages waiting for one absent peer of one room. */
class Queue {
  room: Room;
  dst: string;
  createdAt: number;
  /** Frames ready to send (already carrying `src`). */
  frames: string[] = [];
  /** Sender of each frame (for EXPIRE). */
  srcs: string[] = [];
  chars = 0;
  done = false;
  constructor(room: Room, dst: string, createdAt: number) {
    this.room = room;
    this.dst = dst;
    this.createdAt = createdAt;
  }
}

class Room {
  name: string;
  peers = new Map<string, Conn>();
  queues = new Map<string, Queue>();
  /** Characters queued in this room, in all and by sender peer id. */
  queuedChars = 0;
  bySender = new Map<string, number>();
  constructor(name: string) {
    this.name = name;
  }
}

/** One WebSocket. It is its own `WsHandlers`, so the runtime adapter holds no closure for it. */
class Conn implements WsHandlers {
  hub: Hub;
  socket: WsSocket;
  id: string;
  token: string;
  room: Room | null = null;
  userId = '';
  state = PENDING;
  /** Coarse time of the last frame (the hub's sweep time); while pending, the connect time. */
  lastSeen: number;
  /** Frames received while `admit` was pending. */
  early: string[] | null = null;

  constructor(hub: Hub, socket: WsSocket, id: string, token: string) {
    this.hub = hub;
    this.socket = socket;
    this.id = id;
    this.token = token;
    this.lastSeen = hub.now;
  }

  message(data: string | Uint8Array): void {
    const state = this.state;
    if (state === CLOSED) return;
    if (state === OPEN) this.lastSeen = this.hub.now;
    if (typeof data !== 'string') {
      trySend(this.socket, ERR_BINARY);
      return;
    }
    if (data.length > MAX_SIGNALING_FRAME) {
      trySend(this.socket, ERR_TOO_LARGE);
      return;
    }
    if (state === PENDING) {
      const early = (this.early ??= []);
      if (early.length >= this.hub.maxPendingFrames) trySend(this.socket, ERR_BUSY);
      else early.push(data);
      return;
    }
    this.hub.onText(this, data);
  }

  close(_code: number, _reason: string): void {
    this.hub.detach(this);
  }
}

class Hub {
  clock: Clock;
  admit: SignalingOptions['admit'];
  expireMs: number;
  aliveMs: number;
  admitMs: number;
  maxQueuedPerPeer: number;
  maxQueuedChars: number;
  maxRoomChars: number;
  maxSenderChars: number;
  maxPendingFrames: number;
  maxBufferedBytes: number;

  /** Coarse clock, refreshed by each sweep: used for liveness stamps so frames cost no clock call. */
  now: number;
  rooms = new Map<string, Room>();
  pending = new Set<Conn>();
  peerCount = 0;
  queuedCount = 0;
  queuedChars = 0;
  /** Queues in creation order (so they also expire in this order); `head` is the first live slot. */
  fifo: (Queue | null)[] = [];
  head = 0;
  timer: unknown;
  closed = false;
  canRelay: ((room: string, fromUser: string, toUser: string) => boolean) | null;

  constructor(o: SignalingOptions) {
    this.clock = o.clock;
    this.admit = o.admit;
    this.expireMs = o.expireTimeoutMs ?? 5000;
    this.aliveMs = o.aliveTimeoutMs ?? 60000;
    this.admitMs = o.admitTimeoutMs ?? 10000;
    this.maxQueuedPerPeer = o.maxQueuedPerPeer ?? 64;
    this.maxQueuedChars = o.maxQueuedChars ?? 16 * 1024 * 1024;
    this.maxRoomChars = o.maxQueuedCharsPerRoom ?? 1024 * 1024;
    this.maxSenderChars = o.maxQueuedCharsPerSender ?? 256 * 1024;
    this.maxPendingFrames = o.maxPendingFrames ?? 32;
    this.maxBufferedBytes = o.maxBufferedBytes ?? 8 * 1024 * 1024;
    this.canRelay = o.canRelay ?? null;
    const tick = o.sweepIntervalMs ?? Math.max(10, Math.min(1000, Math.floor(Math.min(this.expireMs, this.aliveMs, this.admitMs) / 4)));
    this.now = this.clock.now();
    this.timer = this.clock.setInterval(() => this.sweep(), tick);
  }

  // ---- connection lifecycle ----

  connect(socket: WsSocket, id: string, token: string, key: string): Conn {
    const conn = new Conn(this, socket, id, token);
    if (this.closed) {
      this.reject(conn, 'The signaling server is shutting down.', 1000);
      return conn;
    }
    this.pending.add(conn);
    let p: Promise<AdmitResult>;
    try {
      p = this.admit(key, id);
    } catch (e) {
      p = Promise.reject(e);
    }
    p.then(
      (r) => this.admitted(conn, r),
      () => this.admitted(conn, null),
    );
    return conn;
  }

  private reject(conn: Conn, msg: string | null, code: number, frame?: string): void {
    conn.state = CLOSED;
    conn.early = null;
    trySend(conn.socket, frame ?? errorFrame(msg ?? 'Rejected.'));
    tryClose(conn.socket, code, 'rejected');
  }

  private admitted(conn: Conn, r: AdmitResult | null): void {
    if (conn.state !== PENDING) return; // closed or timed out meanwhile
    this.pending.delete(conn);
    if (!r) return this.reject(conn, null, CLOSE_REJECTED, ERR_ADMIT_FAILED);
    if (!r.ok) return this.reject(conn, String(r.reason || 'Invalid key provided'), CLOSE_REJECTED);
    const { room: roomName, userId } = r.admission;
    let room = this.rooms.get(roomName);
    const prev = room?.peers.get(conn.id);
    if (prev) {
      if (prev.token !== conn.token && prev.userId !== userId) return this.reject(conn, null, CLOSE_ID_TAKEN, ID_TAKEN_FRAME);
      // Same peer coming back (network blip): the newer socket wins.
      prev.state = CLOSED;
      tryClose(prev.socket, CLOSE_REPLACED, 'replaced by a newer connection');
      this.peerCount--;
    }
    if (!room) {
      room = new Room(roomName);
      this.rooms.set(roomName, room);
    }
    conn.room = room;
    conn.userId = userId;
    conn.state = OPEN;
    conn.lastSeen = this.now;
    room.peers.set(conn.id, conn);
    this.peerCount++;
    trySend(conn.socket, OPEN_FRAME);

    const q = room.queues.get(conn.id);
    if (q) {
      this.unqueue(q);
      for (let i = 0; i < q.frames.length; i++) {
        const sender = this.canRelay !== null ? room.peers.get(q.srcs[i]!) : undefined;
        if (sender !== undefined && !this.canRelay!(room.name, sender.userId, conn.userId)) continue;
        trySend(conn.socket, q.frames[i]!);
      }
    }
    const early = conn.early;
    if (early) {
      conn.early = null;
      for (let i = 0; i < early.length && conn.state === OPEN; i++) this.onText(conn, early[i]!);
    }
  }

  /** Socket closed (or dropped): forget it if it is still the current one for its id. */
  detach(conn: Conn): void {
    const state = conn.state;
    conn.state = CLOSED;
    if (state === PENDING) {
      this.pending.delete(conn);
      conn.early = null;
      return;
    }
    if (state !== OPEN) return;
    const room = conn.room!;
    if (room.peers.get(conn.id) === conn) {
      room.peers.delete(conn.id);
      this.peerCount--;
      if (room.peers.size === 0 && room.queues.size === 0) this.rooms.delete(room.name);
    }
  }

  private drop1(conn: Conn, code: number, reason: string): void {
    this.detach(conn);
    tryClose(conn.socket, code, reason);
  }

  // ---- messages ----

  onText(conn: Conn, text: string): void {
    if (text === HEARTBEAT_FRAME) return; // what the stock client sends every 5 s: skip the parse
    let msg: { type?: unknown; dst?: unknown };
    try {
      msg = JSON.parse(text);
    } catch {
      trySend(conn.socket, ERR_JSON);
      return;
    }
    if (typeof msg !== 'object' || msg === null || typeof msg.type !== 'string') {
      trySend(conn.socket, ERR_SHAPE);
      return;
    }
    const type = msg.type;
    if (type === 'HEARTBEAT') return;
    const queueable = RELAY[type];
    if (queueable === undefined) {
      trySend(conn.socket, errorFrame(`Unknown message type ${JSON.stringify(type.slice(0, 32))}.`));
      return;
    }
    const dst = msg.dst;
    if (typeof dst !== 'string') {
      trySend(conn.socket, ERR_DST);
      return;
    }
    const room = conn.room!;
    // The sender's own JSON with `"src":<sender>` appended as the last member. The text parsed as an
    // object, so its last `}` closes it. JSON.parse keeps the last of duplicate keys (ECMA-262), so a
    // forged `src` is overridden, and the receiver reads the same type/dst we just checked. Cheaper
    // than re-serialising (no object, no re-escaping of the SDP). Peer ids need no escaping (PEER_ID).
    const frame = text.slice(0, text.lastIndexOf('}')) + ',"src":"' + conn.id + '"}';
    const target = room.peers.get(dst);
    if (target !== undefined && this.canRelay !== null && !this.canRelay(room.name, conn.userId, target.userId)) {
      if (queueable) trySend(conn.socket, expireFrame(dst, conn.id));
      return;
    }
    if (target !== undefined) {
      const socket = target.socket;
      if (socket.bufferedAmount <= this.maxBufferedBytes && trySend(socket, frame)) return;
      // A destination that cannot take more is as good as gone.
      this.drop1(target, CLOSE_STUCK, 'not reading');
    }
    if (!validPeerId(dst)) {
      trySend(conn.socket, ERR_DST);
      return;
    }
    if (queueable) this.enqueue(conn, room, dst, frame);
  }

  private enqueue(conn: Conn, room: Room, dst: string, frame: string): void {
    let q = room.queues.get(dst);
    const len = frame.length;
    if (
      (q !== undefined && q.frames.length >= this.maxQueuedPerPeer) ||
      (room.bySender.get(conn.id) ?? 0) + len > this.maxSenderChars ||
      room.queuedChars + len > this.maxRoomChars ||
      this.queuedChars + len > this.maxQueuedChars
    ) {
      trySend(conn.socket, expireFrame(dst, conn.id));
      return;
    }
    if (q === undefined) {
      q = new Queue(room, dst, this.clock.now());
      room.queues.set(dst, q);
      this.fifo.push(q);
    }
    q.frames.push(frame);
    q.srcs.push(conn.id);
    q.chars += len;
    room.queuedChars += len;
    room.bySender.set(conn.id, (room.bySender.get(conn.id) ?? 0) + len);
    this.queuedCount++;
    this.queuedChars += len;
  }

  /** Take a queue out of its room (delivered or expired). Its FIFO slot is skipped later. */
  private unqueue(q: Queue): void {
    q.done = true;
    this.queuedCount -= q.frames.length;
    this.queuedChars -= q.chars;
    const room = q.room;
    room.queuedChars -= q.chars;
    for (let i = 0; i < q.srcs.length; i++) {
      const src = q.srcs[i]!;
      const left = (room.bySender.get(src) ?? 0) - q.frames[i]!.length;
      if (left > 0) room.bySender.set(src, left);
      else room.bySender.delete(src);
    }
    room.queues.delete(q.dst);
    if (room.peers.size === 0 && room.queues.size === 0) this.rooms.delete(room.name);
  }

  // ---- the one periodic sweep ----

  sweep(): void {
    const now = (this.now = this.clock.now());

    // Expired queues: EXPIRE once per (sender, destination) to senders still here.
    const fifo = this.fifo;
    let head = this.head;
    const limit = now - this.expireMs;
    while (head < fifo.length) {
      const q = fifo[head]!;
      if (!q.done) {
        if (q.createdAt > limit) break;
        this.unqueue(q);
        const srcs = q.srcs;
        for (let i = 0; i < srcs.length; i++) {
          const src = srcs[i]!;
          if (srcs.indexOf(src) !== i) continue;
          const sender = q.room.peers.get(src);
          if (sender) trySend(sender.socket, expireFrame(q.dst, src));
        }
      }
      fifo[head++] = null;
    }
    if (head === fifo.length) {
      fifo.length = 0;
      head = 0;
    } else if (head > 1024 && head * 2 > fifo.length) {
      fifo.splice(0, head);
      head = 0;
    }
    this.head = head;

    // Silent connections.
    const dead = now - this.aliveMs;
    for (const room of this.rooms.values()) {
      for (const conn of room.peers.values()) {
        if (conn.lastSeen <= dead) this.drop1(conn, CLOSE_TIMEOUT, 'no heartbeat');
      }
    }
    // Admissions that never settled (a pending connection's stamp is its connect time).
    if (this.pending.size) {
      const stale = now - this.admitMs;
      for (const conn of this.pending) {
        if (conn.lastSeen > stale) continue;
        this.pending.delete(conn);
        this.reject(conn, null, CLOSE_TIMEOUT, ERR_ADMIT_TIMEOUT);
      }
    }
  }

  drop(roomName: string, userId?: string): number {
    const room = this.rooms.get(roomName);
    if (!room) return 0;
    let n = 0;
    for (const conn of room.peers.values()) {
      if (userId === undefined || conn.userId === userId) {
        this.drop1(conn, CLOSE_DROPPED, 'removed from the room');
        n++;
      }
    }
    return n;
  }

  prune(roomName: string, keep: (userId: string, peerId: string) => boolean): number {
    const room = this.rooms.get(roomName);
    if (!room) return 0;
    let n = 0;
    for (const conn of [...room.peers.values()]) {
      if (keep(conn.userId, conn.id)) continue;
      this.drop1(conn, CLOSE_DROPPED, 'no longer in the room');
      n++;
    }
    return n;
  }

  shutdown(): void {
    if (this.closed) return;
    this.closed = true;
    this.clock.clearInterval(this.timer);
    for (const conn of this.pending) {
      conn.state = CLOSED;
      tryClose(conn.socket, 1000, 'server shutting down');
    }
    this.pending.clear();
    for (const room of this.rooms.values()) {
      for (const conn of room.peers.values()) {
        conn.state = CLOSED;
        tryClose(conn.socket, 1000, 'server shutting down');
      }
    }
    this.rooms.clear();
    this.peerCount = 0;
    this.queuedCount = 0;
    this.queuedChars = 0;
    this.fifo.length = 0;
    this.head = 0;
  }
}

function expireFrame(absent: string, to: string): string {
  return JSON.stringify({ type: 'EXPIRE', src: absent, dst: to });
}

/** Checks the query string of a `/peerjs` upgrade; returns the ERROR text, or null when it is usable. */
export function checkQuery(url: URL): string | null {
  const q = url.searchParams;
  const id = q.get('id');
  const token = q.get('token');
  const key = q.get('key');
  if (!key) return 'No key supplied: pass the media ticket from the room\'s welcome as the PeerJS "key" option.';
  if (key.length > MAX_KEY_LENGTH) return 'Invalid key provided: too long.';
  if (!id) return 'No peer id supplied.';
  if (!validPeerId(id)) {
    return `Invalid peer id: use letters, digits and inner - or _, at most ${MAX_PEER_ID_LENGTH} characters.`;
  }
  if (!token) return 'No token supplied.';
  if (token.length > MAX_TOKEN_LENGTH) return 'Invalid token provided: too long.';
  return null;
}

export function createSignaling(opts: SignalingOptions): Signaling {
  const hub = new Hub(opts);
  return {
    accept(url: URL): WsAcceptor {
      const problem = checkQuery(url);
      if (problem !== null) {
        return (socket) => {
          trySend(socket, errorFrame(problem));
          tryClose(socket, CLOSE_REJECTED, 'rejected');
          return { message() {}, close() {} };
        };
      }
      const q = url.searchParams;
      const id = q.get('id')!;
      const token = q.get('token')!;
      const key = q.get('key')!;
      return (socket) => hub.connect(socket, id, token, key);
    },
    generateId(): string {
      return crypto.randomUUID();
    },
    drop: (room, userId) => hub.drop(room, userId),
    prune: (room, keep) => hub.prune(room, keep),
    stats: () => ({ peers: hub.peerCount, queued: hub.queuedCount, pending: hub.pending.size, rooms: hub.rooms.size }),
    close: () => hub.shutdown(),
  };
}
