/**
 * Node-only harness for tests and the benchmark: a bare node:http server plus a `ws`
 * WebSocketServer (noServer) serving a `Signaling` the way the stock PeerJS client expects:
 *   - upgrade on `/peerjs?key=…&id=…&token=…` → `signaling.accept(url)`
 *   - `GET /{key}/id` → `signaling.generateId()`
 * Not the production entry (that is the app server's job); it only adapts `ws` to `WsSocket`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { WsHandlers } from '../socket.ts';
import type { Signaling } from './signaling.ts';

export interface Harness {
  server: Server;
  wss: WebSocketServer;
  port: number;
  close(): Promise<void>;
}

type Wired = WebSocket & { h?: WsHandlers };

// Shared listeners (`this` is the socket): no closure per connection.
function onMessage(this: Wired, data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): void {
  const h = this.h;
  if (!h) return;
  if (isBinary) h.message(data instanceof ArrayBuffer ? new Uint8Array(data) : Array.isArray(data) ? Buffer.concat(data) : data);
  else h.message(data.toString());
}
function onClose(this: Wired, code: number, reason: Buffer): void {
  const h = this.h;
  this.h = undefined;
  h?.close(code, reason.toString());
}
function onError(): void {
  // The 'close' event follows.
}

export function startHarness(signaling: Signaling, opts: { port?: number; host?: string; maxPayload?: number } = {}): Promise<Harness> {
  const wss = new WebSocketServer({ noServer: true, maxPayload: opts.maxPayload ?? 1024 * 1024, perMessageDeflate: false });
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const m = /^\/([^/]+)\/id$/.exec(url.pathname);
    if (req.method === 'GET' && m) {
      res.writeHead(200, { 'content-type': 'text/plain', 'access-control-allow-origin': '*' });
      res.end(signaling.generateId());
      return;
    }
    res.writeHead(404).end();
  });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/peerjs') {
      socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
      return;
    }
    const acceptor = signaling.accept(url);
    wss.handleUpgrade(req, socket, head, (ws: Wired) => {
      ws.on('message', onMessage);
      ws.on('close', onClose);
      ws.on('error', onError);
      ws.h = acceptor(ws);
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
      const port = (server.address() as AddressInfo).port;
      resolve({
        server,
        wss,
        port,
        close: () =>
          new Promise<void>((done) => {
            for (const c of wss.clients) c.terminate();
            wss.close();
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
