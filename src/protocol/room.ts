/**
 * The room: one decide/apply/audience composed from the feature modules. Pure, deterministic,
 * shared by server and browser.
 *
 * `decide(state, command, ctx)` turns a command into events (or refuses it) through the feature
 * that owns the command, then lets every feature add consequences (`react`: a share ends when its
 * sharer leaves); `apply(state, event)` folds one event into state through the feature that owns
 * it. The server runs both; each browser runs `apply` on the events it receives, so every mirror
 * of a room is computed by the same code. Who receives an event (`hears`), what a person may see
 * of the state (`viewFor`), what reaches people outside the meeting (`reachesOutsider`) and when
 * the server writes a snapshot (`snapshotAfter`) come from the features' audience entries.
 *
 * Adding a feature: write its module (types in `types.ts`) and list it in `FEATURES` below.
 */
import {
  ok,
  type Audience,
  type ClientCommandType,
  type DecideContext,
  type Decision,
  type FeatureShape,
  type RoomFeature,
  type Viewer,
} from './feature.ts';
import { breakout } from './breakout.ts';
import { initialBreakout } from './breakout-state.ts';
import { chat } from './chat.ts';
import { engagement } from './engagement.ts';
import { meeting } from './meeting.ts';
import { mediaModeFeature } from './media-mode.ts';
import { presence } from './presence.ts';
import { share } from './share.ts';
import { apply, applySequenced, coreApply } from './room-apply.ts';
import { DEFAULT_HOST_AWAY_MS, type Command, type ErrorCode, type RoomEvent, type RoomState } from './types.ts';
import type * as v from 'valibot';

export type { Audience, DecideContext, Decision, RoomFeature, Viewer } from './feature.ts';
// Folding events is composed on its own (browsers need only that): the same functions here.
export { apply, applySequenced };

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
    share: { allowParticipants: false, active: [] },
  };
}

/** What belongs to the room itself rather than to a feature: the timer, and the placeholder event. */
function core(features: readonly FeatureShape[]): RoomFeature<'timer/due', 'redacted'> {
  return {
    name: 'room',
    commands: {},
    decide: {
      // Every feature's due deadlines, in feature order (the meeting's end last), all decided
      // against the same state.
      'timer/due': (state, _command, { now }) => ok(...features.flatMap((f) => f.due?.(state, now) ?? [])),
    },
    apply: coreApply,
    // Stands in, for one connection, for an event meant for others: it reveals nothing.
    audience: { redacted: { to: 'everyone' } },
  };
}

/**
 * The features, in order. Order matters where several features answer the same question: the
 * timer fires each feature's deadlines in this order (the meeting last: ending it is final),
 * views and consequences run in this order.
 */
function features() {
  return [presence, chat, engagement, breakout, share, mediaModeFeature, meeting] as const;
}

// Every command and every event has an owner: a type missing from every feature is a compile
// error here, naming it (and `protocol.test.ts` checks that no type has two owners).
type Listed = ReturnType<typeof features>[number] | ReturnType<typeof core>;
type Owned<K extends 'decide' | 'apply'> = Listed extends infer F ? (F extends Record<K, infer T> ? keyof T : never) : never;
const everyCommandOwned: Record<Exclude<Command['type'], Owned<'decide'>>, never> = {};
const everyEventOwned: Record<Exclude<RoomEvent['type'], Owned<'apply'>>, never> = {};
void everyCommandOwned, void everyEventOwned;

interface Tables {
  all: readonly FeatureShape[];
  decide: ReadonlyMap<string, FeatureShape['decide'][string]>;
  audience: ReadonlyMap<string, Audience<RoomEvent>>;
  commands: ReadonlyMap<string, v.GenericSchema>;
  owner: { commands: ReadonlyMap<string, string>; events: ReadonlyMap<string, string> };
}

let built: Tables | null = null;

/**
 * The composed tables, built on first use (not when the module loads, so feature modules that
 * import this one for its selectors load in any order).
 */
