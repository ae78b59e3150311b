/**
 * PeerJS-compatible signaling, runtime-neutral (Node 24 and Deno 2).
 *
 * A stock `peerjs` 1.5.x client configured with `{ host, port, path: '/rooms/<room>/', key: <media
 * ticket>, secure }` works against this unchanged (the key is a short-lived, single-use ticket from
 * the room socket, never the join token: see tickets.ts). The room in the path lets a router keep
 * all of a room's traffic on the server that serves it:
 *  - WebSocket `/rooms/<room>/peerjs?key=KEY&id=ID&token=TOKEN&version=…` → `accept(url, room)` gives
 *    the `WsAcceptor`; `admit` is told the path's room and refuses a ticket for another.
 *    The adapter must call the acceptor once the socket is open (so `send` works at once).
 *  - `GET /rooms/<room>/{key}/id` → respond with `generateId()` as text/plain.
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
 * Memory: one small `PeerSocket` object per connection (it is also the socket's `WsHandlers`, so no
 * per-connection closures), no per-connection timers.
 *
 * Modules: this file is the public surface; frames.ts the wire (limits, close codes, frames),
 * peer-socket.ts one client's socket, peer-registry.ts the admitted peers by room and the relay,
 * signaling-room.ts one room's peers and queues, absent-peer-queues.ts the bounded queues.
 */
import type { Clock, WsAcceptor } from '../socket.ts';
import { checkQuery, CLOSE_REJECTED, errorFrame, tryClose, trySend } from './frames.ts';
import { PeerRegistry } from './peer-registry.ts';

export {
  checkQuery,
  CLOSE_DROPPED,
  CLOSE_ID_TAKEN,
  CLOSE_REJECTED,
  CLOSE_REPLACED,
  CLOSE_STUCK,
  CLOSE_TIMEOUT,
  MAX_PEER_ID_LENGTH,
  MAX_SIGNALING_FRAME,
} from './frames.ts';

export interface Admission {
  room: string;
  userId: string;
}

export type AdmitResult = { ok: true; admission: Admission } | { ok: false; reason: string };

export interface SignalingOptions {
  clock: Clock;
  /**
   * Verifies the key (a media ticket) for this peer id, on the signaling path of `room` (when the
   * URL names one). A rejection counts as `{ok:false}`.
   */
  admit(key: string, peerId: string, room?: string): Promise<AdmitResult>;
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
  /** Acceptor for a WebSocket upgrade on `/rooms/<room>/peerjs` (the URL with the client's query string, and its room). */
  accept(url: URL, room?: string): WsAcceptor;
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

export function createSignaling(opts: SignalingOptions): Signaling {
  const registry = new PeerRegistry(opts);
  return {
    accept(url: URL, room?: string): WsAcceptor {
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
      return (socket) => registry.connect(socket, id, token, key, room);
    },
    generateId(): string {
      return crypto.randomUUID();
    },
    drop: (room, userId) => registry.drop(room, userId),
    prune: (room, keep) => registry.prune(room, keep),
    stats: () => registry.stats(),
    close: () => registry.shutdown(),
  };
}
