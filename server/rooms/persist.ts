/** When the hub writes a full snapshot of a room beside its events. */
import { snapshotAfter } from '../../src/protocol/room.ts';
import type { SequencedEvent } from '../../src/protocol/types.ts';

/**
 * Write a snapshot with these events? `count` is the number of events since the last one, these
 * included. Besides every `every` events, after any event whose feature asks for one (presence,
 * lifecycle, timers, breakout, share: see each feature's audience entries).
 */
export function needsSnapshot(events: SequencedEvent[], count: number, every: number): boolean {
  return count >= every || events.some((e) => snapshotAfter(e.event));
}
