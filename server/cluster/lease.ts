/**
 * Room ownership when several servers share one database: a room is served by the one server
 * holding its lease. A lease is a row (room, owner, epoch, expires_at); the owner renews it, and
 * when it lapses another server takes the room with the next epoch. The epoch fences writes: the
 * room store appends only while (owner, epoch) still holds a live lease, checked inside the append's
 * transaction, so a deposed owner (paused, partitioned, slow) can never write after a takeover.
 */
import type { Fence } from '../store/store.ts';

export type { Fence };

/** The room's lease is no longer this server's: refuse the command (`room-moved`), close and unload the room. */
export class LeaseLostError extends Error {
  readonly room: string;
  readonly owner: string;
  readonly epoch: number;
  constructor(room: string, fence: Fence) {
    super(`room "${room}" is no longer served here (lease ${fence.epoch} of ${fence.owner} lost)`);
    this.name = 'LeaseLostError';
    this.room = room;
    this.owner = fence.owner;
    this.epoch = fence.epoch;
  }
}
