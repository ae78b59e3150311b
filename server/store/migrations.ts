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
];
