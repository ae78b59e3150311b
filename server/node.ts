/**
 * Node.js entry: serve the app over HTTP and attach WebSockets (the `ws` package).
 * Settings come from the environment (see server/config.ts and the README).
 */
import { serve } from '@hono/node-server';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer, type WebSocket } from 'ws';
import { createApp } from './app.ts';
import { loadConfig } from './config.ts';
import { systemClock, type WsHandlers } from './socket.ts';
import { SqliteStore } from './store/sqlite.ts';

const config = loadConfig(process.env, fileURLToPath(new URL('..', import.meta.url)));
const store = new SqliteStore(join(config.dataDir, 'rooms.db'));
const app = await createApp({ config, store, db: store.db, clock: systemClock });
// No per-connection closures and no client set: each socket carries its handlers, so an idle
// connection costs about a third less heap (and does not keep its join token alive).
const wss = new WebSocketServer({ noServer: true, maxPayload: 1 << 20, clientTracking: false, perMessageDeflate: false });
type Wired = WebSocket & { handlers?: WsHandlers };
function onMessage(this: Wired, data: Buffer, isBinary: boolean): void {
  this.handlers?.message(isBinary ? new Uint8Array(data) : data.toString());
}
function onClose(this: Wired, code: number, reason: Buffer): void {
  const h = this.handlers;
  this.handlers = undefined;
  h?.close(code, reason.toString());
}
function onError(this: Wired): void {
  this.terminate();
}

const server = serve({ fetch: app.fetch, port: config.port, hostname: config.hostname }, (info) => {
  console.log(JSON.stringify({ listening: info.port, runtime: 'node', demo: config.demo }));
  if (config.demo) console.log(`Demo: http://localhost:${info.port}/demo/`);
});

server.on('upgrade', (req, socket, head) => {
  const acceptor = app.websocket(new URL(req.url ?? '/', 'http://localhost'));
  if (!acceptor) return void socket.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\n\r\n');
  wss.handleUpgrade(req, socket, head, (ws: Wired) => {
    ws.on('message', onMessage);
    ws.on('close', onClose);
    ws.on('error', onError);
    ws.handlers = acceptor(ws); // a ws socket already is a WsSocket (send, close, bufferedAmount)
  });
});

const stop = () => {
  app.close();
  server.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