function tables(): Tables {
  if (built) return built;
  const list: readonly FeatureShape[] = features();
  const all = [...list, core(list) as FeatureShape];
  const decide = new Map<string, FeatureShape['decide'][string]>();
  const audience = new Map<string, Audience<RoomEvent>>();
  const commands = new Map<string, v.GenericSchema>();
  const owners = { commands: new Map<string, string>(), events: new Map<string, string>() };
  const claim = (kind: 'commands' | 'events', type: string, by: string) => {
    const was = owners[kind].get(type);
    if (was !== undefined && was !== by) throw new Error(`Room features ${was} and ${by} both own the ${kind.slice(0, -1)} ${type}.`);
    owners[kind].set(type, by);
  };
  for (const f of all) {
    for (const [type, h] of Object.entries(f.decide)) claim('commands', type, f.name), decide.set(type, h);
    for (const [type, s] of Object.entries(f.commands)) commands.set(type, s);
    // Folding is room-apply.ts's; here only who owns each event.
    for (const type of Object.keys(f.apply)) claim('events', type, f.name);
    for (const [type, a] of Object.entries(f.audience)) audience.set(type, a as Audience<RoomEvent>);
  }
  built = { all, decide, audience, commands, owner: owners };
  return built;
}

/** The features and the room's own part, for tests and tools that walk them. */
export function roomFeatures(): readonly FeatureShape[] {
  return tables().all;
}

/** Every client command's schema, by command type (`schema.ts` builds the one boundary from them). */
export function clientCommandSchemas(): ReadonlyMap<string, v.GenericSchema> {
  return tables().commands;
}

/** Which feature owns a command or event type (undefined: nobody does). */
export function ownerOf(kind: 'command' | 'event', type: string): string | undefined {
  return tables().owner[kind === 'command' ? 'commands' : 'events'].get(type);
}

type Outcome = { ok: true; state: RoomState; events: RoomEvent[] } | { ok: false; code: ErrorCode; message: string };

/** Consequences can lead to more consequences; this many rounds is far more than any feature needs. */
const REACT_ROUNDS = 8;

function decideAndApply(state: RoomState, command: Command, ctx: DecideContext): Outcome {
  const t = tables();
  const handler = t.decide.get(command.type) as ((s: RoomState, c: Command, ctx: DecideContext) => Decision) | undefined;
  if (!handler) return { ok: false, code: 'unknown-type', message: `Unknown command type ${JSON.stringify(command.type)}.` };
  const decision = handler(state, command, ctx);
  if (!decision.ok) return decision;
  const events = [...decision.events];
  let before = state;
  let after = fold(state, events);
  for (let round = 0; round < REACT_ROUNDS && after !== before; round++) {
    const more = t.all.flatMap((f) => f.react?.(before, after, ctx) ?? []);
    if (!more.length) break;
    events.push(...more);
    before = after;
    after = fold(after, more);
  }
  return { ok: true, state: after, events };
}

function fold(state: RoomState, events: readonly RoomEvent[]): RoomState {
  let s = state;
  for (const e of events) s = apply(s, e);
  return s;
}

/** Decide what a command does to a room, consequences included. Never mutates `state`. */
export function decide(state: RoomState, command: Command, ctx: DecideContext): Decision {
  const r = decideAndApply(state, command, ctx);
  return r.ok ? { ok: true, events: r.events } : r;
}

/** Apply a command end to end: decide, then fold the events. */
export function reduce(state: RoomState, command: Command, ctx: DecideContext): Outcome {
  return decideAndApply(state, command, ctx);
}

/** The composed audience rule: may `viewer` (in the room) receive `event`, decided against `before`? */
export function hears(event: RoomEvent, before: RoomState, viewer: Viewer): boolean {
  const a = tables().audience.get(event.type);
  if (!a) return false; // an event nobody owns reaches nobody
  return a.to === 'everyone' || a.to(event, before, viewer);
}

/** The state as `viewer` may see it (their room's chat, their own help calls unless staff, ...). */
export function viewFor(state: RoomState, viewer: Viewer): RoomState {
  let s = state;
  for (const f of tables().all) if (f.view) s = f.view(s, viewer);
  return s;
}

/** Does this event reach people who are not in the meeting (lifecycle news, news about themselves)? */
export function reachesOutsider(event: RoomEvent, userId: string): boolean {
  const o = tables().audience.get(event.type)?.outsiders;
  return typeof o === 'function' ? o(event, userId) : o === true;
}

/** Should the server write a full snapshot after this event? */
export function snapshotAfter(event: RoomEvent): boolean {
  return tables().audience.get(event.type)?.snapshot === true;
}

/** The earliest deadline the server must wake up for (host away, moves, time limit, closing), or null. */
export function nextDeadline(state: RoomState): number | null {
  let next: number | null = null;
  for (const f of tables().all) {
    const t = f.deadline?.(state) ?? null;
    if (t !== null && (next === null || t < next)) next = t;
  }
  return next;
}

/** Client command types the room knows (for tests). */
export function clientCommandTypes(): ClientCommandType[] {
  return [...tables().commands.keys()] as ClientCommandType[];
}
