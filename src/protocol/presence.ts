/**
 * Presence: who is in the room. Joining (from a socket's hello, a Rejoin after a
 * restart, or the restart itself), leaving, being removed by a host or moderator,
 * everyone leaving when the session ends, and forgetting people who left long ago
 * so a room's state stays bounded however many people come and go.
 *
 * Pure: time comes in as `now`; the reducer composes these into decide/apply.
 */
import { own, without } from './records.ts';
import {
  LEFT_KEEP_MS,
  MAX_LEFT,
  isStaff,
  type Actor,
  type BreakoutState,
  type Participant,
  type RoomEvent,
  type RoomState,
} from './types.ts';

/** What a removed user is told (their element shows its own wording for the `removed` code). */
export const REMOVED_MESSAGE = 'You were removed from the session. You can join again if a host starts the session again.';

/** Users removed during this run of the session (older snapshots have none). */
export function removedUsers(state: RoomState): readonly string[] {
  return state.removed ?? [];
}

export function isRemoved(state: RoomState, userId: string): boolean {
  return removedUsers(state).includes(userId);
}

export function participantOf(state: RoomState, userId: string): Participant | undefined {
  return own(state.participants, userId);
}

export function hostPresent(state: RoomState, except?: string): boolean {
  return Object.values(state.participants).some((p) => p.present && p.role === 'host' && p.id !== except);
}

/**
 * Users who left long enough ago to forget: gone for `LEFT_KEEP_MS`, or beyond the
 * most recent leavers once there are more than `MAX_LEFT`. `keep` (the user joining now)
 * is never pruned.
 */
export function pruneEvents(state: RoomState, now: number, keep?: string): RoomEvent[] {
  const gone = Object.values(state.participants)
    .filter((p) => !p.present && p.id !== keep)
    .map((p) => ({ id: p.id, at: p.leftAt ?? p.joinedAt }))
    .sort((a, b) => b.at - a.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)); // most recent first
  // Past the cap, forget down to four fifths of it, so a busy room prunes in batches, not at every leave.
  const keepCount = gone.length > MAX_LEFT ? Math.floor((MAX_LEFT * 4) / 5) : MAX_LEFT;
  const userIds = gone.filter((g, i) => i >= keepCount || now - g.at >= LEFT_KEEP_MS).map((g) => g.id);
  return userIds.length ? [{ type: 'participants-pruned', userIds }] : [];
}

/**
 * What a user joining with media id `peerId` changes. `state` is open; the caller
 * refuses removed users and ended sessions.
 */
export function joinEvents(state: RoomState, actor: Actor, peerId: string, now: number, hostAwayMs?: number): RoomEvent[] {
  const events: RoomEvent[] = pruneEvents(state, now, actor.id);
  if (hostAwayMs !== undefined && isStaff(actor.role) && hostAwayMs !== state.hostAwayMs) {
    events.push({ type: 'settings-changed', hostAwayMs });
  }
  const prev = participantOf(state, actor.id);
  events.push({
    type: 'participant-joined',
    participant: {
      id: actor.id,
      name: actor.name,
      role: actor.role,
      present: true,
      peerId,
      audio: prev?.present ? prev.audio : false,
      video: prev?.present ? prev.video : false,
      joinedAt: now,
    },
  });
  if (actor.role === 'host' && state.hostAwayDeadline !== null) {
    events.push({ type: 'host-away-cancelled' });
  }
  // A room whose host never came, or left before this participant arrived,
  // starts waiting as soon as someone is there.
  if (actor.role !== 'host' && state.status === 'open' && state.hostAwayDeadline === null && !hostPresent(state)) {
    const everHadHost = Object.values(state.participants).some((p) => p.role === 'host');
    if (everHadHost) events.push({ type: 'host-away-started', deadline: now + state.hostAwayMs });
  }
  return events;
}

/** The last host going (by leaving or by removal) starts the host-away wait. */
export function hostAwayAfterGoing(state: RoomState, p: Participant, now: number): RoomEvent[] {
  if (p.role === 'host' && p.present && state.status === 'open' && !hostPresent(state, p.id) && state.hostAwayDeadline === null) {
    return [{ type: 'host-away-started', deadline: now + state.hostAwayMs }];
  }
  return [];
}

function gone(p: Participant, at: number): Participant {
  return { ...p, present: false, peerId: null, audio: false, video: false, engaged: false, leftAt: at };
}

/** Everyone in the room leaves (the session ended): restart counts only who joins again. */
export function everyoneGone(participants: Record<string, Participant>, at: number): Record<string, Participant> {
  return Object.fromEntries(Object.entries(participants).map(([id, p]) => [id, p.present ? gone(p, at) : p]));
}

export function leftParticipant(p: Participant, at: number): Participant {
  return gone(p, at);
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
