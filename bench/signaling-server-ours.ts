/**
 * Benchmark child (Node.js): our PeerJS signaling core (server/peerjs/signaling.ts) admitting every key
 * (room = key), served on node:http + `ws` (noServer, maxPayload 1 MiB). Control channel:
 * bench/signaling-child-ipc.ts (`mem`, `cpu`). Exits when the parent goes away.
 *
 * SIGNALING_BENCH_VARIANT picks the Node adapter:
 *   harness (default)  server/peerjs/node-harness.ts: shared listeners, the `ws` socket itself is the
 *                      WsSocket, no per-connection closure (clientTracking on, as in the tests).
 *   prod               a copy of server/node.ts's adapter: an object literal with 3 closures + 3
 *                      listener closures per connection, ws defaults (clientTracking on).
 *   lean               harness-style adapter plus `clientTracking: false` (nothing keeps a Set of
 *                      sockets or a per-socket 'close' closure in ws).
 *   lean-noutf8        lean plus `skipUTF8Validation: true` (measurement only: changes behaviour on
 *                      invalid UTF-8, which RFC 6455 says must fail the connection).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { systemClock, type WsHandlers } from '../server/socket.ts';
import { attachWebSockets } from '../server/node-socket.ts';
import { createSignaling, type Signaling } from '../server/peerjs/signaling.ts';
import { startHarness } from '../server/peerjs/node-harness.ts';
import { serveControl, serverCommands } from './signaling-child-ipc.ts';

const variant = process.env.SIGNALING_BENCH_VARIANT || 'harness';

const signaling = createSignaling({
  clock: systemClock,
  admit: async (key) => ({ ok: true, admission: { room: key, userId: 'bench' } }),
});

let port: number;
if (variant === 'harness') {
  port = (await startHarness(signaling, { port: 0, host: '127.0.0.1', maxPayload: 1024 * 1024 })).port;
} else if (variant === 'prod') {
  port = await listenProd(signaling);
} else if (variant === 'lean' || variant === 'lean-noutf8') {
  port = await listenLean(signaling, variant === 'lean-noutf8');
} else {
  throw new Error(`unknown SIGNALING_BENCH_VARIANT ${variant}`);
}
serveControl(serverCommands(undefined, () => signaling.stats()), { port, variant });

function httpServer(s: Signaling) {
  return createServer((req, res) => {
    const m = /^\/([^/]+)\/id$/.exec(new URL(req.url ?? '/', 'http://localhost').pathname);
    if (req.method === 'GET' && m) {
      res.writeHead(200, { 'content-type': 'text/plain', 'access-control-allow-origin': '*' });
      res.end(s.generateId());
      return;
    }
    res.writeHead(404).end();
  });
}

function listen(server: ReturnType<typeof createServer>): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

/** The upgrade path exactly as server/node.ts has it (minus the app router). */
function listenProd(s: Signaling): Promise<number> {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1 << 20 });
  const server = httpServer(s);
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/peerjs') return void socket.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\n\r\n');
    const acceptor = s.accept(url);
    wss.handleUpgrade(req, socket, head, (ws) => {
      const handlers = acceptor({
        send: (data) => ws.send(data),
        close: (code, reason) => ws.close(code, reason),
        get bufferedAmount() {
          return ws.bufferedAmount;
        },
      });
      ws.on('message', (data, isBinary) => handlers.message(isBinary ? new Uint8Array(data as Buffer) : data.toString()));
      ws.on('close', (code, reason) => handlers.close(code, reason.toString()));
      ws.on('error', () => ws.terminate());
    });
  });
  return listen(server);
}

// ---- lean: server/node.ts's adapter (server/node-socket.ts) ----

function listenLean(s: Signaling, skipUTF8Validation: boolean): Promise<number> {
  const server = httpServer(s);
  attachWebSockets(server, (url) => (url.pathname === '/peerjs' ? s.accept(url) : null), { skipUTF8Validation });
  return listen(server);
}
