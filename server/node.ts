/**
 * Node.js entry: serve the app over HTTP and attach WebSockets (the `ws` package).
 * Settings come from the environment (see server/config.ts and the README).
 */
import { serve } from '@hono/node-server';
import { fileURLToPath } from 'node:url';
import { createApp } from './app.ts';
import { openBackend } from './backend.ts';
import { loadConfig } from './config.ts';
import { systemClock } from './socket.ts';
import { attachWebSockets } from './node-socket.ts';

const config = loadConfig(process.env, fileURLToPath(new URL('..', import.meta.url)));
// SQLite in DATA_DIR, or PostgreSQL with DATABASE_URL (several servers: see backend.ts).
const backend = await openBackend(config);
const app = await createApp({ config, ...backend, clock: systemClock });
const server = serve({ fetch: app.fetch, port: config.port, hostname: config.hostname }, (info) => {
  console.log(JSON.stringify({ listening: info.port, runtime: 'node', demo: config.demo, store: config.database ? 'postgres' : 'sqlite', server: config.serverId }));
  if (config.demo) console.log(`Demo: http://localhost:${info.port}/demo/`);
});

attachWebSockets(server, (url, client) => app.websocket(url, client));

const stop = () => {
  server.close();
  void app.close().catch((err) => console.error(err)).finally(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
