/**
 * The sessions store over PostgreSQL: the same records, rules and answers as `SqliteSessionsStore`,
 * in tables made by the numbered migrations (`migrations.ts`), through the server's shared `pg.Pool`.
 *
 * SQLite runs one request's statements without interruption; here requests interleave, so every
 * check and the write it guards happen in one statement, or in one transaction behind a row lock:
 * a session's version is checked in its UPDATE (a second writer waits for the first, then finds the
 * version moved on), a delete or header change first locks the session's row, a tag's name is
 * claimed by its unique key (`on conflict do nothing`), and an attachment is deleted by the statement
 * that returns it. Ordering uses the "C" collation the tables declare, so lists come in the same order
 * as SQLite's (by code point) whatever the database's locale. PostgreSQL's text cannot hold U+0000:
 * a NUL in any value (a title, or an id in a URL) is kept as U+FFFD, in writes and lookups alike.
 *
 * A fault of the database (unreachable, shut down, out of connections or space, timed out) rejects
 * with `StorageUnavailableError` (the API answers 503); a bug (bad SQL, a broken constraint) rejects
 * with PostgreSQL's own error, as SQLite's would.
 */
import type { Pool, PoolClient, QueryResultRow } from 'pg';
import { EVENT_ROLES, type EventRole } from '../../src/protocol/sessions.ts';
import { likeAnywhere, nameKey, sortRoles, toAttachment, type AttachmentRow } from './sessions-sqlite-schema.ts';
import { fault, noNul, num, param, PERSON, retryable, SESSION, toHeader, toSession, type SessionRow } from './sessions-postgres-rows.ts';
import {
  StorageUnavailableError,
  type AttachmentRecord,
  type EventRecord,
  type HeaderRecord,
  type PeopleQuery,
  type PersonRecord,
  type SessionPatch,
  type SessionQuery,
  type SessionRecord,
  type SessionsStore,
  type TagRecord,
} from './sessions-store.ts';

/** Runs SQL: the pool (any connection) or one transaction's client. */
type Queryable = Pick<Pool, 'query'> | PoolClient;

export { isPostgresFault } from './sessions-postgres-rows.ts';

export class PostgresSessionsStore implements SessionsStore {
  readonly pool: Pool;

  /** Over the server's shared pool (its migrations already run); the pool stays its owner's to end. */
  constructor(pool: Pool) {
    this.pool = pool;
  }

  private async q<R extends QueryResultRow>(db: Queryable, sql: string, params: unknown[] = []): Promise<{ rows: R[]; rowCount: number }> {
    try {
      const r = await db.query<R>(sql, params.map(param));
      return { rows: r.rows, rowCount: r.rowCount ?? 0 };
    } catch (err) {
      throw fault(err);
    }
  }

  private async one<R extends QueryResultRow>(db: Queryable, sql: string, params: unknown[] = []): Promise<R | null> {
    return (await this.q<R>(db, sql, params)).rows[0] ?? null;
  }

