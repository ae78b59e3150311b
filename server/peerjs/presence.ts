/**
 * Media follows presence. Called with every change of a room's state: whoever is no longer
 * present in the room's open session, or now has another peer id, loses their signaling
 * connection at once (and their unused media tickets); when the session ends, all of the room's
 * signaling closes. Browsers then see the peer's calls end, and a stock PeerJS client held by
 * someone who left cannot reach anyone.
 */
import type { RoomState } from '../../src/protocol/types.ts';
import type { Signaling } from './signaling.ts';
import type { TicketStore } from './tickets.ts';

function admitted(state: RoomState, userId: string, peerId: string): boolean {
  if (state.status !== 'open' || !Object.hasOwn(state.participants, userId)) return false;
  const p = state.participants[userId]!;
  return p.present && p.peerId === peerId;
}

export function mediaChanges(
  room: string,
  before: RoomState,
  after: RoomState,
  signaling: Pick<Signaling, 'drop' | 'prune'>,
  tickets: Pick<TicketStore, 'revoke'>,
): void {
  if (before.participants === after.participants && before.status === after.status) return;
  for (const [id, p] of Object.entries(before.participants)) {
    if (!p.present) continue;
    const now = Object.hasOwn(after.participants, id) ? after.participants[id] : undefined;
    if (after.status !== 'open' || !now?.present) tickets.revoke(room, id);
    else if (now.peerId !== p.peerId) tickets.revoke(room, id, now.peerId ?? undefined);
  }
  if (after.status !== 'open') {
    signaling.drop(room);
    return;
  }
  signaling.prune(room, (userId, peerId) => admitted(after, userId, peerId));
}
