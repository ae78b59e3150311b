/**
 * The live meeting's lifecycle: starting it again, ending it (by a host or moderator, or when no
 * host came back in time), joining it again from the same page (Rejoin) and leaving it, the
 * host-away wait, the room's settings and the event session it belongs to.
 *
 * ("Session" in command and event names is this live meeting, not an event's scheduled
 * session, which `SessionInfo` describes.)
 */
import { closedBreakout } from './breakout-state.ts';
import { NOT_JOINED, ok, refuse, type RoomFeature, type ApplyTable } from './feature.ts';
import { bare } from './fields.ts';
import { restartedMedia } from './media-mode.ts';
import { everyoneGone, isRemoved, joinEvents, leaveEvents, participantOf, REMOVED_MESSAGE } from './presence.ts';
import { isStaff, type RoomEvent, type RoomState } from './types.ts';

function started(state: RoomState): RoomState {
  // A new run of the session: chat starts empty, removed users may join again, media starts on the mesh unless pinned.
  return restartedMedia({ ...state, status: 'open', endedReason: null, chat: [], removed: [] });
}

/** Lifecycle news reaches everyone, in the meeting or not: they need it to come back, or to go. */
const lifecycle = { to: 'everyone', outsiders: true } as const;

/** How each event of this feature changes the state (browsers need only this part; see room-apply.ts). */
export const meetingApply: ApplyTable<'meeting-ended' | 'meeting-started' | 'host-away-started' | 'host-away-cancelled' | 'settings-changed' | 'session-info'> = {
  'meeting-ended': (state, event) => ({
    ...state,
    status: 'ended',
    endedReason: event.reason,
    hostAwayDeadline: null,
    // Everyone is out of the room; a restart counts only those who join again.
    participants: everyoneGone(state.participants, event.at),
    breakout: closedBreakout(state.breakout),
  }),
  'meeting-started': started,
  'host-away-started': (state, event) => ({ ...state, hostAwayDeadline: event.deadline }),
  'host-away-cancelled': (state) => ({ ...state, hostAwayDeadline: null }),
  'settings-changed': (state, event) => ({ ...state, hostAwayMs: event.hostAwayMs }),
  'session-info': (state, event) => ({ ...state, session: event.info }),
};

export const meeting: RoomFeature<
  'meeting/start' | 'meeting/end' | 'meeting/join' | 'meeting/leave' | 'session/info',
  'meeting-ended' | 'meeting-started' | 'host-away-started' | 'host-away-cancelled' | 'settings-changed' | 'session-info'
> = {
  name: 'meeting',
  commands: {
    'meeting/leave': bare('meeting/leave'),
    'meeting/end': bare('meeting/end'),
    /** The server adds the starter's own `peerId`; a browser never gives one. */
    'meeting/start': bare('meeting/start'),
    /** Join again from this connection after the session was started again (what Rejoin does). */
    'meeting/join': bare('meeting/join'),
  },
  decide: {
    'meeting/join': (state, command, { actor, now }) => {
      if (!actor) return refuse('not-joined', NOT_JOINED);
      if (state.status !== 'open') return refuse('meeting-ended', 'The session has ended; wait for a host to start it again.');
      if (isRemoved(state, actor.id)) return refuse('removed', REMOVED_MESSAGE);
      if (!command.peerId) return refuse('invalid', 'A console is not in the room; open the room to join.');
      const p = participantOf(state, actor.id);
      if (p?.present && p.peerId === command.peerId) return ok();
      return ok(...joinEvents(state, actor, command.peerId, now));
    },
    'meeting/leave': (state, _command, { actor, now }) => {
      if (!actor) return refuse('not-joined', NOT_JOINED);
      return ok(...leaveEvents(state, actor.id, now));
    },
    'meeting/end': (state, _command, { actor, now }) => {
      if (!actor) return refuse('not-joined', NOT_JOINED);
      if (!isStaff(actor.role)) return refuse('forbidden', 'Only the host or a moderator can end the session.');
      if (state.status === 'ended') return refuse('meeting-ended', 'The session has already ended.');
      return ok({ type: 'meeting-ended', reason: 'ended-by-host', by: actor.id, at: now });
    },
    'meeting/start': (state, command, { actor, now }) => {
      if (!actor) return refuse('not-joined', NOT_JOINED);
      if (!isStaff(actor.role)) return refuse('forbidden', 'Only the host or a moderator can start the session.');
      if (state.status === 'open') return refuse('invalid', 'The session is already running.');
      const event: RoomEvent = { type: 'meeting-started', by: actor.id, at: now };
      // The starter's own connection (not a console) is back in the room at once.
      if (!command.peerId) return ok(event);
      return ok(event, ...joinEvents(started(state), actor, command.peerId, now));
    },
    'session/info': (state, command) => {
      if (JSON.stringify(state.session) === JSON.stringify(command.info)) return ok();
      return ok({ type: 'session-info', info: command.info });
    },
  },
  apply: meetingApply,
  audience: {
    'meeting-ended': { ...lifecycle, snapshot: true },
    'meeting-started': { ...lifecycle, snapshot: true },
    'host-away-started': { to: 'everyone', snapshot: true },
    'host-away-cancelled': { to: 'everyone', snapshot: true },
    'settings-changed': { ...lifecycle, snapshot: true },
    'session-info': lifecycle,
  },
  /** No host came back in time: the session ends (an ended session just stops waiting). */
  due: (state, now) => {
    if (state.hostAwayDeadline === null || now < state.hostAwayDeadline) return [];
    if (state.status !== 'open') return [{ type: 'host-away-cancelled' }];
    return [{ type: 'meeting-ended', reason: 'host-away', by: null, at: now }];
  },
  deadline: (state) => state.hostAwayDeadline,
};
