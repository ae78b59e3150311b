/**
 * One room, one server, with two servers on one PostgreSQL: two app instances in this process
 * (their own SERVER_ID, the same database, real sockets on loopback), as several machines run them.
 *
 * - A room is served by one of them; a client at the other is refused with `room-moved` and the
 *   room is handed over within about a second (and not handed back and forth: no flapping).
 * - The owner "crashes" (stops renewing, gives nothing up, makes no more writes): the other takes
 *   the room over once the lease lapses, with its state (breakout running, chat), its people
 *   kept through the leave grace, and its timer firing once.
 * - A deposed owner that did not notice (it stopped renewing) can write nothing: its write is
 *   refused by the fence, its sockets closed with `room-moved`; its timer and the new owner's
 *   end the breakout once between them.
 * - A user removed on one server loses their sockets on the other.
 *
 * Time: the servers share one clock that runs in real time and can jump ahead (a breakout's time
 * limit is at least a minute); lease times are the database's, as in production.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { serve } from '@hono/node-server';
import pg from 'pg';
import { createApp, type App } from '../app.ts';
import { issueToken } from '../auth.ts';
import { openBackend } from '../backend.ts';
import { loadConfig } from '../config.ts';
import { attachWebSockets } from '../node-socket.ts';
import type { Clock } from '../socket.ts';
import { joinRoom, ROOT, TEST_SECRET, TestClient } from '../testing/spawn.ts';
import { startPostgres, type PostgresLab } from '../../test/support/postgres-lab.ts';

const LEASE_SECONDS = 1;

/** Real time that a test can move forward: timers due by then fire at once. */
class JumpClock implements Clock {
  private shift = 0;
  private next = 0;
  private timers = new Map<number, { at: number; fn: () => void; real: ReturnType<typeof setTimeout> }>();
  now(): number {
    return Date.now() + this.shift;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.next;
    const real = setTimeout(() => {
      this.timers.delete(id);
      fn();
    }, ms);
    this.timers.set(id, { at: this.now() + ms, fn, real });
    return id;
  }
  clearTimeout(h: unknown): void {
    const t = this.timers.get(h as number);
    if (t) clearTimeout(t.real);
    this.timers.delete(h as number);
  }
  setInterval(fn: () => void, ms: number): unknown {
    return setInterval(fn, ms);
  }
  clearInterval(h: unknown): void {
    clearInterval(h as ReturnType<typeof setInterval>);
  }
  /** Move time forward by `ms`: every timer due by then fires now. */
  jump(ms: number): void {
    this.shift += ms;
    const now = this.now();
    for (const [id, t] of [...this.timers]) {
      if (t.at > now) continue;
      this.clearTimeout(id);
      t.fn();
    }
  }
}

interface Server {
  id: string;
  app: App;
  url: string;
  wsUrl: string;
  stop(): Promise<void>;
}

