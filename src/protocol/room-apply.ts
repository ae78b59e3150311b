/**
 * The room's `apply` on its own: how every event changes the state, composed from the features'
 * apply tables. Browsers mirror a room with this alone (`applySequenced`), so what they download
 * holds no command schemas or decide handlers; the server's `room.ts` folds events with the same
 * function, and a test checks that both compose the same handlers.
 */
import type { ApplyTable } from './feature.ts';
import { breakoutApply } from './breakout.ts';
import { chatApply } from './chat.ts';
import { engagementApply } from './engagement.ts';
import { mediaModeApply } from './media-mode.ts';
import { meetingApply } from './meeting.ts';
import { presenceApply } from './presence.ts';
import { shareApply } from './share.ts';
import type { RoomEvent, RoomState } from './types.ts';

/** The room's own event: a placeholder standing in, for one connection, for an event meant for others. */
export const coreApply: ApplyTable<'redacted'> = { redacted: (state) => state };

type Handler = (state: RoomState, event: RoomEvent) => RoomState;
let table: ReadonlyMap<string, Handler> | null = null;

/** Every event type's handler (built on first use, so the feature modules may load in any order). */
export function applyTable(): ReadonlyMap<string, Handler> {
  table ??= new Map(
    [presenceApply, chatApply, engagementApply, breakoutApply, shareApply, mediaModeApply, meetingApply, coreApply].flatMap(
      (t) => Object.entries(t) as [string, Handler][],
    ),
  );
  return table;
}

/** Fold one event into state, returning a new state object (an event nobody owns changes nothing). */
export function apply(state: RoomState, event: RoomEvent): RoomState {
  const handler = applyTable().get(event.type);
  return handler ? handler(state, event) : state;
}

/** Apply an event that carries its sequence number, as browsers and the room hub do. */
export function applySequenced(state: RoomState, e: { seq: number; event: RoomEvent }): RoomState {
  if (e.seq <= state.seq) return state; // already applied (a resume may overlap)
  return { ...apply(state, e.event), seq: e.seq };
}
