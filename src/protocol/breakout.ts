/**
 * Breakout rooms: the pure part. Decisions and state changes for configuring,
 * running, moving, gathering and ending breakout, plus the derived views the
 * server and browsers share (where a user is, who may hear an event, the next
 * deadline). Randomness arrives in commands (`breakout/deal`), time in `now`.
 */
import {
  DEFAULT_COUNTDOWN_MS,
  ROOM_ID_LIMIT,
  isStaff,
  type Actor,
  type BreakoutCommand,
  type BreakoutConfig,
  type BreakoutState,
  type ErrorCode,
  type PendingMove,
  type Role,
  type RoomEvent,
  type RoomState,
  type ServerCommand,
} from './types.ts';
import { own, put } from './records.ts';

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

/** The earliest deadline the server must wake up for, or null. */
export function nextDeadline(state: RoomState): number | null {
  const b = state.breakout;
  let next: number | null = state.hostAwayDeadline;
  const consider = (t: number | null) => {
    if (t !== null && (next === null || t < next)) next = t;
  };
  for (const m of Object.values(b.moves)) consider(m.at);
  if (b.status === 'running' && b.closingAt === null) consider(b.endsAt);
  consider(b.closingAt);
  return next;
}

export interface Viewer {
  id: string;
  role: Role;
}

/**
 * Who may receive an event: chat in a breakout room goes to that room, help calls
 * to hosts, moderators and the caller; everything else to everyone.
 * `before` is the state the event was decided in (where people were).
 */
export function canSee(event: RoomEvent, before: RoomState, viewer: Viewer): boolean {
  switch (event.type) {
    case 'chat': {
      const m = event.message;
      if (m.broadcast) return true;
      return (m.room ?? null) === locationOf(before, viewer.id);
    }
    case 'help-requested':
      return isStaff(viewer.role) || event.call.userId === viewer.id;
    case 'help-cleared':
      return isStaff(viewer.role) || event.userIds.includes(viewer.id);
    default:
      return true;
  }
}

/** The state as one viewer may see it: their room's chat and broadcasts; calls for staff (or their own). */
export function redactFor(state: RoomState, viewer: Viewer): RoomState {
  const here = locationOf(state, viewer.id);
  const chat = state.chat.filter((m) => m.broadcast || (m.room ?? null) === here);
  const staff = isStaff(viewer.role);
  const calls = staff ? state.breakout.calls : state.breakout.calls.filter((c) => c.userId === viewer.id);
  if (chat.length === state.chat.length && calls === state.breakout.calls) return state;
  return { ...state, chat, breakout: { ...state.breakout, calls } };
}

/** Chat messages of one room (for someone who just moved in). */
export function historyOf(state: RoomState, room: string | null): RoomState['chat'] {
  return state.chat.filter((m) => m.broadcast || (m.room ?? null) === room);
}

// ---------------------------------------------------------------------------
// Decide
// ---------------------------------------------------------------------------

type Decision = { ok: true; events: RoomEvent[] } | { ok: false; code: ErrorCode; message: string };
const ok = (...events: RoomEvent[]): Decision => ({ ok: true, events });
const refuse = (code: ErrorCode, message: string): Decision => ({ ok: false, code, message });

function roomIds(b: BreakoutState): string[] {
  return b.config?.rooms.map((r) => r.id) ?? [];
}

function validRoom(b: BreakoutState, to: string | null): boolean {
  return to === null || roomIds(b).includes(to);
}

/** Moves for the given target rooms, after the configured countdown (at once when it is 0). */
function movesTo(
  state: RoomState,
  targets: Record<string, string | null>,
  now: number,
  countdownMs = state.breakout.config?.countdownMs ?? DEFAULT_COUNTDOWN_MS,
): RoomEvent[] {
  const b = state.breakout;
  const moves: Record<string, PendingMove> = {};
  const moved: Record<string, string | null> = {};
  for (const [userId, to] of Object.entries(targets)) {
    const from = own(b.location, userId) ?? null;
    const pending = own(b.moves, userId);
    if (from === to && (!pending || pending.to === to)) continue;
    if (countdownMs <= 0) put(moved, userId, to);
    else put(moves, userId, { to, at: now + countdownMs });
  }
  const events: RoomEvent[] = [];
  if (Object.keys(moves).length) events.push({ type: 'breakout-moves', moves });
  if (Object.keys(moved).length) events.push({ type: 'breakout-moved', moved });
  return events;
}

