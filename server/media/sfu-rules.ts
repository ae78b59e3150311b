/**
 * The rules of the media server's side, read from the room state: who may publish what, and
 * which feeds a user's subscription carries. The same rules as the mesh (`src/protocol/media.ts`).
 */
import { locationOf } from '../../src/protocol/breakout-state.ts';
import { receives } from '../../src/protocol/media.ts';
import { mediaMode } from '../../src/protocol/media-mode.ts';
import { participantOf } from '../../src/protocol/presence.ts';
import { shareBy } from '../../src/protocol/share.ts';
import type { ErrorCode, RoomState, SfuClientMessage } from '../../src/protocol/types.ts';
import { feedId } from './ids.ts';

export type Refusal = { code: ErrorCode; message: string };

/** Does `userId` share content in the room they are in now (so their screen may be published)? */
export function sharesHere(state: RoomState, userId: string): boolean {
  const share = shareBy(state, userId);
  return !!share && share.room === locationOf(state, userId);
}

/** Is the room on the media server now, with its meeting running? */
export function onSfu(state: RoomState | undefined): state is RoomState {
  return !!state && state.status === 'open' && mediaMode(state) === 'sfu';
}

/** Why `userId` may not send this frame now, or null. */
export function sfuRefusal(state: RoomState | undefined, userId: string, msg: SfuClientMessage): Refusal | null {
  if (!state || state.status !== 'open' || !participantOf(state, userId)?.present) {
    return { code: 'not-joined', message: 'Join the running session before sending media.' };
  }
  if (mediaMode(state) !== 'sfu') {
    return { code: 'invalid', message: "This room's media goes browser to browser now; the media server is not in use." };
  }
  if (msg.op === 'publish' && msg.source === 'screen' && !sharesHere(state, userId)) {
    return { code: 'forbidden', message: 'Start sharing content first: only a screen the room shows may be published.' };
  }
  return null;
}

/** The feeds `userId` receives now (`receives()`), as Janus feed ids. */
export function receivedFeeds(state: RoomState, userId: string): string[] {
  return receives(state, userId).map((r) => feedId(r.userId, r.source));
}
