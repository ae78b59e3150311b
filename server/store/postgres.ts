/**
 * The room Store over PostgreSQL, for several servers sharing one database (DATABASE_URL). The
 * same semantics as SqliteStore: a room's latest snapshot, its events kept LOG_KEEP behind that
 * snapshot for resumes, its newest AUDIT_KEEP audit entries, and which rooms are active.
 *
 * An append is one statement (atomic, one round trip), and with a fence it checks, inside it, that
 * the writer still holds the room's lease (`for share`: a takeover waits until the append commits,
 * so the new owner loads everything the old one wrote). No lease, another owner or a lapsed lease:
 * `LeaseLostError`, and nothing is kept.
 *
 * The pool is shared (pg.ts opens it and closes it); `close()` here only stops this store's use.
 */
import type pg from 'pg';
import type { RoomState, SequencedEvent } from '../../src/protocol/types.ts';
import { LeaseLostError } from '../cluster/lease.ts';
import { upgradeEvent } from './legacy.ts';
import { AUDIT_KEEP, isActive, type AuditEntry, type Fence, type Store, type StoredRoom, type StoreNotice } from './store.ts';

/** How many events of a room's log are kept behind its latest snapshot (as SqliteStore). */
export const LOG_KEEP = 2000;

/**
 * The whole append in one statement, so one round trip and atomic without BEGIN/COMMIT.
 *
 * `fence` first: with an owner ($14) and epoch ($15), the lease row must be theirs and live, and
 * it is share-locked until the statement commits (a takeover waits for it); every write below
 * happens only when the fence holds, and the statement says whether it did. Without an owner
 * nothing is checked (one server alone).
 *
 * The parts all see the database as it was before the statement, so the prunes count only older
 * rows: events at or below $7 are neither inserted nor kept, and the audit keeps the newest
 * AUDIT_KEEP - (new entries) older ones ($13; -1 when there are none).
 *
 * The notices ($16 channels, $17 payloads) are sent by the same statement when the fence holds:
 * PostgreSQL delivers them once it commits and drops them if it does not. (A plain select in a
 * WITH runs only when read, hence the count in the result.)
 */
const APPEND = `
with fence as (
  select $14::text is null or exists (
    select 1 from (
      select 1 from room_leases
      where room = $1 and owner = $14::text and epoch = $15::bigint and expires_at > now() for share
    ) as held) as ok
), events_in as (
  insert into room_events (room, seq, event)
  select $1, t.seq, t.event from unnest($2::bigint[], $3::json[]) as t(seq, event)
  where t.seq > $7::bigint and (select ok from fence)
), snapshot_in as (
  insert into room_snapshots (room, seq, state, active, updated_at)
  select $1, $4::bigint, $5::json, $6::boolean, now() where $5::json is not null and (select ok from fence)
  on conflict (room) do update set seq = excluded.seq, state = excluded.state, active = excluded.active,
    updated_at = excluded.updated_at
), events_pruned as (
  delete from room_events where room = $1 and seq <= $7::bigint and (select ok from fence)
), audit_in as (
  insert into room_audit (room, at, action, actor_id, actor_name, detail)
  select $1, t.at, t.action, t.actor_id, t.actor_name, t.detail
  from unnest($8::bigint[], $9::text[], $10::text[], $11::text[], $12::json[]) with ordinality
    as t(at, action, actor_id, actor_name, detail, n)
  where (select ok from fence)
  order by t.n
), audit_pruned as (
  delete from room_audit where $13::int >= 0 and room = $1 and (select ok from fence) and id <= (
    select id from room_audit where room = $1 order by id desc limit 1 offset greatest($13::int, 0))
), notified as (
  select pg_notify(t.channel, t.payload) from unnest($16::text[], $17::text[]) as t(channel, payload)
  where (select ok from fence)
)
select ok, (select count(*) from notified) as notices from fence`;