function startEvents(state: RoomState, now: number, targets: Record<string, string | null>, resumed: boolean): RoomEvent[] {
  const b = state.breakout;
  const cfg = b.config!;
  const endsAt = resumed ? b.endsAt : cfg.timeLimitMs === null ? null : now + cfg.countdownMs + cfg.timeLimitMs;
  return [{ type: 'breakout-started', at: now, endsAt, resumed }, ...movesTo(state, targets, now)];
}

function everyoneToMain(state: RoomState): Record<string, string | null> {
  const b = state.breakout;
  const targets: Record<string, string | null> = {};
  for (const id of Object.keys(b.location)) put(targets, id, null);
  for (const [id, m] of Object.entries(b.moves)) if (m.to !== null) put(targets, id, null);
  return targets;
}

function endingEvents(state: RoomState, now: number, reason: 'ended' | 'time-up'): RoomEvent[] {
  const countdown = state.breakout.config?.countdownMs ?? DEFAULT_COUNTDOWN_MS;
  const events = movesTo(state, everyoneToMain(state), now, countdown);
  if (countdown <= 0) return [...events, { type: 'breakout-ended', at: now }];
  return [...events, { type: 'breakout-ending', closingAt: now + countdown, reason }];
}

export function decideBreakout(
  state: RoomState,
  command: BreakoutCommand | Extract<ServerCommand, { type: 'breakout/deal' }>,
  actor: Actor | null,
  now: number,
): Decision {
  const b = state.breakout;
  if (!actor) return refuse('not-joined', 'Join the room first.');
  if (state.status !== 'open') return refuse('session-ended', 'The session has ended.');
  const staff = isStaff(actor.role);
  const running = b.status === 'running';
  const closing = b.closingAt !== null;

  // What participants may do.
  if (command.type === 'breakout/call') {
    const room = locationOf(state, actor.id);
    if (room === null) return refuse('invalid', 'You can call a moderator from a breakout room.');
    if (b.calls.some((c) => c.userId === actor.id)) return ok();
    return ok({ type: 'help-requested', call: { id: b.nextCallId, userId: actor.id, room, at: now } });
  }
  if (command.type === 'breakout/cancel-call') {
    const mine = b.calls.filter((c) => c.userId === actor.id).map((c) => c.id);
    return mine.length ? ok({ type: 'help-cleared', callIds: mine, userIds: [actor.id], reason: 'cancelled' }) : ok();
  }
  if (!staff) return refuse('forbidden', 'Only hosts and moderators can manage breakout rooms.');

  switch (command.type) {
    case 'breakout/configure':
      return refuse('internal', 'breakout/configure is dealt by the server.');
    case 'breakout/deal': {
      if (command.reason === 'configure') {
        const c = command.configure!;
        if (running) return refuse('invalid', 'End the breakout before creating new rooms.');
        // Ids count up and start again at r1 after r999999 (the schema's limit), so they never
        // run out; the rooms they replace are gone by then, and so is their chat.
        let next = b.nextRoomId;
        const rooms = c.rooms.map((name) => {
          if (!(next >= 1 && next < ROOM_ID_LIMIT)) next = 1;
          return { id: `r${next++}`, name };
        });
        if (next >= ROOM_ID_LIMIT) next = 1;
        const config: BreakoutConfig = {
          rooms,
          timeLimitMs: c.timeLimitMinutes === null ? null : Math.round(c.timeLimitMinutes * 60_000),
          countdownMs: Math.round(c.countdownSeconds * 1000),
          assignment: c.assignment,
        };
        const plan = c.assignment === 'manual' ? {} : deal(command.order, rooms.map((r) => r.id));
        return ok({ type: 'breakout-configured', config, plan, nextRoomId: next });
      }
      if (!b.config) return refuse('invalid', 'Create breakout rooms first.');
      const plan = deal(command.order, roomIds(b));
      const events: RoomEvent[] = [{ type: 'breakout-planned', plan }];
      if (running && !b.gathered && !closing) {
        const targets: Record<string, string | null> = {};
        for (const id of command.order) put(targets, id, own(plan, id) ?? null);
        events.push(...movesTo(state, targets, now));
      }
      return ok(...events);
    }
    case 'breakout/start': {
      if (!b.config) return refuse('invalid', 'Create breakout rooms first.');
      if (closing) return refuse('invalid', 'The breakout is closing; wait for everyone to return.');
      if (running && !b.gathered) return refuse('invalid', 'Breakout is already running.');
      if (running && b.gathered) return ok(...startEvents(state, now, { ...b.returnTo }, true));
      const targets: Record<string, string | null> = {};
      for (const [id, room] of Object.entries(b.plan)) {
        const p = own(state.participants, id);
        if (p && !isStaff(p.role)) put(targets, id, room);
      }
      return ok(...startEvents(state, now, targets, false));
    }
    case 'breakout/shuffle':
      return refuse('internal', 'breakout/shuffle is dealt by the server.');
    case 'breakout/rotate': {
      if (!b.config) return refuse('invalid', 'Create breakout rooms first.');
      const ids = roomIds(b);
      const nextOf = (r: string) => ids[(ids.indexOf(r) + 1) % ids.length];
      const plan: Record<string, string> = {};
      for (const [u, r] of Object.entries(b.plan)) put(plan, u, nextOf(r));
      const events: RoomEvent[] = [{ type: 'breakout-planned', plan }];
      if (running && !b.gathered && !closing) {
        const targets: Record<string, string | null> = {};
        for (const [u, r] of Object.entries(b.location)) {
          if (!isStaff(own(state.participants, u)?.role ?? 'participant')) put(targets, u, nextOf(r));
        }
        events.push(...movesTo(state, targets, now));
      }
      return ok(...events);
    }
    case 'breakout/move': {
      if (!b.config) return refuse('invalid', 'Create breakout rooms first.');
      if (!own(state.participants, command.userId)) return refuse('invalid', 'There is no such participant in this room.');
      if (!validRoom(b, command.to)) return refuse('invalid', 'There is no such breakout room.');
      const plan = { ...b.plan };
      if (command.to === null) delete plan[command.userId];
      else put(plan, command.userId, command.to);
      const events: RoomEvent[] = [{ type: 'breakout-planned', plan }];
      if (running && !closing && !b.gathered) events.push(...movesTo(state, { [command.userId]: command.to }, now));
      return ok(...events);
    }
    case 'breakout/join': {
      if (!running || closing) return refuse('invalid', 'Breakout is not running.');
      if (!validRoom(b, command.to)) return refuse('invalid', 'There is no such breakout room.');
      const events: RoomEvent[] = [];
      if ((own(b.location, actor.id) ?? null) !== command.to || own(b.moves, actor.id)) {
        events.push({ type: 'breakout-moved', moved: { [actor.id]: command.to } });
      }
      const answered = b.calls.filter((c) => c.room === command.to);
      if (answered.length) {
        events.push({ type: 'help-cleared', callIds: answered.map((c) => c.id), userIds: answered.map((c) => c.userId), reason: 'answered' });
      }
      return ok(...events);
    }
    case 'breakout/gather': {
      if (!running || closing) return refuse('invalid', 'Breakout is not running.');
      if (b.gathered) return refuse('invalid', 'Everyone is already gathered in the main room.');
      const returnTo: Record<string, string> = {};
      const staffer = (u: string) => isStaff(own(state.participants, u)?.role ?? 'participant');
      for (const [u, r] of Object.entries(b.location)) if (!staffer(u)) put(returnTo, u, r);
      for (const [u, m] of Object.entries(b.moves)) if (m.to !== null && !staffer(u)) put(returnTo, u, m.to);
      return ok({ type: 'breakout-gathered', returnTo }, ...movesTo(state, everyoneToMain(state), now));
    }
    case 'breakout/end': {
      if (!running) return refuse('invalid', 'Breakout is not running.');
      if (closing) return ok();
      return ok(...endingEvents(state, now, 'ended'));
    }
    case 'breakout/add-time': {
      if (!running || closing) return refuse('invalid', 'Breakout is not running.');
      if (b.endsAt === null) return refuse('invalid', 'No time limit was set for this breakout.');
      return ok({ type: 'breakout-time-added', endsAt: Math.max(b.endsAt, now) + command.minutes * 60_000, minutes: command.minutes });
    }
    case 'breakout/broadcast': {
      if (!running) return refuse('invalid', 'Broadcast reaches breakout rooms while breakout is running.');
      const text = command.text.trim();
      if (!text) return refuse('invalid', 'A broadcast cannot be empty.');
      return ok({
        type: 'chat',
        message: { id: state.nextChatId, from: actor.id, name: actor.name, text, at: now, room: null, broadcast: true },
      });
    }
    case 'breakout/dismiss': {
      const call = b.calls.find((c) => c.id === command.callId);
      if (!call) return ok();
      return ok({ type: 'help-cleared', callIds: [call.id], userIds: [call.userId], reason: 'dismissed' });
    }
  }
}

