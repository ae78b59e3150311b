/**
 * The Store: where rooms are kept (their events, snapshots and audit log). The room master
 * depends only on this interface, which is asynchronous so a networked database (PostgreSQL)
 * can implement it as well as SQLite (the default) and `MemoryStore` (tests). The master
 * writes one room's batches one after another, never two at once (room.ts keeps the order).
 */
import type { RoomState, SequencedEvent } from '../../src/protocol/types.ts';

export interface StoredRoom {
  /** The latest snapshot written (may be behind; replay `events` after it). */
  snapshot: RoomState;
  /** Events after the snapshot, in order. */
  events: SequencedEvent[];
}

/** One moderator action, as the audit log keeps it. */
export interface AuditEntry {
  /** Server time of the action, in ms since the epoch. */
  at: number;
  /** What was done: `end`, `restart`, `remove`, `move`, `breakout-start`, `gather`, `breakout-end`, … */
  action: string;
  actor: { id: string; name: string };
  /** What it was done to (user ids, rooms, minutes), as plain JSON. */
  detail: Record<string, unknown>;
}

/**
 * The write's condition when several servers share a store: `owner` still holds the room's lease
 * at `epoch`, checked inside the write's transaction (PostgresStore throws `LeaseLostError`, from
 * server/cluster/lease.ts, and keeps nothing). A store only one server uses may ignore it.
 */
export interface Fence {
  owner: string;
  epoch: number;
}

/**
 * A message for the other servers that share the store (PostgreSQL's NOTIFY), sent by the write
 * itself: heard only once the write commits, and never when it is refused. A store only one server
 * uses has nobody to tell and drops them.
 */
export interface StoreNotice {
  channel: string;
  payload: string;
}

/** How many audit entries a room keeps (the oldest go first). */
export const AUDIT_KEEP = 5000;

export interface Store {
  /** The room's latest snapshot and the events after it; null for a room never stored. */
  loadRoom(room: string): Promise<StoredRoom | null>;
  /**
   * Durably record events (already sequenced), the audit entries of the action that caused
   * them and, when given, a snapshot of the state after them. Atomic: either all of it is kept
   * or none, and a failure rejects. Resolves only once it is durable. `notices` go out with the
   * write (see StoreNotice).
   */
  append(room: string, events: SequencedEvent[], snapshot: RoomState | null, audit?: AuditEntry[], fence?: Fence, notices?: StoreNotice[]): Promise<void>;
  /** The room's audit entries, newest first, at most `limit`. */
  auditLog(room: string, limit: number): Promise<AuditEntry[]>;
  /** Events with seq > since, or null when the log no longer reaches back that far. */
  eventsSince(room: string, since: number): Promise<SequencedEvent[] | null>;
  /** Rooms whose last snapshot is open with people present or a timer pending. */
  activeRooms(): Promise<string[]>;
  close(): Promise<void>;
}

/** Does this snapshot need the hub's attention after a restart? */
export function isActive(state: RoomState): boolean {
  return (
    state.status === 'open' &&
    (state.hostAwayDeadline !== null || Object.values(state.participants).some((p) => p.present))
  );
}

/** An in-memory Store with the same semantics, for tests (what it returns is a copy). */
export class MemoryStore implements Store {
  private rooms = new Map<string, { snapshot: RoomState | null; log: SequencedEvent[]; audit: AuditEntry[] }>();
  private keep: number;
  constructor(keep = 1000) {
    this.keep = keep;
  }
  async loadRoom(room: string): Promise<StoredRoom | null> {
    const r = this.rooms.get(room);
    if (!r?.snapshot) return null;
    const snapSeq = r.snapshot.seq;
    return { snapshot: structuredClone(r.snapshot), events: structuredClone(r.log.filter((e) => e.seq > snapSeq)) };
  }
  async append(room: string, events: SequencedEvent[], snapshot: RoomState | null, audit: AuditEntry[] = []): Promise<void> {
    let r = this.rooms.get(room);
    if (!r) this.rooms.set(room, (r = { snapshot: null, log: [], audit: [] }));
    r.log.push(...structuredClone(events));
    if (r.log.length > this.keep) r.log.splice(0, r.log.length - this.keep);
    if (snapshot) r.snapshot = structuredClone(snapshot);
    r.audit.push(...structuredClone(audit));
    if (r.audit.length > AUDIT_KEEP) r.audit.splice(0, r.audit.length - AUDIT_KEEP);
  }
  async auditLog(room: string, limit: number): Promise<AuditEntry[]> {
    const entries = this.rooms.get(room)?.audit ?? [];
    return limit > 0 ? structuredClone(entries.slice(-limit).reverse()) : [];
  }
  async eventsSince(room: string, since: number): Promise<SequencedEvent[] | null> {
    const r = this.rooms.get(room);
    if (!r) return since === 0 ? [] : null;
    const first = r.log[0]?.seq ?? (r.snapshot?.seq ?? 0) + 1;
    if (since + 1 < first) return null;
    return structuredClone(r.log.filter((e) => e.seq > since));
  }
  async activeRooms(): Promise<string[]> {
    return [...this.rooms.entries()]
      .filter(([, r]) => r.snapshot && isActive(r.snapshot))
      .map(([k]) => k);
  }
  async close(): Promise<void> {}
}
