/**
 * Room leases on a real PostgreSQL: exactly one of two servers racing for a room wins it; a lapsed
 * lease is taken over with the next epoch and the deposed owner can neither renew nor write; a
 * released room is taken at once; renewal of many rooms is one statement; and the takeover time
 * after an owner stops renewing, measured with the 3 s lease the tests use. Plus LocalLeases and
 * the LeaseKeeper's renewal loop (on a fake clock).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RoomState } from '../../src/protocol/types.ts';
import { initialState } from '../../src/protocol/room.ts';
import { startPostgres, type PostgresLab } from '../../test/support/postgres-lab.ts';
import { openPostgres, type Postgres } from '../store/pg.ts';
import { PostgresStore } from '../store/postgres.ts';
import { FakeClock } from '../testing/fakes.ts';
import { LeaseKeeper, leaseTtlMs, LeaseLostError, LocalLeases, PostgresLeases, type Acquired, type RoomLeases } from './lease.ts';

let lab: PostgresLab;
let db: Postgres;
before(async () => {
  lab = await startPostgres();
  db = await openPostgres(lab.url, { log: () => {} });
});
after(async () => {
  await db?.close();
  await lab?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function epochOf(a: Acquired): number {
  assert.ok('epoch' in a, `expected the room, got ${JSON.stringify(a)}`);
  return a.epoch;
}

/** Tries until the room is ours, waiting as long as each refusal says (at most `ms` in all). */
async function takeWhenFree(leases: RoomLeases, room: string, ms = 20_000): Promise<{ epoch: number; tries: number }> {
  const deadline = Date.now() + ms;
  for (let tries = 1; ; tries++) {
    const a = await leases.acquire(room);
    if ('epoch' in a) return { epoch: a.epoch, tries };
    if (Date.now() > deadline) throw new Error(`room ${room} still held by ${a.heldBy}`);
    await sleep(Math.min(Math.max(a.retryAfterMs, 5), 1000));
  }
}

async function lapsed(room: string): Promise<boolean> {
  const r = await db.pool.query('select expires_at <= now() as lapsed from room_leases where room = $1', [room]);
  return r.rows[0]?.lapsed === true;
}

