/**
 * The signaling server's registry: which PeerJS client sockets are admitted to which room, and the
 * relay between them. It admits a socket once its key is redeemed, relays OFFER / ANSWER / CANDIDATE
 * / LEAVE / EXPIRE to peers of the same room (holding messages for absent peers in
 * absent-peer-queues.ts), closes what the room no longer accepts (`drop`, `prune`), and runs the one
 * periodic sweep (expired queues, silent sockets, admissions that never settled).
 */
import type { Clock, WsSocket } from '../socket.ts';
import { AbsentPeerQueues, type AbsentPeerQueue } from './absent-peer-queues.ts';
import {
  CLOSE_DROPPED,
  CLOSE_ID_TAKEN,
  CLOSE_REJECTED,
  CLOSE_REPLACED,
  CLOSE_STUCK,
  CLOSE_TIMEOUT,
  ERR_ADMIT_FAILED,
  ERR_ADMIT_TIMEOUT,
  ERR_DST,
  ERR_JSON,
  ERR_SHAPE,
  errorFrame,
  expireFrame,
  HEARTBEAT_FRAME,
  ID_TAKEN_FRAME,
  OPEN_FRAME,
  RELAY,
  tryClose,
  trySend,
  validPeerId,
} from './frames.ts';
import { CLOSED, OPEN, PENDING, PeerSocket, type PeerSocketOwner } from './peer-socket.ts';
import { SignalingRoom } from './signaling-room.ts';
import type { AdmitResult, SignalingOptions, SignalingStats } from './signaling.ts';

export class PeerRegistry implements PeerSocketOwner {
  readonly clock: Clock;
  readonly admit: SignalingOptions['admit'];
  readonly aliveMs: number;
  readonly admitMs: number;
  readonly maxPendingFrames: number;
  readonly maxBufferedBytes: number;
  readonly canRelay: ((room: string, fromUser: string, toUser: string) => boolean) | null;

  /** Coarse clock, refreshed by each sweep: used for liveness stamps so frames cost no clock call. */
  now: number;
  rooms = new Map<string, SignalingRoom>();
  pending = new Set<PeerSocket>();
  peerCount = 0;
  readonly queues: AbsentPeerQueues;
  private timer: unknown;
  private closed = false;

  constructor(o: SignalingOptions) {
    this.clock = o.clock;
    this.admit = o.admit;
    const expireMs = o.expireTimeoutMs ?? 5000;
    this.aliveMs = o.aliveTimeoutMs ?? 60000;
    this.admitMs = o.admitTimeoutMs ?? 10000;
    this.queues = new AbsentPeerQueues({
      expireMs,
      maxPerPeer: o.maxQueuedPerPeer ?? 64,
      maxChars: o.maxQueuedChars ?? 16 * 1024 * 1024,
      maxRoomChars: o.maxQueuedCharsPerRoom ?? 1024 * 1024,
      maxSenderChars: o.maxQueuedCharsPerSender ?? 256 * 1024,
    });
    this.maxPendingFrames = o.maxPendingFrames ?? 32;
    this.maxBufferedBytes = o.maxBufferedBytes ?? 8 * 1024 * 1024;
    this.canRelay = o.canRelay ?? null;
    const tick = o.sweepIntervalMs ?? Math.max(10, Math.min(1000, Math.floor(Math.min(expireMs, this.aliveMs, this.admitMs) / 4)));
    this.now = this.clock.now();
    this.timer = this.clock.setInterval(() => this.sweep(), tick);
  }

  stats(): SignalingStats {
    return { peers: this.peerCount, queued: this.queues.count, pending: this.pending.size, rooms: this.rooms.size };
  }

  // ---- connection lifecycle ----

  connect(socket: WsSocket, id: string, token: string, key: string, roomName?: string): PeerSocket {
    const peer = new PeerSocket(this, socket, id, token);
    if (this.closed) {
      this.reject(peer, 'The signaling server is shutting down.', 1000);
      return peer;
    }
    this.pending.add(peer);
    let p: Promise<AdmitResult>;
    try {
      p = roomName === undefined ? this.admit(key, id) : this.admit(key, id, roomName);
    } catch (e) {
      p = Promise.reject(e);
    }
    p.then(
      (r) => this.admitted(peer, r),
      () => this.admitted(peer, null),
    );
    return peer;
  }

