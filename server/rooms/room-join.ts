/**
 * A room socket's `hello`: verify the join token, then, in the room's queue (so no event is
 * published in between), refuse who may not come in, welcome the rest with the state as they may
 * see it or the events they missed, make them a listener, and put them in the room.
 *
 * - A removed user is refused until the session restarts; a user past the rate or connection
 *   caps is refused with when to retry (limits.ts).
 * - A console is for hosts and moderators: state and commands, no presence.
 * - One room socket per user: a newer tab replaces the older one.
 * - A resume (`since`) within the grace period gets what it missed (catch-up.ts); a return with
 *   the same media id is no news to anyone else.
 * - While writes fail, a join that needs one is refused before the welcome (the client retries).
 * - `away`: a page on the ended screen reconnects without being counted in the room.
 * - A room another server serves is refused with `room-moved` and when to come back (cluster/).
 */
import { viewFor } from '../../src/protocol/room.ts';
import { REMOVED_MESSAGE, isRemoved, participantOf } from '../../src/protocol/presence.ts';
import { isStaff, type Actor, type SessionInfo } from '../../src/protocol/types.ts';
import type { JoinClaims } from '../../src/protocol/schema.ts';
import { HANDOFF_RETRY_MS, RoomMovedError } from '../cluster/ownership.ts';
import { isPresent } from './audience.ts';
import { catchUp } from './catch-up.ts';
import type { Connection, ConnectionOutput } from './connection.ts';
import { snapshotFor } from './fan-out.ts';
import { FLOOD_CLOSE_CODE, overUserCap, type RateLimiter } from './limits.ts';
import type { RoomMaster } from './room.ts';
import { refuseMoved, type IceFields, type RoomSocketDeps } from './room-socket.ts';
import { STORAGE_REFUSAL } from './storage-guard.ts';
import { tokenExpiry, type TokenExpiry } from './token-expiry.ts';

export interface Hello {
  token: string;
  since?: number;
  peerId?: string;
  console?: boolean;
  away?: boolean;
}

/** What a join needs of the room sockets. */
export interface JoinContext extends RoomSocketDeps {
  out: ConnectionOutput;
  expiry: TokenExpiry<Connection>;
  limiter: RateLimiter | null;
  /** A media ticket for the connection's peer id, as welcome fields. */
  ticketFor: (conn: Connection) => { mediaTicket?: string };
  /** STUN/TURN servers for this user's connection, as welcome fields (TURN credentials made now). */
  iceFor: (conn: Connection, userId: string) => Promise<IceFields>;
}

type Room = RoomMaster<Connection>;

/** When a room that could not be loaded was last logged (while the database is down, every join would be). */
let loadFailureLoggedAt = -Infinity;

export async function hello(ctx: JoinContext, conn: Connection, msg: Hello): Promise<void> {
  const verdict = await ctx.verifier.verify(msg.token, conn.roomId);
  if (conn.closed) return;
  if (!verdict.ok) return ctx.out.fail(conn, 'bad-token', verdict.reason, undefined, true);
  // The event session behind the room (title, schedule, assistant), looked up before the room's turn.
  const info = msg.console ? undefined : await sessionInfo(ctx, conn.roomId);
  const ice = msg.console ? {} : await ctx.iceFor(conn, verdict.actor.id);
  if (conn.closed) return;
  // No await between having the room and queueing the join: an idle room is never unloaded under it.
  let room: Room;
  try {
    room = await ctx.rooms.room(conn.roomId);
  } catch (err) {
    if (err instanceof RoomMovedError) return refuseMoved(ctx.out, conn, err.retryAfterMs);
    // The room could not be loaded (the database is unreachable): the client retries after its back-off.
    const now = ctx.clock.now();
    if (now - loadFailureLoggedAt >= 60_000) {
      loadFailureLoggedAt = now;
      console.error(`room "${conn.roomId}" could not be loaded (${(err as Error)?.message ?? err}); joins are refused as storage-unavailable until it can (logged once a minute)`);
    }
    ctx.out.send(conn, { type: 'error', code: 'storage-unavailable', message: STORAGE_REFUSAL });
    return ctx.out.close(conn, 1013, 'Try again later');
  }
  await room.exclusive(() => enter(ctx, room, conn, msg, verdict.actor, verdict.claims, info, ice));
}

async function sessionInfo(ctx: JoinContext, roomId: string): Promise<SessionInfo | null | undefined> {
  if (!ctx.sessionInfo) return undefined;
  try {
    return await ctx.sessionInfo(roomId);
  } catch (err) {
    console.error('session lookup failed', err);
    return undefined;
  }
}

