/**
 * The hub's side of presence: removing someone (told why, closed, refused at hello until a
 * restart), no ghost participants after End Session then Start Session, ids such as
 * `__proto__` over real sockets, and a join that stays cheap after thousands came and went.
 */
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import type { RoomEvent, RoomState } from '../../src/protocol/types.ts';
import { createVerifier, issueToken, type TokenVerifier } from '../auth.ts';
import { MemoryStore } from '../store/store.ts';
import { FakeClock, FakeSocket, tick } from '../testing/fakes.ts';
import { RoomHub } from './hub.ts';

const SECRET = 'test-secret-test-secret-test-secret-0123';
let verifier: TokenVerifier;
let clock: FakeClock;
let store: MemoryStore;
let hub: RoomHub;
let ids = 0;

type Role = 'host' | 'moderator' | 'participant';
const token = (sub: string, role: Role, room = 'r1') => issueToken(SECRET, { sub, name: `Name ${sub}`, role, room });

async function connect(tok: string | Promise<string>, hello: Record<string, unknown> = {}, room = 'r1') {
  const s = new FakeSocket();
  s.handlers = hub.accept(room)(s);
  await s.write({ type: 'hello', token: await tok, ...hello });
  // Token checks are asynchronous: wait (up to 20 s on a loaded machine) for the welcome or the close.
  for (let i = 0; i < 4000 && !s.of('welcome').length && !s.closed; i++) await new Promise((r) => setTimeout(r, i < 20 ? 0 : 5));
  return s;
}

const events = (s: FakeSocket) => s.of<{ seq: number; event: RoomEvent }>('event').map((e) => e.event);
const errors = (s: FakeSocket) => s.of<{ code: string; message: string; fatal?: boolean }>('error');
const present = (room = 'r1') => Object.values(hub.peek(room)!.state.participants).filter((p) => p.present).map((p) => p.id).sort();
const command = (s: FakeSocket, c: Record<string, unknown>) => s.write({ type: 'command', command: c });

beforeEach(async () => {
  verifier ??= await createVerifier({ secret: SECRET });
  clock = new FakeClock();
  store = new MemoryStore();
  hub = new RoomHub({
    store,
    clock,
    verifier,
    config: { leaveGraceMs: 10_000, hostAwayMs: 60_000, rateLimits: null },
    randomId: () => `peer${++ids}`,
  });
});

describe('room hub: participant/remove', () => {
  it('the removed user hears why, is closed, and is refused at hello until the session restarts', async () => {
    const h = await connect(token('h', 'host'));
    const a = await connect(token('a', 'participant'));
    const console_ = await connect(token('a', 'participant'), { console: true }); // refused: not staff, closes itself
    assert.ok(console_.closed);
    await command(h, { type: 'participant/remove', userId: 'a' });
    await tick();
    const removed = events(a).find((e) => e.type === 'participant-removed');
    assert.deepEqual(removed && { ...removed, at: 0 }, { type: 'participant-removed', userId: 'a', by: 'h', at: 0 });
    assert.equal(errors(a).at(-1)?.code, 'removed');
    assert.equal(errors(a).at(-1)?.fatal, true);
    assert.ok(a.closed, 'their socket is closed at once');
    assert.ok(events(h).some((e) => e.type === 'participant-removed'));
    assert.deepEqual(present(), ['h']);
    // No grace period: nothing else happens when time passes.
    const seq = hub.peek('r1')!.state.seq;
    await clock.run(30_000);
    assert.equal(hub.peek('r1')!.state.seq, seq);

    const again = await connect(token('a', 'participant'));
    assert.equal(again.of('welcome').length, 0);
    assert.equal(errors(again)[0]?.code, 'removed');
    assert.match(errors(again)[0]!.message, /removed from the session/);
    assert.ok(again.closed);

    await command(h, { type: 'meeting/end' });
    await command(h, { type: 'meeting/start' });
    const back = await connect(token('a', 'participant'));
    assert.equal(back.of('welcome').length, 1, 'a restart lets them in again');
    assert.deepEqual(present(), ['a', 'h']);
  });

  it('a moderator cannot remove a host or themselves; a participant cannot remove anyone', async () => {
    const h = await connect(token('h', 'host'));
    const m = await connect(token('m', 'moderator'));
    const a = await connect(token('a', 'participant'));
    await m.write({ type: 'command', ref: 'x1', command: { type: 'participant/remove', userId: 'h' } });
    await m.write({ type: 'command', ref: 'x2', command: { type: 'participant/remove', userId: 'm' } });
    await a.write({ type: 'command', ref: 'x3', command: { type: 'participant/remove', userId: 'h' } });
    await tick();
    assert.deepEqual(errors(m).map((e) => e.code), ['forbidden', 'invalid']);
    assert.deepEqual(errors(a).map((e) => e.code), ['forbidden']);
    assert.deepEqual(present(), ['a', 'h', 'm']);
    assert.ok(!h.closed && !m.closed && !a.closed);
  });

  it('a moderator removed while their console is open loses the console too', async () => {
    await connect(token('h', 'host'));
    const m = await connect(token('m', 'moderator'));
    const mConsole = await connect(token('m', 'moderator'), { console: true });
    const h = await connect(token('h', 'host'), { console: true });
    await command(h, { type: 'participant/remove', userId: 'm' });
    await tick();
    assert.ok(m.closed && mConsole.closed);
    assert.equal(errors(mConsole).at(-1)?.code, 'removed');
    const consoleAgain = await connect(token('m', 'moderator'), { console: true });
    assert.equal(errors(consoleAgain)[0]?.code, 'removed');
  });
});

