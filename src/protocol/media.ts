/**
 * Who exchanges media with whom: the one rule the browser's mesh and the signaling server both
 * apply. Two users exchange media while the session runs, both are present, and both are in the
 * same room (the main room, or one breakout room). Media is addressed by person and source: each
 * person's camera, and the screen of whoever shares content in the room.
 */
import { locationOf } from './breakout-state.ts';
import { own } from './records.ts';
import { shareBy, shareIn } from './share.ts';
import type { MediaRef, Participant, RoomState } from './types.ts';

export type { MediaRef, MediaSource } from './types.ts';

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

/** The streams `selfId` receives now: every media peer's camera, and the screen shared in their room by someone else. */
export function receives(state: RoomState, selfId: string): MediaRef[] {
  const peers = mediaPeers(state, selfId);
  const refs: MediaRef[] = peers.map((p) => ({ userId: p.id, source: 'camera' }));
  const shared = shareIn(state, locationOf(state, selfId));
  if (shared && peers.some((p) => p.id === shared.userId)) refs.push({ userId: shared.userId, source: 'screen' });
  return refs;
}

/** The people `selfId` sends its shared screen to: its media peers while it shares in its room, else nobody. */
export function screenAudience(state: RoomState, selfId: string): Participant[] {
  const mine = shareBy(state, selfId);
  if (!mine || mine.room !== locationOf(state, selfId)) return [];
  return mediaPeers(state, selfId);
}
