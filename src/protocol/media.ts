/**
 * Who exchanges media with whom: the one rule the browser's mesh and the signaling server both
 * apply. Two users exchange media while the session runs, both are present, and both are in the
 * same room (the main room, or one breakout room).
 */
import { locationOf } from './breakout.ts';
import { own } from './records.ts';
import type { Participant, RoomState } from './types.ts';

function presentIn(state: RoomState, userId: string): Participant | undefined {
  const p = own(state.participants, userId);
  return p?.present ? p : undefined;
}

/** May `a` and `b` exchange media now? */
export function exchangesMedia(state: RoomState, a: string, b: string): boolean {
  return (
    a !== b &&
    state.status === 'open' &&
    !!presentIn(state, a) &&
    !!presentIn(state, b) &&
    locationOf(state, a) === locationOf(state, b)
  );
}

/** The people `userId` exchanges media with now, each with a media (peer) id. */
export function mediaPeers(state: RoomState, userId: string): Participant[] {
  if (state.status !== 'open' || !presentIn(state, userId)) return [];
  const here = locationOf(state, userId);
  return Object.values(state.participants).filter(
    (p) => p.present && p.peerId !== null && p.id !== userId && locationOf(state, p.id) === here,
  );
}
