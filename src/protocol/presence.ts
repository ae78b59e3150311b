/**
 * Presence: who is in the room. Joining (from a socket's hello, a Rejoin after a
 * restart, or the restart itself), leaving, being removed by a host or moderator,
 * everyone leaving when the session ends, and forgetting people who left long ago
 * so a room's state stays bounded however many people come and go.
 *
 * Pure: time comes in as `now`. The meeting's own join and leave (`meeting/join`,
 * `meeting/leave`, the restart) are in `meeting.ts` and use the helpers here.
 */
import * as v from 'valibot';
import { own, withKey, without } from './records.ts';
import { forgetInBreakout } from './breakout-state.ts';
import { NOT_JOINED, ok, refuse, type RoomFeature, type ApplyTable } from './feature.ts';
import { UserIdSchema } from './fields.ts';
import {
  LEFT_KEEP_MS,
  MAX_LEFT,
  isStaff,
  type Actor,
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

/** What `userId` leaving changes (nothing when they are not in the room). */
export function leaveEvents(state: RoomState, userId: string, now: number): RoomEvent[] {
  const p = participantOf(state, userId);
  if (!p || !p.present) return [];
  const left: RoomEvent = { type: 'participant-left', userId: p.id, at: now };
  return [left, ...hostAwayAfterGoing(state, p, now), ...pruneEvents(applyLeft(state, left), now)];
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

function applyLeft(state: RoomState, event: Extract<RoomEvent, { type: 'participant-left' }>): RoomState {
  const p = participantOf(state, event.userId);
  if (!p) return state;
  return { ...state, participants: withKey(state.participants, p.id, leftParticipant(p, event.at)) };
}

/** News about a person reaches them even while they are not in the room (their own join, leave, removal). */
const aboutThem = { outsiders: (e: { userId: string }, userId: string) => e.userId === userId } as const;

/** How each event of this feature changes the state (browsers need only this part; see room-apply.ts). */
export const presenceApply: ApplyTable<'participant-joined' | 'participant-left' | 'participant-removed' | 'participants-pruned'> = {
  'participant-joined': (state, event) => ({
    ...state,
    participants: withKey(state.participants, event.participant.id, event.participant),
  }),
  'participant-left': applyLeft,
  'participant-removed': (state, event) => {
    const p = participantOf(state, event.userId);
    const removed = state.removed ?? [];
    return {
      ...state,
      participants: p ? withKey(state.participants, p.id, leftParticipant(p, event.at)) : state.participants,
      removed: removed.includes(event.userId) ? removed : [...removed, event.userId],
      breakout: forgetInBreakout(state.breakout, [event.userId]),
    };
  },
  'participants-pruned': (state, event) => ({
    ...state,
    participants: without(state.participants, event.userIds),
    breakout: forgetInBreakout(state.breakout, event.userIds),
  }),
};

export const presence: RoomFeature<
  'presence/join' | 'presence/leave' | 'participant/remove',
  'participant-joined' | 'participant-left' | 'participant-removed' | 'participants-pruned'
> = {
  name: 'presence',
  commands: {
    /** Take someone out of the session until it is started again (hosts and moderators only). */
    'participant/remove': v.object({ type: v.literal('participant/remove'), userId: UserIdSchema }),
  },
  decide: {
    'presence/join': (state, command, { actor, now }) => {
      if (!actor) return refuse('not-joined', 'A join needs a verified user.');
      if (isRemoved(state, actor.id)) return refuse('removed', REMOVED_MESSAGE);
      // An ended session has nobody in it: whoever is still connected joins again when it restarts.
      if (state.status !== 'open') return ok();
      return ok(...joinEvents(state, actor, command.peerId, now, command.hostAwayMs));
    },
    'presence/leave': (state, command, { now }) => ok(...leaveEvents(state, command.userId, now)),
    'participant/remove': (state, command, { actor, now }) => {
      if (!actor) return refuse('not-joined', NOT_JOINED);
      if (!isStaff(actor.role)) return refuse('forbidden', 'Only hosts and moderators can remove someone from the session.');
      if (state.status !== 'open') return refuse('meeting-ended', 'The session has ended.');
      const p = participantOf(state, command.userId);
      if (!p) return refuse('invalid', 'There is no such participant in this room.');
      if (p.id === actor.id) return refuse('invalid', 'You cannot remove yourself; leave the session instead.');
      if (p.role === 'host' && actor.role !== 'host') return refuse('forbidden', 'A moderator cannot remove a host.');
      if (isRemoved(state, p.id)) return ok();
      return ok({ type: 'participant-removed', userId: p.id, by: actor.id, at: now }, ...hostAwayAfterGoing(state, p, now));
    },
  },
  apply: presenceApply,
  audience: {
    'participant-joined': { to: 'everyone', outsiders: (e, userId) => e.participant.id === userId, snapshot: true },
    'participant-left': { to: 'everyone', ...aboutThem, snapshot: true },
    'participant-removed': { to: 'everyone', ...aboutThem, snapshot: true },
    'participants-pruned': { to: 'everyone' },
  },
  due: (state, now) => pruneEvents(state, now),
};
