/**
 * The Store: where rooms (and later events and sessions) are kept. The room hub
 * depends only on this interface; SQLite is the default implementation, and
 * `MemoryStore` serves tests.
 */
import type { RoomState, SequencedEvent } from '../../src/protocol/types.ts';

export interface StoredRoom {
  /** The latest snapshot written (may be behind; replay `events` after it). */
  snapshot: RoomState;
  /** Events after the snapshot, in order. */
  events: SequencedEvent[];
}

export interface Store {
  loadRoom(room: string): StoredRoom | null;
  /**
   * Durably record events (already sequenced) and, when given, a snapshot of the
   * state after them. Must be atomic: either all of it is kept or none.
   */
  append(room: string, events: SequencedEvent[], snapshot: RoomState | null): void;
  /** Events with seq > since, or null when the log no longer reaches back that far. */
  eventsSince(room: string, since: number): SequencedEvent[] | null;
  /** Rooms whose last snapshot is open with people present or a timer pending. */
  activeRooms(): string[];
  close(): void;
}

/** Does this snapshot need the hub's attention after a restart? */
export function isActive(state: RoomState): boolean {
  return (
    state.status === 'open' &&
    (state.hostAwayDeadline !== null || Object.values(state.participants).some((p) => p.present))
  );
}

/** An in-memory Store with the same semantics, for tests. */
export class MemoryStore implements Store {
  private rooms = new Map<string, { snapshot: RoomState | null; log: SequencedEvent[] }>();
  private keep: number;
  constructor(keep = 1000) {
    this.keep = keep;
  }
  loadRoom(room: string): StoredRoom | null {
    const r = this.rooms.get(room);
    if (!r?.snapshot) return null;
    const snapSeq = r.snapshot.seq;
    return { snapshot: structuredClone(r.snapshot), events: r.log.filter((e) => e.seq > snapSeq) };
  }
  append(room: string, events: SequencedEvent[], snapshot: RoomState | null): void {
    let r = this.rooms.get(room);
    if (!r) this.rooms.set(room, (r = { snapshot: null, log: [] }));
    r.log.push(...structuredClone(events));
    if (r.log.length > this.keep) r.log.splice(0, r.log.length - this.keep);
    if (snapshot) r.snapshot = structuredClone(snapshot);
  }
  eventsSince(room: string, since: number): SequencedEvent[] | null {
    const r = this.rooms.get(room);
    if (!r) return since === 0 ? [] : null;
    const first = r.log[0]?.seq ?? (r.snapshot?.seq ?? 0) + 1;
    if (since + 1 < first) return null;
    return r.log.filter((e) => e.seq > since);
  }
  activeRooms(): string[] {
    return [...this.rooms.entries()]
      .filter(([, r]) => r.snapshot && isActive(r.snapshot))
      .map(([k]) => k);
  }
  close(): void {}
}
