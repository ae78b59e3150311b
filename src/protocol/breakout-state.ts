/**
 * Breakout state and the questions every feature asks of it: where someone is, what a room is
 * called, who breakout assigns, how a deal splits people into rooms. Kept apart from the
 * breakout feature (`breakout.ts`) so chat, share and media can ask "which room is this user in"
 * without depending on breakout's commands.
 */
import { isStaff, type BreakoutState, type RoomState } from './types.ts';
import { own, put, without } from './records.ts';

export const MAIN_ROOM = null;

export function initialBreakout(): BreakoutState {
  return {
    config: null,
    plan: {},
    status: 'idle',
    gathered: false,
    location: {},
    returnTo: {},
    moves: {},
    endsAt: null,
    closingAt: null,
    calls: [],
    nextCallId: 1,
    nextRoomId: 1,
    startedAt: null,
  };
}

/** Breakout over (ended, or the session ended): everyone in the main room; rooms and plan kept. */
export function closedBreakout(b: BreakoutState): BreakoutState {
  return { ...b, status: 'idle', gathered: false, location: {}, moves: {}, returnTo: {}, endsAt: null, closingAt: null, calls: [], startedAt: null };
}

/** The room a user is in now: a breakout room id, or null for the main room. */
export function locationOf(state: RoomState, userId: string): string | null {
  const b = state.breakout;
  if (b.status !== 'running') return null;
  return own(b.location, userId) ?? null;
}

export function roomName(state: RoomState, roomId: string | null): string {
  if (roomId === null) return 'Main room';
  return state.breakout.config?.rooms.find((r) => r.id === roomId)?.name ?? 'Breakout room';
}

/** Participants breakout assigns: present, and not hosts or moderators (they move themselves). */
export function assignable(state: RoomState): string[] {
  return Object.values(state.participants)
    .filter((p) => p.present && !isStaff(p.role))
    .map((p) => p.id);
}

/** Deal users into rooms in the given order, round robin, so sizes differ by at most one. */
export function deal(order: string[], roomIds: string[]): Record<string, string> {
  const plan: Record<string, string> = {};
  if (roomIds.length === 0) return plan;
  order.forEach((id, i) => put(plan, id, roomIds[i % roomIds.length]!));
  return plan;
}

export function roomIds(b: BreakoutState): string[] {
  return b.config?.rooms.map((r) => r.id) ?? [];
}

export function validRoom(b: BreakoutState, to: string | null): boolean {
  return to === null || roomIds(b).includes(to);
}

/** The earliest breakout deadline (a move, the time limit, the closing countdown), or null. */
export function breakoutDeadline(state: RoomState): number | null {
  const b = state.breakout;
  let next: number | null = null;
  const consider = (t: number | null) => {
    if (t !== null && (next === null || t < next)) next = t;
  };
  for (const m of Object.values(b.moves)) consider(m.at);
  if (b.status === 'running' && b.closingAt === null) consider(b.endsAt);
  consider(b.closingAt);
  return next;
}

/** Breakout state without any trace of these users (where they are, are going, will return, their calls, their plan). */
export function forgetInBreakout(b: BreakoutState, userIds: readonly string[]): BreakoutState {
  const ids = new Set(userIds);
  const calls = b.calls.filter((c) => !ids.has(c.userId));
  return {
    ...b,
    plan: without(b.plan, ids),
    location: without(b.location, ids),
    moves: without(b.moves, ids),
    returnTo: without(b.returnTo, ids),
    calls: calls.length === b.calls.length ? b.calls : calls,
  };
}
