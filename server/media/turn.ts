/**
 * STUN and TURN servers for one connection. TURN credentials follow coturn's shared-secret ("REST
 * API") scheme: the username is `<expiry>:<user id>` and the password the base64 HMAC-SHA1 of the
 * username under the secret coturn also holds (`static-auth-secret`). Nothing is stored; coturn
 * refuses the credential once its expiry has passed. Web-standard crypto only (Node and Deno).
 */
import type { IceServer } from '../../src/protocol/types.ts';
import type { IceConfig } from '../config.ts';

const encoder = new TextEncoder();

/** base64 of HMAC-SHA1(secret, text). */
async function hmacSha1(secret: string, text: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-1' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(text)));
  let bin = '';
  for (const b of mac) bin += String.fromCharCode(b);
  return btoa(bin);
}

/** The ICE servers for `userId` at server time `nowMs`: STUN as configured, TURN with a credential valid for the TTL. */
export async function iceServersFor(ice: IceConfig, userId: string, nowMs: number): Promise<IceServer[]> {
  const servers: IceServer[] = [];
  if (ice.stun.length) servers.push({ urls: ice.stun });
  if (ice.turn.length && ice.turnSecret) {
    const expiry = Math.floor(nowMs / 1000) + ice.turnTtlSeconds;
    // coturn splits the username at the first ':' to read the expiry; the rest only names the user.
    const username = `${expiry}:${userId.replace(/[^\w.-]/g, '_').slice(0, 64)}`;
    servers.push({ urls: ice.turn, username, credential: await hmacSha1(ice.turnSecret, username) });
  }
  return servers;
}
