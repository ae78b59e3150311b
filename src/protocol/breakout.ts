/**
 * Breakout rooms: configuring, running, moving, gathering and ending breakout, help calls, and
 * who hears them. Randomness arrives in commands (`breakout/deal`), time in `now`. The state and
 * the questions other features ask of it (where a user is) are in `breakout-state.ts`.
 */
import * as v from 'valibot';
import {
  DEFAULT_COUNTDOWN_MS,
  ROOM_ID_LIMIT,
  isStaff,
  type Actor,
  type BreakoutCommand,
  type BreakoutConfig,
  type PendingMove,
  type RoomEvent,
  type RoomState,
} from './types.ts';
import { own, put } from './records.ts';
import { closedBreakout, breakoutDeadline, deal, initialBreakout, locationOf, roomIds, validRoom } from './breakout-state.ts';
import { chatText, keepRooms } from './chat.ts';
import { NOT_JOINED, ok, refuse, type CommandOf, type DecideContext, type Decision, type RoomFeature, type Viewer, type ApplyTable } from './feature.ts';
import { BreakoutConfigSchema } from './breakout-config.ts';
import { BreakoutTargetSchema, UserIdSchema, bare } from './fields.ts';

export {
  MAIN_ROOM,
  assignable,
  deal,
  forgetInBreakout,
  initialBreakout,
  locationOf,
  roomName,
} from './breakout-state.ts';
export { historyOf } from './chat.ts';
export type { Viewer } from './feature.ts';

export { BreakoutConfigSchema };

// ---------------------------------------------------------------------------
// Decide
// ---------------------------------------------------------------------------

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

const staffer = (state: RoomState, u: string) => isStaff(own(state.participants, u)?.role ?? 'participant');

/** Breakout's commands: the browsers' and the server's deal (which carries its random choices). */
type BreakoutCommandType = BreakoutCommand['type'] | 'breakout/deal';

/**
 * A breakout command handler, after the checks every breakout command shares: someone sent it,
 * the session is open and, unless `anyone`, the sender is a host or moderator.
 */
function handler<K extends BreakoutCommandType>(
  run: (state: RoomState, command: CommandOf<K>, actor: Actor, now: number) => Decision,
  anyone = false,
) {
  return (state: RoomState, command: CommandOf<K>, ctx: DecideContext): Decision => {
    const { actor, now } = ctx;
    if (!actor) return refuse('not-joined', NOT_JOINED);
    if (state.status !== 'open') return refuse('meeting-ended', 'The session has ended.');
    if (!anyone && !isStaff(actor.role)) return refuse('forbidden', 'Only hosts and moderators can manage breakout rooms.');
    return run(state, command, actor, now);
  };
}

const serverDeals = (type: string) => handler(() => refuse('internal', `${type} is dealt by the server.`));

function deal_(state: RoomState, command: CommandOf<'breakout/deal'>, now: number): Decision {
  const b = state.breakout;
  const running = b.status === 'running';
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
  if (running && !b.gathered && b.closingAt === null) {
    const targets: Record<string, string | null> = {};
    for (const id of command.order) put(targets, id, own(plan, id) ?? null);
    events.push(...movesTo(state, targets, now));
  }
  return ok(...events);
}

/** Breakout is running and not closing, or the refusal. */
function live(state: RoomState): Decision | null {
  const b = state.breakout;
  return b.status !== 'running' || b.closingAt !== null ? refuse('invalid', 'Breakout is not running.') : null;
}

/** What the timer does when breakout deadlines are due. */
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
    let after = state;
    for (const e of events) if (e.type === 'breakout-moved') after = applyMoved(after, e);
    events.push(...endingEvents(after, now, 'time-up'));
  }
  return events;
}

// ---------------------------------------------------------------------------
// Apply
// ---------------------------------------------------------------------------

function applyMoved(state: RoomState, event: Extract<RoomEvent, { type: 'breakout-moved' }>): RoomState {
  const b = state.breakout;
  const location = { ...b.location };
  const moves = { ...b.moves };
  for (const [u, to] of Object.entries(event.moved)) {
    if (to === null) delete location[u];
    else put(location, u, to);
    delete moves[u];
  }
  return { ...state, breakout: { ...b, location, moves } };
}

const withBreakout = (state: RoomState, change: Partial<RoomState['breakout']>): RoomState => ({
  ...state,
  breakout: { ...state.breakout, ...change },
});

