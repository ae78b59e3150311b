/**
 * The room reducer: pure, deterministic, shared by server and browser.
 *
 * `decide(state, command, ctx)` turns a command into events (or refuses it);
 * `apply(state, event)` folds one event into state. The server runs both; each
 * browser runs `apply` on the events it receives, so every mirror of a room is
 * computed by the same code. Time enters as `ctx.now`; nothing here reads a clock.
 */
import {
  DEFAULT_HOST_AWAY_MS,
  isStaff,
  type Actor,
  type Command,
  type ErrorCode,
  type RoomEvent,
  type RoomState,
} from './types.ts';
import { applyBreakout, decideBreakout, decideDue, initialBreakout, locationOf } from './breakout.ts';
import { addChat, keepRooms } from './chat.ts';
import {
  everyoneGone,
  forgetInBreakout,
  hostAwayAfterGoing,
  isRemoved,
  joinEvents,
  leftParticipant,
  participantOf,
  pruneEvents,
  REMOVED_MESSAGE,
} from './presence.ts';
import { withKey, without } from './records.ts';

export interface DecideContext {
  /** Who sent the command; null for the server's own commands (timers). */
  actor: Actor | null;
  /** Server time, in ms since the epoch. */
  now: number;
}

export type Decision =
  | { ok: true; events: RoomEvent[] }
  | { ok: false; code: ErrorCode; message: string };

export function initialState(room: string, hostAwayMs = DEFAULT_HOST_AWAY_MS): RoomState {
  return {
    room,
    status: 'open',
    endedReason: null,
    seq: 0,
    participants: {},
    chat: [],
    hostAwayMs,
    hostAwayDeadline: null,
    nextChatId: 1,
    breakout: initialBreakout(),
    session: null,
    removed: [],
  };
}

const ok = (...events: RoomEvent[]): Decision => ({ ok: true, events });
const refuse = (code: ErrorCode, message: string): Decision => ({ ok: false, code, message });

/** Decide what a command does to a room. Never mutates `state`. */
export function decide(state: RoomState, command: Command, ctx: DecideContext): Decision {
  const { actor, now } = ctx;
  switch (command.type) {
    case 'presence/join': {
      if (!actor) return refuse('not-joined', 'A join needs a verified user.');
      if (isRemoved(state, actor.id)) return refuse('removed', REMOVED_MESSAGE);
      // An ended session has nobody in it: whoever is still connected joins again when it restarts.
      if (state.status !== 'open') return ok();
      return ok(...joinEvents(state, actor, command.peerId, now, command.hostAwayMs));
    }
    case 'session/join': {
      if (!actor) return refuse('not-joined', 'Join the room first.');
      if (state.status !== 'open') return refuse('session-ended', 'The session has ended; wait for a host to start it again.');
      if (isRemoved(state, actor.id)) return refuse('removed', REMOVED_MESSAGE);
      if (!command.peerId) return refuse('invalid', 'A console is not in the room; open the room to join.');
      const p = participantOf(state, actor.id);
      if (p?.present && p.peerId === command.peerId) return ok();
      return ok(...joinEvents(state, actor, command.peerId, now));
    }
    case 'presence/leave': {
      const p = participantOf(state, command.userId);
      if (!p || !p.present) return ok();
      const left: RoomEvent = { type: 'participant-left', userId: p.id, at: now };
      return ok(left, ...hostAwayAfterGoing(state, p, now), ...pruneEvents(apply(state, left), now));
    }
    case 'participant/remove': {
      if (!actor) return refuse('not-joined', 'Join the room first.');
      if (!isStaff(actor.role)) return refuse('forbidden', 'Only hosts and moderators can remove someone from the session.');
      if (state.status !== 'open') return refuse('session-ended', 'The session has ended.');
      const p = participantOf(state, command.userId);
      if (!p) return refuse('invalid', 'There is no such participant in this room.');
      if (p.id === actor.id) return refuse('invalid', 'You cannot remove yourself; leave the session instead.');
      if (p.role === 'host' && actor.role !== 'host') return refuse('forbidden', 'A moderator cannot remove a host.');
      if (isRemoved(state, p.id)) return ok();
      return ok({ type: 'participant-removed', userId: p.id, by: actor.id, at: now }, ...hostAwayAfterGoing(state, p, now));
    }
    case 'timer/due': {
      const events: RoomEvent[] = [...pruneEvents(state, now), ...decideDue(state, now)];
      if (state.hostAwayDeadline !== null && now >= state.hostAwayDeadline) {
        if (state.status !== 'open') events.push({ type: 'host-away-cancelled' });
        else events.push({ type: 'session-ended', reason: 'host-away', by: null, at: now });
      }
      return ok(...events);
    }
    case 'session/leave': {
      if (!actor) return refuse('not-joined', 'Join the room first.');
      return decide(state, { type: 'presence/leave', userId: actor.id }, ctx);
    }
    case 'chat/send': {
      if (!actor) return refuse('not-joined', 'Join the room first.');
      if (state.status !== 'open') return refuse('session-ended', 'The session has ended; chat is closed.');
      const text = command.text.trim();
      if (!text) return refuse('invalid', 'A chat message cannot be empty.');
      const room = locationOf(state, actor.id);
      const mood = typeof command.mood === 'number' && Number.isFinite(command.mood) ? Math.max(-1, Math.min(1, command.mood)) : undefined;
      return ok({
        type: 'chat',
        message: {
          id: state.nextChatId,
          from: actor.id,
          name: actor.name,
          text,
          at: now,
          ...(room !== null ? { room } : {}),
          ...(mood !== undefined ? { mood } : {}),
        },
      });
    }
    case 'engagement/report': {
      if (!actor) return refuse('not-joined', 'Join the room first.');
      const p = participantOf(state, actor.id);
      if (!p?.present) return refuse('not-joined', 'Join the room first.');
      if ((p.engaged ?? false) === command.engaged) return ok();
      return ok({ type: 'engagement-changed', userId: actor.id, engaged: command.engaged });
    }
    case 'session/info': {
      if (JSON.stringify(state.session) === JSON.stringify(command.info)) return ok();
      return ok({ type: 'session-info', info: command.info });
    }
    case 'media/state': {
      if (!actor) return refuse('not-joined', 'Join the room first.');
      const p = participantOf(state, actor.id);
      if (!p?.present) return refuse('not-joined', 'Join the room first.');
      if (p.audio === command.audio && p.video === command.video) return ok();
      return ok({ type: 'media-changed', userId: actor.id, audio: command.audio, video: command.video });
    }
    case 'session/end': {
      if (!actor) return refuse('not-joined', 'Join the room first.');
      if (!isStaff(actor.role)) return refuse('forbidden', 'Only the host or a moderator can end the session.');
      if (state.status === 'ended') return refuse('session-ended', 'The session has already ended.');
      return ok({ type: 'session-ended', reason: 'ended-by-host', by: actor.id, at: now });
    }
    case 'session/start': {
      if (!actor) return refuse('not-joined', 'Join the room first.');
      if (!isStaff(actor.role)) return refuse('forbidden', 'Only the host or a moderator can start the session.');
      if (state.status === 'open') return refuse('invalid', 'The session is already running.');
      const started: RoomEvent = { type: 'session-started', by: actor.id, at: now };
      // The starter's own connection (not a console) is back in the room at once.
      if (!command.peerId) return ok(started);
      return ok(started, ...joinEvents(apply(state, started), actor, command.peerId, now));
    }
    default:
      return decideBreakout(state, command, actor, now);
  }
}

