/**
 * PeerJS, seen through the few methods the mesh uses, and loaded only when needed.
 *
 * PeerJS is a separate part of the drop-in: it arrives on demand, once. Only `Peer` is taken
 * from the module, which lets the bundler leave PeerJS's data-channel code out. Tests pass a
 * fake factory (src/testing/fake-peer.ts) instead.
 */

/** The part of a PeerJS `MediaConnection` the mesh uses. */
export interface CallLike {
  readonly peer: string;
  readonly metadata?: unknown;
  readonly peerConnection?: RTCPeerConnection | null;
  on(event: 'stream', fn: (stream: MediaStream) => void): unknown;
  on(event: 'close', fn: () => void): unknown;
  on(event: 'error', fn: (error: unknown) => void): unknown;
  answer(stream?: MediaStream): void;
  close(): void;
}

/** The part of a PeerJS `Peer` the mesh uses. */
export interface PeerLike {
  readonly open: boolean;
  readonly disconnected: boolean;
  readonly destroyed: boolean;
  on(event: 'open', fn: (id: string) => void): unknown;
  on(event: 'call', fn: (call: CallLike) => void): unknown;
  on(event: 'disconnected', fn: () => void): unknown;
  on(event: 'close', fn: () => void): unknown;
  on(event: 'error', fn: (error: { type?: string; message?: string }) => void): unknown;
  call(peer: string, stream: MediaStream, options?: Record<string, unknown>): CallLike | undefined;
  reconnect(): void;
  destroy(): void;
}

/** Options handed to the PeerJS constructor. */
export interface PeerOptionsLike {
  host: string;
  port: number;
  path: string;
  key: string;
  secure: boolean;
  config: RTCConfiguration;
  debug?: number;
}

/** Makes a Peer; the default loads PeerJS. */
export type PeerFactory = (id: string, options: PeerOptionsLike) => PeerLike | Promise<PeerLike>;

let peerJs: Promise<typeof import('peerjs').Peer> | null = null;

/** Fetch PeerJS (once); a failed fetch is forgotten so the next call tries again. */
export function loadPeerJs(): Promise<typeof import('peerjs').Peer> {
  return (peerJs ??= import('peerjs')
    .then(({ Peer }) => Peer)
    .catch((error: unknown) => {
      peerJs = null;
      throw error;
    }));
}

export const defaultPeerFactory: PeerFactory = async (id, options) => {
  const Peer = await loadPeerJs();
  return new Peer(id, options) as unknown as PeerLike;
};

/**
 * The PeerJS options for the signaling of `room` on the server at `server` (its http(s) base URL),
 * with `key` (a single-use media ticket) and the ICE servers for new peer connections. The path
 * carries the room (`/rooms/<room>/`: PeerJS adds `peerjs` and `<key>/id`), so a router sends the
 * signaling to the server that serves the room.
 */
export function peerOptions(server: string, room: string, key: string, iceServers: RTCIceServer[]): PeerOptionsLike {
  const url = new URL(server, globalThis.location?.href);
  const secure = url.protocol === 'https:' || url.protocol === 'wss:';
  const port = url.port ? Number(url.port) : secure ? 443 : 80;
  const base = url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`;
  const path = `${base}rooms/${encodeURIComponent(room)}/`;
  return { host: url.hostname, port, path, key, secure, config: { iceServers }, debug: 0 };
}