/** What the timer does when deadlines are due. */
export function decideDue(state: RoomState, now: number): RoomEvent[] {
  const b = state.breakout;
  const events: RoomEvent[] = [];
  const moved: Record<string, string | null> = {};
  for (const [u, m] of Object.entries(b.moves)) if (m.at <= now) put(moved, u, m.to);
  if (Object.keys(moved).length) events.push({ type: 'breakout-moved', moved });
  if (b.closingAt !== null && b.closingAt <= now) {
    events.push({ type: 'breakout-ended', at: now });
  } else if (b.status === 'running' && b.closingAt === null && b.endsAt !== null && b.endsAt <= now) {
    // Time is up: close with a countdown, as End breakout does.
    const after = applyBreakoutAll(state, events);
    events.push(...endingEvents(after, now, 'time-up'));
  }
  return events;
}

// ---------------------------------------------------------------------------
// Apply
// ---------------------------------------------------------------------------

function applyBreakoutAll(state: RoomState, events: RoomEvent[]): RoomState {
  let s = state;
  for (const e of events) s = { ...s, breakout: applyBreakout(s.breakout, e) };
  return s;
}

/** Fold a breakout event into breakout state (other events: unchanged). */
export function applyBreakout(b: BreakoutState, event: RoomEvent): BreakoutState {
  switch (event.type) {
    case 'breakout-configured':
      return {
        ...initialBreakout(),
        config: event.config,
        plan: event.plan,
        nextRoomId: event.nextRoomId,
        nextCallId: b.nextCallId,
      };
    case 'breakout-planned':
      return { ...b, plan: event.plan };
    case 'breakout-started':
      return {
        ...b,
        status: 'running',
        gathered: false,
        returnTo: event.resumed ? {} : b.returnTo,
        endsAt: event.endsAt,
        closingAt: null,
        startedAt: event.resumed ? b.startedAt : event.at,
      };
    case 'breakout-moves':
      return { ...b, moves: { ...b.moves, ...event.moves } };
    case 'breakout-moved': {
      const location = { ...b.location };
      const moves = { ...b.moves };
      for (const [u, to] of Object.entries(event.moved)) {
        if (to === null) delete location[u];
        else put(location, u, to);
        delete moves[u];
      }
      return { ...b, location, moves };
    }
    case 'breakout-gathered':
      return { ...b, gathered: true, returnTo: event.returnTo };
    case 'breakout-ending':
      return { ...b, closingAt: event.closingAt };
    case 'breakout-ended':
      return { ...b, status: 'idle', gathered: false, location: {}, moves: {}, returnTo: {}, endsAt: null, closingAt: null, calls: [], startedAt: null };
    case 'breakout-time-added':
      return { ...b, endsAt: event.endsAt };
    case 'help-requested':
      return { ...b, calls: [...b.calls, event.call], nextCallId: event.call.id + 1 };
    case 'help-cleared':
      return { ...b, calls: b.calls.filter((c) => !event.callIds.includes(c.id)) };
    case 'session-ended':
      return { ...b, status: 'idle', gathered: false, location: {}, moves: {}, returnTo: {}, endsAt: null, closingAt: null, calls: [], startedAt: null };
    default:
      return b;
  }
}
