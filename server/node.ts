/**
 * Node.js entry: serve the app over HTTP and attach WebSockets (the `ws` package).
 * Settings come from the environment (see server/config.ts and the README).
 */
import { serve } from '@hono/node-server';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';
import { createApp } from './app.ts';
import { loadConfig } from './config.ts';
import { systemClock } from './socket.ts';
import { SqliteStore } from './store/sqlite.ts';

const config = loadConfig(process.env, fileURLToPath(new URL('..', import.meta.url)));
const store = new SqliteStore(join(config.dataDir, 'rooms.db'));
const app = await createApp({ config, store, db: store.db, clock: systemClock });
const wss = new WebSocketServer({ noServer: true, maxPayload: 1 << 20 });

const server = serve({ fetch: app.fetch, port: config.port, hostname: config.hostname }, (info) => {
  console.log(JSON.stringify({ listening: info.port, runtime: 'node', demo: config.demo }));
  if (config.demo) console.log(`Demo: http://localhost:${info.port}/demo/`);
});

server.on('upgrade', (req, socket, head) => {
  const acceptor = app.websocket(new URL(req.url ?? '/', 'http://localhost'));
  if (!acceptor) return void socket.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\n\r\n');
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

const stop = () => {
  app.close();
  server.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
