/**
 * GET /api/rooms/:room/status: what a page that has not joined may learn (open or
 * ended, why, its own role), who may ask (a join token for that room, in the header
 * only), that a room not in memory is read from the store without being loaded, and
 * the rate bound. Plus the route as the whole app mounts it (CORS like /api).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createApp } from '../app.ts';
import { createVerifier, issueToken } from '../auth.ts';
import { loadConfig } from '../config.ts';
import { systemClock } from '../socket.ts';
import { SqliteStore } from '../store/sqlite.ts';
import { MemoryStore } from '../store/store.ts';
import { FakeClock, FakeSocket, tick } from '../testing/fakes.ts';
import { ROOT, TEST_SECRET } from '../testing/spawn.ts';
import { RoomHub } from './hub.ts';
import { statusRoutes } from './status-api.ts';

const SECRET = 'status-test-secret-0123456789-0123456789';
const tok = (sub: string, role: 'host' | 'participant', room = 'r1') => issueToken(SECRET, { sub, name: sub.toUpperCase(), role, room });

async function setUp(rate?: { perSecond: number; burst: number }) {
  const verifier = await createVerifier({ secret: SECRET });
  const clock = new FakeClock();
  const store = new MemoryStore();
  const hub = new RoomHub({ store, clock, verifier, config: { idleMs: 60_000 } });
  let loads = 0;
  const counting = { loadRoom: (room: string) => (loads++, store.loadRoom(room)) };
  const api = statusRoutes({ verifier, store: counting, clock, live: (room) => hub.peek(room)?.state, ...(rate ? { rate } : {}) });
  const get = async (path: string, token?: string) => {
    const res = await api.fetch(new Request(`http://x${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} }));
    return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
  };
  const connect = async (token: string) => {
    const s = new FakeSocket();
    s.handlers = hub.accept('r1')(s);
    await s.write({ type: 'hello', token });
    for (let i = 0; i < 20 && !s.of('welcome').length && !s.closed; i++) await tick();
    return s;
  };
  return { hub, clock, store, get, connect, loads: () => loads };
}

describe('GET /api/rooms/:room/status', () => {
  it('says open for a room never opened, and ended (with why and the caller\'s role) once a host ended it', async () => {
    const t = await setUp();
    const student = await tok('s', 'participant');
    const fresh = await t.get('/rooms/r1/status', student);
    assert.equal(fresh.status, 200);
    assert.equal(fresh.headers.get('cache-control'), 'no-store');
    assert.deepEqual(fresh.body, { status: 'open', endedReason: null, hostAwayMs: null, role: 'participant' });
    assert.equal(t.hub.peek('r1'), undefined, 'asking creates no room');

    const h = await t.connect(await tok('h', 'host'));
    await t.connect(await tok('a', 'participant'));
    await h.write({ type: 'command', ref: 'e', command: { type: 'meeting/end' } });
    const ended = await t.get('/rooms/r1/status', student);
    assert.equal(ended.body.status, 'ended');
    assert.equal(ended.body.endedReason, 'ended-by-host');
    assert.equal(typeof ended.body.hostAwayMs, 'number');
    assert.equal((await t.get('/rooms/r1/status', await tok('h', 'host'))).body.role, 'host');
    // Nothing about anyone else.
    assert.deepEqual(Object.keys(ended.body).sort(), ['endedReason', 'hostAwayMs', 'role', 'status']);
    assert.doesNotMatch(JSON.stringify(ended.body), /"A"|"H"|peer/);
    t.hub.close();
  });

  it('reads a room that was unloaded from the store, without loading it back into memory', async () => {
    const t = await setUp();
    const h = await t.connect(await tok('h', 'host'));
    await h.write({ type: 'command', ref: 'e', command: { type: 'meeting/end' } });
    h.handlers!.close(1000, '');
    await t.clock.run(120_000); // idle: the sweeper unloads it
    assert.equal(t.hub.peek('r1'), undefined, 'unloaded');
    const res = await t.get('/rooms/r1/status', await tok('s', 'participant'));
    assert.equal(res.status, 200);
    assert.equal(res.body.status, 'ended');
    assert.equal(t.loads(), 1, 'read from the store');
    assert.equal(t.hub.peek('r1'), undefined, 'still not in memory');
    t.hub.close();
  });

  it('refuses a missing or bad token (401), a token for another room (401) and a token in the URL (400)', async () => {
    const t = await setUp();
    const none = await t.get('/rooms/r1/status');
    assert.equal(none.status, 401);
    assert.match(String(none.body.error), /Authorization: Bearer/);
    assert.equal((await t.get('/rooms/r1/status', 'not-a-jwt')).status, 401);
    assert.equal((await t.get('/rooms/r1/status', await tok('s', 'participant', 'r2'))).status, 401);
    const inUrl = await t.get(`/rooms/r1/status?token=${await tok('s', 'participant')}`, await tok('s', 'participant'));
    assert.equal(inUrl.status, 400);
    assert.match(String(inUrl.body.error), /Never put a token in the URL/);
    assert.equal((await t.get('/rooms/bad%20room/status', await tok('s', 'participant'))).status, 400);
    t.hub.close();
  });

  it('bounds how often one user asks about one room, says when to retry, and lets them in again after', async () => {
    const t = await setUp({ perSecond: 0.2, burst: 3 });
    const s = await tok('s', 'participant');
    for (let i = 0; i < 3; i++) assert.equal((await t.get('/rooms/r1/status', s)).status, 200);
    const refused = await t.get('/rooms/r1/status', s);
    assert.equal(refused.status, 429);
    assert.equal(refused.headers.get('retry-after'), '5');
    assert.equal(refused.body.retryAfterMs, 5000);
    assert.match(String(refused.body.error), /wait 5 s/);
    assert.equal((await t.get('/rooms/r1/status', await tok('o', 'participant'))).status, 200, 'someone else is not held up');
    await t.clock.run(5_000);
    assert.equal((await t.get('/rooms/r1/status', s)).status, 200);
    t.hub.close();
  });

  it('answers 503 when the store cannot be read, and nothing falls over', async () => {
    const verifier = await createVerifier({ secret: SECRET });
    const api = statusRoutes({
      verifier,
      clock: new FakeClock(),
      live: () => undefined,
      store: { loadRoom: () => { throw new Error('disk I/O error'); } },
    });
    const quiet = console.error;
    console.error = () => {};
    try {
      const res = await api.fetch(new Request('http://x/rooms/r1/status', { headers: { authorization: `Bearer ${await tok('s', 'participant')}` } }));
      assert.equal(res.status, 503);
      assert.equal(res.headers.get('retry-after'), '5');
    } finally {
      console.error = quiet;
    }
  });
});

describe('GET /api/rooms/:room/status in the app', () => {
  const dir = mkdtempSync(join(tmpdir(), 'status-test-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('is mounted under /api with its CORS (the Authorization header may be sent cross-origin)', async () => {
    const config = loadConfig({ DATA_DIR: dir, TOKEN_SECRET: TEST_SECRET }, ROOT);
    const store = new SqliteStore(join(config.dataDir, 'rooms.db'));
    const app = await createApp({ config, store, db: store.db, clock: systemClock });
    try {
      const token = await issueToken(TEST_SECRET, { sub: 's', name: 'S', role: 'participant', room: 'lobby' });
      const res = await app.fetch(new Request('http://localhost/api/rooms/lobby/status', { headers: { authorization: `Bearer ${token}`, origin: 'https://lms.example' } }));
      assert.equal(res.status, 200);
      assert.equal((await res.json() as { status: string }).status, 'open');
      assert.equal(res.headers.get('access-control-allow-origin'), '*');
      const pre = await app.fetch(new Request('http://localhost/api/rooms/lobby/status', {
        method: 'OPTIONS',
        headers: { origin: 'https://lms.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
      }));
      assert.ok(pre.status === 204 || pre.status === 200, `preflight ${pre.status}`);
      assert.match(pre.headers.get('access-control-allow-headers') ?? '', /authorization/i);
      assert.equal(app.hub.peek('lobby'), undefined, 'asking loads no room');
    } finally {
      app.close();
    }
  });
});