  private reject(peer: PeerSocket, msg: string | null, code: number, frame?: string): void {
    peer.state = CLOSED;
    peer.early = null;
    trySend(peer.socket, frame ?? errorFrame(msg ?? 'Rejected.'));
    tryClose(peer.socket, code, 'rejected');
  }

  private admitted(peer: PeerSocket, r: AdmitResult | null): void {
    if (peer.state !== PENDING) return; // closed or timed out meanwhile
    this.pending.delete(peer);
    if (!r) return this.reject(peer, null, CLOSE_REJECTED, ERR_ADMIT_FAILED);
    if (!r.ok) return this.reject(peer, String(r.reason || 'Invalid key provided'), CLOSE_REJECTED);
    const { room: roomName, userId } = r.admission;
    let room = this.rooms.get(roomName);
    const prev = room?.peers.get(peer.id);
    if (prev) {
      if (prev.token !== peer.token && prev.userId !== userId) return this.reject(peer, null, CLOSE_ID_TAKEN, ID_TAKEN_FRAME);
      // Same peer coming back (network blip): the newer socket wins.
      prev.state = CLOSED;
      tryClose(prev.socket, CLOSE_REPLACED, 'replaced by a newer connection');
      this.peerCount--;
    }
    if (!room) {
      room = new SignalingRoom(roomName);
      this.rooms.set(roomName, room);
    }
    peer.room = room;
    peer.userId = userId;
    peer.state = OPEN;
    peer.lastSeen = this.now;
    room.peers.set(peer.id, peer);
    this.peerCount++;
    trySend(peer.socket, OPEN_FRAME);

    const q = room.queues.get(peer.id);
    if (q) {
      this.unqueue(q);
      for (let i = 0; i < q.frames.length; i++) {
        const sender = this.canRelay !== null ? room.peers.get(q.srcs[i]!) : undefined;
        if (sender !== undefined && !this.canRelay!(room.name, sender.userId, peer.userId)) continue;
        trySend(peer.socket, q.frames[i]!);
      }
    }
    const early = peer.early;
    if (early) {
      peer.early = null;
      for (let i = 0; i < early.length && peer.state === OPEN; i++) this.onText(peer, early[i]!);
    }
  }

  /** Socket closed (or dropped): forget it if it is still the current one for its id. */
  detach(peer: PeerSocket): void {
    const state = peer.state;
    peer.state = CLOSED;
    if (state === PENDING) {
      this.pending.delete(peer);
      peer.early = null;
      return;
    }
    if (state !== OPEN) return;
    const room = peer.room!;
    if (room.peers.get(peer.id) === peer) {
      room.peers.delete(peer.id);
      this.peerCount--;
      if (room.empty) this.rooms.delete(room.name);
    }
  }

  private drop1(peer: PeerSocket, code: number, reason: string): void {
    this.detach(peer);
    tryClose(peer.socket, code, reason);
  }

  // ---- messages ----

