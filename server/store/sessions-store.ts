/**
 * Where events, their people, tags, sessions and attachments are kept. The
 * sessions API depends only on this interface; `SqliteSessionsStore` is the
 * default implementation (its own tables in the server's SQLite file).
 *
 * Records hold ids (tags, people); the API resolves them to names. Times are
 * milliseconds since the epoch from the injected clock.
 */
import type { EventRole, FileFamily, SessionType, Visibility } from '../../src/protocol/sessions.ts';

export interface EventRecord {
  id: string;
  name: string;
  timeZone: string;
  createdBy: string;
  createdAt: number;
}

export interface PersonRecord {
  id: string;
  name: string;
  roles: EventRole[];
}

export interface TagRecord {
  id: string;
  name: string;
}

export interface HeaderRecord {
  name: string;
  contentType: string;
  size: number;
  /** File path relative to the data directory. */
  path: string;
  updatedAt: number;
}

export interface SessionRecord {
  event: string;
  id: string;
  type: SessionType;
  title: string;
  description: string;
  tags: string[];
  date: string;
  time: string;
  duration: number;
  speakers: string[];
  moderators: string[];
  aiAssistant: boolean;
  visibility: Visibility;
  header: HeaderRecord | null;
  version: number;
  createdBy: string;
  createdAt: number;
  updatedAt: number;
}

/** The editable part of a session. */
export type SessionPatch = Pick<
  SessionRecord,
  'type' | 'title' | 'description' | 'tags' | 'date' | 'time' | 'duration' | 'speakers' | 'moderators' | 'aiAssistant' | 'visibility'
>;

export interface AttachmentRecord {
  event: string;
  session: string;
  id: string;
  name: string;
  title: string;
  description: string;
  extension: string;
  family: FileFamily;
  contentType: string;
  size: number;
  /** File path relative to the data directory. */
  path: string;
  createdBy: string;
  createdAt: number;
  updatedAt: number;
}

export interface SessionQuery {
  /** Only sessions with one of these visibilities (all when omitted). */
  visibilities?: readonly Visibility[];
  /** Only sessions carrying at least one of these tags. */
  tags?: readonly string[];
}

export interface PeopleQuery {
  role?: EventRole;
  /** Case-insensitive match anywhere in the name. */
  q?: string;
  limit?: number;
}

/**
 * Every method is asynchronous, so a store over a network database (PostgreSQL) fits the same
 * interface. A method that changes several rows does so atomically (one transaction), and a
 * session's version check and raise happen in the same write, so two writers can never both win.
 */
export interface SessionsStore {
  /** Create an event and record its creator with the given roles; false when the id is taken. */
  createEvent(event: EventRecord, creator: { id: string; name: string; roles: EventRole[] }): Promise<boolean>;
  getEvent(id: string): Promise<EventRecord | null>;

  /** Add a person (or more roles to them) and keep their latest name. */
  upsertPerson(event: string, person: { id: string; name: string }, roles: readonly EventRole[]): Promise<void>;
  getPerson(event: string, id: string): Promise<PersonRecord | null>;
  /** People in the order of their names. */
  listPeople(event: string, query?: PeopleQuery): Promise<PersonRecord[]>;
  /** Names of these people, when known (unknown ids are left out). */
  peopleNames(event: string, ids: readonly string[]): Promise<Map<string, string>>;
  roleCounts(event: string): Promise<Record<EventRole, number>>;

  listTags(event: string, q?: string): Promise<TagRecord[]>;
  getTags(event: string, ids: readonly string[]): Promise<TagRecord[]>;
  /** Create a tag, or return the existing one with the same name (any case). */
  ensureTag(event: string, tag: TagRecord): Promise<{ tag: TagRecord; created: boolean }>;

