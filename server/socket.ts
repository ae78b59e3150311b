/**
 * The one WebSocket shape the app sees. Runtime entries (node.ts, deno.ts) adapt
 * their sockets to it, so room and signaling logic never touch `ws` or `Deno`.
 */
export interface WsSocket {
  send(data: string): void;
  close(code?: number, reason?: string): void;
  /** Bytes queued but not yet sent, where the runtime reports it (0 otherwise). */
  readonly bufferedAmount: number;
}

export interface WsHandlers {
  /** A text frame (binary frames arrive as Uint8Array and are refused by the handlers). */
  message(data: string | Uint8Array): void;
  close(code: number, reason: string): void;
}

/** Given an accepted socket, return its handlers. */
export type WsAcceptor = (socket: WsSocket) => WsHandlers;

/** Where an upgrade request came from, as the runtime saw it (for per-address caps). */
export interface ClientInfo {
  /** The peer address of the TCP connection. */
  remoteAddress?: string;
  /** The X-Forwarded-For header, trusted only when the server is told it sits behind a proxy. */
  forwardedFor?: string | null;
}

/** Largest frame a WebSocket may carry (1 MiB); bigger ones close the socket with 1009. */
export const MAX_WS_PAYLOAD = 1 << 20;

/** Injected time, so rooms and signaling are tested with fakes. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const h = setTimeout(fn, ms);
    (h as { unref?: () => void }).unref?.();
    return h;
  },
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  setInterval: (fn, ms) => {
    const h = setInterval(fn, ms);
    (h as { unref?: () => void }).unref?.();
    return h;
  },
  clearInterval: (h) => clearInterval(h as ReturnType<typeof setInterval>),
};
