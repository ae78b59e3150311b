/**
 * Catching a resuming client up: the events it missed, as it may see them, or
 * null when a snapshot serves it better (it is far behind, it changed rooms, or
 * the log no longer reaches back that far).
 */
import { hears, viewFor } from '../../src/protocol/room.ts';
import type { Actor, RoomState, SequencedEvent } from '../../src/protocol/types.ts';
import type { Store } from '../store/store.ts';

/** A resume further behind than this many events gets a snapshot instead. */
export const RESUME_MAX_EVENTS = 200;
/** ... and one whose missed events add up to more than this many bytes of JSON, when the snapshot is smaller. */
export const RESUME_MAX_BYTES = 64 * 1024;

/**
 * Events a resuming client missed, as it may see them; null (send a snapshot
 * instead) when it changed rooms in between, since what it may see changed too.
 */
export function redactMissed(state: RoomState, viewer: Actor, events: SequencedEvent[] | null): SequencedEvent[] | null {
  if (!events) return null;
  if (events.some((e) => e.event.type === 'breakout-ended' || (e.event.type === 'breakout-moved' && Object.hasOwn(e.event.moved, viewer.id)))) return null;
  // Each by the composed audience rule, against the current state (they stayed in one room).
  return events.map((e) => (hears(e.event, state, viewer) ? e : { seq: e.seq, event: { type: 'redacted' } }));
}

/** What a client that has seen everything up to `since` needs: missed events, or null for a snapshot. */
export async function catchUp(
  store: Pick<Store, 'eventsSince'>,
  roomId: string,
  state: RoomState,
  viewer: Actor,
  since: number | undefined,
  limits: { maxEvents: number; maxBytes: number } = { maxEvents: RESUME_MAX_EVENTS, maxBytes: RESUME_MAX_BYTES },
): Promise<SequencedEvent[] | null> {
  if (since === undefined || since > state.seq) return null;
  if (state.seq - since > limits.maxEvents) return null; // far behind: the state is smaller than the log
  let events: SequencedEvent[] | null;
  try {
    events = await store.eventsSince(roomId, since);
  } catch (err) {
    console.error(`Could not read the log of room "${roomId}"; sending a snapshot instead.`, err);
    return null;
  }
  // The log must reach exactly to the state (it is read in the room's turn, so it does).
  if (events && (events.at(-1)?.seq ?? since) !== state.seq) return null;
  const missed = redactMissed(state, viewer, events);
  if (!missed) return null;
  let bytes = 0;
  for (const e of missed) bytes += JSON.stringify(e).length;
  if (bytes <= limits.maxBytes) return missed;
  return JSON.stringify(viewFor(state, viewer)).length < bytes ? null : missed;
}
