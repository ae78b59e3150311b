/**
 * Benchmark child (Deno 2): the SAME signaling core (server/peerjs/signaling.ts) served by Deno.serve +
 * Deno.upgradeWebSocket, admitting every key (room = key). Control channel: bench/signaling-child-ipc.ts
 * (`mem` from Deno.memoryUsage() after GC, `cpu`). Exits when the parent goes away.
 *
 *   deno run --allow-net --allow-read --allow-env --allow-sys --v8-flags=--expose-gc bench/signaling-server-deno.ts
 *
 * SIGNALING_BENCH_VARIANT picks the adapter:
 *   prod (default)  the earlier adapter: onopen / onmessage / onclose closures and an object literal
 *                   WsSocket per connection (kept for comparison).
 *   lean            server/deno.ts's adapter (server/deno-socket.ts): one small object per
 *                   connection that is both the WsSocket and the listener, no closures.
 */
import { systemClock, type WsAcceptor, type WsHandlers, type WsSocket } from '../server/socket.ts';
import { createSignaling } from '../server/peerjs/signaling.ts';
import { DenoSocket } from '../server/deno-socket.ts';
import { serveControl, serverCommands } from './signaling-child-ipc.ts';

/** The bits of the Deno namespace used here (this file is type-checked by tsc with Node's types, which lack Deno's). */
interface DenoApi {
  env: { get(name: string): string | undefined };
  memoryUsage(): { rss: number; heapUsed: number; heapTotal: number; external: number };
  serve(
    options: { hostname: string; port: number; onListen?: () => void },
    handler: (request: Request) => Response,
  ): { addr: { port: number } };
  upgradeWebSocket(request: Request): { socket: WebSocket; response: Response };
}
const Deno = (globalThis as unknown as { Deno: DenoApi }).Deno;

const variant = Deno.env.get('SIGNALING_BENCH_VARIANT') || 'prod';
if (variant !== 'prod' && variant !== 'lean') throw new Error(`unknown SIGNALING_BENCH_VARIANT ${variant}`);

const signaling = createSignaling({
  clock: systemClock,
  admit: async (key) => ({ ok: true, admission: { room: key, userId: 'bench' } }),
});

/** The earlier closure-based adapter, for comparison. */
function wireProd(socket: WebSocket, acceptor: WsAcceptor): void {
  socket.onopen = () => {
    const handlers = acceptor({
      send: (data) => socket.readyState === WebSocket.OPEN && socket.send(data),
      close: (code, reason) => socket.close(code, reason),
      get bufferedAmount() {
        return socket.bufferedAmount;
      },
    });
    socket.onmessage = (e) => handlers.message(typeof e.data === 'string' ? e.data : new Uint8Array(e.data));
    socket.onclose = (e) => handlers.close(e.code, e.reason);
  };
}

const ID_PATH = /^\/([^/]+)\/id$/;
const server = Deno.serve({ hostname: '127.0.0.1', port: 0, onListen() {} }, (request) => {
  const url = new URL(request.url);
  if (request.headers.get('upgrade')?.toLowerCase() !== 'websocket') {
    if (request.method === 'GET' && ID_PATH.test(url.pathname)) {
      return new Response(signaling.generateId(), { headers: { 'content-type': 'text/plain', 'access-control-allow-origin': '*' } });
    }
    return new Response(null, { status: 404 });
  }
  if (url.pathname !== '/peerjs') return new Response('No WebSocket here.', { status: 404 });
  const acceptor = signaling.accept(url);
  const { socket, response } = Deno.upgradeWebSocket(request);
  if (variant === 'lean') new DenoSocket(socket, acceptor);
  else wireProd(socket, acceptor);
  return response;
});

serveControl(serverCommands(() => Deno.memoryUsage(), () => signaling.stats()), { port: server.addr.port, variant });