async function startApp(databaseUrl: string, id: string, clock: Clock, dataDir: string): Promise<Server> {
  const config = loadConfig(
    {
      TOKEN_SECRET: TEST_SECRET,
      DATA_DIR: dataDir,
      DATABASE_URL: databaseUrl,
      SERVER_ID: id,
      LEASE_SECONDS: String(LEASE_SECONDS),
      LEAVE_GRACE_SECONDS: '60',
      RATE_LIMIT_SCALE: '0',
      MAX_CONNECTIONS_PER_IP: '0',
    },
    ROOT,
  );
  const backend = await openBackend(config);
  const app = await createApp({ config, ...backend, clock });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  attachWebSockets(server, (url, client) => app.websocket(url, client));
  const port = (server.address() as AddressInfo).port;
  let stopped = false;
  return {
    id,
    app,
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}`,
    async stop() {
      if (stopped) return;
      stopped = true;
      await app.close();
      await new Promise<void>((r) => {
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
        server.close(() => r());
      });
    },
  };
}

/**
 * The server stops (a crash, a long pause, a lost network): no more renewals and no answer to a
 * handoff; it gives nothing up. It still holds its rooms in memory, as a paused process would.
 */
function pause(s: Server): void {
  s.app.hub.ownership.stop();
  s.app.hub.handOff = async () => false;
}

const tok = (sub: string, role: 'host' | 'participant', room: string) => issueToken(TEST_SECRET, { sub, name: `User ${sub}`, role, room });

let refs = 0;
async function command(c: TestClient, cmd: Record<string, unknown>): Promise<any> {
  const ref = `c${++refs}`;
  c.send({ type: 'command', ref, command: cmd });
  return c.next((m) => (m.type === 'ack' || m.type === 'error') && m.ref === ref, 20_000);
}

async function until(what: string, check: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Join, retrying while the room is moving (as the browser does); the welcome and how many refusals came first. */
async function joinWhenServed(base: string, room: string, token: string, hello: Record<string, unknown> = {}, ms = 20_000) {
  const deadline = Date.now() + ms;
  const refusals: any[] = [];
  for (;;) {
    const j = await joinRoom(base, room, token, hello);
    if (j.welcome) return { ...j, refusals };
    assert.equal(j.error?.code, 'room-moved', `joining ${room}: ${JSON.stringify(j.error)}`);
    assert.equal(j.error.fatal, true);
    assert.ok(j.error.retryAfterMs > 0 && j.error.retryAfterMs <= 10_000, `retryAfterMs ${j.error.retryAfterMs}`);
    refusals.push(j.error);
    await j.client.waitClose(5_000);
    if (Date.now() > deadline) throw new Error(`${room} never served at ${base}`);
    await new Promise((r) => setTimeout(r, j.error.retryAfterMs));
  }
}

describe('rooms across two servers on one PostgreSQL', { timeout: 180_000 }, () => {
  let lab: PostgresLab;
  let dataDir: string;
  const running: Server[] = [];
  const clients: TestClient[] = [];

  before(async () => {
    lab = await startPostgres();
    dataDir = mkdtempSync(join(tmpdir(), 'kr-cluster-'));
  });
  after(async () => {
    for (const c of clients) c.close();
    for (const s of running) await s.stop().catch(() => {});
    await lab?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  /** Two servers on a fresh database, sharing `clock`. */
  async function pair(clock: Clock = new JumpClock()) {
    const url = await lab.newDatabase();
    const a = await startApp(url, 'server-a', clock, dataDir);
    const b = await startApp(url, 'server-b', clock, dataDir);
    running.push(a, b);
    const db = new pg.Pool({ connectionString: url, max: 2 });
    db.on('error', () => {}); // the database restarting under it
    const lease = async (room: string) =>
      (await db.query('select owner, epoch::int, expires_at > now() as live from room_leases where room = $1', [room])).rows[0] as
        | { owner: string; epoch: number; live: boolean }
        | undefined;
    const events = async (room: string, type: string) =>
      Number((await db.query(`select count(*) from room_events where room = $1 and event->>'type' = $2`, [room, type])).rows[0].count);
    return { a, b, url, db, lease, events, close: () => db.end() };
  }

  const track = <T extends { client: TestClient }>(j: T): T => (clients.push(j.client), j);

  it('serves a room on one server; a client at the other is refused with room-moved and the room is handed over within about a second, once', async () => {
    const clock = new JumpClock();
    const { a, b, lease, close } = await pair(clock);
    const room = 'handoff-room';
    const h = track(await joinWhenServed(a.wsUrl, room, await tok('h', 'host', room)));
    assert.equal(h.refusals.length, 0);
    assert.equal((await lease(room))?.owner, 'server-a');
    assert.equal((await command(h.client, { type: 'chat/send', text: 'before the move' })).type, 'ack');

    // The router now sends the room to server b (say, a itself came back from a restart elsewhere).
    const asked = Date.now();
    const first = track(await joinRoom(b.wsUrl, room, await tok('p', 'participant', room)));
    assert.equal(first.error?.code, 'room-moved');
    assert.equal(first.error.fatal, true);
    assert.ok(first.error.retryAfterMs <= 500, `a live owner lets go within a moment: retry after ${first.error.retryAfterMs} ms`);
    assert.equal((await first.client.waitClose()).code, 1012);

    // The owner hands over: its clients hear room-moved (with a short wait) and are let go.
    const moved = await h.client.next((m) => m.type === 'error' && m.code === 'room-moved', 10_000);
    assert.equal(moved.fatal, true);
    assert.ok(moved.retryAfterMs > 0 && moved.retryAfterMs <= 500);
    await h.client.waitClose();
    const p = track(await joinWhenServed(b.wsUrl, room, await tok('p', 'participant', room)));
    const took = Date.now() - asked;
    console.log(`# handoff: room served by server-b ${took} ms after a client first asked there`);
    assert.ok(took < 5_000, `handed over in ${took} ms`);
    assert.equal((await lease(room))?.owner, 'server-b');
    assert.ok(p.welcome.snapshot.chat.some((c: { text: string }) => c.text === 'before the move'), 'the new owner loaded the stored room');
    // The host comes back through the router (to b) and resumes where it was.
    const h2 = track(await joinWhenServed(b.wsUrl, room, await tok('h', 'host', room), { since: h.welcome.snapshot.seq }));
    assert.ok(h2.welcome, 'the host is back');
    assert.equal(a.app.hub.peek(room), undefined, 'server a let the room go');

    // No flapping: server a hands it back once when asked, then refuses to take part for 10 s.
    const atA = track(await joinRoom(a.wsUrl, room, await tok('x', 'participant', room)));
    assert.equal(atA.error?.code, 'room-moved');
    await until('server a serves the room again', async () => (await lease(room))?.owner === 'server-a');
    const backAtB = track(await joinRoom(b.wsUrl, room, await tok('y', 'participant', room)));
    assert.equal(backAtB.error?.code, 'room-moved', 'b is refused');
    await new Promise((r) => setTimeout(r, 1_000));
    assert.equal((await lease(room))?.owner, 'server-a', 'a keeps the room it was just handed: it handed it off less than 10 s ago');
    const again = track(await joinRoom(b.wsUrl, room, await tok('y', 'participant', room)));
    assert.equal(again.error?.code, 'room-moved');
    assert.ok(again.error.retryAfterMs >= 100);
    assert.equal(b.app.hub.stats().moved, 1);
    // Ten seconds on, a hands it over again when asked.
    clock.jump(10_000);
    const later = track(await joinWhenServed(b.wsUrl, room, await tok('y', 'participant', room)));
    assert.ok(later.welcome);
    assert.equal((await lease(room))?.owner, 'server-b');
    assert.equal(a.app.hub.stats().moved, 2);
    await close();
  });

  it('a crashed owner\'s room is taken over once its lease lapses: state intact, people kept, the breakout timer fires once', async () => {
    const clock = new JumpClock();
    const { a, b, lease, events, close } = await pair(clock);
    const room = 'crash-room';
    const host = track(await joinWhenServed(a.wsUrl, room, await tok('teacher', 'host', room)));
    const ann = track(await joinWhenServed(a.wsUrl, room, await tok('ann', 'participant', room)));
    const bob = track(await joinWhenServed(a.wsUrl, room, await tok('bob', 'participant', room)));
    assert.equal((await command(host.client, { type: 'breakout/configure', rooms: ['One', 'Two'], timeLimitMinutes: 1, countdownSeconds: 5, assignment: 'auto' })).type, 'ack');
    assert.equal((await command(host.client, { type: 'breakout/start' })).type, 'ack');
    await until('the breakout runs', () => a.app.hub.peek(room)?.state.breakout.status === 'running');
    assert.equal((await command(ann.client, { type: 'chat/send', text: 'said before the crash' })).type, 'ack');
    const before = a.app.hub.peek(room)!.state;
    const endsAt = before.breakout.endsAt!;
    const was = (await lease(room))!;
    assert.equal(was.owner, 'server-a');

    // Crash: server a stops renewing, gives nothing up and writes nothing more; its sockets die.
    pause(a);
    const dead = a.app.hub.peek(room)!;
    dead.stop();
    dead.moveAway();
    for (const j of [host, ann, bob]) j.client.ws.close();

    // The pages come back through the router, to b: refused until the lease lapses, then served.
    const crashed = Date.now();
    const ann2 = track(await joinWhenServed(b.wsUrl, room, await tok('ann', 'participant', room), { since: ann.welcome.snapshot.seq, peerId: ann.welcome.self.peerId }));
    const took = Date.now() - crashed;
    console.log(`# takeover after a crash: served by server-b ${took} ms later (lease ${LEASE_SECONDS} s), after ${ann2.refusals.length} room-moved refusals`);
    assert.ok(took <= LEASE_SECONDS * 1000 + 5_000, `taken over in ${took} ms`);
    const now = (await lease(room))!;
    assert.equal(now.owner, 'server-b');
    assert.ok(now.epoch > was.epoch, 'with a newer epoch');
    const state = b.app.hub.peek(room)!.state;
    assert.equal(state.breakout.status, 'running');
    assert.equal(state.breakout.endsAt, endsAt, 'the same remaining time');
    assert.deepEqual(state.breakout.location, before.breakout.location, 'everyone in the same breakout room');
    assert.ok(state.chat.some((c) => c.text === 'said before the crash'));
    for (const id of ['teacher', 'ann', 'bob']) assert.equal(state.participants[id]?.present, true, `${id} keeps their place (leave grace)`);
    const host2 = track(await joinWhenServed(b.wsUrl, room, await tok('teacher', 'host', room), { since: host.welcome.snapshot.seq }));
    assert.ok(host2.welcome);

    // The time limit: fired by b alone, once.
    clock.jump(endsAt - clock.now() + 1_000);
    await until('the breakout closes', () => b.app.hub.peek(room)?.state.breakout.closingAt != null);
    await until('one breakout-ending event', async () => (await events(room, 'breakout-ending')) >= 1);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(await events(room, 'breakout-ending'), 1);
    assert.ok(host2.client.received.some((m) => m.type === 'event' && m.event.type === 'breakout-ending'));
    await close();
  });

  it('a deposed owner can write nothing: its write is fenced, its sockets hear room-moved; the timer ends the breakout once between the two', async () => {
    const clock = new JumpClock();
    const { a, b, lease, events, close } = await pair(clock);
    const room = 'zombie-room';
    const host = track(await joinWhenServed(a.wsUrl, room, await tok('teacher', 'host', room)));
    const ann = track(await joinWhenServed(a.wsUrl, room, await tok('ann', 'participant', room)));
    assert.equal((await command(host.client, { type: 'breakout/configure', rooms: ['One'], timeLimitMinutes: 1, countdownSeconds: 5, assignment: 'auto' })).type, 'ack');
    assert.equal((await command(host.client, { type: 'breakout/start' })).type, 'ack');
    await until('the breakout runs', () => a.app.hub.peek(room)?.state.breakout.status === 'running');
    const endsAt = a.app.hub.peek(room)!.state.breakout.endsAt!;

    // Server a pauses (stops renewing) without noticing; its lease lapses and b takes the room.
    pause(a);
    const bob = track(await joinWhenServed(b.wsUrl, room, await tok('bob', 'participant', room)));
    assert.equal((await lease(room))?.owner, 'server-b');
    assert.ok(a.app.hub.peek(room), 'server a still thinks it serves the room');

    // Both servers' timers come due: only the lease holder's write is kept.
    clock.jump(endsAt - clock.now() + 1_000);
    await until('server a let the room go', () => a.app.hub.peek(room) === undefined);
    for (const j of [host, ann]) {
      const moved = await j.client.next((m) => m.type === 'error' && m.code === 'room-moved', 10_000);
      assert.equal(moved.fatal, true);
      assert.equal((await j.client.waitClose()).code, 1012);
    }
    await until('the breakout ends on b', async () => (await events(room, 'breakout-ending')) >= 1);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(await events(room, 'breakout-ending'), 1, 'one breakout-ending in the log');
    assert.ok(bob.client.received.some((m) => m.type === 'event' && m.event.type === 'breakout-ending'));

    // A command at the deposed server never lands: the room is gone from it, and its join is refused.
    const late = track(await joinRoom(a.wsUrl, room, await tok('ann', 'participant', room)));
    assert.equal(late.error?.code, 'room-moved');
    await close();
  });

  it('a deposed owner\'s command is refused with room-moved and nothing of it is stored', async () => {
    const { a, b, lease, close } = await pair();
    const room = 'fenced-room';
    const ann = track(await joinWhenServed(a.wsUrl, room, await tok('ann', 'participant', room)));
    pause(a);
    const bob = track(await joinWhenServed(b.wsUrl, room, await tok('bob', 'participant', room)));
    assert.equal((await lease(room))?.owner, 'server-b');
    const refused = await command(ann.client, { type: 'chat/send', text: 'from the deposed server' });
    assert.equal(refused.type, 'error');
    assert.equal(refused.code, 'room-moved');
    const moved = await ann.client.next((m) => m.type === 'error' && m.code === 'room-moved' && m.fatal, 10_000);
    assert.ok(moved.retryAfterMs > 0);
    await ann.client.waitClose();
    assert.equal(a.app.hub.peek(room), undefined);
    const ann2 = track(await joinWhenServed(b.wsUrl, room, await tok('ann', 'participant', room)));
    assert.ok(!ann2.welcome.snapshot.chat.some((c: { text: string }) => c.text === 'from the deposed server'), 'nothing of the refused command was kept');
    assert.ok(!bob.client.received.some((m) => m.type === 'event' && m.event.type === 'chat'));
    await close();
  });

  it('a user removed on one server loses their sockets on the other', async () => {
    const { a, b, lease, close } = await pair();
    const room = 'removal-room';
    const ann = track(await joinWhenServed(a.wsUrl, room, await tok('ann', 'participant', room)));
    // Server a stops renewing without noticing; b takes the room; ann's socket is still open at a.
    pause(a);
    const host = track(await joinWhenServed(b.wsUrl, room, await tok('teacher', 'host', room)));
    assert.equal((await lease(room))?.owner, 'server-b');
    assert.ok(!ann.client.closed);
    assert.equal((await command(host.client, { type: 'participant/remove', userId: 'ann' })).type, 'ack');
    const removed = await ann.client.next((m) => m.type === 'error' && m.code === 'removed', 10_000);
    assert.equal(removed.fatal, true);
    await ann.client.waitClose(10_000);
    await close();
  });

  it('a server that cannot reach the database for a whole lease period lets its rooms go, and serves them again once it can', async () => {
    const { a, lease, close } = await pair();
    const room = 'cut-off-room';
    const ann = track(await joinWhenServed(a.wsUrl, room, await tok('ann', 'participant', room)));
    await until('ann is in', () => a.app.hub.peek(room)?.state.participants.ann?.present === true); // joined just after the welcome
    await lab.down();
    try {
      // No renewal can be confirmed: after the lease time the room may be another server's by now.
      const moved = await ann.client.next((m) => m.type === 'error' && m.code === 'room-moved', LEASE_SECONDS * 1000 + 10_000);
      assert.equal(moved.fatal, true);
      await ann.client.waitClose();
      assert.equal(a.app.hub.peek(room), undefined);
      // Meanwhile a join is refused as storage-unavailable (retried by the browser), never served from memory.
      const meanwhile = track(await joinRoom(a.wsUrl, room, await tok('ann', 'participant', room)));
      assert.equal(meanwhile.error?.code, 'storage-unavailable');
    } finally {
      await lab.up();
    }
    const back = track(await joinWhenServed(a.wsUrl, room, await tok('ann', 'participant', room), { since: ann.welcome.snapshot.seq }, 30_000).catch(async () => {
      // The pool's first connections after the restart may fail once: the browser simply tries again.
      return joinWhenServed(a.wsUrl, room, await tok('ann', 'participant', room), {}, 30_000);
    }));
    assert.ok(back.welcome);
    assert.equal((await lease(room))?.owner, 'server-a');
    await close();
  });

  it('"is the meeting live" (Start Meeting) answers the same on both servers, and on one that starts later', async () => {
    const { a, b, url, close } = await pair();
    const room = 'live-room';
    assert.equal(await a.app.live.isLive(room), false);
    assert.equal(await b.app.live.isLive(room), false);
    const ann = track(await joinWhenServed(a.wsUrl, room, await tok('ann', 'participant', room)));
    assert.equal(await b.app.live.isLive(room), false, 'a participant alone is not a live meeting');
    const host = track(await joinWhenServed(a.wsUrl, room, await tok('teacher', 'host', room)));
    await until('the host is in: live at server a', () => a.app.live.isLive(room)); // joined just after the welcome
    await until('server b hears the meeting is live', () => b.app.live.isLive(room));
    // A server that starts now heard no notice: it reads room_status.
    const c = await startApp(url, 'server-c', new JumpClock(), dataDir);
    running.push(c);
    assert.equal(await c.app.live.isLive(room), true);
    assert.equal((await command(host.client, { type: 'meeting/leave' })).type, 'ack');
    await until('server b hears it is not live any more', async () => !(await b.app.live.isLive(room)));
    await until('server c hears it too', async () => !(await c.app.live.isLive(room)));
    assert.ok(ann.welcome);
    await close();
  });
});
