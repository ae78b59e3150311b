/**
 * Deno entry: the same app and the same socket adapter as on Node, on Deno's
 * `node:http`. Deno's own WebSocket (Deno.upgradeWebSocket) offers no frame-size
 * limit: it buffers any frame up to a fixed 64 MiB before the app sees it, so ten
 * such frames, before any hello, took the process past 1.3 GB. The `ws` adapter
 * refuses a frame past 1 MiB from its header (close 1009) instead, as on Node.
 * Run: deno run --allow-net --allow-read --allow-write --allow-env --allow-sys server/deno.ts
 */
import { serve } from '@hono/node-server';
import { fileURLToPath } from 'node:url';
import { createApp } from './app.ts';
import { openBackend } from './backend.ts';
import { loadConfig } from './config.ts';
import { systemClock } from './socket.ts';
import { attachWebSockets } from './node-socket.ts';

const config = loadConfig(Deno.env.toObject(), fileURLToPath(new URL('..', import.meta.url)));
// SQLite in DATA_DIR, or PostgreSQL with DATABASE_URL (several servers: see backend.ts).
const backend = await openBackend(config);
const app = await createApp({ config, ...backend, clock: systemClock });

const server = serve({ fetch: app.fetch, port: config.port, hostname: config.hostname }, (info) => {
  console.log(JSON.stringify({ listening: info.port, runtime: 'deno', demo: config.demo, store: config.database ? 'postgres' : 'sqlite', server: config.serverId }));
  if (config.demo) console.log(`Demo: http://localhost:${info.port}/demo/`);
});

attachWebSockets(server, (url, client) => app.websocket(url, client));

const stop = () => {
  server.close();
  void app.close().catch((err) => console.error(err)).finally(() => Deno.exit(0));
};
Deno.addSignalListener('SIGINT', stop);
Deno.addSignalListener('SIGTERM', stop);
