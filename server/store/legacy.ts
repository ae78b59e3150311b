/**
 * Names that changed in the room protocol, so logs written by an older server replay: the live
 * meeting's lifecycle events were `session-ended` / `session-started` before "session" came to
 * mean only the scheduled event session.
 */
import type { RoomEvent } from '../../src/protocol/types.ts';

const RENAMED: Readonly<Record<string, RoomEvent['type']>> = {
  'session-ended': 'meeting-ended',
  'session-started': 'meeting-started',
};

/** A stored event under its current name (the same object when nothing changed). */
export function upgradeEvent(event: { type: string }): RoomEvent {
  const now = Object.hasOwn(RENAMED, event.type) ? RENAMED[event.type] : undefined;
  return (now ? { ...event, type: now } : event) as RoomEvent;
}
