/**
 * The room reducer: pure, deterministic, shared by server and browser.
 *
 * `decide(state, command, ctx)` turns a command into events (or refuses it);
 * `apply(state, event)` folds one event into state. The server runs both; each
 * browser runs `apply` on the events it receives, so every mirror of a room is
 * computed by the same code. Time enters as `ctx.now`; nothing here reads a clock.
 */
import {
  CHAT_HISTORY,
  DEFAULT_HOST_AWAY_MS,
  isStaff,
  type Actor,
  type Command,
  type ErrorCode,
  type RoomEvent,
  type RoomState,
} from './types.ts';
import { applyBreakout, decideBreakout, decideDue, initialBreakout, locationOf } from './breakout.ts';

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
  };
}

const ok = (...events: RoomEvent[]): Decision => ({ ok: true, events });
const refuse = (code: ErrorCode, message: string): Decision => ({ ok: false, code, message });

function hostPresent(state: RoomState, except?: string): boolean {
  return Object.values(state.participants).some(
    (p) => p.present && p.role === 'host' && p.id !== except,
  );
}

/** Decide what a command does to a room. Never mutates `state`. */
export function decide(state: RoomState, command: Command, ctx: DecideContext): Decision {
  const { actor, now } = ctx;
  switch (command.type) {
    case 'presence/join': {
      if (!actor) return refuse('not-joined', 'A join needs a verified user.');
      const events: RoomEvent[] = [];
      if (command.hostAwayMs !== undefined && isStaff(actor.role) && command.hostAwayMs !== state.hostAwayMs) {
        events.push({ type: 'settings-changed', hostAwayMs: command.hostAwayMs });
      }
      const prev = state.participants[actor.id];
      events.push({
        type: 'participant-joined',
        participant: {
          id: actor.id,
          name: actor.name,
          role: actor.role,
          present: true,
          peerId: command.peerId,
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
      return ok(...events);
    }
    case 'presence/leave': {
      const p = state.participants[command.userId];
      if (!p || !p.present) return ok();
      const events: RoomEvent[] = [{ type: 'participant-left', userId: p.id, at: now }];
      if (p.role === 'host' && state.status === 'open' && !hostPresent(state, p.id) && state.hostAwayDeadline === null) {
        events.push({ type: 'host-away-started', deadline: now + state.hostAwayMs });
      }
      return ok(...events);
    }
    case 'timer/due': {
      const events: RoomEvent[] = decideDue(state, now);
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
      const p = state.participants[actor.id];
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
      const p = state.participants[actor.id];
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
      return ok({ type: 'session-started', by: actor.id, at: now });
    }
    default:
      return decideBreakout(state, command, actor, now);
  }
}

/** Fold one event into state, returning a new state object. */
export function apply(state: RoomState, event: RoomEvent): RoomState {
  switch (event.type) {
    case 'participant-joined':
      return {
        ...state,
        participants: { ...state.participants, [event.participant.id]: event.participant },
      };
    case 'participant-left': {
      const p = state.participants[event.userId];
      if (!p) return state;
      return {
        ...state,
        participants: {
          ...state.participants,
          [p.id]: { ...p, present: false, peerId: null, audio: false, video: false, engaged: false },
        },
      };
    }
    case 'media-changed': {
      const p = state.participants[event.userId];
      if (!p) return state;
      return {
        ...state,
        participants: { ...state.participants, [p.id]: { ...p, audio: event.audio, video: event.video } },
      };
    }
    case 'chat': {
      // Keep the last CHAT_HISTORY messages of each room (broadcasts count with the main room).
      const room = event.message.room ?? null;
      let chat = [...state.chat, event.message];
      const inRoom = chat.filter((m) => (m.room ?? null) === room);
      if (inRoom.length > CHAT_HISTORY) {
        const drop = new Set(inRoom.slice(0, inRoom.length - CHAT_HISTORY));
        chat = chat.filter((m) => !drop.has(m));
      }
      return { ...state, chat, nextChatId: Math.max(state.nextChatId, event.message.id + 1) };
    }
    case 'session-ended':
      return {
        ...state,
        status: 'ended',
        endedReason: event.reason,
        hostAwayDeadline: null,
        breakout: applyBreakout(state.breakout, event),
      };
    case 'session-started':
      return { ...state, status: 'open', endedReason: null, chat: [] };
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
      const p = state.participants[event.userId];
      if (!p) return state;
      return { ...state, participants: { ...state.participants, [p.id]: { ...p, engaged: event.engaged } } };
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
