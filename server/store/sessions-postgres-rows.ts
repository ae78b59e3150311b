/**
 * The PostgreSQL sessions store's rows and the records made of them, the SELECTs that read a session
 * or a person whole, what it sends for text PostgreSQL cannot hold, and which errors mean the
 * database failing. The tables themselves are made by the migrations (`migrations.ts`).
 */
import { StorageUnavailableError, type HeaderRecord, type SessionRecord } from './sessions-store.ts';

export interface SessionRow {
  event_id: string;
  id: string;
  type: string;
  title: string;
  description: string;
  date: string;
  time: string;
  duration: number;
  ai_assistant: boolean;
  visibility: string;
  header_name: string | null;
  header_content_type: string | null;
  header_size: string | null;
  header_path: string | null;
  header_updated_at: string | null;
  version: string;
  created_by: string;
  created_at: string;
  updated_at: string;
  tags: string[];
  speakers: string[];
  moderators: string[];
}

/** A session's row with its tags and people in their order, read in one statement. */
export const SESSION = `
  SELECT s.*,
    ARRAY(SELECT t.tag_id FROM event_session_tags t WHERE t.event_id = s.event_id AND t.session_id = s.id ORDER BY t.position) AS tags,
    ARRAY(SELECT p.person_id FROM event_session_people p
          WHERE p.event_id = s.event_id AND p.session_id = s.id AND p.role = 'speaker' ORDER BY p.position) AS speakers,
    ARRAY(SELECT p.person_id FROM event_session_people p
          WHERE p.event_id = s.event_id AND p.session_id = s.id AND p.role = 'moderator' ORDER BY p.position) AS moderators
  FROM event_sessions s`;

/** A person with their roles. */
export const PERSON = `
  SELECT p.person_id AS id, p.name AS name,
    ARRAY(SELECT r.role FROM event_person_roles r WHERE r.event_id = p.event_id AND r.person_id = p.person_id) AS roles
  FROM event_people p`;

/** SQLSTATE classes that mean the database cannot do the work now, not that the request or code is wrong. */
const FAULT_CLASSES = new Set(['08', '25', '28', '3D', '40', '53', '55', '57', '58', 'F0', 'XX']);
/** Network errors of the connection to the database. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOENT']);

/**
 * Is this error the database failing (rather than a bug)? Errors the pg client raises itself (the
 * connection ended, the pool is closed, no connection came in time) carry no SQLSTATE: faults too.
 */
export function isPostgresFault(err: unknown): boolean {
  if (err instanceof StorageUnavailableError) return true;
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code !== 'string') return true;
  if (NETWORK_CODES.has(code)) return true;
  return /^[0-9A-Z]{5}$/.test(code) && FAULT_CLASSES.has(code.slice(0, 2));
}

export const fault = (err: unknown): unknown => (isPostgresFault(err) && !(err instanceof StorageUnavailableError) ? new StorageUnavailableError(err) : err);

/** A serialization failure or deadlock: the transaction was rolled back and may simply run again. */
export const retryable = (err: unknown) => ['40001', '40P01'].includes((err as { code?: string })?.code ?? '');

/** PostgreSQL's text has no U+0000: keep it as U+FFFD, in values and in lookups alike. */
export const noNul = (s: string) => (s.includes('\0') ? s.replaceAll('\0', '\uFFFD') : s);
export const param = (v: unknown): unknown => (typeof v === 'string' ? noNul(v) : Array.isArray(v) ? v.map(param) : v);

export const num = (v: string | number | null) => Number(v ?? 0);

export function toHeader(r: SessionRow): HeaderRecord | null {
  if (r.header_path === null) return null;
  return {
    name: r.header_name ?? '',
    contentType: r.header_content_type ?? '',
    size: num(r.header_size),
    path: r.header_path,
    updatedAt: num(r.header_updated_at),
  };
}

export function toSession(r: SessionRow): SessionRecord {
  return {
    event: r.event_id,
    id: r.id,
    type: r.type as SessionRecord['type'],
    title: r.title,
    description: r.description,
    tags: r.tags,
    date: r.date,
    time: r.time,
    duration: num(r.duration),
    speakers: r.speakers,
    moderators: r.moderators,
    aiAssistant: r.ai_assistant,
    visibility: r.visibility as SessionRecord['visibility'],
    header: toHeader(r),
    version: num(r.version),
    createdBy: r.created_by,
    createdAt: num(r.created_at),
    updatedAt: num(r.updated_at),
  };
}
