/**
 * One room's side of the signaling server: its admitted peers by peer id, and the messages waiting
 * for its absent peers. A peer id only exists inside its room, so the same id may live in two rooms.
 */
import type { AbsentPeerQueue } from './absent-peer-queues.ts';
import type { PeerSocket } from './peer-socket.ts';

export class SignalingRoom {
  name: string;
  peers = new Map<string, PeerSocket>();
  /** Messages waiting for an absent peer, by its peer id. */
  queues = new Map<string, AbsentPeerQueue>();
  /** Characters queued in this room, in all and by sender peer id. */
  queuedChars = 0;
  bySender = new Map<string, number>();

  constructor(name: string) {
    this.name = name;
  }

  /** Nobody connected and nothing waiting: the registry forgets it. */
  get empty(): boolean {
    return this.peers.size === 0 && this.queues.size === 0;
  }
}