  onText(peer: PeerSocket, text: string): void {
    if (text === HEARTBEAT_FRAME) return; // what the stock client sends every 5 s: skip the parse
    let msg: { type?: unknown; dst?: unknown };
    try {
      msg = JSON.parse(text);
    } catch {
      trySend(peer.socket, ERR_JSON);
      return;
    }
    if (typeof msg !== 'object' || msg === null || typeof msg.type !== 'string') {
      trySend(peer.socket, ERR_SHAPE);
      return;
    }
    const type = msg.type;
    if (type === 'HEARTBEAT') return;
    const queueable = RELAY[type];
    if (queueable === undefined) {
      trySend(peer.socket, errorFrame(`Unknown message type ${JSON.stringify(type.slice(0, 32))}.`));
      return;
    }
    const dst = msg.dst;
    if (typeof dst !== 'string') {
      trySend(peer.socket, ERR_DST);
      return;
    }
    const room = peer.room!;
    // The sender's own JSON with `"src":<sender>` appended as the last member. The text parsed as an
    // object, so its last `}` closes it. JSON.parse keeps the last of duplicate keys (ECMA-262), so a
    // forged `src` is overridden, and the receiver reads the same type/dst we just checked. Cheaper
    // than re-serialising (no object, no re-escaping of the SDP). Peer ids need no escaping (PEER_ID).
    const frame = text.slice(0, text.lastIndexOf('}')) + ',"src":"' + peer.id + '"}';
    const target = room.peers.get(dst);
    if (target !== undefined && this.canRelay !== null && !this.canRelay(room.name, peer.userId, target.userId)) {
      if (queueable) trySend(peer.socket, expireFrame(dst, peer.id));
      return;
    }
    if (target !== undefined) {
      const socket = target.socket;
      if (socket.bufferedAmount <= this.maxBufferedBytes && trySend(socket, frame)) return;
      // A destination that cannot take more is as good as gone.
      this.drop1(target, CLOSE_STUCK, 'not reading');
    }
    if (!validPeerId(dst)) {
      trySend(peer.socket, ERR_DST);
      return;
    }
    if (queueable && !this.queues.hold(room, peer.id, dst, frame, this.clock.now())) {
      trySend(peer.socket, expireFrame(dst, peer.id));
    }
  }

  /** Take a queue out of its room (delivered or expired); forget the room when nothing is left in it. */
  private unqueue(q: AbsentPeerQueue): void {
    this.queues.release(q);
    if (q.room.empty) this.rooms.delete(q.room.name);
  }

  // ---- the one periodic sweep ----

  sweep(): void {
    const now = (this.now = this.clock.now());

    // Expired queues: EXPIRE once per (sender, destination) to senders still here.
    this.queues.expire(now, (q) => {
      if (q.room.empty) this.rooms.delete(q.room.name);
      const srcs = q.srcs;
      for (let i = 0; i < srcs.length; i++) {
        const src = srcs[i]!;
        if (srcs.indexOf(src) !== i) continue;
        const sender = q.room.peers.get(src);
        if (sender) trySend(sender.socket, expireFrame(q.dst, src));
      }
    });

    // Silent connections.
    const dead = now - this.aliveMs;
    for (const room of this.rooms.values()) {
      for (const peer of room.peers.values()) {
        if (peer.lastSeen <= dead) this.drop1(peer, CLOSE_TIMEOUT, 'no heartbeat');
      }
    }
    // Admissions that never settled (a pending connection's stamp is its connect time).
    if (this.pending.size) {
      const stale = now - this.admitMs;
      for (const peer of this.pending) {
        if (peer.lastSeen > stale) continue;
        this.pending.delete(peer);
        this.reject(peer, null, CLOSE_TIMEOUT, ERR_ADMIT_TIMEOUT);
      }
    }
  }

  drop(roomName: string, userId?: string): number {
    const room = this.rooms.get(roomName);
    if (!room) return 0;
    let n = 0;
    for (const peer of room.peers.values()) {
      if (userId === undefined || peer.userId === userId) {
        this.drop1(peer, CLOSE_DROPPED, 'removed from the room');
        n++;
      }
    }
    return n;
  }

  prune(roomName: string, keep: (userId: string, peerId: string) => boolean): number {
    const room = this.rooms.get(roomName);
    if (!room) return 0;
    let n = 0;
    for (const peer of [...room.peers.values()]) {
      if (keep(peer.userId, peer.id)) continue;
      this.drop1(peer, CLOSE_DROPPED, 'no longer in the room');
      n++;
    }
    return n;
  }

  shutdown(): void {
    if (this.closed) return;
    this.closed = true;
    this.clock.clearInterval(this.timer);
    for (const peer of this.pending) {
      peer.state = CLOSED;
      tryClose(peer.socket, 1000, 'server shutting down');
    }
    this.pending.clear();
    for (const room of this.rooms.values()) {
      for (const peer of room.peers.values()) {
        peer.state = CLOSED;
        tryClose(peer.socket, 1000, 'server shutting down');
      }
    }
    this.rooms.clear();
    this.peerCount = 0;
    this.queues.clear();
  }
}