/** How each event of this feature changes the state (browsers need only this part; see room-apply.ts). */
export const breakoutApply: ApplyTable<'breakout-configured' | 'breakout-planned' | 'breakout-started' | 'breakout-moves' | 'breakout-moved' | 'breakout-gathered' | 'breakout-ending' | 'breakout-ended' | 'breakout-time-added' | 'help-requested' | 'help-cleared'> = {
  // The new rooms replace the old ones: their chat goes with them.
  'breakout-configured': (state, event) => ({
    ...state,
    chat: keepRooms(state.chat, event.config.rooms.map((r) => r.id)),
    breakout: { ...initialBreakout(), config: event.config, plan: event.plan, nextRoomId: event.nextRoomId, nextCallId: state.breakout.nextCallId },
  }),
  'breakout-planned': (state, event) => withBreakout(state, { plan: event.plan }),
  'breakout-started': (state, event) =>
    withBreakout(state, {
      status: 'running',
      gathered: false,
      returnTo: event.resumed ? {} : state.breakout.returnTo,
      endsAt: event.endsAt,
      closingAt: null,
      startedAt: event.resumed ? state.breakout.startedAt : event.at,
    }),
  'breakout-moves': (state, event) => withBreakout(state, { moves: { ...state.breakout.moves, ...event.moves } }),
  'breakout-moved': applyMoved,
  'breakout-gathered': (state, event) => withBreakout(state, { gathered: true, returnTo: event.returnTo }),
  'breakout-ending': (state, event) => withBreakout(state, { closingAt: event.closingAt }),
  'breakout-ended': (state) => ({ ...state, breakout: closedBreakout(state.breakout) }),
  'breakout-time-added': (state, event) => withBreakout(state, { endsAt: event.endsAt }),
  'help-requested': (state, event) => withBreakout(state, { calls: [...state.breakout.calls, event.call], nextCallId: event.call.id + 1 }),
  'help-cleared': (state, event) => withBreakout(state, { calls: state.breakout.calls.filter((c) => !event.callIds.includes(c.id)) }),
};

export const breakout: RoomFeature<
  BreakoutCommandType,
  | 'breakout-configured'
  | 'breakout-planned'
  | 'breakout-started'
  | 'breakout-moves'
  | 'breakout-moved'
  | 'breakout-gathered'
  | 'breakout-ending'
  | 'breakout-ended'
  | 'breakout-time-added'
  | 'help-requested'
  | 'help-cleared'
