/**
 * Deno entry: the same app on Deno.serve, with Deno's own WebSockets.
 * Run: deno run --allow-net --allow-read --allow-write --allow-env server/deno.ts
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp } from './app.ts';
import { loadConfig } from './config.ts';
import { systemClock } from './socket.ts';
import { Connection } from './deno-socket.ts';
import { SqliteStore } from './store/sqlite.ts';

const config = loadConfig(Deno.env.toObject(), fileURLToPath(new URL('..', import.meta.url)));
const store = new SqliteStore(join(config.dataDir, 'rooms.db'));
const app = await createApp({ config, store, db: store.db, clock: systemClock });

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
