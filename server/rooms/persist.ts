/** When the hub writes a full snapshot of a room beside its events. */
import type { SequencedEvent } from '../../src/protocol/types.ts';

/** Events after which the hub writes a full snapshot (presence, lifecycle, timers). */
export const SNAPSHOT_EVENTS = new Set([
  'participant-joined',
  'participant-left',
  'participant-removed',
  'session-ended',
  'session-started',
  'host-away-started',
  'host-away-cancelled',
  'settings-changed',
  'breakout-configured',
  'breakout-planned',
  'breakout-started',
  'breakout-moves',
  'breakout-moved',
  'breakout-gathered',
  'breakout-ending',
  'breakout-ended',
  'breakout-time-added',
  'help-requested',
  'help-cleared',
]);

/** Write a snapshot with these events? `count` is the number of events since the last one, these included. */
export function needsSnapshot(events: SequencedEvent[], count: number, every: number): boolean {
  return count >= every || events.some((e) => SNAPSHOT_EVENTS.has(e.event.type));
}