describe('PostgresLeases', () => {
  it('two servers racing for the same rooms: exactly one wins each, the other is told who and for how long', async () => {
    const a = new PostgresLeases(db.pool, 'server-a', 3000);
    const b = new PostgresLeases(db.pool, 'server-b', 3000);
    for (let i = 0; i < 20; i++) {
      const room = `race-${i}`;
      const [ra, rb] = await Promise.all([a.acquire(room), b.acquire(room)]);
      const winners = [ra, rb].filter((r) => 'epoch' in r);
      assert.equal(winners.length, 1, `${room}: ${JSON.stringify([ra, rb])}`);
      assert.deepEqual(winners[0], { epoch: 1 });
      const loser = ('epoch' in ra ? rb : ra) as { heldBy: string; retryAfterMs: number };
      assert.equal(loser.heldBy, 'epoch' in ra ? 'server-a' : 'server-b');
      // The loser's now() is its statement's start, which may come before the winner's (it then
      // waited for the winner's row): the hint may exceed the ttl by that wait.
      assert.ok(loser.retryAfterMs > 0 && loser.retryAfterMs <= 4000, `retryAfterMs ${loser.retryAfterMs}`);
    }
  });

  it('a lapsed lease is taken over with the next epoch; the deposed owner can neither renew nor write', async () => {
    const a = new PostgresLeases(db.pool, 'server-a', 300);
    const b = new PostgresLeases(db.pool, 'server-b', 3000);
    const store = new PostgresStore(db.pool);
    const state = (seq: number): RoomState => ({ ...initialState('lapse', 60_000), seq });
    const first = epochOf(await a.acquire('lapse'));
    await store.append('lapse', [{ seq: 1, event: { type: 'host-away-cancelled' } }], state(1), [], { owner: 'server-a', epoch: first });
    const { epoch } = await takeWhenFree(b, 'lapse');
    assert.equal(epoch, first + 1);
    assert.equal(await a.renew('lapse', first), false);
    assert.deepEqual(await a.renewAll(new Map([['lapse', first]])), ['lapse']);
    await assert.rejects(
      store.append('lapse', [{ seq: 2, event: { type: 'host-away-cancelled' } }], state(2), [], { owner: 'server-a', epoch: first }),
      LeaseLostError,
    );
    await store.append('lapse', [{ seq: 2, event: { type: 'host-away-cancelled' } }], state(2), [], { owner: 'server-b', epoch });
    assert.equal(await b.renew('lapse', epoch), true);
    const held = await a.acquire('lapse');
    assert.equal('heldBy' in held && held.heldBy, 'server-b');
  });

  it('release lets another server take the room at once; a release with an old epoch releases nothing', async () => {
    const a = new PostgresLeases(db.pool, 'server-a', 60_000);
    const b = new PostgresLeases(db.pool, 'server-b', 60_000);
    const e1 = epochOf(await a.acquire('rel'));
    const e2 = epochOf(await a.acquire('rel'));
    assert.equal(e2, e1 + 1, 'acquiring a room already ours gives a new epoch');
    await a.release('rel', e1);
    assert.ok('heldBy' in (await b.acquire('rel')), 'the stale release changed nothing');
    await a.release('rel', e2);
    assert.deepEqual(await b.acquire('rel'), { epoch: e2 + 1 });
  });

  it('renewAll extends every room still ours in one statement and names the ones taken', async () => {
    const a = new PostgresLeases(db.pool, 'server-a', 60_000);
    const b = new PostgresLeases(db.pool, 'server-b', 60_000);
    const held = new Map<string, number>();
    for (const room of ['all-1', 'all-2', 'all-3']) held.set(room, epochOf(await a.acquire(room)));
    await a.release('all-2', held.get('all-2')!);
    epochOf(await b.acquire('all-2'));
    await db.pool.query(`update room_leases set expires_at = now() + interval '1 s' where room in ('all-1', 'all-3')`);
    assert.deepEqual(await a.renewAll(held), ['all-2']);
    const { rows } = await db.pool.query(
      `select room, extract(epoch from expires_at - now()) > 50 as extended from room_leases where room like 'all-%' order by room`,
    );
    assert.deepEqual(rows, [
      { room: 'all-1', extended: true },
      { room: 'all-2', extended: true },
      { room: 'all-3', extended: true },
    ]);
    assert.deepEqual(await a.renewAll(new Map()), []);
  });

  it('a lease of ours that lapsed but nobody took is renewed (nobody else wrote since)', async () => {
    const a = new PostgresLeases(db.pool, 'server-a', 200);
    const epoch = epochOf(await a.acquire('late'));
    const deadline = Date.now() + 20_000;
    while (!(await lapsed('late'))) {
      assert.ok(Date.now() < deadline, 'the lease never lapsed');
      await sleep(50);
    }
    assert.equal(await a.renew('late', epoch), true);
    assert.equal(await lapsed('late'), false);
  });

  it('checks its settings', () => {
    assert.throws(() => new PostgresLeases(db.pool, '', 3000), /server id/);
    assert.throws(() => new PostgresLeases(db.pool, 's', 10), /at least 100 ms/);
    assert.equal(leaseTtlMs({}), 5000);
    assert.equal(leaseTtlMs({ LEASE_SECONDS: '3' }), 3000);
    assert.equal(leaseTtlMs({ LEASE_SECONDS: '1.5' }), 1500);
    assert.throws(() => leaseTtlMs({ LEASE_SECONDS: '0' }), /LEASE_SECONDS must be a number of seconds from 1 to 300; got "0"/);
  });

  it('takeover time with a 3 s lease after its owner stops renewing (renewing every 1 s before that)', async () => {
    const ttl = 3000;
    const a = new PostgresLeases(db.pool, 'server-a', ttl);
    const b = new PostgresLeases(db.pool, 'server-b', ttl);
    const figures: number[] = [];
    for (let run = 0; run < 2; run++) {
      const room = `takeover-${run}`;
      const epoch = epochOf(await a.acquire(room));
      for (let i = 0; i < 2; i++) {
        await sleep(ttl / 3);
        assert.equal(await a.renew(room, epoch), true);
      }
      const stopped = Date.now(); // the owner's last renewal: from here it is silent
      const early = await b.acquire(room);
      assert.ok('heldBy' in early && early.retryAfterMs > ttl - 500, 'not before the lease lapses');
      const { epoch: taken, tries } = await takeWhenFree(b, room);
      const ms = Date.now() - stopped;
      assert.equal(taken, epoch + 1);
      assert.ok(ms >= ttl - 300, `taken ${ms} ms after the last renewal`);
      assert.ok(ms < ttl + 5_000, `taken ${ms} ms after the last renewal`);
      console.log(`takeover ${ms} ms after the owner's last renewal (ttl ${ttl} ms, ${tries} tries)`);
      figures.push(ms);
    }
  });
});

