/**
 * The one check behind the rooms' REST routes (audit log, status): a valid room id in the path, no
 * token in the URL, and a join token for that room in `Authorization: Bearer`, verified by the same
 * verifier as the room socket. Answers the refusal itself, so each route handles only the verified
 * actor.
 */
import type { Context } from 'hono';
import { ROOM_ID } from '../../src/protocol/schema.ts';
import type { Actor } from '../../src/protocol/types.ts';
import type { TokenVerifier } from '../auth.ts';
import { bearerToken } from '../sessions/auth.ts';

export type RoomBearer = { ok: true; room: string; actor: Actor } | { ok: false; response: Response };

export async function roomBearer(c: Context, verifier: TokenVerifier): Promise<RoomBearer> {
  c.header('Cache-Control', 'no-store');
  const room = c.req.param('room') ?? '';
  if (!ROOM_ID.test(room)) {
    return { ok: false, response: c.json({ error: 'room may hold letters, digits, ".", "_" and "-" (at most 128).' }, 400) };
  }
  if (c.req.query('token') !== undefined || c.req.query('access_token') !== undefined) {
    return { ok: false, response: c.json({ error: 'Never put a token in the URL: send it as "Authorization: Bearer <token>".' }, 400) };
  }
  const token = bearerToken(c.req.header('authorization'));
  if (!token) {
    c.header('WWW-Authenticate', 'Bearer realm="rooms"');
    return { ok: false, response: c.json({ error: `Send a join token for room "${room}" as "Authorization: Bearer <token>".` }, 401) };
  }
  const verdict = await verifier.verify(token, room);
  if (!verdict.ok) {
    c.header('WWW-Authenticate', 'Bearer realm="rooms", error="invalid_token"');
    return { ok: false, response: c.json({ error: verdict.reason }, 401) };
  }
  return { ok: true, room, actor: verdict.actor };
}
