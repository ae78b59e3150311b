/**
 * Node.js entry: serve the app over HTTP and attach WebSockets (the `ws` package).
 * Settings come from the environment (see server/config.ts and the README).
 */
import { serve } from '@hono/node-server';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp } from './app.ts';
import { loadConfig } from './config.ts';
import { systemClock } from './socket.ts';
import { attachWebSockets } from './node-socket.ts';
import { SqliteStore } from './store/sqlite.ts';

const config = loadConfig(process.env, fileURLToPath(new URL('..', import.meta.url)));
const store = new SqliteStore(join(config.dataDir, 'rooms.db'));
const app = await createApp({ config, store, db: store.db, clock: systemClock });
const server = serve({ fetch: app.fetch, port: config.port, hostname: config.hostname }, (info) => {
  console.log(JSON.stringify({ listening: info.port, runtime: 'node', demo: config.demo }));
  if (config.demo) console.log(`Demo: http://localhost:${info.port}/demo/`);
});

attachWebSockets(server, (url, client) => app.websocket(url, client));

const stop = () => {
  server.close();
  void app.close().catch((err) => console.error(err)).finally(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
