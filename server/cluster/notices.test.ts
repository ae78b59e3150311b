/**
 * Notices between servers (LISTEN/NOTIFY) and "is the meeting live" built on them, against a real
 * PostgreSQL: what goes over the wire is checked, a lost listening connection is made again and
 * says so (caches start over from the table), a room's changes are written in order, and a write
 * the database refused is tried again once it answers.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { initialState } from '../../src/protocol/room.ts';
import type { RoomState } from '../../src/protocol/types.ts';
import { openPostgres, type Postgres } from '../store/pg.ts';
import { startPostgres, type PostgresLab } from '../../test/support/postgres-lab.ts';
import { meetingLive, PostgresLiveRooms } from './live.ts';
import { LocalNotices, parseNotice, PostgresNotices, type ClusterNotice } from './notices.ts';

async function until(what: string, check: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('cluster notices: the wire', () => {
  it('takes the three kinds and nothing else', () => {
    assert.deepEqual(parseNotice('{"kind":"handoff","room":"bio-101","to":"rooms-2"}'), { kind: 'handoff', room: 'bio-101', to: 'rooms-2' });
    assert.deepEqual(parseNotice('{"kind":"removed","room":"bio-101","userId":"ann lee@x","from":"rooms-1"}'), {
      kind: 'removed',
      room: 'bio-101',
      userId: 'ann lee@x',
      from: 'rooms-1',
    });
    assert.deepEqual(parseNotice('{"kind":"live","room":"ev.s1","live":true,"from":"rooms-1","extra":1}'), { kind: 'live', room: 'ev.s1', live: true, from: 'rooms-1' });
    for (const bad of [
      undefined,
      '',
      'not json',
      'null',
      '[]',
      '{"kind":"handoff","room":"bio-101"}',
      '{"kind":"handoff","room":"../etc","to":"a"}',
      '{"kind":"live","room":"r","live":"yes","from":"a"}',
      '{"kind":"removed","room":"r","userId":"","from":"a"}',
      '{"kind":"reboot","room":"r"}',
      JSON.stringify({ kind: 'handoff', room: 'r', to: 'x'.repeat(3000) }),
    ]) {
      assert.equal(parseNotice(bad), null, String(bad));
    }
  });

  it('LocalNotices delivers to this process once the sending code ran, a copy each time', async () => {
    const n = new LocalNotices();
    const heard: ClusterNotice[] = [];
    const stop = n.subscribe((x) => heard.push(x));
    const sent: ClusterNotice = { kind: 'handoff', room: 'r1', to: 's2' };
    const sending = n.send(sent);
    assert.equal(heard.length, 0, 'not during the send');
    await sending;
    await new Promise((r) => setTimeout(r, 0));
    assert.deepEqual(heard, [sent]);
    assert.notEqual(heard[0], sent);
    stop();
    await n.send(sent);
    await new Promise((r) => setTimeout(r, 0));
    assert.equal(heard.length, 1);
    await n.close();
  });
});

describe('cluster notices over PostgreSQL', { timeout: 120_000 }, () => {
  let lab: PostgresLab;
  let db: Postgres;
  let url: string;
  const closers: Array<() => Promise<unknown>> = [];
  const quiet = () => {};

  before(async () => {
    lab = await startPostgres();
    url = lab.url;
    db = await openPostgres(url, { log: quiet, connectTimeoutMs: 2_000 });
  });
  after(async () => {
    for (const c of closers.reverse()) await c().catch(() => {});
    await db?.close();
    await lab?.stop();
  });

  const listen = async () => {
    const n = await PostgresNotices.listen({ pool: db.pool, url, retryMs: [50, 500], log: quiet });
    closers.push(() => n.close());
    return n;
  };

  it('every listener hears a notice (the sender too); a lost listening connection comes back and says notices may have been missed', async () => {
    const one = await listen();
    const two = await listen();
    const heard: ClusterNotice[] = [];
    let gaps = 0;
    two.subscribe((x) => heard.push(x));
    two.onGap(() => gaps++);
    const mine: ClusterNotice[] = [];
    one.subscribe((x) => mine.push(x));
    await one.send({ kind: 'handoff', room: 'r1', to: 'server-1' });
    await until('both heard it', () => heard.length === 1 && mine.length === 1);
    // Not ours: ignored. Another channel: not heard.
    await db.pool.query(`select pg_notify('kr_cluster', 'junk'), pg_notify('other', '{"kind":"handoff","room":"r","to":"x"}')`);

    // The listening connection dies (the database restarted it, a network blip).
    const killed = await db.pool.query(`select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'kaltura-room notices'`);
    assert.equal(killed.rowCount, 2);
    await until('a gap is reported', () => gaps >= 1);
    await until('listening again', () => two.listening && one.listening);
    await one.send({ kind: 'live', room: 'r2', live: true, from: 'server-1' });
    await until('heard after the reconnect', () => heard.some((x) => x.kind === 'live'));
    assert.deepEqual(
      heard.map((x) => x.kind),
      ['handoff', 'live'],
    );
  });

  it('a send while the database is down rejects (the caller decides), and the listener comes back with the database', async () => {
    const n = await listen();
    let gaps = 0;
    n.onGap(() => gaps++);
    await lab.down();
    await assert.rejects(n.send({ kind: 'handoff', room: 'r3', to: 's' }));
    await until('a gap is reported', () => gaps >= 1);
    await lab.up();
    await until('listening again', () => n.listening, 30_000);
    const heard: ClusterNotice[] = [];
    n.subscribe((x) => heard.push(x));
    await until('a send works again', async () => n.send({ kind: 'handoff', room: 'r3', to: 's' }).then(() => true, () => false), 30_000);
    await until('heard', () => heard.length >= 1);
  });
});

describe('is the meeting live, across servers', { timeout: 120_000 }, () => {
  let lab: PostgresLab;
  let db: Postgres;
  const closers: Array<() => Promise<unknown>> = [];
  const quiet = () => {};

  before(async () => {
    lab = await startPostgres();
    db = await openPostgres(lab.url, { log: quiet, connectTimeoutMs: 2_000 });
  });
  after(async () => {
    for (const c of closers.reverse()) await c().catch(() => {});
    await db?.close();
    await lab?.stop();
  });

  const withHost = (room: string, present: boolean): RoomState => {
    const s = initialState(room, 60_000);
    return {
      ...s,
      participants: { h: { id: 'h', name: 'H', role: 'host', present, peerId: null, audio: false, video: false, joinedAt: 0 } as RoomState['participants'][string] },
    };
  };

  async function server(id: string, owned: Map<string, RoomState> = new Map()) {
    const notices = await PostgresNotices.listen({ pool: db.pool, url: lab.url, retryMs: [50, 500], log: quiet });
    const live = new PostgresLiveRooms({ pool: db.pool, notices, serverId: id, state: (r) => owned.get(r), retryMs: 100, log: quiet });
    closers.push(() => notices.close(), () => live.close());
    return { notices, live, owned };
  }

  const stored = async (room: string) => (await db.pool.query('select live from room_status where room = $1', [room])).rows[0]?.live as boolean | undefined;

  it('the owner answers from its state; the others from what they heard, or from room_status', async () => {
    assert.equal(meetingLive(withHost('x', true)), true);
    assert.equal(meetingLive(withHost('x', false)), false);
    assert.equal(meetingLive({ ...withHost('x', true), status: 'ended' }), false);

    const owner = await server('s1');
    const other = await server('s2');
    owner.owned.set('room-a', withHost('room-a', true));
    assert.equal(await owner.live.isLive('room-a'), true);
    assert.equal(await other.live.isLive('room-a'), false, 'nothing stored or heard yet');
    owner.live.changed('room-a', true);
    await until('the other heard it', () => other.live.isLive('room-a'));
    assert.equal(await stored('room-a'), true);

    // Quick changes are written in order: the last one wins, in the table and in what was heard.
    owner.live.changed('room-a', false);
    owner.live.changed('room-a', true);
    owner.live.changed('room-a', false);
    await owner.live.settled();
    assert.equal(await stored('room-a'), false);
    await until('the other heard the last', async () => !(await other.live.isLive('room-a')));

    // A server that starts now heard nothing: it reads the table.
    owner.live.changed('room-a', true);
    await owner.live.settled();
    const late = await server('s3');
    assert.equal(await late.live.isLive('room-a'), true);
  });

  it('forgets what it heard when notices may have been missed, and writes a refused change again once the database answers', async () => {
    const owner = await server('s1');
    const other = await server('s2');
    owner.live.changed('room-b', true);
    await until('heard', () => other.live.isLive('room-b'));
    // Changed behind the notices' back (as if the notice was lost): the other still says what it heard...
    await db.pool.query(`update room_status set live = false where room = 'room-b'`);
    assert.equal(await other.live.isLive('room-b'), true);
    // ...until its listening connection is lost: then it reads the table again.
    await db.pool.query(`select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'kaltura-room notices'`);
    await until('read from the table', async () => !(await other.live.isLive('room-b').catch(() => true)));

    await lab.down();
    owner.live.changed('room-c', true);
    await assert.rejects(other.live.isLive('room-c'), 'unknown while the database is down: the caller answers 503');
    await new Promise((r) => setTimeout(r, 300));
    await lab.up();
    await until('written once the database is back', async () => (await stored('room-c').catch(() => undefined)) === true, 30_000);
  });
});