describe('room hub: no ghost participants after End Session then Start Session', () => {
  it('the restarting host is in at once; others count only once they rejoin', async () => {
    const h = await connect(token('h', 'host'));
    const a = await connect(token('a', 'participant'));
    const b = await connect(token('b', 'participant'));
    await command(h, { type: 'meeting/end' });
    assert.deepEqual(present(), [], 'ending takes everyone out of the room');
    await command(h, { type: 'meeting/start' });
    assert.deepEqual(present(), ['h'], 'a and b are still on the ended screen: not in the room');
    assert.equal(hub.peek('r1')!.state.participants.h!.peerId, h.of<{ self: { peerId: string } }>('welcome')[0]!.self.peerId);
    assert.equal(hub.peerAdmitted('r1', 'a', a.of<{ self: { peerId: string } }>('welcome')[0]!.self.peerId), false);
    // Rejoin: the element reconnects (a fresh join), or sends meeting/join on its open socket.
    await a.write({ type: 'command', command: { type: 'meeting/leave' } });
    a.drop();
    const a2 = await connect(token('a', 'participant'));
    assert.equal(a2.of('welcome').length, 1);
    await command(b, { type: 'meeting/join' });
    await tick();
    assert.deepEqual(present(), ['a', 'b', 'h']);
    const bPeer = b.of<{ self: { peerId: string } }>('welcome')[0]!.self.peerId;
    assert.equal(hub.peek('r1')!.state.participants.b!.peerId, bPeer);
    assert.ok(events(h).filter((e) => e.type === 'participant-joined').length >= 5);
  });

  it('a page still on the ended screen reconnects with away: not counted until it rejoins', async () => {
    const h = await connect(token('h', 'host'));
    const a = await connect(token('a', 'participant'));
    await command(h, { type: 'meeting/end' });
    await command(h, { type: 'meeting/start' });
    const peer = a.of<{ self: { peerId: string } }>('welcome')[0]!.self.peerId;
    a.drop(); // a network blip (or a server restart) while the page shows "The session has started again."
    const back = await connect(token('a', 'participant'), { since: hub.peek('r1')!.state.seq, peerId: peer, away: true });
    assert.equal(back.of('welcome').length, 1);
    await clock.run(10_001);
    assert.deepEqual(present(), ['h']);
    await command(back, { type: 'meeting/join' });
    await tick();
    assert.deepEqual(present(), ['a', 'h']);
  });

  it('a late arrival to an ended session gets a snapshot with status ended and is not counted', async () => {
    const h = await connect(token('h', 'host'));
    await command(h, { type: 'meeting/end' });
    const late = await connect(token('c', 'participant'));
    const w = late.of<{ snapshot?: RoomState }>('welcome')[0]!;
    assert.equal(w.snapshot?.status, 'ended');
    assert.deepEqual(present(), []);
    // Still connected, they can rejoin once a host starts the session again.
    await command(h, { type: 'meeting/start' });
    await command(late, { type: 'meeting/join' });
    await tick();
    assert.deepEqual(present(), ['c', 'h']);
  });

  it('a console that restarts the session does not bring its user in', async () => {
    const m = await connect(token('m', 'moderator'), { console: true });
    await connect(token('a', 'participant'));
    await command(m, { type: 'meeting/end' });
    await command(m, { type: 'meeting/start' });
    assert.equal(hub.peek('r1')!.state.status, 'open');
    assert.deepEqual(present(), []);
    await m.write({ type: 'command', ref: 'j', command: { type: 'meeting/join' } });
    await tick();
    assert.equal(errors(m).at(-1)?.code, 'invalid');
  });
});

