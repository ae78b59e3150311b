/**
 * Deno's own WebSockets (Deno.upgradeWebSocket) adapted to the app's WsSocket: one
 * object per socket, which is both the WsSocket the app writes to and the listener of
 * the socket's events, so an idle connection holds no closures. Measured by the
 * signaling benchmark beside the `ws` adapter.
 *
 * Deno gives no way to limit a frame's size: it reads any frame up to its fixed 64 MiB
 * into memory before the `message` event. This adapter closes the socket with 1009 as
 * soon as such a frame arrives, as the `ws` adapter does, but only after that memory
 * was spent; server/deno.ts therefore serves through `node:http` and the `ws` adapter,
 * which refuse an oversized frame from its header.
 */
import { MAX_WS_PAYLOAD, type WsAcceptor, type WsHandlers, type WsSocket } from './socket.ts';

/** Bytes (or, for text, UTF-16 units: at most the bytes) of a received message. */
const sizeOf = (data: string | ArrayBuffer) => (typeof data === 'string' ? data.length : data.byteLength);

export class DenoSocket implements WsSocket, EventListenerObject {
  ws: WebSocket;
  acceptor: WsAcceptor | null;
  handlers: WsHandlers | null = null;
  constructor(ws: WebSocket, acceptor: WsAcceptor) {
    this.ws = ws;
    this.acceptor = acceptor;
    ws.binaryType = 'arraybuffer';
    ws.addEventListener('open', this);
    ws.addEventListener('message', this);
    ws.addEventListener('close', this);
  }
  send(data: string): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(data);
  }
  close(code?: number, reason?: string): void {
    this.ws.close(code, reason);
  }
  get bufferedAmount(): number {
    return this.ws.bufferedAmount;
  }
  handleEvent(e: Event): void {
    if (e.type === 'message') {
      const data = (e as MessageEvent).data;
      if (sizeOf(data) > MAX_WS_PAYLOAD) {
        const h = this.handlers;
        this.handlers = null; // nothing more reaches the app from this socket
        this.ws.close(1009, 'Message too big');
        h?.close(1009, 'Message too big');
        return;
      }
      this.handlers?.message(typeof data === 'string' ? data : new Uint8Array(data));
    } else if (e.type === 'open') {
      // The app may send at once, which a socket still connecting would refuse.
      this.handlers = this.acceptor!(this);
      this.acceptor = null;
    } else if (e.type === 'close') {
      const h = this.handlers;
      this.handlers = null;
      h?.close((e as CloseEvent).code, (e as CloseEvent).reason);
    }
  }
}

