/**
 * The default Store: one SQLite file under the data directory, through
 * `node:sqlite` (built into Node.js 22.13+ and Deno 2.2+). The Store interface is
 * asynchronous; here each call does its work at once (SQLite is in-process) and a write's
 * promise settles once it is committed, before the room master publishes anything.
 */
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { RoomState, SequencedEvent } from '../../src/protocol/types.ts';
import { AUDIT_KEEP, isActive, type AuditEntry, type Store, type StoredRoom } from './store.ts';
import { upgradeEvent } from './legacy.ts';

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
    insertAudit: StatementSync;
    pruneAudit: StatementSync;
    readAudit: StatementSync;
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
      CREATE TABLE IF NOT EXISTS room_audit (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        room TEXT NOT NULL,
        at INTEGER NOT NULL,
        action TEXT NOT NULL,
        actor_id TEXT NOT NULL,
        actor_name TEXT NOT NULL,
        detail TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS room_audit_by_room ON room_audit (room, id);
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
      insertAudit: this.db.prepare(
        'INSERT INTO room_audit (room, at, action, actor_id, actor_name, detail) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      // Keep the newest AUDIT_KEEP entries of the room.
      pruneAudit: this.db.prepare(
        `DELETE FROM room_audit WHERE room = ?1 AND id <= (
           SELECT id FROM room_audit WHERE room = ?1 ORDER BY id DESC LIMIT 1 OFFSET ${AUDIT_KEEP})`,
      ),
      readAudit: this.db.prepare(
        'SELECT at, action, actor_id, actor_name, detail FROM room_audit WHERE room = ? ORDER BY id DESC LIMIT ?',
      ),
    };
  }

  async loadRoom(room: string): Promise<StoredRoom | null> {
    const row = this.stmts.snapshot.get(room) as { state: string } | undefined;
    if (!row) return null;
    const snapshot = JSON.parse(row.state) as RoomState;
    return { snapshot, events: this.readEvents(room, snapshot.seq) };
  }

  async append(room: string, events: SequencedEvent[], snapshot: RoomState | null, audit: AuditEntry[] = []): Promise<void> {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      for (const e of events) this.stmts.insertEvent.run(room, e.seq, JSON.stringify(e.event));
      if (snapshot) {
        this.stmts.upsertSnapshot.run(room, snapshot.seq, JSON.stringify(snapshot), isActive(snapshot) ? 1 : 0, Date.now());
        if (snapshot.seq > LOG_KEEP) this.stmts.prune.run(room, snapshot.seq - LOG_KEEP);
      }
      for (const a of audit) {
        this.stmts.insertAudit.run(room, a.at, a.action, a.actor.id, a.actor.name, JSON.stringify(a.detail));
      }
      if (audit.length) this.stmts.pruneAudit.run(room);
      this.db.exec('COMMIT');
    } catch (err) {
      // On a full disk SQLite may have rolled back already; the first error is the one to report.
      try {
        if (this.db.isTransaction !== false) this.db.exec('ROLLBACK');
      } catch {
        /* no transaction left to roll back */
      }
      throw err;
    }
  }

  async auditLog(room: string, limit: number): Promise<AuditEntry[]> {
    if (limit <= 0) return [];
    const rows = this.stmts.readAudit.all(room, limit) as {
      at: number;
      action: string;
      actor_id: string;
      actor_name: string;
      detail: string;
    }[];
    return rows.map((r) => ({
      at: r.at,
      action: r.action,
      actor: { id: r.actor_id, name: r.actor_name },
      detail: JSON.parse(r.detail) as Record<string, unknown>,
    }));
  }

  async eventsSince(room: string, since: number): Promise<SequencedEvent[] | null> {
    const row = this.stmts.firstSeq.get(room) as { first: number | null } | undefined;
    const first = row?.first ?? null;
    if (first === null) return since === 0 ? [] : null;
    if (since + 1 < first) return null;
    return this.readEvents(room, since);
  }

  async activeRooms(): Promise<string[]> {
    return (this.stmts.active.all() as { room: string }[]).map((r) => r.room);
  }

  async close(): Promise<void> {
    if (this.db.isOpen) this.db.close();
  }

  private readEvents(room: string, after: number): SequencedEvent[] {
    return (this.stmts.eventsAfter.all(room, after) as { seq: number; event: string }[]).map((r) => ({
      seq: r.seq,
      event: upgradeEvent(JSON.parse(r.event)),
    }));
  }
}
