/**
 * The audit log over REST, for hosts and moderators:
 *
 *   GET /api/rooms/:room/audit?limit=100   (Authorization: Bearer <join token for that room>)
 *   → { entries: [{ at, action, actor: { id, name }, detail }] }, newest first
 *
 * The join token is checked by the same verifier as the room socket; its role in
 * that room must be host or moderator. A token is never accepted in the URL.
 */
import { Hono } from 'hono';
import { isStaff } from '../../src/protocol/types.ts';
import type { TokenVerifier } from '../auth.ts';
import { roomBearer } from './room-bearer.ts';
import type { Store } from '../store/store.ts';

export const AUDIT_DEFAULT_LIMIT = 100;
export const AUDIT_MAX_LIMIT = 1000;

export function auditRoutes(deps: { verifier: TokenVerifier; store: Store }): Hono {
  const api = new Hono();
  api.get('/rooms/:room/audit', async (c) => {
    const who = await roomBearer(c, deps.verifier);
    if (!who.ok) return who.response;
    const { room, actor } = who;
    if (!isStaff(actor.role)) {
      return c.json({ error: 'Only the room\'s hosts and moderators can read its audit log.' }, 403);
    }
    const raw = c.req.query('limit');
    const limit = raw === undefined ? AUDIT_DEFAULT_LIMIT : Number(raw);
    if (!Number.isInteger(limit) || limit < 1 || limit > AUDIT_MAX_LIMIT) {
      return c.json({ error: `limit must be a whole number from 1 to ${AUDIT_MAX_LIMIT}; got "${raw}".` }, 400);
    }
    try {
      return c.json({ entries: await deps.store.auditLog(room, limit) });
    } catch (err) {
      console.error(`Could not read the audit log of room "${room}"`, err);
      c.header('Retry-After', '5');
      return c.json({ error: 'The audit log cannot be read right now; try again in a few seconds.' }, 503);
    }
  });
  return api;
}
