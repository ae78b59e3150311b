/**
 * The audit log of moderator actions: which actions make entries, that an entry is
 * written with its action or not at all, the bound per room, and the REST endpoint
 * over the real server (which keeps the log across a restart).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createVerifier, issueToken } from '../auth.ts';
import { SqliteStore } from '../store/sqlite.ts';
import { AUDIT_KEEP, MemoryStore, type AuditEntry } from '../store/store.ts';
import { FakeClock, FakeSocket, FaultyStore, tick } from '../testing/fakes.ts';
import { joinRoom, startServer, TEST_SECRET, type RunningServer } from '../testing/spawn.ts';
import { auditEntries } from './audit.ts';
import { RoomHub } from './hub.ts';
import { initialState } from '../../src/protocol/room.ts';

const SECRET = 'audit-test-secret-0123456789-0123456789';

describe('audit entries', () => {
  const host = { id: 'h', name: 'Hana Host', role: 'host' as const };
  const state = initialState('r1', 60_000);
  const ended = [{ type: 'meeting-ended' as const, reason: 'ended-by-host' as const, by: 'h', at: 5 }];

  it('records moderator actions with who and when, and nothing for the server or participants', () => {
    assert.deepEqual(auditEntries({ type: 'meeting/end' }, ended, host, state, 5), [
      { at: 5, action: 'end', actor: { id: 'h', name: 'Hana Host' }, detail: {} },
    ]);
    assert.deepEqual(auditEntries({ type: 'timer/due' }, ended, null, state, 5), [], 'the host-away timer is no one');
    assert.deepEqual(auditEntries({ type: 'meeting/end' }, [], host, state, 5), [], 'a command that changed nothing');
    const student = { id: 's', name: 'Sam', role: 'participant' as const };
    const chat = [{ type: 'chat' as const, message: { id: 1, from: 's', name: 'Sam', text: 'hi', at: 5, room: null } }];
    assert.deepEqual(auditEntries({ type: 'chat/send', text: 'hi' }, chat, student, state, 5), []);
  });

  it('names removals by their event, and moves, shuffles and configuration with what they did', () => {
    const removed = auditEntries({ type: 'participant/remove', userId: 's' }, [{ type: 'participant-removed', userId: 's', by: 'h', at: 7 }], host, state, 7);
    assert.deepEqual(removed.map((e) => [e.action, e.detail.userId]), [['remove', 's']]);
    const planned = [{ type: 'breakout-planned' as const, plan: { s: 'r2' } }];
    assert.deepEqual(auditEntries({ type: 'breakout/move', userId: 's', to: 'r2' }, planned, host, state, 7)[0].detail, { userId: 's', name: 's', to: 'r2' });
    assert.equal(auditEntries({ type: 'breakout/deal', reason: 'shuffle', order: ['a', 'b'] }, planned, host, state, 7)[0].action, 'shuffle');
  });
});

describe('audit log in the hub and the stores', () => {
  const tok = (sub: string, role: 'host' | 'participant') => issueToken(SECRET, { sub, name: sub.toUpperCase(), role, room: 'r1' });

  async function connect(hub: RoomHub, token: Promise<string>) {
    const s = new FakeSocket();
    s.handlers = hub.accept('r1')(s);
    await s.write({ type: 'hello', token: await token });
    for (let i = 0; i < 20 && !s.of('welcome').length && !s.closed; i++) await tick();
    return s;
  }

  it('writes the entry in the same write as the events: a refused action leaves no entry, a done one always has one', async () => {
    const verifier = await createVerifier({ secret: SECRET });
    const clock = new FakeClock();
    const disk = new FaultyStore(new MemoryStore());
    const hub = new RoomHub({ store: disk, clock, verifier });
    const h = await connect(hub, tok('h', 'host'));
    await connect(hub, tok('a', 'participant'));
    const quiet = console.error;
    console.error = () => {};
    try {
      disk.fill();
      await h.write({ type: 'command', ref: 'e1', command: { type: 'meeting/end' } });
      assert.equal(h.of<{ code: string }>('error')[0].code, 'storage-unavailable');
      assert.equal(hub.peek('r1')!.state.status, 'open');
      assert.deepEqual(await disk.auditLog('r1', 10), []);
      disk.free();
      await clock.run(1_000);
      await h.write({ type: 'command', ref: 'e2', command: { type: 'meeting/end' } });
      await h.write({ type: 'command', ref: 'e3', command: { type: 'meeting/start' } });
    } finally {
      console.error = quiet;
    }
    const log = await disk.auditLog('r1', 10);
    assert.deepEqual(log.map((e) => [e.action, e.actor.id, e.actor.name, e.at]), [
      ['restart', 'h', 'H', clock.now()],
      ['end', 'h', 'H', clock.now()],
    ]);
    hub.close();
  });

  it('SQLite keeps the newest AUDIT_KEEP entries per room, across a reopen', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'audit-test-'));
    try {
      let store = new SqliteStore(join(dir, 'rooms.db'));
      const entry = (i: number): AuditEntry => ({ at: i, action: 'move', actor: { id: 'h', name: 'Hana' }, detail: { n: i } });
      const batch = Array.from({ length: AUDIT_KEEP + 20 }, (_, i) => entry(i));
      await store.append('r1', [], null, batch.slice(0, 10));
      await store.append('r1', [], null, batch.slice(10));
      await store.append('r2', [], null, [entry(-1)]);
      await store.close();
      store = new SqliteStore(join(dir, 'rooms.db'));
      const all = await store.auditLog('r1', AUDIT_KEEP * 2);
      assert.equal(all.length, AUDIT_KEEP);
      assert.deepEqual(all[0], entry(AUDIT_KEEP + 19), 'newest first');
      assert.equal(all.at(-1)!.at, 20, 'the oldest went first');
      assert.deepEqual((await store.auditLog('r2', 5)).map((e) => e.at), [-1], 'another room keeps its own');
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('GET /api/rooms/:room/audit on the real server', () => {
  let server: RunningServer;
  const room = 'audit-room';
  const tok = (sub: string, role: 'host' | 'moderator' | 'participant', forRoom = room) =>
    issueToken(TEST_SECRET, { sub, name: `User ${sub}`, role, room: forRoom });
  const get = (path: string, token?: string) =>
    fetch(`${server.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server?.stop();
    rmSync(server.dataDir, { recursive: true, force: true });
  });

  it('gives hosts and moderators the log, newest first; participants 403, bad tokens 401, tokens in the URL 400', async () => {
    const host = await joinRoom(server.wsUrl, room, await tok('h', 'host'));
    const student = await joinRoom(server.wsUrl, room, await tok('s', 'participant'));
    assert.ok(host.welcome && student.welcome);
    host.client.send({ type: 'command', ref: 'r1', command: { type: 'breakout/configure', rooms: ['One', 'Two'], timeLimitMinutes: null, countdownSeconds: 0, assignment: 'manual' } });
    host.client.send({ type: 'command', ref: 'r2', command: { type: 'breakout/move', userId: 's', to: 'r2' } });
    host.client.send({ type: 'command', ref: 'r3', command: { type: 'meeting/end' } });
    await host.client.next((m) => m.type === 'ack' && m.ref === 'r3', 20_000);

    const res = await get(`/api/rooms/${room}/audit`, await tok('m', 'moderator'));
    assert.equal(res.status, 200, await res.clone().text());
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const { entries } = (await res.json()) as { entries: AuditEntry[] };
    assert.deepEqual(entries.map((e) => e.action), ['end', 'move', 'configure']);
    assert.deepEqual(entries[1].actor, { id: 'h', name: 'User h' });
    assert.deepEqual(entries[1].detail, { userId: 's', name: 'User s', to: 'r2' });
    assert.ok(Math.abs(entries[0].at - Date.now()) < 60_000);

    const one = await get(`/api/rooms/${room}/audit?limit=1`, await tok('h', 'host'));
    assert.deepEqual(((await one.json()) as { entries: AuditEntry[] }).entries.map((e) => e.action), ['end']);
    assert.equal((await get(`/api/rooms/${room}/audit?limit=0`, await tok('h', 'host'))).status, 400);
    assert.equal((await get(`/api/rooms/${room}/audit?limit=5000`, await tok('h', 'host'))).status, 400);

    const forbidden = await get(`/api/rooms/${room}/audit`, await tok('s', 'participant'));
    assert.equal(forbidden.status, 403);
    assert.match(((await forbidden.json()) as { error: string }).error, /hosts and moderators/);
    const none = await get(`/api/rooms/${room}/audit`);
    assert.equal(none.status, 401);
    assert.match(none.headers.get('www-authenticate') ?? '', /Bearer/);
    assert.equal((await get(`/api/rooms/${room}/audit`, 'not-a-jwt')).status, 401);
    assert.equal((await get(`/api/rooms/${room}/audit`, await tok('h', 'host', 'another-room'))).status, 401, 'a token for another room');
    const forged = await issueToken('another-secret-another-secret-another!', { sub: 'h', name: 'H', role: 'host', room });
    assert.equal((await get(`/api/rooms/${room}/audit`, forged)).status, 401);
    const inUrl = await fetch(`${server.url}/api/rooms/${room}/audit?access_token=${await tok('h', 'host')}`);
    assert.equal(inUrl.status, 400);
    host.client.close();
    student.client.close();
  });

  it('keeps the log across a restart', async () => {
    const dataDir = server.dataDir;
    await server.stop();
    server = await startServer({ dataDir });
    const res = await get(`/api/rooms/${room}/audit`, await tok('h', 'host'));
    assert.deepEqual(((await res.json()) as { entries: AuditEntry[] }).entries.map((e) => e.action), ['end', 'move', 'configure']);
  });
});
