/**
 * The SQLite tables of the sessions store (all prefixed `event`), the rows they hold, and the
 * conversions from rows to the store's records.
 */
import { EVENT_ROLES, type EventRole } from '../../src/protocol/sessions.ts';
import type { AttachmentRecord, TagRecord } from './sessions-store.ts';

export const SCHEMA = `
  CREATE TABLE IF NOT EXISTS events (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE IF NOT EXISTS event_people (
    event_id TEXT NOT NULL,
    person_id TEXT NOT NULL,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    PRIMARY KEY (event_id, person_id)
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS event_person_roles (
    event_id TEXT NOT NULL,
    role TEXT NOT NULL,
    person_id TEXT NOT NULL,
    PRIMARY KEY (event_id, role, person_id)
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS event_tags (
    event_id TEXT NOT NULL,
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    PRIMARY KEY (event_id, id),
    UNIQUE (event_id, name_key)
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS event_sessions (
    event_id TEXT NOT NULL,
    id TEXT NOT NULL,
    type TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    date TEXT NOT NULL,
    time TEXT NOT NULL,
    duration INTEGER NOT NULL,
    ai_assistant INTEGER NOT NULL,
    visibility TEXT NOT NULL,
    header TEXT,
    version INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (event_id, id)
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS event_session_tags (
    event_id TEXT NOT NULL,
    session_id TEXT NOT NULL,
    tag_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (event_id, session_id, tag_id)
  ) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS event_session_tags_by_tag ON event_session_tags (event_id, tag_id);
  CREATE TABLE IF NOT EXISTS event_session_people (
    event_id TEXT NOT NULL,
    session_id TEXT NOT NULL,
    role TEXT NOT NULL,
    person_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (event_id, session_id, role, person_id)
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS event_attachments (
    event_id TEXT NOT NULL,
    session_id TEXT NOT NULL,
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    extension TEXT NOT NULL,
    family TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    path TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (event_id, session_id, id)
  ) WITHOUT ROWID;
`;

export interface SessionRow {
  event_id: string;
  id: string;
  type: string;
  title: string;
  description: string;
  date: string;
  time: string;
  duration: number;
  ai_assistant: number;
  visibility: string;
  header: string | null;
  version: number;
  created_by: string;
  created_at: number;
  updated_at: number;
}

export interface AttachmentRow {
  event_id: string;
  session_id: string;
  id: string;
  name: string;
  title: string;
  description: string;
  extension: string;
  family: string;
  content_type: string;
  size: number;
  path: string;
  created_by: string;
  created_at: number;
  updated_at: number;
}

/** Lower-cased key for case-insensitive matching and ordering of names. */
export const nameKey = (s: string) => s.toLocaleLowerCase('en');
/** A LIKE pattern matching `q` anywhere, with its wildcards escaped. */
export const likeAnywhere = (q: string) => `%${nameKey(q).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export function sortRoles(roles: EventRole[]): EventRole[] {
  return EVENT_ROLES.filter((r) => roles.includes(r));
}

export function plainTag(t: TagRecord): TagRecord {
  return { id: t.id, name: t.name };
}

export function toAttachment(r: AttachmentRow): AttachmentRecord {
  return {
    event: r.event_id,
    session: r.session_id,
    id: r.id,
    name: r.name,
    title: r.title,
    description: r.description,
    extension: r.extension,
    family: r.family as AttachmentRecord['family'],
    contentType: r.content_type,
    size: Number(r.size),
    path: r.path,
    createdBy: r.created_by,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}
