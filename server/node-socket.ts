/**
 * Node's WebSockets (the `ws` package) adapted to the app's WsSocket. Each socket carries
 * its own handlers and shares the listener functions, and no client set is kept: an idle
 * connection holds no closures (and so no copy of its join token). Used by server/node.ts
 * (and measured by the benchmark).
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { BAD_URL_MESSAGE, malformedTarget } from './http.ts';
import { MAX_WS_PAYLOAD, type ClientInfo, type WsAcceptor, type WsHandlers } from './socket.ts';

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

/** Answer an upgrade request with a plain HTTP refusal (a JSON `error` saying why) and hang up. */
function refuse(socket: Duplex, status: string, error: string): void {
  const body = JSON.stringify({ error });
  socket.end(
    `HTTP/1.1 ${status}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
      `x-content-type-options: nosniff\r\nconnection: close\r\n\r\n${body}`,
  );
}

/** The request's URL, or null when its target cannot be read (broken percent-encoding, or no URL at all). */
function upgradeUrl(target: string): URL | null {
  if (malformedTarget(target)) return null;
  try {
    return new URL(target, 'http://localhost');
  } catch {
    return null;
  }
}

interface UpgradeSource {
  on(event: 'upgrade', listener: (req: IncomingMessage, socket: Duplex, head: Buffer) => void): unknown;
}

/**
 * Accept WebSocket upgrades on `server` wherever `route` has an acceptor; 404 elsewhere,
 * and 400 with the reason for a URL that is not valid percent-encoding (as plain HTTP does).
 * Frames past `maxPayload` are refused from their header, before they are buffered
 * (close 1009), whether or not the socket has said hello yet.
 */
export function attachWebSockets(
  server: UpgradeSource,
  route: (url: URL, client: ClientInfo) => WsAcceptor | null,
  options: { maxPayload?: number; skipUTF8Validation?: boolean } = {},
): void {
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxPayload ?? MAX_WS_PAYLOAD,
    clientTracking: false,
    perMessageDeflate: false,
    skipUTF8Validation: options.skipUTF8Validation ?? false,
  });
  server.on('upgrade', (req, socket, head) => {
    const forwarded = req.headers['x-forwarded-for'];
    const client: ClientInfo = {
      remoteAddress: req.socket.remoteAddress,
      forwardedFor: Array.isArray(forwarded) ? forwarded.join(',') : forwarded,
    };
    const url = upgradeUrl(req.url ?? '/');
    if (!url) return refuse(socket, '400 Bad Request', BAD_URL_MESSAGE);
    const acceptor = route(url, client);
    if (!acceptor) return refuse(socket, '404 Not Found', 'There is no WebSocket at this address: a room socket is /rooms/ROOM/socket.');
    wss.handleUpgrade(req, socket, head, (ws: Wired) => {
      ws.on('message', onMessage);
      ws.on('close', onClose);
      ws.on('error', onError);
      ws.handlers = acceptor(ws); // a ws socket already is a WsSocket (send, close, bufferedAmount)
    });
  });
}
