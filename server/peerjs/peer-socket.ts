/**
 * One PeerJS client's WebSocket on the signaling server. It is its own `WsHandlers`, so the runtime
 * adapter holds no closure for it: one small object per connection, no per-connection timers.
 * Until its key is admitted it only buffers (a bounded number of) frames; once open, every frame
 * goes to the registry that owns it.
 */
import type { WsHandlers, WsSocket } from '../socket.ts';
import { ERR_BINARY, ERR_BUSY, ERR_TOO_LARGE, MAX_SIGNALING_FRAME, trySend } from './frames.ts';
import type { SignalingRoom } from './signaling-room.ts';

/** Waiting for `admit`. */
export const PENDING = 0;
/** Admitted: in its room, relaying. */
export const OPEN = 1;
export const CLOSED = 2;

/** What a client socket needs from the registry that owns it. */
export interface PeerSocketOwner {
  /** Coarse time of the last sweep: liveness stamps cost no clock call. */
  readonly now: number;
  readonly maxPendingFrames: number;
  /** A text frame from an admitted socket. */
  onText(peer: PeerSocket, text: string): void;
  /** The socket closed. */
  detach(peer: PeerSocket): void;
}

export class PeerSocket implements WsHandlers {
  owner: PeerSocketOwner;
  socket: WsSocket;
  /** The peer id it asked for. */
  id: string;
  /** The PeerJS client's own random token (the same one again means the same client). */
  token: string;
  room: SignalingRoom | null = null;
  userId = '';
  state = PENDING;
  /** Coarse time of the last frame (the owner's sweep time); while pending, the connect time. */
  lastSeen: number;
  /** Frames received while `admit` was pending. */
  early: string[] | null = null;

  constructor(owner: PeerSocketOwner, socket: WsSocket, id: string, token: string) {
    this.owner = owner;
    this.socket = socket;
    this.id = id;
    this.token = token;
    this.lastSeen = owner.now;
  }

  message(data: string | Uint8Array): void {
    const state = this.state;
    if (state === CLOSED) return;
    if (state === OPEN) this.lastSeen = this.owner.now;
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
      if (early.length >= this.owner.maxPendingFrames) trySend(this.socket, ERR_BUSY);
      else early.push(data);
      return;
    }
    this.owner.onText(this, data);
  }

  close(_code: number, _reason: string): void {
    this.owner.detach(this);
  }
}
