/**
 * Messages held for peers that are not connected (yet): OFFER / ANSWER / CANDIDATE sent to a peer id
 * that has no socket in the room wait here until it connects or the oldest of them is too old.
 * Bounded per destination, per sender, per room and in all, so one flooder cannot make other rooms'
 * offers expire. Queues expire in creation order, kept in one FIFO (no per-queue timer).
 */
import type { SignalingRoom } from './signaling-room.ts';

/** Messages waiting for one absent peer of one room. */
export class AbsentPeerQueue {
  room: SignalingRoom;
  dst: string;
  createdAt: number;
  /** Frames ready to send (already carrying `src`). */
  frames: string[] = [];
  /** Sender of each frame (for EXPIRE). */
  srcs: string[] = [];
  chars = 0;
  done = false;
  constructor(room: SignalingRoom, dst: string, createdAt: number) {
    this.room = room;
    this.dst = dst;
    this.createdAt = createdAt;
  }
}

export interface QueueLimits {
  /** Age of a queue's first message at which the whole queue expires. */
  expireMs: number;
  /** Messages per absent destination. */
  maxPerPeer: number;
  /** Characters across all destinations. */
  maxChars: number;
  /** Characters in one room. */
  maxRoomChars: number;
  /** Characters from one sender (peer id) in its room. */
  maxSenderChars: number;
}

export class AbsentPeerQueues {
  /** Messages waiting, and their characters, in all rooms. */
  count = 0;
  chars = 0;
  private readonly limits: QueueLimits;
  /** Queues in creation order (so they also expire in this order); `head` is the first live slot. */
  private fifo: (AbsentPeerQueue | null)[] = [];
  private head = 0;

  constructor(limits: QueueLimits) {
    this.limits = limits;
  }

  /**
   * Hold `frame` from sender `src` for the absent `dst` of `room`. False when a quota is full:
   * the sender is then told at once that `dst` is unavailable.
   */
  hold(room: SignalingRoom, src: string, dst: string, frame: string, now: number): boolean {
    const limits = this.limits;
    let q = room.queues.get(dst);
    const len = frame.length;
    if (
      (q !== undefined && q.frames.length >= limits.maxPerPeer) ||
      (room.bySender.get(src) ?? 0) + len > limits.maxSenderChars ||
      room.queuedChars + len > limits.maxRoomChars ||
      this.chars + len > limits.maxChars
    ) {
      return false;
    }
    if (q === undefined) {
      q = new AbsentPeerQueue(room, dst, now);
      room.queues.set(dst, q);
      this.fifo.push(q);
    }
    q.frames.push(frame);
    q.srcs.push(src);
    q.chars += len;
    room.queuedChars += len;
    room.bySender.set(src, (room.bySender.get(src) ?? 0) + len);
    this.count++;
    this.chars += len;
    return true;
  }

  /** Take a queue out of its room (delivered or expired). Its FIFO slot is skipped later. */
  release(q: AbsentPeerQueue): void {
    q.done = true;
    this.count -= q.frames.length;
    this.chars -= q.chars;
    const room = q.room;
    room.queuedChars -= q.chars;
    for (let i = 0; i < q.srcs.length; i++) {
      const src = q.srcs[i]!;
      const left = (room.bySender.get(src) ?? 0) - q.frames[i]!.length;
      if (left > 0) room.bySender.set(src, left);
      else room.bySender.delete(src);
    }
    room.queues.delete(q.dst);
  }

  /** Release every queue whose first message is `expireMs` old, oldest first, handing each to `expired`. */
  expire(now: number, expired: (q: AbsentPeerQueue) => void): void {
    const fifo = this.fifo;
    let head = this.head;
    const limit = now - this.limits.expireMs;
    while (head < fifo.length) {
      const q = fifo[head]!;
      if (!q.done) {
        if (q.createdAt > limit) break;
        this.release(q);
        expired(q);
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
  }

  /** Forget everything (shutdown). */
  clear(): void {
    this.count = 0;
    this.chars = 0;
    this.fifo.length = 0;
    this.head = 0;
  }
}