  /** Run `fn` in one transaction on one connection; a serialization failure or deadlock runs it again. */
  private async tx<T>(fn: (c: PoolClient) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      let client: PoolClient;
      try {
        client = await this.pool.connect();
      } catch (err) {
        throw fault(err);
      }
      let broken: Error | undefined;
      try {
        await this.q(client, 'BEGIN');
        const out = await fn(client);
        await this.q(client, 'COMMIT');
        return out;
      } catch (err) {
        try {
          await client.query('ROLLBACK');
        } catch (e) {
          broken = e instanceof Error ? e : new Error(String(e)); // the connection is gone: do not reuse it
        }
        const cause = err instanceof StorageUnavailableError ? err.cause : err;
        if (attempt < 3 && retryable(cause)) continue;
        throw err;
      } finally {
        client.release(broken);
      }
    }
  }

  // ---- events and people ----

  async createEvent(event: EventRecord, creator: { id: string; name: string; roles: EventRole[] }): Promise<boolean> {
    return this.tx(async (c) => {
      const made = await this.q(
        c,
        `INSERT INTO events (id, name, time_zone, created_by, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING`,
        [event.id, event.name, event.timeZone, event.createdBy, event.createdAt],
      );
      if (made.rowCount === 0) return false;
      await this.addPerson(c, event.id, creator, creator.roles);
      return true;
    });
  }

  async getEvent(id: string): Promise<EventRecord | null> {
    const row = await this.one<{ id: string; name: string; time_zone: string; created_by: string; created_at: string }>(
      this.pool,
      'SELECT * FROM events WHERE id = $1',
      [id],
    );
    return row ? { id: row.id, name: row.name, timeZone: row.time_zone, createdBy: row.created_by, createdAt: num(row.created_at) } : null;
  }

  async upsertPerson(event: string, person: { id: string; name: string }, roles: readonly EventRole[]): Promise<void> {
    await this.tx((c) => this.addPerson(c, event, person, roles));
  }

  private async addPerson(c: PoolClient, event: string, person: { id: string; name: string }, roles: readonly EventRole[]): Promise<void> {
    await this.q(
      c,
      `INSERT INTO event_people (event_id, person_id, name, name_key) VALUES ($1, $2, $3, $4)
       ON CONFLICT (event_id, person_id) DO UPDATE SET name = excluded.name, name_key = excluded.name_key
       WHERE event_people.name <> excluded.name`,
      [event, person.id, person.name, nameKey(person.name)],
    );
    if (roles.length === 0) return;
    await this.q(
      c,
      `INSERT INTO event_person_roles (event_id, role, person_id) SELECT $1, r, $3 FROM unnest($2::text[]) AS r ON CONFLICT DO NOTHING`,
      [event, roles, person.id],
    );
  }

  async getPerson(event: string, id: string): Promise<PersonRecord | null> {
    const row = await this.one<{ id: string; name: string; roles: EventRole[] }>(
      this.pool,
      `${PERSON} WHERE p.event_id = $1 AND p.person_id = $2`,
      [event, id],
    );
    return row ? { id: row.id, name: row.name, roles: sortRoles(row.roles) } : null;
  }

  async listPeople(event: string, query: PeopleQuery = {}): Promise<PersonRecord[]> {
    const q = query.q?.trim();
    // SQLite reads a negative LIMIT as "no limit"; PostgreSQL refuses one, and reads NULL so.
    const limit = query.limit === undefined || query.limit < 0 ? null : query.limit;
    const { rows } = await this.q<{ id: string; name: string; roles: EventRole[] }>(
      this.pool,
      `${PERSON}
       WHERE p.event_id = $1
         AND ($2::text IS NULL OR EXISTS (SELECT 1 FROM event_person_roles r
                                           WHERE r.event_id = p.event_id AND r.person_id = p.person_id AND r.role = $2))
         AND ($3::text IS NULL OR p.name_key LIKE $3 ESCAPE '\\')
       ORDER BY p.name_key, p.person_id
       LIMIT $4`,
      [event, query.role ?? null, q ? likeAnywhere(q) : null, limit],
    );
    return rows.map((r) => ({ id: r.id, name: r.name, roles: sortRoles(r.roles) }));
  }

  async peopleNames(event: string, ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const { rows } = await this.q<{ id: string; name: string }>(
      this.pool,
      'SELECT person_id AS id, name FROM event_people WHERE event_id = $1 AND person_id = ANY($2::text[])',
      [event, ids],
    );
    return new Map(rows.map((r) => [r.id, r.name]));
  }

  async roleCounts(event: string): Promise<Record<EventRole, number>> {
    const out = Object.fromEntries(EVENT_ROLES.map((r) => [r, 0])) as Record<EventRole, number>;
    const { rows } = await this.q<{ role: EventRole; n: string }>(
      this.pool,
      'SELECT role, COUNT(*) AS n FROM event_person_roles WHERE event_id = $1 GROUP BY role',
      [event],
    );
    for (const row of rows) if (row.role in out) out[row.role] = num(row.n);
    return out;
  }

  // ---- tags ----

  async listTags(event: string, q?: string): Promise<TagRecord[]> {
    const t = q?.trim();
    const { rows } = await this.q<TagRecord>(
      this.pool,
      `SELECT id, name FROM event_tags WHERE event_id = $1 AND ($2::text IS NULL OR name_key LIKE $2 ESCAPE '\\') ORDER BY name_key, id`,
      [event, t ? likeAnywhere(t) : null],
    );
    return rows.map((r) => ({ id: r.id, name: r.name }));
  }

  async getTags(event: string, ids: readonly string[]): Promise<TagRecord[]> {
    if (ids.length === 0) return [];
    const { rows } = await this.q<TagRecord>(this.pool, 'SELECT id, name FROM event_tags WHERE event_id = $1 AND id = ANY($2::text[])', [
      event,
      ids,
    ]);
    const byId = new Map(rows.map((t) => [t.id, { id: t.id, name: t.name }]));
    return ids.flatMap((id) => byId.get(noNul(id)) ?? []);
  }

  async ensureTag(event: string, tag: TagRecord): Promise<{ tag: TagRecord; created: boolean }> {
    const key = nameKey(tag.name);
    // The unique name key decides between two requests creating the same tag at once: one inserts,
    // the other waits for it to commit and then finds it.
    for (let attempt = 0; attempt < 3; attempt++) {
      const made = await this.one<TagRecord>(
        this.pool,
        `INSERT INTO event_tags (event_id, id, name, name_key) VALUES ($1, $2, $3, $4)
         ON CONFLICT (event_id, name_key) DO NOTHING RETURNING id, name`,
        [event, tag.id, tag.name, key],
      );
      if (made) return { tag: { id: made.id, name: made.name }, created: true };
      const existing = await this.one<TagRecord>(this.pool, 'SELECT id, name FROM event_tags WHERE event_id = $1 AND name_key = $2', [
        event,
        key,
      ]);
      if (existing) return { tag: { id: existing.id, name: existing.name }, created: false };
    }
    throw new Error(`The tag "${tag.name}" was neither created nor found in event "${event}".`);
  }

  // ---- sessions ----

  async countSessions(event: string): Promise<number> {
    return num((await this.one<{ n: string }>(this.pool, 'SELECT COUNT(*) AS n FROM event_sessions WHERE event_id = $1', [event]))!.n);
  }

  async listSessions(event: string, query: SessionQuery = {}): Promise<SessionRecord[]> {
    const tags = query.tags && query.tags.length > 0 ? query.tags : null;
    const { rows } = await this.q<SessionRow>(
      this.pool,
      `${SESSION}
       WHERE s.event_id = $1
         AND ($2::text[] IS NULL OR s.visibility = ANY($2::text[]))
         AND ($3::text[] IS NULL OR EXISTS (SELECT 1 FROM event_session_tags t
                                             WHERE t.event_id = s.event_id AND t.session_id = s.id AND t.tag_id = ANY($3::text[])))
       ORDER BY s.date, s.time, s.title, s.id`,
      [event, query.visibilities ?? null, tags],
    );
    return rows.map(toSession);
  }

  async getSession(event: string, id: string): Promise<SessionRecord | null> {
    return this.readSession(this.pool, event, id);
  }

  private async readSession(db: Queryable, event: string, id: string): Promise<SessionRecord | null> {
    const row = await this.one<SessionRow>(db, `${SESSION} WHERE s.event_id = $1 AND s.id = $2`, [event, id]);
    return row ? toSession(row) : null;
  }

  async insertSession(x: SessionRecord): Promise<void> {
    const h = x.header;
    await this.tx(async (c) => {
      await this.q(
        c,
        `INSERT INTO event_sessions (event_id, id, type, title, description, date, time, duration, ai_assistant, visibility,
                                     header_name, header_content_type, header_size, header_path, header_updated_at,
                                     version, created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)`,
        [
          x.event, x.id, x.type, x.title, x.description, x.date, x.time, x.duration, x.aiAssistant, x.visibility,
          h?.name ?? null, h?.contentType ?? null, h?.size ?? null, h?.path ?? null, h?.updatedAt ?? null,
          x.version, x.createdBy, x.createdAt, x.updatedAt,
        ],
      );
      await this.writeLinks(c, x.event, x.id, x);
    });
  }

  async updateSession(event: string, id: string, expectedVersion: number, x: SessionPatch, now: number): Promise<SessionRecord | 'conflict' | null> {
    return this.tx(async (c) => {
      // The version is checked by the UPDATE itself: a second writer of the same version waits for
      // the first to commit, then finds no row with that version.
      const saved = await this.q(
        c,
        `UPDATE event_sessions SET type = $1, title = $2, description = $3, date = $4, time = $5, duration = $6, ai_assistant = $7,
                visibility = $8, version = version + 1, updated_at = $9
         WHERE event_id = $10 AND id = $11 AND version = $12`,
        [x.type, x.title, x.description, x.date, x.time, x.duration, x.aiAssistant, x.visibility, now, event, id, expectedVersion],
      );
      if (saved.rowCount === 0) {
        return (await this.one(c, 'SELECT 1 FROM event_sessions WHERE event_id = $1 AND id = $2', [event, id])) ? 'conflict' : null;
      }
      await this.clearLinks(c, event, id);
      await this.writeLinks(c, event, id, x);
      return this.readSession(c, event, id);
    });
  }

  private async clearLinks(c: PoolClient, event: string, id: string): Promise<void> {
    await this.q(c, 'DELETE FROM event_session_tags WHERE event_id = $1 AND session_id = $2', [event, id]);
    await this.q(c, 'DELETE FROM event_session_people WHERE event_id = $1 AND session_id = $2', [event, id]);
  }

  /** Tags and people in their order; a repeated one keeps its first place (as SQLite's INSERT OR IGNORE). */
  private async writeLinks(c: PoolClient, event: string, id: string, x: Pick<SessionPatch, 'tags' | 'speakers' | 'moderators'>): Promise<void> {
    if (x.tags.length > 0) {
      await this.q(
        c,
        `INSERT INTO event_session_tags (event_id, session_id, tag_id, position)
         SELECT $1, $2, u.tag, u.n - 1 FROM unnest($3::text[]) WITH ORDINALITY AS u(tag, n) ORDER BY u.n
         ON CONFLICT DO NOTHING`,
        [event, id, x.tags],
      );
    }
    const people = [
      ...x.speakers.map((p, i) => ['speaker', p, i] as const),
      ...x.moderators.map((p, i) => ['moderator', p, i] as const),
    ];
    if (people.length === 0) return;
    await this.q(
      c,
      `INSERT INTO event_session_people (event_id, session_id, role, person_id, position)
       SELECT $1, $2, u.role, u.person, u.position
       FROM unnest($3::text[], $4::text[], $5::int[]) WITH ORDINALITY AS u(role, person, position, n) ORDER BY u.n
       ON CONFLICT DO NOTHING`,
      [event, id, people.map((p) => p[0]), people.map((p) => p[1]), people.map((p) => p[2])],
    );
  }

  async setHeader(event: string, id: string, header: HeaderRecord | null, quota?: number): Promise<{ previous: HeaderRecord | null } | 'over-quota' | null> {
    return this.tx(async (c) => {
      if (quota !== undefined && header) await this.lockQuota(c, event);
      // Locked, so two replacements at once each get the header the other one replaced.
      const row = await this.one<SessionRow>(c, 'SELECT * FROM event_sessions WHERE event_id = $1 AND id = $2 FOR UPDATE', [event, id]);
      if (!row) return null;
      if (quota !== undefined && header && (await this.used(c, event)) - (toHeader(row)?.size ?? 0) + header.size > quota) return 'over-quota';
      await this.q(
        c,
        `UPDATE event_sessions SET header_name = $3, header_content_type = $4, header_size = $5, header_path = $6, header_updated_at = $7
         WHERE event_id = $1 AND id = $2`,
        [event, id, header?.name ?? null, header?.contentType ?? null, header?.size ?? null, header?.path ?? null, header?.updatedAt ?? null],
      );
      return { previous: toHeader(row) };
    });
  }

  async deleteSession(
    event: string,
    id: string,
    expectedVersion: number | null,
  ): Promise<{ attachments: AttachmentRecord[]; header: HeaderRecord | null } | 'conflict' | null> {
    return this.tx(async (c) => {
      // Locked first: no edit can commit between the version check and the delete.
      const row = await this.one<SessionRow>(c, 'SELECT * FROM event_sessions WHERE event_id = $1 AND id = $2 FOR UPDATE', [event, id]);
      if (!row) return null;
      if (expectedVersion !== null && num(row.version) !== expectedVersion) return 'conflict';
      // Exactly the records deleted are returned (so their files go too), in the order they were added.
      const { rows } = await this.q<AttachmentRow>(c, 'DELETE FROM event_attachments WHERE event_id = $1 AND session_id = $2 RETURNING *', [
        event,
        id,
      ]);
      const attachments = rows.map(toAttachment).sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      await this.clearLinks(c, event, id);
      await this.q(c, 'DELETE FROM event_sessions WHERE event_id = $1 AND id = $2', [event, id]);
      return { attachments, header: toHeader(row) };
    });
  }

  // ---- attachments ----

  async storageUsed(event: string): Promise<number> {
    return this.used(this.pool, event);
  }

  /**
   * Whoever adds to an event's files holds this until their transaction ends, so the quota check and
   * the write that follows it see every other addition (on any server) whole.
   */
  private async lockQuota(c: PoolClient, event: string): Promise<void> {
    await this.q(c, "SELECT pg_advisory_xact_lock(hashtextextended('kr-event-storage:' || $1, 0))", [event]);
  }

  private async used(db: Queryable, event: string): Promise<number> {
    const row = await this.one<{ n: string }>(
      db,
      `SELECT (SELECT COALESCE(SUM(size), 0) FROM event_attachments WHERE event_id = $1)
            + (SELECT COALESCE(SUM(header_size), 0) FROM event_sessions WHERE event_id = $1) AS n`,
      [event],
    );
    return num(row!.n);
  }

  async attachmentCounts(event: string, sessions: readonly string[]): Promise<Map<string, number>> {
    if (sessions.length === 0) return new Map();
    const { rows } = await this.q<{ id: string; n: string }>(
      this.pool,
      'SELECT session_id AS id, COUNT(*) AS n FROM event_attachments WHERE event_id = $1 AND session_id = ANY($2::text[]) GROUP BY session_id',
      [event, sessions],
    );
    const counted = new Map(rows.map((r) => [r.id, num(r.n)]));
    return new Map(sessions.map((id) => [id, counted.get(noNul(id)) ?? 0]));
  }

  async listAttachments(event: string, session: string): Promise<AttachmentRecord[]> {
    const { rows } = await this.q<AttachmentRow>(
      this.pool,
      'SELECT * FROM event_attachments WHERE event_id = $1 AND session_id = $2 ORDER BY created_at, id',
      [event, session],
    );
    return rows.map(toAttachment);
  }

  async getAttachment(event: string, session: string, id: string): Promise<AttachmentRecord | null> {
    const row = await this.one<AttachmentRow>(this.pool, 'SELECT * FROM event_attachments WHERE event_id = $1 AND session_id = $2 AND id = $3', [
      event,
      session,
      id,
    ]);
    return row ? toAttachment(row) : null;
  }

  async insertAttachment(a: AttachmentRecord, quota?: number): Promise<boolean> {
    const insert = (db: Queryable) =>
      this.q(
        db,
        `INSERT INTO event_attachments (event_id, session_id, id, name, title, description, extension, family, content_type,
                                        size, path, created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
        [a.event, a.session, a.id, a.name, a.title, a.description, a.extension, a.family, a.contentType, a.size, a.path, a.createdBy, a.createdAt, a.updatedAt],
      );
    if (quota === undefined) {
      await insert(this.pool);
      return true;
    }
    return this.tx(async (c) => {
      await this.lockQuota(c, a.event);
      if ((await this.used(c, a.event)) + a.size > quota) return false;
      await insert(c);
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
    const row = await this.one<AttachmentRow>(
      this.pool,
      `UPDATE event_attachments SET title = COALESCE($1, title), description = COALESCE($2, description), updated_at = $3
       WHERE event_id = $4 AND session_id = $5 AND id = $6 RETURNING *`,
      [patch.title ?? null, patch.description ?? null, now, event, session, id],
    );
    return row ? toAttachment(row) : null;
  }

  async deleteAttachment(event: string, session: string, id: string): Promise<AttachmentRecord | null> {
    // One statement: of two deletes at once, only one gets the record (and removes the file).
    const row = await this.one<AttachmentRow>(
      this.pool,
      'DELETE FROM event_attachments WHERE event_id = $1 AND session_id = $2 AND id = $3 RETURNING *',
      [event, session, id],
    );
    return row ? toAttachment(row) : null;
  }

  /** The pool is shared (rooms, leases, other stores): its owner ends it. */
  async close(): Promise<void> {}
}