describe('LocalLeases', () => {
  it('always grants, with epochs counting up per room', async () => {
    const l = new LocalLeases();
    assert.deepEqual(await l.acquire('r'), { epoch: 1 });
    assert.deepEqual(await l.acquire('r'), { epoch: 2 });
    assert.deepEqual(await l.acquire('s'), { epoch: 1 });
    assert.equal(await l.renew(), true);
    assert.deepEqual(await l.renewAll(), []);
    await l.release();
    assert.deepEqual(await l.acquire('r'), { epoch: 3 });
  });
});

describe('LeaseKeeper', () => {
  /** Leases whose renewals the test decides. */
  class Scripted implements RoomLeases {
    readonly serverId = 'me';
    readonly ttlMs = 3000;
    calls: Map<string, number>[] = [];
    lose = new Set<string>();
    fail = false;
    async acquire(): Promise<Acquired> {
      return { epoch: 1 };
    }
    async renew(): Promise<boolean> {
      return true;
    }
    async renewAll(held: ReadonlyMap<string, number>): Promise<string[]> {
      this.calls.push(new Map(held));
      if (this.fail) throw new Error('connect ECONNREFUSED');
      return [...held.keys()].filter((r) => this.lose.has(r));
    }
    async release(): Promise<void> {}
  }

  const flush = () => new Promise((r) => setImmediate(r));

  it('renews every room held every ttl/3 in one call, reports a room taken by another once, and gives the fence', async () => {
    const clock = new FakeClock();
    const leases = new Scripted();
    const lost: string[] = [];
    const keeper = new LeaseKeeper({ leases, clock, onLost: (room, why) => lost.push(`${room}:${why}`), log: () => {} });
    keeper.hold('a', 4);
    keeper.hold('b', 7);
    assert.deepEqual(keeper.fence('a'), { owner: 'me', epoch: 4 });
    assert.equal(keeper.fence('zz'), null);
    keeper.start();
    clock.advance(999);
    await flush();
    assert.equal(leases.calls.length, 0);
    clock.advance(1);
    await flush();
    assert.deepEqual(leases.calls, [new Map([['a', 4], ['b', 7]])]);
    leases.lose.add('b');
    clock.advance(1000);
    await flush();
    assert.deepEqual(lost, ['b:taken']);
    assert.deepEqual(keeper.rooms, ['a']);
    clock.advance(1000);
    await flush();
    assert.deepEqual(leases.calls.at(-1), new Map([['a', 4]]));
    assert.deepEqual(lost, ['b:taken'], 'reported once');
    keeper.stop();
    assert.equal(clock.pending, 0);
  });

  it('while renewals fail, keeps trying; after a whole ttl without one, reports its rooms as unconfirmed', async () => {
    const clock = new FakeClock();
    const leases = new Scripted();
    const lost: string[] = [];
    const lines: string[] = [];
    const keeper = new LeaseKeeper({ leases, clock, onLost: (room, why) => lost.push(`${room}:${why}`), log: (l) => lines.push(l) });
    keeper.hold('a', 1);
    keeper.start();
    leases.fail = true;
    for (let i = 0; i < 2; i++) {
      clock.advance(1000);
      await flush();
    }
    assert.deepEqual(lost, []);
    assert.match(lines[0]!, /cannot renew room leases \(connect ECONNREFUSED\); trying again in 1000 ms/);
    clock.advance(1000);
    await flush();
    assert.deepEqual(lost, ['a:unconfirmed']);
    assert.deepEqual(keeper.rooms, []);
    keeper.stop();
  });

  it('a room dropped or acquired again during a round is left alone', async () => {
    const clock = new FakeClock();
    let release!: (lost: string[]) => void;
    const leases = new Scripted();
    leases.renewAll = (held) => {
      leases.calls.push(new Map(held));
      return new Promise<string[]>((r) => (release = r));
    };
    const lost: string[] = [];
    const keeper = new LeaseKeeper({ leases, clock, onLost: (room) => lost.push(room), log: () => {} });
    keeper.hold('a', 1);
    keeper.hold('b', 1);
    const round = keeper.renewNow();
    assert.equal(keeper.renewNow(), round, 'rounds never overlap');
    keeper.hold('a', 2); // loaded again meanwhile, with a new lease
    keeper.drop('b');
    release(['a', 'b']);
    await round;
    assert.deepEqual(lost, []);
    assert.deepEqual(keeper.fence('a'), { owner: 'me', epoch: 2 });
  });
});