> = {
  name: 'breakout',
  commands: {
    'breakout/configure': BreakoutConfigSchema,
    'breakout/start': bare('breakout/start'),
    'breakout/shuffle': bare('breakout/shuffle'),
    'breakout/rotate': bare('breakout/rotate'),
    'breakout/move': v.object({ type: v.literal('breakout/move'), userId: UserIdSchema, to: BreakoutTargetSchema }),
    'breakout/join': v.object({ type: v.literal('breakout/join'), to: BreakoutTargetSchema }),
    'breakout/gather': bare('breakout/gather'),
    'breakout/end': bare('breakout/end'),
    'breakout/add-time': v.object({
      type: v.literal('breakout/add-time'),
      minutes: v.pipe(v.number('minutes must be a number'), v.integer('Add whole minutes.'), v.minValue(1, 'Add at least 1 minute.'), v.maxValue(120, 'Add at most 120 minutes at a time.')),
    }),
    'breakout/broadcast': v.object({ type: v.literal('breakout/broadcast'), text: chatText('A broadcast', 'Broadcast supports text messages only, not files.') }),
    'breakout/call': bare('breakout/call'),
    'breakout/cancel-call': bare('breakout/cancel-call'),
    'breakout/dismiss': v.object({ type: v.literal('breakout/dismiss'), callId: v.pipe(v.number('callId must be a number'), v.integer(), v.minValue(1)) }),
  },
  decide: {
    // What participants may do.
    'breakout/call': handler((state, _c, actor, now) => {
      const room = locationOf(state, actor.id);
      if (room === null) return refuse('invalid', 'You can call a moderator from a breakout room.');
      const b = state.breakout;
      if (b.calls.some((c) => c.userId === actor.id)) return ok();
      return ok({ type: 'help-requested', call: { id: b.nextCallId, userId: actor.id, room, at: now } });
    }, true),
    'breakout/cancel-call': handler((state, _c, actor) => {
      const mine = state.breakout.calls.filter((c) => c.userId === actor.id).map((c) => c.id);
      return mine.length ? ok({ type: 'help-cleared', callIds: mine, userIds: [actor.id], reason: 'cancelled' }) : ok();
    }, true),
    // What hosts and moderators may do.
    'breakout/configure': serverDeals('breakout/configure'),
    'breakout/shuffle': serverDeals('breakout/shuffle'),
    'breakout/deal': handler((state, command, _actor, now) => deal_(state, command, now)),
    'breakout/start': handler((state, _c, _actor, now) => {
      const b = state.breakout;
      if (!b.config) return refuse('invalid', 'Create breakout rooms first.');
      if (b.closingAt !== null) return refuse('invalid', 'The breakout is closing; wait for everyone to return.');
      const running = b.status === 'running';
      if (running && !b.gathered) return refuse('invalid', 'Breakout is already running.');
      if (running && b.gathered) return ok(...startEvents(state, now, { ...b.returnTo }, true));
      const targets: Record<string, string | null> = {};
      for (const [id, room] of Object.entries(b.plan)) {
        const p = own(state.participants, id);
        if (p && !isStaff(p.role)) put(targets, id, room);
      }
      return ok(...startEvents(state, now, targets, false));
    }),
    'breakout/rotate': handler((state, _c, _actor, now) => {
      const b = state.breakout;
      if (!b.config) return refuse('invalid', 'Create breakout rooms first.');
      const ids = roomIds(b);
      const nextOf = (r: string) => ids[(ids.indexOf(r) + 1) % ids.length];
      const plan: Record<string, string> = {};
      for (const [u, r] of Object.entries(b.plan)) put(plan, u, nextOf(r));
      const events: RoomEvent[] = [{ type: 'breakout-planned', plan }];
      if (b.status === 'running' && !b.gathered && b.closingAt === null) {
        const targets: Record<string, string | null> = {};
        for (const [u, r] of Object.entries(b.location)) if (!staffer(state, u)) put(targets, u, nextOf(r));
        events.push(...movesTo(state, targets, now));
      }
      return ok(...events);
    }),
    'breakout/move': handler((state, command, _actor, now) => {
      const b = state.breakout;
      if (!b.config) return refuse('invalid', 'Create breakout rooms first.');
      if (!own(state.participants, command.userId)) return refuse('invalid', 'There is no such participant in this room.');
      if (!validRoom(b, command.to)) return refuse('invalid', 'There is no such breakout room.');
      const plan = { ...b.plan };
      if (command.to === null) delete plan[command.userId];
      else put(plan, command.userId, command.to);
      const events: RoomEvent[] = [{ type: 'breakout-planned', plan }];
      if (b.status === 'running' && b.closingAt === null && !b.gathered) events.push(...movesTo(state, { [command.userId]: command.to }, now));
      return ok(...events);
    }),
    'breakout/join': handler((state, command, actor) => {
      const b = state.breakout;
      const notLive = live(state);
      if (notLive) return notLive;
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
    }),
    'breakout/gather': handler((state, _c, _actor, now) => {
      const b = state.breakout;
      const notLive = live(state);
      if (notLive) return notLive;
      if (b.gathered) return refuse('invalid', 'Everyone is already gathered in the main room.');
      const returnTo: Record<string, string> = {};
      for (const [u, r] of Object.entries(b.location)) if (!staffer(state, u)) put(returnTo, u, r);
      for (const [u, m] of Object.entries(b.moves)) if (m.to !== null && !staffer(state, u)) put(returnTo, u, m.to);
      return ok({ type: 'breakout-gathered', returnTo }, ...movesTo(state, everyoneToMain(state), now));
    }),
    'breakout/end': handler((state, _c, _actor, now) => {
      const b = state.breakout;
      if (b.status !== 'running') return refuse('invalid', 'Breakout is not running.');
      if (b.closingAt !== null) return ok();
      return ok(...endingEvents(state, now, 'ended'));
    }),
    'breakout/add-time': handler((state, command, _actor, now) => {
      const b = state.breakout;
      const notLive = live(state);
      if (notLive) return notLive;
      if (b.endsAt === null) return refuse('invalid', 'No time limit was set for this breakout.');
      return ok({ type: 'breakout-time-added', endsAt: Math.max(b.endsAt, now) + command.minutes * 60_000, minutes: command.minutes });
    }),
    'breakout/broadcast': handler((state, command, actor, now) => {
      if (state.breakout.status !== 'running') return refuse('invalid', 'Broadcast reaches breakout rooms while breakout is running.');
      const text = command.text.trim();
      if (!text) return refuse('invalid', 'A broadcast cannot be empty.');
      return ok({
        type: 'chat',
        message: { id: state.nextChatId, from: actor.id, name: actor.name, text, at: now, room: null, broadcast: true },
      });
    }),
    'breakout/dismiss': handler((state, command) => {
      const call = state.breakout.calls.find((c) => c.id === command.callId);
      if (!call) return ok();
      return ok({ type: 'help-cleared', callIds: [call.id], userIds: [call.userId], reason: 'dismissed' });
    }),
  },
  apply: breakoutApply,
  audience: {
    'breakout-configured': { to: 'everyone', snapshot: true },
    'breakout-planned': { to: 'everyone', snapshot: true },
    'breakout-started': { to: 'everyone', snapshot: true },
    'breakout-moves': { to: 'everyone', snapshot: true },
    'breakout-moved': { to: 'everyone', snapshot: true },
    'breakout-gathered': { to: 'everyone', snapshot: true },
    'breakout-ending': { to: 'everyone', snapshot: true },
    'breakout-ended': { to: 'everyone', snapshot: true },
    'breakout-time-added': { to: 'everyone', snapshot: true },
    // Help calls go to hosts and moderators, and to the callers they are about.
    'help-requested': { to: (e, _before, viewer) => isStaff(viewer.role) || e.call.userId === viewer.id, snapshot: true },
    'help-cleared': { to: (e, _before, viewer) => isStaff(viewer.role) || e.userIds.includes(viewer.id), snapshot: true },
  },
  /** Help calls: all of them for hosts and moderators, a participant's own otherwise. */
  view: (state, viewer) => {
    if (isStaff(viewer.role)) return state;
    const calls = state.breakout.calls.filter((c) => c.userId === viewer.id);
    return calls.length === state.breakout.calls.length ? state : withBreakout(state, { calls });
  },
  due: decideDue,
  deadline: breakoutDeadline,
};
