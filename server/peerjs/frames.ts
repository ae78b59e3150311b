/**
 * The PeerJS signaling wire: limits, close codes, the fixed frames the server sends, and the check
 * of an upgrade's query string. No state: the registry and the client sockets share these.
 */
import type { WsSocket } from '../socket.ts';
import { PEER_ID } from '../../src/protocol/schema.ts';

/** Largest text frame accepted (characters). */
export const MAX_SIGNALING_FRAME = 64 * 1024;
export const MAX_PEER_ID_LENGTH = 64;
const MAX_TOKEN_LENGTH = 128;
const MAX_KEY_LENGTH = 256;

/** Close codes: 1000 or 3000–4999 only, the range every WebSocket API (incl. Deno's) accepts. */
export const CLOSE_REJECTED = 4001;
export const CLOSE_ID_TAKEN = 4002;
export const CLOSE_REPLACED = 4003;
export const CLOSE_TIMEOUT = 4004;
export const CLOSE_STUCK = 4005;
export const CLOSE_DROPPED = 4006;

export const OPEN_FRAME = '{"type":"OPEN"}';
export const HEARTBEAT_FRAME = '{"type":"HEARTBEAT"}';
export const ID_TAKEN_FRAME = '{"type":"ID-TAKEN","payload":{"msg":"ID is taken"}}';

export const errorFrame = (msg: string): string => JSON.stringify({ type: 'ERROR', payload: { msg } });
export const ERR_BINARY = errorFrame('Binary frames are not supported: send JSON text.');
export const ERR_TOO_LARGE = errorFrame(`Message too large: at most ${MAX_SIGNALING_FRAME} characters.`);
export const ERR_JSON = errorFrame('Malformed message: not valid JSON.');
export const ERR_SHAPE = errorFrame('Malformed message: expected a JSON object with a string "type".');
export const ERR_DST = errorFrame(`Malformed message: "dst" must be a peer id (letters, digits, inner - or _; at most ${MAX_PEER_ID_LENGTH} characters).`);
export const ERR_BUSY = errorFrame('Too many messages before the connection was admitted.');
export const ERR_ADMIT_TIMEOUT = errorFrame('Admission timed out; try again.');
export const ERR_ADMIT_FAILED = errorFrame('Admission failed; try again.');

/** What the stock client reports as "peer-unavailable": `absent` cannot be reached by `to`. */
export function expireFrame(absent: string, to: string): string {
  return JSON.stringify({ type: 'EXPIRE', src: absent, dst: to });
}

/** Message types relayed to `dst`, and whether they are queued for an absent `dst`. */
export const RELAY: Record<string, boolean> = { __proto__: null, OFFER: true, ANSWER: true, CANDIDATE: true, LEAVE: false, EXPIRE: false } as never;

export function validPeerId(id: unknown): id is string {
  return typeof id === 'string' && id.length > 0 && id.length <= MAX_PEER_ID_LENGTH && PEER_ID.test(id);
}

export function trySend(socket: WsSocket, data: string): boolean {
  try {
    socket.send(data);
    return true;
  } catch {
    return false;
  }
}

export function tryClose(socket: WsSocket, code: number, reason: string): void {
  try {
    socket.close(code, reason);
  } catch {
    // already closed
  }
}

/** Checks the query string of a `/peerjs` upgrade; returns the ERROR text, or null when it is usable. */
export function checkQuery(url: URL): string | null {
  const q = url.searchParams;
  const id = q.get('id');
  const token = q.get('token');
  const key = q.get('key');
  if (!key) return 'No key supplied: pass the media ticket from the room\'s welcome as the PeerJS "key" option.';
  if (key.length > MAX_KEY_LENGTH) return 'Invalid key provided: too long.';
  if (!id) return 'No peer id supplied.';
  if (!validPeerId(id)) {
    return `Invalid peer id: use letters, digits and inner - or _, at most ${MAX_PEER_ID_LENGTH} characters.`;
  }
  if (!token) return 'No token supplied.';
  if (token.length > MAX_TOKEN_LENGTH) return 'Invalid token provided: too long.';
  return null;
}
