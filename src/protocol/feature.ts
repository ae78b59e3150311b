/**
 * The shape of one room feature (presence, the meeting, chat, breakout, engagement, share, ...).
 *
 * A feature owns some commands and some events. For each command it owns it gives a `decide`
 * handler (and, for commands browsers may send, the schema that validates them at the one
 * boundary); for each event it owns, an `apply` handler and an `audience` entry saying who may
 * receive it. `room.ts` composes the features into the room's decide/apply/audience, and the type
 * system and a test make sure every command and every event has exactly one owner.
 *
 * Pure, like the rest of the protocol: time comes in `ctx.now`, randomness in commands.
 */
import type * as v from 'valibot';
import type { Actor, ClientCommand, MediaConfig, Command, ErrorCode, Role, RoomEvent, RoomState } from './types.ts';

export interface DecideContext {
  /** Who sent the command; null for the server's own commands (timers). */
  actor: Actor | null;
  /** Server time, in ms since the epoch. */
  now: number;
  /** The server's media server, if any (absent: none, and the default mesh limit). */
  media?: MediaConfig;
}

export type Decision =
  | { ok: true; events: RoomEvent[] }
  | { ok: false; code: ErrorCode; message: string };

/** Someone receiving events: who they are and what role they have. */
export interface Viewer {
  id: string;
  role: Role;
}

export type CommandType = Command['type'];
export type ClientCommandType = ClientCommand['type'];
export type EventType = RoomEvent['type'];
export type CommandOf<K extends CommandType> = Extract<Command, { type: K }>;
export type EventOf<K extends EventType> = Extract<RoomEvent, { type: K }>;

/** Who receives one kind of event. */
export interface Audience<E extends RoomEvent = RoomEvent> {
  /**
   * Everyone in the meeting, or those the rule lets through. `before` is the state the event
   * was decided in (where people were), `viewer` the person who would receive it.
   */
  to: 'everyone' | ((event: E, before: RoomState, viewer: Viewer) => boolean);
  /**
   * Does it also reach people who are not in the meeting (left, removed, the session ended)?
   * `true`: the meeting's own lifecycle news, which they need to come back or go; a function:
   * only some of them (news about themselves). Absent: no one outside.
   */
  outsiders?: boolean | ((event: E, userId: string) => boolean);
  /** Should the server write a full snapshot of the room after it (presence, lifecycle, moves)? */
  snapshot?: boolean;
}

export type DecideHandler<K extends CommandType> = (state: RoomState, command: CommandOf<K>, ctx: DecideContext) => Decision;
export type ApplyHandler<K extends EventType> = (state: RoomState, event: EventOf<K>) => RoomState;
/** How each of the events `E` changes the state: a feature's `apply`, also composed on its own for browsers (room-apply.ts). */
export type ApplyTable<E extends EventType> = { [K in E]: ApplyHandler<K> };

/**
 * One feature, owning commands `C` and events `E`. Every command in `C` needs a decide handler,
 * every client command in `C` a schema, and every event in `E` an apply handler and an audience.
 */
export interface RoomFeature<C extends CommandType = never, E extends EventType = never> {
  /** A short name, for tests and messages. */
  name: string;
  /** Schemas of the commands browsers may send, by type (validated in `schema.ts`). */
  commands: { [K in Extract<C, ClientCommandType>]: v.GenericSchema<unknown, CommandOf<K>> };
  decide: { [K in C]: DecideHandler<K> };
  apply: ApplyTable<E>;
  audience: { [K in E]: Audience<EventOf<K>> };
  /** The state as `viewer` may see it (their room's chat, their own help calls). Same object when unchanged. */
  view?: (state: RoomState, viewer: Viewer) => RoomState;
  /**
   * Consequences of any change, whoever decided it: e.g. a share ends when its sharer leaves.
   * Runs after every decision with the state before and after it; returns further events
   * (none when nothing follows). The room runs it again on the result until nothing follows.
   */
  react?: (before: RoomState, after: RoomState, ctx: DecideContext) => RoomEvent[];
  /** What the timer does when deadlines are due (the room's `timer/due`). */
  due?: (state: RoomState, now: number) => RoomEvent[];
  /** The earliest deadline of this feature the server must wake up for, or null. */
  deadline?: (state: RoomState) => number | null;
}

/** Any feature, as the composition sees it. */
export interface FeatureShape {
  name: string;
  commands: Readonly<Record<string, v.GenericSchema>>;
  decide: Readonly<Record<string, (state: RoomState, command: never, ctx: DecideContext) => Decision>>;
  apply: Readonly<Record<string, (state: RoomState, event: never) => RoomState>>;
  audience: Readonly<Record<string, Audience<never>>>;
  view?: (state: RoomState, viewer: Viewer) => RoomState;
  react?: (before: RoomState, after: RoomState, ctx: DecideContext) => RoomEvent[];
  due?: (state: RoomState, now: number) => RoomEvent[];
  deadline?: (state: RoomState) => number | null;
}

export const ok = (...events: RoomEvent[]): Decision => ({ ok: true, events });
export const refuse = (code: ErrorCode, message: string): Decision => ({ ok: false, code, message });

/** The usual refusal for a command without a joined user. */
export const NOT_JOINED = 'Join the room first.';
