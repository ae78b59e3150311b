/** Where a room connection connects: the server, the room and the join token, and the socket URL. */

/** Where to connect. Read at every (re)connect, so a refreshed token is picked up. */
export interface RoomTarget {
  /** The server's http(s) base URL, e.g. `https://rooms.example.edu`. */
  server: string;
  room: string;
  token: string;
}

/** `https://host/base` → `wss://host/base` (no trailing slash). */
export function toWebSocketBase(server: string): string {
  const url = new URL(server, globalThis.location?.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : url.protocol === 'http:' ? 'ws:' : url.protocol;
  url.search = '';
  url.hash = '';
  return url.href.replace(/\/+$/, '');
}

/** The room socket URL for a server base and room name. */
export function roomSocketUrl(server: string, room: string): string {
  return `${toWebSocketBase(server)}/rooms/${encodeURIComponent(room)}/socket`;
}