/** Fold one event into state, returning a new state object. */
export function apply(state: RoomState, event: RoomEvent): RoomState {
  switch (event.type) {
    case 'participant-joined':
      return { ...state, participants: withKey(state.participants, event.participant.id, event.participant) };
    case 'participant-left': {
      const p = participantOf(state, event.userId);
      if (!p) return state;
      return { ...state, participants: withKey(state.participants, p.id, leftParticipant(p, event.at)) };
    }
    case 'participant-removed': {
      const p = participantOf(state, event.userId);
      const removed = state.removed ?? [];
      return {
        ...state,
        participants: p ? withKey(state.participants, p.id, leftParticipant(p, event.at)) : state.participants,
        removed: removed.includes(event.userId) ? removed : [...removed, event.userId],
        breakout: forgetInBreakout(state.breakout, [event.userId]),
      };
    }
    case 'participants-pruned':
      return {
        ...state,
        participants: without(state.participants, event.userIds),
        breakout: forgetInBreakout(state.breakout, event.userIds),
      };
    case 'media-changed': {
      const p = participantOf(state, event.userId);
      if (!p) return state;
      return { ...state, participants: withKey(state.participants, p.id, { ...p, audio: event.audio, video: event.video }) };
    }
    case 'chat':
      return { ...state, chat: addChat(state.chat, event.message), nextChatId: Math.max(state.nextChatId, event.message.id + 1) };
    case 'breakout-configured':
      // The new rooms replace the old ones: their chat goes with them.
      return {
        ...state,
        chat: keepRooms(state.chat, event.config.rooms.map((r) => r.id)),
        breakout: applyBreakout(state.breakout, event),
      };
    case 'session-ended':
      return {
        ...state,
        status: 'ended',
        endedReason: event.reason,
        hostAwayDeadline: null,
        // Everyone is out of the room; a restart counts only those who join again.
        participants: everyoneGone(state.participants, event.at),
        breakout: applyBreakout(state.breakout, event),
      };
    case 'session-started':
      // A new run of the session: chat starts empty and removed users may join again.
      return { ...state, status: 'open', endedReason: null, chat: [], removed: [] };
    case 'host-away-started':
      return { ...state, hostAwayDeadline: event.deadline };
    case 'host-away-cancelled':
      return { ...state, hostAwayDeadline: null };
    case 'settings-changed':
      return { ...state, hostAwayMs: event.hostAwayMs };
    case 'redacted':
      return state;
    case 'session-info':
      return { ...state, session: event.info };
    case 'engagement-changed': {
      const p = participantOf(state, event.userId);
      if (!p) return state;
      return { ...state, participants: withKey(state.participants, p.id, { ...p, engaged: event.engaged }) };
    }
    default:
      return { ...state, breakout: applyBreakout(state.breakout, event) };
  }
}

/** Apply a command end to end: decide, then fold the events. */
export function reduce(
  state: RoomState,
  command: Command,
  ctx: DecideContext,
): { ok: true; state: RoomState; events: RoomEvent[] } | { ok: false; code: ErrorCode; message: string } {
  const decision = decide(state, command, ctx);
  if (!decision.ok) return decision;
  let next = state;
  for (const e of decision.events) next = apply(next, e);
  return { ok: true, state: next, events: decision.events };
}

/** Apply an event that carries its sequence number, as browsers and the room hub do. */
export function applySequenced(state: RoomState, e: { seq: number; event: RoomEvent }): RoomState {
  if (e.seq <= state.seq) return state; // already applied (a resume may overlap)
  return { ...apply(state, e.event), seq: e.seq };
}
