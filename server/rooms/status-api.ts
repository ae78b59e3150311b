/**
 * Whether a room's session is open or ended, for a page that has not joined yet
 * (the pre-join screen shows the ended screen instead of "Ready to join?"):
 *
 *   GET /api/rooms/:room/status   (Authorization: Bearer <join token for that room>)
 *   → { status: 'open' | 'ended', endedReason, hostAwayMs, role }
 *
 * It says nothing about anyone else (no names, counts, chat or media ids): only the
 * session's status, why it ended, the room's host-away wait (for the ended wording)
 * and the caller's own role from their verified token (hosts get Start Session).
 * The join token is checked by the same verifier as the room socket and is never
 * accepted in the URL. A room that is not in memory is read from the store without
 * loading it into the hub; a room never opened is open. Each user may ask a few
 * times a minute per room (a 429 says when to retry).
 */
import { Hono } from 'hono';
import { applySequenced } from '../../src/protocol/room.ts';
import type { RoomState } from '../../src/protocol/types.ts';
import type { TokenVerifier } from '../auth.ts';
import { roomBearer } from './room-bearer.ts';
import type { Clock } from '../socket.ts';
import type { Store } from '../store/store.ts';
import { Bucket, type Rate } from './limits.ts';

/** Default: a burst of 6, then one every 5 s, per user and room. A page checks every 30 s. */
export const STATUS_RATE: Rate = { perSecond: 0.2, burst: 6 };

export interface StatusDeps {
  verifier: TokenVerifier;
  /** The room's live state if the hub has it in memory (hub.peek), else undefined. */
  live: (room: string) => RoomState | undefined;
  store: Pick<Store, 'loadRoom'>;
  clock: Pick<Clock, 'now'>;
  rate?: Rate;
}

/** The room's state now: the hub's if loaded, else replayed from the store (null: never opened). */
export async function readRoomState(deps: Pick<StatusDeps, 'live' | 'store'>, room: string): Promise<RoomState | null> {
  const live = deps.live(room);
  if (live) return live;
  const stored = await deps.store.loadRoom(room);
  if (!stored) return null;
  let state = stored.snapshot;
  for (const e of stored.events) state = applySequenced(state, e);
  return state;
}

export function statusRoutes(deps: StatusDeps): Hono {
  const rate = deps.rate ?? STATUS_RATE;
  const buckets = new Map<string, Bucket>();
  let sweptAt = deps.clock.now();
  /** 0 when this user may ask about this room now, else the milliseconds to wait. */
  const wait = (key: string): number => {
    const now = deps.clock.now();
    if (now - sweptAt >= 60_000) {
      sweptAt = now;
      for (const [k, b] of buckets) if (b.full(rate, now)) buckets.delete(k);
    }
    let b = buckets.get(key);
    if (!b) buckets.set(key, (b = new Bucket(rate, now)));
    const ms = b.wait(rate, now);
    if (ms === 0) b.take();
    return ms;
  };

  const api = new Hono();
  api.get('/rooms/:room/status', async (c) => {
    const who = await roomBearer(c, deps.verifier);
    if (!who.ok) return who.response;
    const { room, actor } = who;
    const retryAfterMs = wait(`${room}\n${actor.id}`);
    if (retryAfterMs > 0) {
      const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
      c.header('Retry-After', String(seconds));
      return c.json({ error: `Too many status checks for room "${room}"; wait ${seconds} s and try again.`, retryAfterMs }, 429);
    }
    let state: RoomState | null;
    try {
      state = await readRoomState(deps, room);
    } catch (err) {
      console.error(`Could not read the status of room "${room}"`, err);
      c.header('Retry-After', '5');
      return c.json({ error: 'The room\'s status cannot be read right now; try again in a few seconds.' }, 503);
    }
    return c.json({
      status: state?.status ?? 'open',
      endedReason: state?.endedReason ?? null,
      hostAwayMs: state?.hostAwayMs ?? null,
      role: actor.role,
    });
  });
  return api;
}
