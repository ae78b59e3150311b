/**
 * The default Store: one SQLite file under the data directory, through
 * `node:sqlite` (built into Node.js 22.13+ and Deno 2.2+). Writes are synchronous
 * and committed before the hub fans an event out, so nothing acknowledged is lost.
 */
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { RoomState, SequencedEvent } from '../../src/protocol/types.ts';
import { isActive, type Store, type StoredRoom } from './store.ts';

/** How many events of a room's log are kept behind its latest snapshot, for resumes. */
const LOG_KEEP = 2000;

export class SqliteStore implements Store {
  readonly db: DatabaseSync;
  private stmts: {
    snapshot: StatementSync;
    eventsAfter: StatementSync;
    firstSeq: StatementSync;
    insertEvent: StatementSync;
    upsertSnapshot: StatementSync;
    prune: StatementSync;
    active: StatementSync;
  };

  constructor(pathOrDb: string | DatabaseSync) {
    this.db = typeof pathOrDb === 'string' ? new DatabaseSync(pathOrDb) : pathOrDb;
    this.db.exec(`
      PRAGMA journal_mode = WAL;
      PRAGMA synchronous = NORMAL;
      PRAGMA busy_timeout = 5000;
      CREATE TABLE IF NOT EXISTS room_snapshots (
        room TEXT PRIMARY KEY,
        seq INTEGER NOT NULL,
        state TEXT NOT NULL,
        active INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE TABLE IF NOT EXISTS room_events (
        room TEXT NOT NULL,
        seq INTEGER NOT NULL,
        event TEXT NOT NULL,
        PRIMARY KEY (room, seq)
      ) WITHOUT ROWID;
    `);
    this.stmts = {
      snapshot: this.db.prepare('SELECT state FROM room_snapshots WHERE room = ?'),
      eventsAfter: this.db.prepare('SELECT seq, event FROM room_events WHERE room = ? AND seq > ? ORDER BY seq'),
      firstSeq: this.db.prepare('SELECT MIN(seq) AS first FROM room_events WHERE room = ?'),
      insertEvent: this.db.prepare('INSERT INTO room_events (room, seq, event) VALUES (?, ?, ?)'),
      upsertSnapshot: this.db.prepare(
        `INSERT INTO room_snapshots (room, seq, state, active, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(room) DO UPDATE SET seq = excluded.seq, state = excluded.state,
           active = excluded.active, updated_at = excluded.updated_at`,
      ),
      prune: this.db.prepare('DELETE FROM room_events WHERE room = ? AND seq <= ?'),
      active: this.db.prepare('SELECT room FROM room_snapshots WHERE active = 1'),
    };
  }

  loadRoom(room: string): StoredRoom | null {
    const row = this.stmts.snapshot.get(room) as { state: string } | undefined;
    if (!row) return null;
    const snapshot = JSON.parse(row.state) as RoomState;
    return { snapshot, events: this.readEvents(room, snapshot.seq) };
  }

  append(room: string, events: SequencedEvent[], snapshot: RoomState | null): void {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      for (const e of events) this.stmts.insertEvent.run(room, e.seq, JSON.stringify(e.event));
      if (snapshot) {
        this.stmts.upsertSnapshot.run(room, snapshot.seq, JSON.stringify(snapshot), isActive(snapshot) ? 1 : 0, Date.now());
        if (snapshot.seq > LOG_KEEP) this.stmts.prune.run(room, snapshot.seq - LOG_KEEP);
      }
      this.db.exec('COMMIT');
    } catch (err) {
      this.db.exec('ROLLBACK');
      throw err;
    }
  }

  eventsSince(room: string, since: number): SequencedEvent[] | null {
    const row = this.stmts.firstSeq.get(room) as { first: number | null } | undefined;
    const first = row?.first ?? null;
    if (first === null) return since === 0 ? [] : null;
    if (since + 1 < first) return null;
    return this.readEvents(room, since);
  }

  activeRooms(): string[] {
    return (this.stmts.active.all() as { room: string }[]).map((r) => r.room);
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }

  private readEvents(room: string, after: number): SequencedEvent[] {
    return (this.stmts.eventsAfter.all(room, after) as { seq: number; event: string }[]).map((r) => ({
      seq: r.seq,
      event: JSON.parse(r.event),
    }));
  }
}