/** In the room's queue: the welcome, the listener, the room's session info and the presence. */
async function enter(ctx: JoinContext, room: Room, conn: Connection, msg: Hello, actor: Actor, claims: JoinClaims, info: SessionInfo | null | undefined, ice: IceFields): Promise<void> {
  const { out } = ctx;
  if (conn.closed) return;
  if (room.moved) return refuseMoved(out, conn, HANDOFF_RETRY_MS); // handed over, or lost, while the join waited
  if (isRemoved(room.state, actor.id)) return out.fail(conn, 'removed', REMOVED_MESSAGE, undefined, true);
  if (refused(ctx, room, conn, actor.id, !!msg.console)) return; // limits.ts

  if (msg.console) {
    if (!isStaff(actor.role)) return out.fail(conn, 'forbidden', 'Only hosts and moderators can open the breakout console.', undefined, true);
    conn.console = true;
    conn.actor = actor;
    out.send(conn, { type: 'welcome', self: { ...actor, peerId: '' }, snapshot: viewFor(room.state, actor), serverTime: ctx.clock.now() });
    room.listeners.add(conn);
    ctx.expiry.set(conn, tokenExpiry(msg.token));
    return;
  }

  // One live connection per user: a newer tab replaces the older one.
  const previous = room.connected(actor.id);
  if (previous) {
    room.listeners.delete(previous);
    out.fail(previous, 'replaced', 'You joined this room from another window.', undefined, true);
  }
  room.cancelGrace(actor.id);

  const state = room.state;
  const current = participantOf(state, actor.id);
  const takenByOther = msg.peerId !== undefined && Object.values(state.participants).some((p) => p.id !== actor.id && p.present && p.peerId === msg.peerId);
  conn.peerId = msg.peerId && !takenByOther ? msg.peerId : ctx.randomId();
  conn.actor = actor;

  // A resume within the grace period with the same media id is no news to anyone else.
  const unchanged = current?.present && current.peerId === conn.peerId && current.role === actor.role && current.name === actor.name;
  // A join that needs a write while writes are failing: refuse before welcoming; the client retries.
  if (!unchanged && ctx.storage.refusing) return refuse(ctx, room, conn, actor.id);

  // Catch the client up: the events it missed (a bounded number), or the whole state.
  // Someone who was not present heard only placeholders for the room's news: the whole state, not a resume.
  const missed = current?.present ? await catchUp(ctx.store, room.id, state, actor, msg.since) : null;
  if (conn.closed) return leftDuringJoin(room, actor.id);
  // Someone arriving in an ended session is not in it: no chat, no media ids, no media ticket (fan-out.ts).
  out.send(conn, {
    type: 'welcome',
    self: { ...actor, peerId: conn.peerId },
    ...(missed ? { events: missed } : { snapshot: snapshotFor(state, actor) }),
    serverTime: ctx.clock.now(),
    ...(state.status === 'open' ? { ...ctx.ticketFor(conn), ...ice } : {}),
  });
  room.listeners.add(conn);
  ctx.expiry.set(conn, tokenExpiry(msg.token));

  if (info !== undefined) await room.commit({ type: 'session/info', info }, null);
  if (unchanged || msg.away || conn.closed) return leftDuringJoin(room, actor.id);
  const hostAwayMs = claims.hostAwayMinutes !== undefined ? Math.round(claims.hostAwayMinutes * 60_000) : undefined;
  const joined = await room.commit({ type: 'presence/join', peerId: conn.peerId, ...(hostAwayMs ? { hostAwayMs } : {}) }, actor);
  if (!joined.ok && joined.code === 'storage-unavailable') return refuse(ctx, room, conn, actor.id);
  leftDuringJoin(room, actor.id);
}

/** The socket closed while the join was under way: someone present with no connection gets the usual grace period. */
function leftDuringJoin(room: Room, userId: string): void {
  if (isPresent(room.state, userId) && !room.connected(userId)) room.startGrace(userId);
}

/** At hello: refuse a user still waiting out a flood penalty, or one past the per-user cap. */
function refused(ctx: JoinContext, room: Room, conn: Connection, userId: string, console: boolean): boolean {
  const { out, config } = ctx;
  const wait = ctx.limiter?.penaltyMs(userId) ?? 0;
  if (wait > 0) {
    const message = `This user sent too many messages; join again in ${Math.ceil(wait / 1000)} s.`;
    out.send(conn, { type: 'error', code: 'rate-limited', message, retryAfterMs: wait, fatal: true });
    out.close(conn, FLOOD_CLOSE_CODE, 'rate-limited');
    return true;
  }
  if (!overUserCap(room.listeners, userId, console, config.maxConnectionsPerUser)) return false;
  out.fail(conn, 'rate-limited', `You have ${config.maxConnectionsPerUser} connections open to this room; close another window or console first.`, undefined, true);
  return true;
}

/** The join could not be saved: say so and close; the client reconnects after its back-off. */
function refuse(ctx: JoinContext, room: Room, conn: Connection, userId: string): void {
  room.listeners.delete(conn);
  ctx.out.send(conn, { type: 'error', code: 'storage-unavailable', message: STORAGE_REFUSAL });
  ctx.out.close(conn, 1013, 'Try again later');
  // A user who was still present (a resume) keeps the usual grace period.
  leftDuringJoin(room, userId);
}
