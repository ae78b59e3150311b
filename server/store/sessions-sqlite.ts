/**
 * The default SessionsStore: its own tables (all prefixed `event`) in the same
 * SQLite file as the rooms, through `node:sqlite`. Every multi-row write runs in
 * one transaction; a session save checks and raises the version in the same
 * UPDATE, so two writers can never both win. `node:sqlite` is synchronous: each
 * method does all its work before it returns its promise, so a transaction is
 * never interleaved with another request's.
 */
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import { EVENT_ROLES, type EventRole } from '../../src/protocol/sessions.ts';
import {
  likeAnywhere,
  nameKey,
  plainTag,
  SCHEMA,
  sortRoles,
  toAttachment,
  type AttachmentRow,
  type SessionRow,
} from './sessions-sqlite-schema.ts';
import type {
  AttachmentRecord,
  EventRecord,
  HeaderRecord,
  PeopleQuery,
  PersonRecord,
  SessionPatch,
  SessionQuery,
  SessionRecord,
  SessionsStore,
  TagRecord,
} from './sessions-store.ts';

export class SqliteSessionsStore implements SessionsStore {
  readonly db: DatabaseSync;
  private readonly owned: boolean;
  private s: Record<string, StatementSync>;

  /** Use an open database (shared with the room store) or open one at `path`. */
  constructor(db: DatabaseSync | string) {
    this.owned = typeof db === 'string';
    this.db = typeof db === 'string' ? new DatabaseSync(db) : db;
    if (this.owned) this.db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;');
    this.db.exec(SCHEMA);
    const p = (sql: string) => this.db.prepare(sql);
    this.s = {
      insertEvent: p('INSERT OR IGNORE INTO events (id, name, time_zone, created_by, created_at) VALUES (?, ?, ?, ?, ?)'),
      getEvent: p('SELECT * FROM events WHERE id = ?'),
      upsertPerson: p(
        `INSERT INTO event_people (event_id, person_id, name, name_key) VALUES (?, ?, ?, ?)
         ON CONFLICT (event_id, person_id) DO UPDATE SET name = excluded.name, name_key = excluded.name_key
         WHERE name <> excluded.name`,
      ),
      addRole: p('INSERT OR IGNORE INTO event_person_roles (event_id, role, person_id) VALUES (?, ?, ?)'),
      getPerson: p('SELECT person_id AS id, name FROM event_people WHERE event_id = ? AND person_id = ?'),
      personRoles: p('SELECT role FROM event_person_roles WHERE event_id = ? AND person_id = ?'),
      listPeople: p(
        `SELECT p.person_id AS id, p.name AS name,
                (SELECT json_group_array(r.role) FROM event_person_roles r WHERE r.event_id = p.event_id AND r.person_id = p.person_id) AS roles
         FROM event_people p
         WHERE p.event_id = ?1
           AND (?2 IS NULL OR EXISTS (SELECT 1 FROM event_person_roles r WHERE r.event_id = p.event_id AND r.person_id = p.person_id AND r.role = ?2))
           AND (?3 IS NULL OR p.name_key LIKE ?3 ESCAPE '\\')
         ORDER BY p.name_key, p.person_id
         LIMIT ?4`,
      ),
      peopleNames: p('SELECT person_id AS id, name FROM event_people WHERE event_id = ? AND person_id IN (SELECT value FROM json_each(?))'),
      roleCounts: p('SELECT role, COUNT(*) AS n FROM event_person_roles WHERE event_id = ? GROUP BY role'),
      listTags: p(
        `SELECT id, name FROM event_tags WHERE event_id = ?1 AND (?2 IS NULL OR name_key LIKE ?2 ESCAPE '\\')
         ORDER BY name_key, id`,
      ),
      getTags: p('SELECT id, name FROM event_tags WHERE event_id = ? AND id IN (SELECT value FROM json_each(?))'),
      tagByKey: p('SELECT id, name FROM event_tags WHERE event_id = ? AND name_key = ?'),
      insertTag: p('INSERT INTO event_tags (event_id, id, name, name_key) VALUES (?, ?, ?, ?)'),
      countSessions: p('SELECT COUNT(*) AS n FROM event_sessions WHERE event_id = ?'),
      listSessions: p(
        `SELECT * FROM event_sessions s
         WHERE s.event_id = ?1
           AND (?2 IS NULL OR s.visibility IN (SELECT value FROM json_each(?2)))
           AND (?3 IS NULL OR EXISTS (SELECT 1 FROM event_session_tags t WHERE t.event_id = s.event_id AND t.session_id = s.id
                                        AND t.tag_id IN (SELECT value FROM json_each(?3))))
         ORDER BY s.date, s.time, s.title, s.id`,
      ),
      getSession: p('SELECT * FROM event_sessions WHERE event_id = ? AND id = ?'),
      insertSession: p(
        `INSERT INTO event_sessions (event_id, id, type, title, description, date, time, duration, ai_assistant, visibility,
                                     header, version, created_by, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      updateSession: p(
        `UPDATE event_sessions SET type = ?, title = ?, description = ?, date = ?, time = ?, duration = ?, ai_assistant = ?,
                visibility = ?, version = version + 1, updated_at = ?
         WHERE event_id = ? AND id = ? AND version = ?`,
      ),
      setHeader: p('UPDATE event_sessions SET header = ? WHERE event_id = ? AND id = ?'),
      deleteSession: p('DELETE FROM event_sessions WHERE event_id = ? AND id = ?'),
      sessionTags: p('SELECT tag_id FROM event_session_tags WHERE event_id = ? AND session_id = ? ORDER BY position'),
      clearSessionTags: p('DELETE FROM event_session_tags WHERE event_id = ? AND session_id = ?'),
      addSessionTag: p('INSERT OR IGNORE INTO event_session_tags (event_id, session_id, tag_id, position) VALUES (?, ?, ?, ?)'),
      sessionPeople: p('SELECT person_id FROM event_session_people WHERE event_id = ? AND session_id = ? AND role = ? ORDER BY position'),
      clearSessionPeople: p('DELETE FROM event_session_people WHERE event_id = ? AND session_id = ?'),
      addSessionPerson: p(
        'INSERT OR IGNORE INTO event_session_people (event_id, session_id, role, person_id, position) VALUES (?, ?, ?, ?, ?)',
      ),
      attachmentCounts: p('SELECT session_id AS id, COUNT(*) AS n FROM event_attachments WHERE event_id = ? GROUP BY session_id'),
      storageUsed: p(
        `SELECT (SELECT COALESCE(SUM(size), 0) FROM event_attachments WHERE event_id = ?1)
              + (SELECT COALESCE(SUM(json_extract(header, '$.size')), 0) FROM event_sessions WHERE event_id = ?1 AND header IS NOT NULL) AS n`,
      ),
      listAttachments: p('SELECT * FROM event_attachments WHERE event_id = ? AND session_id = ? ORDER BY created_at, id'),
      getAttachment: p('SELECT * FROM event_attachments WHERE event_id = ? AND session_id = ? AND id = ?'),
      insertAttachment: p(
        `INSERT INTO event_attachments (event_id, session_id, id, name, title, description, extension, family, content_type,
                                        size, path, created_by, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      updateAttachment: p(
        `UPDATE event_attachments SET title = COALESCE(?, title), description = COALESCE(?, description), updated_at = ?
         WHERE event_id = ? AND session_id = ? AND id = ?`,
      ),
      deleteAttachment: p('DELETE FROM event_attachments WHERE event_id = ? AND session_id = ? AND id = ?'),
      deleteSessionAttachments: p('DELETE FROM event_attachments WHERE event_id = ? AND session_id = ?'),
    };
  }

  private tx<T>(fn: () => T): T {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const out = fn();
      this.db.exec('COMMIT');
      return out;
    } catch (err) {
      this.db.exec('ROLLBACK');
      throw err;
    }
  }

  // ---- events and people ----

  async createEvent(event: EventRecord, creator: { id: string; name: string; roles: EventRole[] }): Promise<boolean> {
    return this.tx(() => {
      const r = this.s.insertEvent.run(event.id, event.name, event.timeZone, event.createdBy, event.createdAt);
      if (Number(r.changes) === 0) return false;
      this.addPerson(event.id, creator, creator.roles);
      return true;
    });
  }

  async getEvent(id: string): Promise<EventRecord | null> {
    const row = this.s.getEvent.get(id) as
      | { id: string; name: string; time_zone: string; created_by: string; created_at: number }
      | undefined;
    return row ? { id: row.id, name: row.name, timeZone: row.time_zone, createdBy: row.created_by, createdAt: row.created_at } : null;
  }

  async upsertPerson(event: string, person: { id: string; name: string }, roles: readonly EventRole[]): Promise<void> {
    this.tx(() => this.addPerson(event, person, roles));
  }

  private addPerson(event: string, person: { id: string; name: string }, roles: readonly EventRole[]): void {
    this.s.upsertPerson.run(event, person.id, person.name, nameKey(person.name));
    for (const role of roles) this.s.addRole.run(event, role, person.id);
  }

  async getPerson(event: string, id: string): Promise<PersonRecord | null> {
    const row = this.s.getPerson.get(event, id) as { id: string; name: string } | undefined;
    if (!row) return null;
    const roles = (this.s.personRoles.all(event, id) as { role: EventRole }[]).map((r) => r.role);
    return { id: row.id, name: row.name, roles: sortRoles(roles) };
  }

  async listPeople(event: string, query: PeopleQuery = {}): Promise<PersonRecord[]> {
    const q = query.q?.trim();
    const rows = this.s.listPeople.all(event, query.role ?? null, q ? likeAnywhere(q) : null, query.limit ?? -1) as {
      id: string;
      name: string;
      roles: string;
    }[];
    return rows.map((r) => ({ id: r.id, name: r.name, roles: sortRoles(JSON.parse(r.roles) as EventRole[]) }));
  }

  async peopleNames(event: string, ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = this.s.peopleNames.all(event, JSON.stringify(ids)) as { id: string; name: string }[];
    return new Map(rows.map((r) => [r.id, r.name]));
  }

  async roleCounts(event: string): Promise<Record<EventRole, number>> {
    const out = Object.fromEntries(EVENT_ROLES.map((r) => [r, 0])) as Record<EventRole, number>;
    for (const row of this.s.roleCounts.all(event) as { role: EventRole; n: number }[]) {
      if (row.role in out) out[row.role] = Number(row.n);
    }
    return out;
  }

  // ---- tags ----

  async listTags(event: string, q?: string): Promise<TagRecord[]> {
    const t = q?.trim();
    return (this.s.listTags.all(event, t ? likeAnywhere(t) : null) as unknown as TagRecord[]).map(plainTag);
  }

  async getTags(event: string, ids: readonly string[]): Promise<TagRecord[]> {
    if (ids.length === 0) return [];
    const rows = (this.s.getTags.all(event, JSON.stringify(ids)) as unknown as TagRecord[]).map(plainTag);
    const byId = new Map(rows.map((t) => [t.id, t]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  async ensureTag(event: string, tag: TagRecord): Promise<{ tag: TagRecord; created: boolean }> {
    return this.tx(() => {
      const key = nameKey(tag.name);
      const existing = this.s.tagByKey.get(event, key) as TagRecord | undefined;
      if (existing) return { tag: plainTag(existing), created: false };
      this.s.insertTag.run(event, tag.id, tag.name, key);
      return { tag: { id: tag.id, name: tag.name }, created: true };
    });
  }

  // ---- sessions ----

  async countSessions(event: string): Promise<number> {
    return Number((this.s.countSessions.get(event) as { n: number }).n);
  }

  async listSessions(event: string, query: SessionQuery = {}): Promise<SessionRecord[]> {
    const vis = query.visibilities ? JSON.stringify(query.visibilities) : null;
    const tags = query.tags && query.tags.length > 0 ? JSON.stringify(query.tags) : null;
    return (this.s.listSessions.all(event, vis, tags) as unknown as SessionRow[]).map((r) => this.toSession(r));
  }

  async getSession(event: string, id: string): Promise<SessionRecord | null> {
    return this.readSession(event, id);
  }

  private readSession(event: string, id: string): SessionRecord | null {
    const row = this.s.getSession.get(event, id) as SessionRow | undefined;
    return row ? this.toSession(row) : null;
  }

  async insertSession(x: SessionRecord): Promise<void> {
    this.tx(() => {
      this.s.insertSession.run(
        x.event, x.id, x.type, x.title, x.description, x.date, x.time, x.duration, x.aiAssistant ? 1 : 0, x.visibility,
        x.header ? JSON.stringify(x.header) : null, x.version, x.createdBy, x.createdAt, x.updatedAt,
      );
      this.writeLinks(x.event, x.id, x);
    });
  }

  async updateSession(event: string, id: string, expectedVersion: number, x: SessionPatch, now: number): Promise<SessionRecord | 'conflict' | null> {
    return this.tx(() => {
      const r = this.s.updateSession.run(
        x.type, x.title, x.description, x.date, x.time, x.duration, x.aiAssistant ? 1 : 0, x.visibility, now,
        event, id, expectedVersion,
      );
      if (Number(r.changes) === 0) return this.s.getSession.get(event, id) ? 'conflict' : null;
      this.s.clearSessionTags.run(event, id);
      this.s.clearSessionPeople.run(event, id);
      this.writeLinks(event, id, x);
      return this.readSession(event, id);
    });
  }

  private writeLinks(event: string, id: string, x: Pick<SessionPatch, 'tags' | 'speakers' | 'moderators'>): void {
    x.tags.forEach((tag, i) => this.s.addSessionTag.run(event, id, tag, i));
    x.speakers.forEach((p, i) => this.s.addSessionPerson.run(event, id, 'speaker', p, i));
    x.moderators.forEach((p, i) => this.s.addSessionPerson.run(event, id, 'moderator', p, i));
  }

  async setHeader(event: string, id: string, header: HeaderRecord | null, quota?: number): Promise<{ previous: HeaderRecord | null } | 'over-quota' | null> {
    return this.tx(() => {
      const row = this.s.getSession.get(event, id) as SessionRow | undefined;
      if (!row) return null;
      const previous = row.header ? (JSON.parse(row.header) as HeaderRecord) : null;
      if (quota !== undefined && header && this.used(event) - (previous?.size ?? 0) + header.size > quota) return 'over-quota';
      this.s.setHeader.run(header ? JSON.stringify(header) : null, event, id);
      return { previous };
    });
  }

  async deleteSession(
    event: string,
    id: string,
    expectedVersion: number | null,
  ): Promise<{ attachments: AttachmentRecord[]; header: HeaderRecord | null } | 'conflict' | null> {
    return this.tx(() => {
      const row = this.s.getSession.get(event, id) as SessionRow | undefined;
      if (!row) return null;
      if (expectedVersion !== null && row.version !== expectedVersion) return 'conflict';
      const attachments = (this.s.listAttachments.all(event, id) as unknown as AttachmentRow[]).map(toAttachment);
      this.s.deleteSessionAttachments.run(event, id);
      this.s.clearSessionTags.run(event, id);
      this.s.clearSessionPeople.run(event, id);
      this.s.deleteSession.run(event, id);
      return { attachments, header: row.header ? (JSON.parse(row.header) as HeaderRecord) : null };
    });
  }

  private toSession(r: SessionRow): SessionRecord {
    const ids = (stmt: StatementSync, ...args: SQLInputValue[]) =>
      (stmt.all(...args) as Record<string, string>[]).map((row) => Object.values(row)[0]);
    return {
      event: r.event_id,
      id: r.id,
      type: r.type as SessionRecord['type'],
      title: r.title,
      description: r.description,
      tags: ids(this.s.sessionTags, r.event_id, r.id),
      date: r.date,
      time: r.time,
      duration: Number(r.duration),
      speakers: ids(this.s.sessionPeople, r.event_id, r.id, 'speaker'),
      moderators: ids(this.s.sessionPeople, r.event_id, r.id, 'moderator'),
      aiAssistant: r.ai_assistant === 1,
      visibility: r.visibility as SessionRecord['visibility'],
      header: r.header ? (JSON.parse(r.header) as HeaderRecord) : null,
      version: Number(r.version),
      createdBy: r.created_by,
      createdAt: Number(r.created_at),
      updatedAt: Number(r.updated_at),
    };
  }

  // ---- attachments ----

  async storageUsed(event: string): Promise<number> {
    return this.used(event);
  }

  private used(event: string): number {
    return Number((this.s.storageUsed.get(event) as { n: number }).n);
  }

  async attachmentCounts(event: string, sessions: readonly string[]): Promise<Map<string, number>> {
    if (sessions.length === 0) return new Map();
    // One grouped count over the event (its index), then the sessions asked about.
    const all = new Map((this.s.attachmentCounts.all(event) as { id: string; n: number }[]).map((r) => [r.id, Number(r.n)]));
    return new Map(sessions.map((id) => [id, all.get(id) ?? 0]));
  }

  async listAttachments(event: string, session: string): Promise<AttachmentRecord[]> {
    return (this.s.listAttachments.all(event, session) as unknown as AttachmentRow[]).map(toAttachment);
  }

  async getAttachment(event: string, session: string, id: string): Promise<AttachmentRecord | null> {
    return this.readAttachment(event, session, id);
  }

  private readAttachment(event: string, session: string, id: string): AttachmentRecord | null {
    const row = this.s.getAttachment.get(event, session, id) as AttachmentRow | undefined;
    return row ? toAttachment(row) : null;
  }

  async insertAttachment(a: AttachmentRecord, quota?: number): Promise<boolean> {
    return this.tx(() => {
      if (quota !== undefined && this.used(a.event) + a.size > quota) return false;
      this.s.insertAttachment.run(
        a.event, a.session, a.id, a.name, a.title, a.description, a.extension, a.family, a.contentType, a.size, a.path,
        a.createdBy, a.createdAt, a.updatedAt,
      );
      return true;
    });
  }

  async updateAttachment(
    event: string,
    session: string,
    id: string,
    patch: { title?: string; description?: string },
    now: number,
  ): Promise<AttachmentRecord | null> {
    const r = this.s.updateAttachment.run(patch.title ?? null, patch.description ?? null, now, event, session, id);
    return Number(r.changes) === 0 ? null : this.readAttachment(event, session, id);
  }

  async deleteAttachment(event: string, session: string, id: string): Promise<AttachmentRecord | null> {
    return this.tx(() => {
      const a = this.readAttachment(event, session, id);
      if (a) this.s.deleteAttachment.run(event, session, id);
      return a;
    });
  }

  async close(): Promise<void> {
    if (this.owned && this.db.isOpen) this.db.close();
  }
}
