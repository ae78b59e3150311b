/**
 * What PostgresStore adds to the Store cases (conformance.test.ts): the fence. A write is kept only
 * while its writer holds the room's lease, checked inside the write's transaction; a takeover waits
 * for a write in flight, so the new owner loads it. Also: logs written by older servers replay, and
 * a database that goes away refuses writes without taking the process down, then works again.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RoomEvent, RoomState, SequencedEvent } from '../../src/protocol/types.ts';
import { initialState } from '../../src/protocol/room.ts';
import { startPostgres, type PostgresLab } from '../../test/support/postgres-lab.ts';
import pg from 'pg';
import { LeaseLostError } from '../cluster/lease.ts';
import { openPostgres, type Postgres } from './pg.ts';
import { PostgresStore } from './postgres.ts';
import type { AuditEntry } from './store.ts';

let lab: PostgresLab;
let db: Postgres;
let store: PostgresStore;
before(async () => {
  lab = await startPostgres();
  db = await openPostgres(lab.url, { log: () => {} });
  store = new PostgresStore(db.pool);
});
after(async () => {
  await db?.close();
  await lab?.stop();
});

const chat = (id: number, text = `message ${id}`): RoomEvent => ({ type: 'chat', message: { id, from: 'u1', name: 'Ann', text, at: 1000 + id } });
const ev = (seq: number, text?: string): SequencedEvent => ({ seq, event: chat(seq, text) });
const state = (room: string, seq: number): RoomState => ({ ...initialState(room, 60_000), seq });
const entry: AuditEntry = { at: 5, action: 'end', actor: { id: 'h', name: 'Hana' }, detail: {} };

/** Sets the room's lease row directly (the lease code has its own tests). */
async function lease(room: string, owner: string, epoch: number, seconds: number): Promise<void> {
  await db.pool.query(
    `insert into room_leases (room, owner, epoch, expires_at) values ($1, $2, $3, now() + make_interval(secs => $4))
     on conflict (room) do update set owner = excluded.owner, epoch = excluded.epoch, expires_at = excluded.expires_at`,
    [room, owner, epoch, seconds],
  );
}