  countSessions(event: string): Promise<number>;
  listSessions(event: string, query?: SessionQuery): Promise<SessionRecord[]>;
  getSession(event: string, id: string): Promise<SessionRecord | null>;
  insertSession(session: SessionRecord): Promise<void>;
  /**
   * Save new fields when the stored version is `expectedVersion`, raising it by one.
   * Returns the saved record, 'conflict' when the version moved on, or null when gone.
   */
  updateSession(event: string, id: string, expectedVersion: number, patch: SessionPatch, now: number): Promise<SessionRecord | 'conflict' | null>;
  /**
   * Replace (or clear) the header image record; returns the previous one. With `quota`, only when
   * the event's files then take at most `quota` bytes (the replaced header no longer counted),
   * checked in the same transaction: 'over-quota' when they would not.
   */
  setHeader(event: string, id: string, header: HeaderRecord | null, quota?: number): Promise<{ previous: HeaderRecord | null } | 'over-quota' | null>;
  /**
   * Delete a session with its tag and people links and attachment records, when
   * the version matches (any version when null). Returns the attachment files
   * and header that belonged to it, 'conflict', or null when gone.
   */
  deleteSession(
    event: string,
    id: string,
    expectedVersion: number | null,
  ): Promise<{ attachments: AttachmentRecord[]; header: HeaderRecord | null } | 'conflict' | null>;

  /** Bytes the event's attachments and header images take (its storage quota counts these). */
  storageUsed(event: string): Promise<number>;

  /** How many attachments each of `sessions` has (sessions with none are 0), in one look. */
  attachmentCounts(event: string, sessions: readonly string[]): Promise<Map<string, number>>;
  listAttachments(event: string, session: string): Promise<AttachmentRecord[]>;
  getAttachment(event: string, session: string, id: string): Promise<AttachmentRecord | null>;
  /**
   * Keep an attachment's record; true when kept. With `quota`, only when the event's files then take
   * at most `quota` bytes, checked in the same transaction as the insert, so uploads finishing at once
   * (on several servers) cannot together pass the quota: false when it would not fit.
   */
  insertAttachment(attachment: AttachmentRecord, quota?: number): Promise<boolean>;
  updateAttachment(
    event: string,
    session: string,
    id: string,
    patch: { title?: string; description?: string },
    now: number,
  ): Promise<AttachmentRecord | null>;
  deleteAttachment(event: string, session: string, id: string): Promise<AttachmentRecord | null>;

  /** Release the database (a borrowed one is left open for its owner). */
  close(): Promise<void>;
}

/**
 * The store (or the disk under it) cannot do its work: full, read-only, unreadable
 * or locked. The API refuses the request with 503 `storage-unavailable`; the
 * process stays up and serves whatever still works.
 */
export class StorageUnavailableError extends Error {
  readonly code = 'storage-unavailable';
  constructor(cause: unknown) {
    super(`Storage failed: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = 'StorageUnavailableError';
  }
}

/** SQLite result codes (the primary code, the low byte) that mean the disk or file, not the query. */
const SQLITE_STORAGE_CODES = new Set([3, 5, 6, 7, 8, 10, 11, 13, 14, 26]); // PERM BUSY LOCKED NOMEM READONLY IOERR CORRUPT FULL CANTOPEN NOTADB
/** File-system errors that mean the disk, not the request. */
const FS_STORAGE_CODES = new Set(['ENOSPC', 'EDQUOT', 'EROFS', 'EIO', 'EACCES', 'EPERM', 'EMFILE', 'ENFILE', 'EBUSY']);

/** Is this error a storage fault (disk full, read-only, I/O error) rather than a bug? */
export function isStorageFault(err: unknown): boolean {
  if (err instanceof StorageUnavailableError) return true;
  const e = err as { code?: unknown; errcode?: unknown; errno?: unknown } | null;
  if (!e || typeof e !== 'object') return false;
  if (typeof e.code === 'string' && FS_STORAGE_CODES.has(e.code)) return true;
  if (e.code === 'ERR_SQLITE_ERROR' && typeof e.errcode === 'number') return SQLITE_STORAGE_CODES.has(e.errcode & 0xff);
  return false;
}

const asStorageError = (err: unknown): unknown =>
  isStorageFault(err) && !(err instanceof StorageUnavailableError) ? new StorageUnavailableError(err) : err;

/**
 * The same store, with its storage faults (thrown, or a rejected promise) turned into
 * `StorageUnavailableError`s, which the API answers with 503; any other error passes unchanged.
 */
export function guardStore(store: SessionsStore): SessionsStore {
  return new Proxy(store, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        let out: unknown;
        try {
          out = value.apply(target, args);
        } catch (err) {
          throw asStorageError(err);
        }
        return out instanceof Promise ? out.catch((err: unknown) => Promise.reject(asStorageError(err))) : out;
      };
    },
  });
}
