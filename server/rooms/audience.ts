/**
 * Who hears what on the room socket, in one place. A user who is in the room hears events by
 * each feature's audience rule (`hears`, composed in the protocol's `room.ts`); a user who is not
 * present (left, removed, or the session ended for them) hears only what reaches outsiders
 * (`reachesOutsider`): the session's own lifecycle and news about themselves. No chat, no peer ids
 * of others, no help calls. They may not post either: only the commands that bring them back (or
 * out) are accepted.
 */
import { hears, reachesOutsider } from '../../src/protocol/room.ts';
import type { Actor, ClientCommand, RoomEvent, RoomState } from '../../src/protocol/types.ts';

/** Commands a connection whose user is not present may send. */
const ABSENT_COMMANDS = new Set<string>(['meeting/start', 'meeting/join', 'meeting/leave']);

/** Is the user present in the room (an own property: ids like `__proto__` are plain ids)? */
export function isPresent(state: RoomState, userId: string): boolean {
  return Object.hasOwn(state.participants, userId) && state.participants[userId]!.present;
}

/** Does this event reach `userId` while they are not in the room (lifecycle news, news about themselves)? */
export function concerns(event: RoomEvent, userId: string): boolean {
  return reachesOutsider(event, userId);
}

export type Hearing = 'hears' | 'hidden' | 'absent';

/**
 * What a connection gets of `event` (decided against the state before it): the event, a
 * placeholder because its audience rule hides it (`hidden`), or a placeholder because the user
 * is not in the room (`absent`: their mirror falls behind, so they get a snapshot when back).
 */
export function hearing(actor: Actor | null, isConsole: boolean, event: RoomEvent, before: RoomState): Hearing {
  if (!actor) return 'hidden';
  if (!isConsole && !isPresent(before, actor.id) && !reachesOutsider(event, actor.id)) return 'absent';
  return hears(event, before, actor) ? 'hears' : 'hidden';
}

/** The refusal for a command from a connection whose user is not in the room, or null when it may go on. */
export function absentRefusal(state: RoomState, actor: Actor, isConsole: boolean, command: ClientCommand): string | null {
  if (isConsole || ABSENT_COMMANDS.has(command.type) || isPresent(state, actor.id)) return null;
  return 'You are not in the session right now: join it again first.';
}

/** A welcome snapshot for someone joining a session that has ended: no chat, no one's media ids. */
export function outsideView(state: RoomState): RoomState {
  // fromEntries defines own properties: an id such as `__proto__` stays a plain key.
  const participants = Object.fromEntries(Object.entries(state.participants).map(([id, p]) => [id, { ...p, peerId: null }]));
  return { ...state, chat: [], participants, breakout: { ...state.breakout, calls: [] } };
}