const LOAD = `
select s.state, coalesce((
  select json_agg(json_build_object('seq', e.seq, 'event', e.event) order by e.seq)
  from room_events e where e.room = s.room and e.seq > s.seq), '[]'::json) as events
from room_snapshots s where s.room = $1`;

const SINCE = `
select (select min(seq) from room_events where room = $1) as first, coalesce((
  select json_agg(json_build_object('seq', seq, 'event', event) order by seq)
  from room_events where room = $1 and seq > $2::bigint), '[]'::json) as events`;

const AUDIT = `select at, action, actor_id, actor_name, detail from room_audit
  where room = $1 order by id desc limit $2`;

interface Stored {
  seq: number;
  event: { type: string };
}

export class PostgresStore implements Store {
  readonly pool: pg.Pool;
  private closed = false;

  constructor(pool: pg.Pool) {
    this.pool = pool;
  }

  async loadRoom(room: string): Promise<StoredRoom | null> {
    this.open();
    const { rows } = await this.pool.query<{ state: RoomState; events: Stored[] }>(LOAD, [room]);
    const row = rows[0];
    if (!row) return null;
    return { snapshot: row.state, events: upgrade(row.events) };
  }

  async append(room: string, events: SequencedEvent[], snapshot: RoomState | null, audit: AuditEntry[] = [], fence?: Fence, notices: StoreNotice[] = []): Promise<void> {
    this.open();
    const pruneTo = snapshot ? snapshot.seq - LOG_KEEP : 0;
    const kept = audit.length > AUDIT_KEEP ? audit.slice(-AUDIT_KEEP) : audit;
    const params = [
      room,
      events.map((e) => e.seq),
      events.map((e) => JSON.stringify(e.event)),
      snapshot?.seq ?? null,
      snapshot ? JSON.stringify(snapshot) : null,
      snapshot ? isActive(snapshot) : null,
      pruneTo,
      kept.map((a) => a.at),
      kept.map((a) => a.action),
      kept.map((a) => a.actor.id),
      kept.map((a) => a.actor.name),
      kept.map((a) => JSON.stringify(a.detail)),
      kept.length ? AUDIT_KEEP - kept.length : -1,
    ];
    const { rows } = await this.pool.query<{ ok: boolean }>(APPEND, [
      ...params,
      fence?.owner ?? null,
      fence?.epoch ?? null,
      notices.map((n) => n.channel),
      notices.map((n) => n.payload),
    ]);
    if (rows[0]?.ok) return;
    if (fence) throw new LeaseLostError(room, fence);
    throw new Error(`room "${room}": the database did not confirm the write`);
  }

  async auditLog(room: string, limit: number): Promise<AuditEntry[]> {
    this.open();
    if (limit <= 0) return [];
    const { rows } = await this.pool.query<{
      at: string;
      action: string;
      actor_id: string;
      actor_name: string;
      detail: Record<string, unknown>;
    }>(AUDIT, [room, limit]);
    return rows.map((r) => ({ at: Number(r.at), action: r.action, actor: { id: r.actor_id, name: r.actor_name }, detail: r.detail }));
  }

  async eventsSince(room: string, since: number): Promise<SequencedEvent[] | null> {
    this.open();
    const { rows } = await this.pool.query<{ first: string | null; events: Stored[] }>(SINCE, [room, since]);
    const first = rows[0]!.first === null ? null : Number(rows[0]!.first);
    if (first === null) return since === 0 ? [] : null;
    if (since + 1 < first) return null;
    return upgrade(rows[0]!.events);
  }

  async activeRooms(): Promise<string[]> {
    this.open();
    const { rows } = await this.pool.query<{ room: string }>('select room from room_snapshots where active');
    return rows.map((r) => r.room);
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private open(): void {
    if (this.closed) throw new Error('the room store is closed');
  }
}

function upgrade(events: Stored[]): SequencedEvent[] {
  return events.map((e) => ({ seq: e.seq, event: upgradeEvent(e.event) }));
}
