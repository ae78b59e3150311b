/**
 * The server on a disk that cannot take writes: the store reports the first error
 * (not a failed ROLLBACK), the operator is told what to fix, and the real server on
 * a small full tmpfs refuses joins and chat with `storage-unavailable`, stays up,
 * serves reads and other rooms, survives a restart on the full disk, and recovers
 * by itself when space returns. Mounting needs root; elsewhere that part is skipped.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, unlinkSync, writeSync, openSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { issueToken } from './auth.ts';
import { loadConfig } from './config.ts';
import { storageAdvice, StorageHealth } from './rooms/storage-guard.ts';
import { SqliteStore } from './store/sqlite.ts';
import { FakeClock } from './testing/fakes.ts';
import { joinRoom, ROOT, startServer, TEST_SECRET, type RunningServer, type TestClient } from './testing/spawn.ts';
import { initialState } from '../src/protocol/room.ts';

describe('storage faults: the store and the operator', () => {
  it('a write SQLite rolled back by itself reports its own error, not the failed ROLLBACK', async () => {
    const db = new DatabaseSync(':memory:');
    const store = new SqliteStore(db);
    // A failure that ends the transaction inside SQLite, as SQLITE_FULL does.
    db.exec(`CREATE TRIGGER full BEFORE INSERT ON room_events WHEN NEW.seq = 2
             BEGIN SELECT RAISE(ROLLBACK, 'database or disk is full'); END`);
    const chat = (seq: number) => ({ seq, event: { type: 'host-away-cancelled' as const } });
    await store.append('r1', [chat(1)], { ...initialState('r1', 60_000), seq: 1 });
    await assert.rejects(store.append('r1', [chat(2)], null), /database or disk is full/);
    assert.equal(db.isTransaction, false);
    // Nothing half-kept, and the store works on.
    assert.deepEqual((await store.eventsSince('r1', 0))!.map((e) => e.seq), [1]);
    db.exec('DROP TRIGGER full');
    await store.append('r1', [chat(2)], null);
    assert.deepEqual((await store.eventsSince('r1', 0))!.map((e) => e.seq), [1, 2]);
    await store.close();
  });

  it('tells the operator what to fix, once a minute while it lasts, and when it is over', () => {
    const full = Object.assign(new Error('database or disk is full'), { errcode: 13 });
    const readonly = Object.assign(new Error('attempt to write a readonly database'), { errcode: 8 });
    assert.match(storageAdvice(full), /free disk space where DATA_DIR is/);
    assert.match(storageAdvice(readonly), /make DATA_DIR .* writable/);
    assert.match(storageAdvice(Object.assign(new Error('x'), { code: 'EROFS' })), /writable/);
    assert.match(storageAdvice(Object.assign(new Error('disk I/O error'), { errcode: 10 | (3 << 8) })), /I\/O error/);
    const clock = new FakeClock();
    const lines: string[] = [];
    const health = new StorageHealth(clock, (line) => lines.push(line));
    health.failed(full, 'bio-101');
    assert.ok(health.refusing);
    assert.equal(health.retryDelay, 1_000);
    for (let i = 0; i < 10; i++) health.failed(full, 'bio-101');
    assert.equal(health.retryDelay, 30_000, 'the back-off stops growing at 30 s');
    assert.equal(lines.length, 1);
    assert.match(lines[0], /cannot save room "bio-101" \(database or disk is full\): the disk is full: free disk space/);
    clock.advance(60_000);
    health.failed(full, 'bio-101');
    assert.equal(lines.length, 2);
    health.succeeded();
    assert.ok(health.ok && !health.refusing);
    assert.match(lines[2], /writes work again after 12 refused/);
  });

  it('ROOM_IDLE_SECONDS is checked like every setting', () => {
    const env = { TOKEN_SECRET: TEST_SECRET, DATA_DIR: mkdtempSync(join(tmpdir(), 'cfg-')) };
    assert.equal(loadConfig(env, ROOT).roomIdleMs, 60_000);
    assert.equal(loadConfig({ ...env, ROOM_IDLE_SECONDS: '5' }, ROOT).roomIdleMs, 5_000);
    assert.throws(() => loadConfig({ ...env, ROOM_IDLE_SECONDS: '0' }, ROOT), /ROOM_IDLE_SECONDS must be a number from 1 to 86400/);
    rmSync(env.DATA_DIR, { recursive: true, force: true });
  });
});

/** Fill the filesystem at `dir` to the last byte; returns the filler's path. */
function fill(dir: string): string {
  const path = join(dir, 'filler');
  const fd = openSync(path, 'w');
  try {
    for (const size of [256 * 1024, 16 * 1024, 1024, 64, 1]) {
      const chunk = Buffer.alloc(size, 1);
      for (;;) {
        try {
          writeSync(fd, chunk);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'ENOSPC') break;
          throw err;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
  return path;
}

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, limitMs = 30_000): Promise<T> {
  const end = Date.now() + limitMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const joined = (c: TestClient, id: string) =>
  c.next((m) => m.type === 'event' && m.event.type === 'participant-joined' && m.event.participant.id === id, 20_000);

describe('storage faults: the real server on a full disk', () => {
  const dir = mkdtempSync(join(tmpdir(), 'classroom-full-'));
  let mounted = false;
  let server: RunningServer | null = null;
  let why = '';
  try {
    if (process.platform !== 'linux') throw new Error('tmpfs mounts are a Linux feature');
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', dir], { stdio: 'pipe' });
    mounted = true;
  } catch (err) {
    why = `cannot mount a small tmpfs here (${String((err as Error).message).split('\n')[0]}); run as root on Linux to test a real full disk`;
  }
  after(async () => {
    await server?.stop('SIGKILL');
    if (mounted) execFileSync('umount', [dir]);
    rmSync(dir, { recursive: true, force: true });
  });

  const tok = (sub: string, role: 'host' | 'participant', room: string) => issueToken(TEST_SECRET, { sub, name: `User ${sub}`, role, room });
  const health = async () => (await fetch(`${server!.url}/health`)).json() as Promise<{ ok: boolean; storage: string }>;

  it('refuses writes with storage-unavailable, stays up for reads and other rooms, and recovers when space returns', async (t) => {
    if (!mounted) return t.skip(why);
    server = await startServer({ dataDir: dir, env: { LEAVE_GRACE_SECONDS: '1' } });
    const host = await joinRoom(server.wsUrl, 'full-a', await tok('h', 'host', 'full-a'));
    const student = await joinRoom(server.wsUrl, 'full-a', await tok('s', 'participant', 'full-a'));
    const other = await joinRoom(server.wsUrl, 'full-b', await tok('o', 'host', 'full-b'));
    assert.ok(host.welcome && student.welcome && other.welcome);
    // The welcome goes out before the join is stored: wait for the stored join's event.
    for (const [c, id] of [[host, 'h'], [student, 's'], [other, 'o']] as const) await joined(c.client, id);

    const filler = fill(dir);
    student.client.send({ type: 'command', ref: 'c1', command: { type: 'chat/send', text: 'does this get saved?' } });
    const refused = await student.client.next((m) => m.ref === 'c1', 20_000);
    assert.equal(refused.type, 'error');
    assert.equal(refused.code, 'storage-unavailable');
    assert.match(refused.message, /cannot save right now/);
    assert.ok(!host.client.received.some((m) => m.type === 'event' && m.event.type === 'chat'), 'nobody heard of it');

    // A newcomer is refused and closed (not fatal: their page retries), and the process stays up.
    const late = await joinRoom(server.wsUrl, 'full-a', await tok('late', 'participant', 'full-a'));
    const lateError = late.error ?? (await late.client.next((m) => m.type === 'error', 20_000));
    assert.equal(lateError.code, 'storage-unavailable');
    assert.notEqual(lateError.fatal, true);
    assert.equal((await late.client.waitClose(20_000)).code, 1013);

    // A drop whose leave cannot be saved (this killed the process 10 s later before).
    student.client.close();
    await new Promise((r) => setTimeout(r, 3_000));
    assert.equal(server.child.exitCode, null, 'the server is still running');
    assert.deepEqual([(await health()).ok, (await health()).storage], [true, 'unavailable']);
    // Reads go on: ping, and a console's welcome with the snapshot of another room.
    other.client.send({ type: 'ping', t: 1 });
    await other.client.next((m) => m.type === 'pong', 20_000);
    const console_ = await joinRoom(server.wsUrl, 'full-b', await tok('o', 'host', 'full-b'), { console: true });
    assert.equal(console_.welcome?.snapshot.room, 'full-b');
    assert.match(server.output(), /free disk space where DATA_DIR is/);

    // Space returns: things work again without a restart.
    unlinkSync(filler);
    const left = await host.client.next((m) => m.type === 'event' && m.event.type === 'participant-left', 40_000);
    assert.equal(left.event.userId, 's');
    host.client.send({ type: 'command', ref: 'c2', command: { type: 'chat/send', text: 'saved again' } });
    assert.equal((await host.client.next((m) => m.ref === 'c2', 20_000)).type, 'ack');
    const back = await until('a join after recovery', async () => {
      const j = await joinRoom(server!.wsUrl, 'full-a', await tok('late', 'participant', 'full-a'));
      if (j.welcome && !(await j.client.next((m) => m.type === 'error' || m.type === 'event', 2_000).catch(() => null))?.code) return j;
      j.client.close();
      return null;
    });
    assert.ok(back.welcome);
    assert.equal((await health()).storage, 'ok');
    assert.match(server.output(), /writes work again/);
    for (const c of [host, other, console_, back]) c.client.close();
  });

  it('a restart on the full disk stays up past the grace period and catches up when space returns', async (t) => {
    if (!mounted) return t.skip(why);
    assert.ok(server);
    // Someone is in the room when the server is killed: the restart gives them a grace period.
    const host = await joinRoom(server.wsUrl, 'full-c', await tok('h2', 'host', 'full-c'));
    assert.ok(host.welcome);
    await joined(host.client, 'h2');
    await server.stop('SIGKILL');
    const filler = fill(dir);
    server = await startServer({ dataDir: dir, env: { LEAVE_GRACE_SECONDS: '1' } });
    await new Promise((r) => setTimeout(r, 4_000)); // grace (1 s) and a few retries pass
    assert.equal(server.child.exitCode, null, 'the restarted server is still running');
    assert.equal((await health()).storage, 'unavailable');
    unlinkSync(filler);
    // The leave that waited for space is stored: a console's snapshot shows h2 gone (or pruned).
    const viewer = await until('the stored leave after space returned', async () => {
      const o = await joinRoom(server!.wsUrl, 'full-c', await tok('h2', 'host', 'full-c'), { console: true });
      if (o.welcome && !o.welcome.snapshot.participants.h2?.present) return o;
      o.client.close();
      return null;
    }, 40_000);
    assert.equal(viewer.welcome?.snapshot.room, 'full-c');
    assert.equal((await health()).storage, 'ok');
    viewer.client.close();
  });
});
