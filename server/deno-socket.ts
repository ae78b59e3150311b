/**
 * Deno's WebSockets adapted to the app's WsSocket: one object per socket, which is both
 * the WsSocket the app writes to and the listener of the socket's events, so an idle
 * connection holds no closures. Used by server/deno.ts (and measured by the benchmark).
 */
import type { WsAcceptor, WsHandlers, WsSocket } from './socket.ts';

export class Connection implements WsSocket, EventListenerObject {
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

