/**
 * One room socket as the server keeps it (the wire's `Connection`: a socket, who it is once
 * the join token was verified, its media id, its state) and the three ways a frame leaves it:
 * `send`, `sendRaw` (an already serialised frame) and `fail` (an error reply, closing the socket
 * when it is fatal). A socket whose unsent backlog grows past the bound is closed; it resumes.
 */
import type { Actor, ErrorCode, ServerMessage } from '../../src/protocol/types.ts';
import type { WsSocket } from '../socket.ts';
import type { RoomListener } from './room.ts';

export interface Connection extends RoomListener {
  readonly socket: WsSocket;
  /** The room this socket was opened for (`/rooms/:room/socket`). */
  readonly roomId: string;
  actor: Actor | null;
  /** The media (PeerJS) id this connection stands for in the room; '' for a console. */
  peerId: string;
  /** True once the user left on purpose: closing the socket then starts no grace period. */
  left: boolean;
  /** A breakout console: commands and state, but no presence in the room. */
  console: boolean;
  closed: boolean;
  stale?: boolean;
  /** Join token expiry (see token-expiry.ts). */
  exp?: number;
  warned?: boolean;
  expiryTimer?: unknown;
}

export function newConnection(socket: WsSocket, roomId: string): Connection {
  return { socket, roomId, actor: null, peerId: '', left: false, console: false, closed: false };
}

/** The close code and reason of a fatal error reply. */
const FATAL_CLOSE = 4001;

/** Writing to room sockets, with a bound on each socket's unsent backlog. */
export class ConnectionOutput {
  private maxBufferedBytes: number;
  constructor(maxBufferedBytes: number) {
    this.maxBufferedBytes = maxBufferedBytes;
  }

  sendRaw(conn: Connection, frame: string): void {
    if (conn.closed) return;
    if (conn.socket.bufferedAmount > this.maxBufferedBytes) {
      this.close(conn, 4008, 'Too far behind; reconnect to resume');
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

  /** An error reply (to the command `ref`, when given); a fatal one closes the socket after it. */
  fail(conn: Connection, code: ErrorCode, message: string, ref?: string, fatal = false): void {
    this.send(conn, { type: 'error', code, message, ...(ref ? { ref } : {}), ...(fatal ? { fatal } : {}) });
    if (fatal) this.close(conn, FATAL_CLOSE, code);
  }

  /** Close from the server side; nothing more is read from or written to it. */
  close(conn: Connection, code: number, reason: string): void {
    if (conn.closed) return;
    conn.closed = true;
    try {
      conn.socket.close(code, reason);
    } catch {
      /* already gone */
    }
  }
}
