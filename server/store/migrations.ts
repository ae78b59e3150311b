/**
 * The PostgreSQL schema, as one ordered list of migrations. `openPostgres` (pg.ts) applies the ones
 * a database lacks at start, each in its own transaction, and records them in `schema_migrations`.
 *
 * To change the schema, APPEND a migration with the next id; never edit or reorder one that has
 * shipped (databases in the field have run it already).
 *
 * Room state and events are `json`, not `jsonb`: `json` keeps the text as written, so a room rebuilt
 * on another server has its maps (participants, breakout moves, …) in the same order as the server
 * that wrote them and as every browser's mirror; `jsonb` would re-sort their keys.
 */

export interface Migration {
  /** 1, 2, 3, … in order, never reused. */
  id: number;
  /** What it does, in a few words (kept in `schema_migrations`). */
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    id: 1,
    name: 'rooms: snapshots, events, audit',
    sql: `
      create table room_snapshots (
        room text primary key,
        seq bigint not null,
        state json not null,
        active boolean not null,
        updated_at timestamptz not null default now()
      );
      create index room_snapshots_active on room_snapshots (room) where active;
      create table room_events (
        room text not null,
        seq bigint not null,
        event json not null,
        primary key (room, seq)
      );
      create table room_audit (
        id bigint generated always as identity primary key,
        room text not null,
        at bigint not null,
        action text not null,
        actor_id text not null,
        actor_name text not null,
        detail json not null
      );
      create index room_audit_by_room on room_audit (room, id);
    `,
  },
  {
    id: 2,
    name: 'cluster: room leases and room status',
    sql: `
      create table room_leases (
        room text primary key,
        owner text not null,
        epoch bigint not null,
        expires_at timestamptz not null
      );
      create index room_leases_by_owner on room_leases (owner);
      create table room_status (
        room text primary key,
        live boolean not null,
        updated_at timestamptz not null default now()
      );
    `,
  },
  {
    id: 3,
    name: 'sessions: events, people, tags, sessions, attachments',
    // Keys, names and the fields lists are sorted by are "C" (by code point, as SQLite's BINARY),
    // so every list comes in the same order as on SQLite whatever the database's locale.
    sql: `
      create table events (
        id text collate "C" primary key,
        name text not null,
        time_zone text not null,
        created_by text not null,
        created_at bigint not null
      );
      create table event_people (
        event_id text collate "C" not null,
        person_id text collate "C" not null,
        name text not null,
        name_key text collate "C" not null,
        primary key (event_id, person_id)
      );
      create index event_people_by_name on event_people (event_id, name_key, person_id);
      create table event_person_roles (
        event_id text collate "C" not null,
        role text collate "C" not null,
        person_id text collate "C" not null,
        primary key (event_id, role, person_id)
      );
      create index event_person_roles_by_person on event_person_roles (event_id, person_id);
      create table event_tags (
        event_id text collate "C" not null,
        id text collate "C" not null,
        name text not null,
        name_key text collate "C" not null,
        primary key (event_id, id),
        unique (event_id, name_key)
      );
      create table event_sessions (
        event_id text collate "C" not null,
        id text collate "C" not null,
        type text not null,
        title text collate "C" not null,
        description text not null,
        date text collate "C" not null,
        time text collate "C" not null,
        duration integer not null,
        ai_assistant boolean not null,
        visibility text not null,
        header_name text,
        header_content_type text,
        header_size bigint,
        header_path text,
        header_updated_at bigint,
        version bigint not null,
        created_by text not null,
        created_at bigint not null,
        updated_at bigint not null,
        primary key (event_id, id),
        check ((header_path is null) = (header_name is null) and (header_path is null) = (header_content_type is null)
               and (header_path is null) = (header_size is null) and (header_path is null) = (header_updated_at is null))
      );
      create table event_session_tags (
        event_id text collate "C" not null,
        session_id text collate "C" not null,
        tag_id text collate "C" not null,
        position integer not null,
        primary key (event_id, session_id, tag_id)
      );
      create index event_session_tags_by_tag on event_session_tags (event_id, tag_id);
      create table event_session_people (
        event_id text collate "C" not null,
        session_id text collate "C" not null,
        role text collate "C" not null,
        person_id text collate "C" not null,
        position integer not null,
        primary key (event_id, session_id, role, person_id)
      );
      create table event_attachments (
        event_id text collate "C" not null,
        session_id text collate "C" not null,
        id text collate "C" not null,
        name text not null,
        title text not null,
        description text not null,
        extension text not null,
        family text not null,
        content_type text not null,
        size bigint not null,
        path text not null,
        created_by text not null,
        created_at bigint not null,
        updated_at bigint not null,
        primary key (event_id, session_id, id)
      );
    `,
  },
];