async function until(what: string, check: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('PostgresStore: fenced appends', () => {
  it('the lease holder writes; after another server took the room, the old owner is refused and writes nothing', async () => {
    await lease('f1', 'server-a', 1, 30);
    await store.append('f1', [ev(1)], state('f1', 1), [entry], { owner: 'server-a', epoch: 1 });
    // Server B takes the room over (the lease code does this when A's lease lapsed).
    await lease('f1', 'server-b', 2, 30);
    const refused = store.append('f1', [ev(2)], state('f1', 2), [entry], { owner: 'server-a', epoch: 1 });
    await assert.rejects(refused, (err: unknown) => {
      assert.ok(err instanceof LeaseLostError);
      assert.deepEqual([err.room, err.owner, err.epoch], ['f1', 'server-a', 1]);
      return true;
    });
    assert.deepEqual(await store.eventsSince('f1', 0), [ev(1)], 'no event kept');
    assert.equal((await store.loadRoom('f1'))!.snapshot.seq, 1, 'no snapshot kept');
    assert.equal((await store.auditLog('f1', 10)).length, 1, 'no audit kept');
    // The same server with the new epoch is refused too: the epoch, not the name, is the fence.
    await assert.rejects(store.append('f1', [ev(2)], null, [], { owner: 'server-b', epoch: 1 }), LeaseLostError);
    await store.append('f1', [ev(2)], null, [], { owner: 'server-b', epoch: 2 });
    assert.deepEqual(await store.eventsSince('f1', 0), [ev(1), ev(2)]);
  });

  it('a lapsed lease or none at all fences too; an unfenced append (one server) is not checked', async () => {
    await lease('f2', 'server-a', 4, -1);
    await assert.rejects(store.append('f2', [ev(1)], state('f2', 1), [], { owner: 'server-a', epoch: 4 }), LeaseLostError);
    await assert.rejects(store.append('f3', [ev(1)], state('f3', 1), [], { owner: 'server-a', epoch: 1 }), LeaseLostError);
    assert.equal(await store.loadRoom('f2'), null);
    assert.equal(await store.loadRoom('f3'), null);
    await store.append('f3', [ev(1)], state('f3', 1));
    assert.deepEqual(await store.eventsSince('f3', 0), [ev(1)]);
  });

  it('notices go out with a write that is kept, and never with one the fence refused', async () => {
    const listener = new pg.Client({ connectionString: lab.url });
    await listener.connect();
    try {
      const heard: string[] = [];
      listener.on('notification', (n) => heard.push(n.payload ?? ''));
      await listener.query('listen kr_test');
      const notice = (payload: string) => [{ channel: 'kr_test', payload }];
      await lease('f5', 'server-a', 1, 30);
      await store.append('f5', [ev(1)], state('f5', 1), [], { owner: 'server-a', epoch: 1 }, notice('kept'));
      await lease('f5', 'server-b', 2, 30);
      await assert.rejects(store.append('f5', [ev(2)], null, [], { owner: 'server-a', epoch: 1 }, notice('refused')), LeaseLostError);
      await store.append('f5', [ev(2)], null, [], { owner: 'server-b', epoch: 2 }, [...notice('one'), ...notice('two')]);
      await store.append('f6', [ev(1)], state('f6', 1), [], undefined, notice('unfenced'));
      await until('the notices of the kept writes', async () => heard.length >= 4);
      await new Promise((r) => setTimeout(r, 200));
      assert.deepEqual(heard, ['kept', 'one', 'two', 'unfenced']);
    } finally {
      await listener.end();
    }
  });

  it('a takeover waits for the old owner\'s write in flight, so the new owner loads it', async () => {
    await lease('f4', 'server-a', 1, 30);
    await store.append('f4', [ev(1)], state('f4', 1), [], { owner: 'server-a', epoch: 1 });
    // Hold the next write inside its transaction, after the fence was checked, until the test lets go.
    const gate = await db.pool.connect();
    await gate.query('select pg_advisory_lock(4242)');
    await db.pool.query(`create function kr_slow() returns trigger language plpgsql as $$
      begin if new.event->'message'->>'text' = 'slow' then perform pg_advisory_xact_lock_shared(4242); end if; return new; end $$`);
    await db.pool.query('create trigger kr_slow before insert on room_events for each row execute function kr_slow()');
    try {
      let written = false;
      const write = store.append('f4', [ev(2, 'slow')], null, [], { owner: 'server-a', epoch: 1 }).then(() => (written = true));
      await until('the write to be inside its transaction', async () => {
        const r = await db.pool.query("select 1 from pg_stat_activity where wait_event = 'advisory'");
        return r.rowCount === 1;
      });
      // The lease lapses and server B takes the room: it must wait for A's transaction.
      let tookOver = false;
      const takeover = db.pool
        .query(`update room_leases set owner = 'server-b', epoch = epoch + 1, expires_at = now() + interval '30 s' where room = 'f4'`)
        .then(() => (tookOver = true));
      await until('the takeover to wait for the lock the write holds', async () => {
        const r = await db.pool.query("select 1 from pg_stat_activity where wait_event_type = 'Lock' and query like 'update room_leases%'");
        return r.rowCount === 1 || tookOver;
      });
      assert.equal(tookOver, false, 'the takeover waits');
      assert.equal(written, false, 'while the write is still in its transaction');
      await gate.query('select pg_advisory_unlock(4242)');
      await Promise.all([write, takeover]);
      assert.deepEqual((await store.loadRoom('f4'))!.events, [ev(2, 'slow')], 'the new owner sees the acknowledged write');
      await assert.rejects(store.append('f4', [ev(3)], null, [], { owner: 'server-a', epoch: 1 }), LeaseLostError);
    } finally {
      gate.release(true); // ends its session: the gate opens whatever happened above
      await db.pool.query('drop trigger kr_slow on room_events; drop function kr_slow()');
    }
  });
});

describe('PostgresStore: logs written by older servers', () => {
  it('replays events under their current names', async () => {
    await store.append('old', [], state('old', 0));
    await db.pool.query(`insert into room_events (room, seq, event) values ('old', 1, '{"type":"session-ended","reason":"ended-by-host","by":"h","at":1}')`);
    const loaded = await store.loadRoom('old');
    assert.equal(loaded!.events[0]!.event.type, 'meeting-ended');
    assert.equal((await store.eventsSince('old', 0))![0]!.event.type, 'meeting-ended');
  });
});

describe('PostgresStore: the database goes away', () => {
  it('writes and reads are refused while it is down, the process lives, and it works again once it is back', async () => {
    const own = await startPostgres();
    const lines: string[] = [];
    const pg = await openPostgres(own.url, { connectTimeoutMs: 2000, log: (l) => lines.push(l) });
    const s = new PostgresStore(pg.pool);
    try {
      await s.append('d', [ev(1)], state('d', 1));
      await own.down();
      await assert.rejects(s.append('d', [ev(2)], state('d', 2)));
      await assert.rejects(s.loadRoom('d'));
      await assert.rejects(s.eventsSince('d', 0));
      await own.up();
      await until('the database to answer again', async () => {
        try {
          await s.append('d', [ev(2)], state('d', 2));
          return true;
        } catch {
          return false;
        }
      });
      assert.deepEqual(await s.eventsSince('d', 0), [ev(1), ev(2)], 'nothing lost, nothing half kept');
      assert.ok(lines.some((l) => /PostgreSQL connection lost/.test(l)), 'the operator was told');
    } finally {
      await pg.close();
      await own.stop();
    }
  });

  it('a closed store refuses', async () => {
    const s = new PostgresStore(db.pool);
    await s.close();
    await assert.rejects(s.loadRoom('x'), /closed/);
  });
});