describe('room hub: plain ids and bounded presence', () => {
  it('__proto__, valueOf and constructor join, chat, leave after the grace period, and resume', async () => {
    const h = await connect(token('h', 'host'));
    const odd = ['__proto__', 'valueOf', 'constructor'];
    const sockets = [];
    for (const id of odd) sockets.push(await connect(token(id, 'participant')));
    assert.deepEqual(present(), ['__proto__', 'constructor', 'h', 'valueOf']);
    for (const [i, s] of sockets.entries()) await command(s, { type: 'chat/send', text: `hello ${i}` });
    assert.equal(hub.peek('r1')!.state.chat.length, 3);
    const peer = sockets[0]!.of<{ self: { peerId: string } }>('welcome')[0]!.self.peerId;
    assert.equal(hub.peerAdmitted('r1', '__proto__', peer), true);
    assert.equal(hub.peerAdmitted('r1', 'toString', peer), false);
    await command(h, { type: 'breakout/configure', rooms: ['One'], timeLimitMinutes: null, countdownSeconds: 0, assignment: 'auto' });
    await command(h, { type: 'breakout/start' });
    await command(h, { type: 'breakout/move', userId: 'valueOf', to: null });
    assert.equal(errors(h).length, 0, JSON.stringify(errors(h)));
    // A dropped __proto__ resumes within the grace period; constructor leaves after it.
    const seq = hub.peek('r1')!.state.seq;
    sockets[0]!.drop();
    sockets[2]!.drop();
    const back = await connect(token('__proto__', 'participant'), { since: seq, peerId: peer });
    assert.ok(back.of('welcome').length);
    await clock.run(10_001);
    assert.deepEqual(present(), ['__proto__', 'h', 'valueOf']);
    // What the store keeps reads back the same.
    const stored = (await store.loadRoom('r1'))!;
    assert.ok(Object.hasOwn(stored.snapshot.participants, '__proto__'));
  });

  it('after 4,550 came and went, a join writes a small snapshot (state stays bounded)', async () => {
    // Baseline: 100 joins into an empty room.
    let t0 = performance.now();
    for (let i = 0; i < 100; i++) await connect(token(`fresh${i}`, 'participant', 'r2'), {}, 'r2');
    const fresh = performance.now() - t0;
    await connect(token('h', 'host'));
    for (let i = 0; i < 4550; i++) {
      const s = await connect(token(`u${i}`, 'participant'));
      await s.write({ type: 'command', command: { type: 'meeting/leave' } });
      s.drop();
    }
    const state = hub.peek('r1')!.state;
    const size = JSON.stringify(state).length;
    t0 = performance.now();
    for (let i = 0; i < 100; i++) await connect(token(`late${i}`, 'participant'));
    const batch = performance.now() - t0;
    console.log(`# after 4,550 joins and leaves: ${Object.keys(state.participants).length} participants in state (${size} B); 100 more joins took ${batch.toFixed(0)} ms (${fresh.toFixed(0)} ms in an empty room)`);
    assert.ok(Object.keys(state.participants).length <= 102);
    assert.ok(size < 40_000, `state is ${size} B`);
  });
});
