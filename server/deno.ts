/**
 * Deno entry: the same app on Deno.serve, with Deno's own WebSockets.
 * Run: deno run --allow-net --allow-read --allow-write --allow-env server/deno.ts
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp } from './app.ts';
import { loadConfig } from './config.ts';
import { systemClock, type WsAcceptor, type WsHandlers, type WsSocket } from './socket.ts';
import { SqliteStore } from './store/sqlite.ts';

const config = loadConfig(Deno.env.toObject(), fileURLToPath(new URL('..', import.meta.url)));
const store = new SqliteStore(join(config.dataDir, 'rooms.db'));
const app = await createApp({ config, store, db: store.db, clock: systemClock });

/** One object per socket: the WsSocket the app writes to and the listener of the socket's events. */
class Connection implements WsSocket, EventListenerObject {
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

const server = Deno.serve(
  {
    port: config.port,
    hostname: config.hostname,
    onListen: ({ port }) => {
      console.log(JSON.stringify({ listening: port, runtime: 'deno', demo: config.demo }));
      if (config.demo) console.log(`Demo: http://localhost:${port}/demo/`);
    },
  },
  (request) => {
    if (request.headers.get('upgrade')?.toLowerCase() !== 'websocket') return app.fetch(request);
    const acceptor = app.websocket(new URL(request.url));
    if (!acceptor) return new Response('No WebSocket here.', { status: 404 });
    const { socket, response } = Deno.upgradeWebSocket(request);
    new Connection(socket, acceptor);
    return response;
  },
);

const stop = async () => {
  app.close();
  await server.shutdown();
  Deno.exit(0);
};
Deno.addSignalListener('SIGINT', stop);
Deno.addSignalListener('SIGTERM', stop);
