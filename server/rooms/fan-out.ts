/**
 * Fan-out: who gets what of one stored event. Every listener of the room gets a frame with the
 * event's sequence number: the event itself when `hearing` (audience.ts, the composed audience
 * rule) says they hear it, else a placeholder, so every mirror stays in sequence. Someone whose
 * room changed (a breakout move, the end of breakout) then gets the chat of the room they are in.
 *
 * Pure and Web-standard only: the room master runs it, and so does the browser tests' fake room
 * server, so element tests see exactly what the real server sends.
 */
import { applySequenced, viewFor } from '../../src/protocol/room.ts';
import { locationOf } from '../../src/protocol/breakout-state.ts';
import type { Actor, RoomState, SequencedEvent, ServerMessage } from '../../src/protocol/types.ts';
import { hearing, isPresent, outsideView } from './audience.ts';

/** One listener of a room, as the fan-out sees it (a room socket, or a test's fake socket). */
export interface Listener {
  /** Who listens; null until their join token was verified. */
  readonly actor: Actor | null;
  /** A breakout console: hears as staff, and is not in the room itself. */
  readonly console: boolean;
  /** Set when they heard a placeholder because they were not in the room: they need the whole state when back. */
  stale?: boolean;
}

/** The placeholder frame for an event a listener may not hear. */
export const placeholder = (seq: number): string => JSON.stringify({ type: 'event', seq, event: { type: 'redacted' } } satisfies ServerMessage);

/**
 * Send one stored event to every listener (decided against `before`, the state it applies to)
 * and return the state after it. `send` gets JSON text, each distinct frame serialised once.
 */
export function fanOut<L extends Listener>(listeners: Iterable<L>, before: RoomState, e: SequencedEvent, send: (to: L, frame: string) => void): RoomState {
  const after = applySequenced(before, e);
  const frame = JSON.stringify({ type: 'event', seq: e.seq, event: e.event } satisfies ServerMessage);
  let hidden: string | null = null;
  for (const l of listeners) {
    const heard = hearing(l.actor, l.console, e.event, before);
    send(l, heard === 'hears' ? frame : (hidden ??= placeholder(e.seq)));
    if (heard === 'absent') {
      l.stale = true;
      continue;
    }
    const actor = l.actor;
    if (!actor || locationOf(after, actor.id) === locationOf(before, actor.id)) continue;
    send(l, JSON.stringify({ type: 'history', messages: viewFor(after, actor).chat } satisfies ServerMessage));
  }
  return after;
}

/** Listeners who heard placeholders while away and are in the room again: they get the whole state. */
export function backInRoom<L extends Listener>(listeners: Iterable<L>, state: RoomState): L[] {
  const back: L[] = [];
  for (const l of listeners) if (l.stale && l.actor && isPresent(state, l.actor.id)) back.push(l);
  return back;
}

/** The state a welcome carries for someone in the room; someone arriving in an ended session sees neither its chat nor anyone's media id. */
export function snapshotFor(state: RoomState, viewer: Actor): RoomState {
  const view = viewFor(state, viewer);
  return state.status === 'open' ? view : outsideView(view);
}
