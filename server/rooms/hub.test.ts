import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import type { RoomEvent, RoomState } from '../../src/protocol/types.ts';
import { createVerifier, issueToken, type TokenVerifier } from '../auth.ts';
import { MemoryStore } from '../store/store.ts';
import { FakeClock, FakeSocket, FaultyStore, SlowStore, tick } from '../testing/fakes.ts';
import { RoomHub } from './hub.ts';
import { RESUME_MAX_BYTES, RESUME_MAX_EVENTS } from './catch-up.ts';

const SECRET = 'test-secret-test-secret-test-secret-0123';
let verifier: TokenVerifier;
let clock: FakeClock;
let store: MemoryStore;
let hub: RoomHub;
let ids = 0;

const token = (sub: string, role: 'host' | 'moderator' | 'participant', room = 'r1', extra = {}) =>
  issueToken(SECRET, { sub, name: sub.toUpperCase(), role, room, ...extra });

function makeHub(): RoomHub {
  return new RoomHub({
    store,
    clock,
    verifier,
    config: { leaveGraceMs: 10_000, hostAwayMs: 60_000 },
    randomId: () => `peer${++ids}`,
  });
}

async function connect(h: RoomHub, tok: string | Promise<string>, hello: Record<string, unknown> = {}, room = 'r1') {
  const s = new FakeSocket();
  s.handlers = h.accept(room)(s);
  await s.write({ type: 'hello', token: await tok, ...hello });
  for (let i = 0; i < 20 && !s.of('welcome').length && !s.closed; i++) await tick();
  return s;
}

const events = (s: FakeSocket) => s.of<{ seq: number; event: RoomEvent }>('event').map((e) => e.event);

beforeEach(async () => {
  verifier ??= await createVerifier({ secret: SECRET });
  clock = new FakeClock();
  store = new MemoryStore();
  hub = makeHub();
});

describe('room hub: joining', () => {
  it('welcomes with a snapshot and announces the join to everyone', async () => {
    const h = await connect(hub, token('h', 'host'));
    const w = h.of<{ self: { id: string; role: string; peerId: string }; snapshot: RoomState }>('welcome')[0];
    assert.equal(w.self.id, 'h');
    assert.equal(w.self.role, 'host');
    assert.equal(w.self.peerId, 'peer1');
    assert.ok(w.snapshot);
    const a = await connect(hub, token('a', 'participant'));
    const joined = events(h).filter((e) => e.type === 'participant-joined');
    assert.deepEqual(joined.map((e) => e.type === 'participant-joined' && e.participant.id), ['h', 'a']);
    assert.equal(events(a)[0].type, 'participant-joined');
  });

  it('refuses a bad, expired or other-room token with a reason and closes', async () => {
    const forged = await issueToken('another-secret-another-secret-another!', { sub: 'x', name: 'X', role: 'host', room: 'r1' });
    for (const [tok, re] of [
      [forged, /not signed by this site/],
      [await issueToken(SECRET, { sub: 'x', name: 'X', role: 'host', room: 'r1' }, -60), /expired/],
      [await token('x', 'host', 'other-room'), /for room "other-room", not "r1"/],
      ['not-a-jwt', /malformed/],
    ] as const) {
      const s = await connect(hub, tok);
      const err = s.of<{ code: string; message: string; fatal: boolean }>('error')[0];
      assert.equal(err.code, 'bad-token');
      assert.match(err.message, re);
      assert.equal(err.fatal, true);
      assert.ok(s.closed);
    }
    assert.equal(hub.stats().connections, 0);
  });

  it('commands before hello are refused', async () => {
    const s = new FakeSocket();
    s.handlers = hub.accept('r1')(s);
    await s.write({ type: 'command', ref: 'c1', command: { type: 'chat/send', text: 'hi' } });
    assert.equal(s.of<{ code: string; ref: string }>('error')[0].code, 'not-joined');
  });

  it('a socket that never says hello is closed', async () => {
    const s = new FakeSocket();
    s.handlers = hub.accept('r1')(s);
    await clock.run(10_001);
    assert.ok(s.closed);
  });

  it('a hello that arrived in time is welcomed however long the room makes it wait (a busy room or a slow store)', async () => {
    const slow = new SlowStore(new MemoryStore());
    slow.holding = false;
    const busy = new RoomHub({ store: slow, clock, verifier, config: { leaveGraceMs: 10_000, hostAwayMs: 60_000 }, randomId: () => `peer${++ids}` });
    const h = await connect(busy, token('h', 'host'));
    slow.holding = true;
    await h.write({ type: 'command', ref: 'c1', command: { type: 'chat/send', text: 'a write the room waits on' } });
    for (let i = 0; i < 50 && !slow.held.length; i++) await tick();
    assert.equal(slow.held.length, 1, "the host's chat is being written");
    const s = new FakeSocket();
    s.handlers = busy.accept('r1')(s);
    await s.write({ type: 'hello', token: await token('a', 'participant') });
    for (let i = 0; i < 20; i++) await tick();
    await clock.run(30_000);
    assert.ok(!s.closed, 'not refused while it waits its turn');
    assert.deepEqual(s.of('error'), []);
    slow.holding = false;
    await slow.held[0]!.finish();
    for (let i = 0; i < 50 && !s.of('welcome').length; i++) await tick();
    assert.equal(s.of('welcome').length, 1);
  });

  it('a second window of the same user replaces the first', async () => {
    const first = await connect(hub, token('a', 'participant'));
    await connect(hub, token('a', 'participant'));
    assert.equal(first.of<{ code: string }>('error')[0].code, 'replaced');
    assert.ok(first.closed);
    await tick();
    await clock.run(20_000);
    assert.equal(hub.peek('r1')!.state.participants.a.present, true, 'the old socket closing does not make them leave');
  });
});

describe('room hub: commands', () => {
  it('acks commands, fans out chat, and refuses what a role may not do', async () => {
    const h = await connect(hub, token('h', 'host'));
    const a = await connect(hub, token('a', 'participant'));
    await a.write({ type: 'command', ref: 'c1', command: { type: 'chat/send', text: '<img src=x onerror=alert(1)>' } });
    assert.equal(a.of<{ ref: string }>('ack')[0].ref, 'c1');
    const chat = events(h).find((e) => e.type === 'chat');
    assert.equal(chat?.type === 'chat' && chat.message.text, '<img src=x onerror=alert(1)>');
    await a.write({ type: 'command', ref: 'c2', command: { type: 'meeting/end' } });
    const err = a.of<{ code: string; ref: string; message: string }>('error')[0];
    assert.deepEqual([err.code, err.ref], ['forbidden', 'c2']);
    assert.equal(hub.peek('r1')!.state.status, 'open');
  });

  it('answers malformed, unknown, binary and oversized frames and keeps serving', async () => {
    const h = await connect(hub, token('h', 'host'));
    const a = await connect(hub, token('a', 'participant'));
    await a.write('{oops');
    await a.write({ type: 'teleport' });
    a.handlers.message(new Uint8Array([1, 2, 3]));
    await a.write('"' + 'x'.repeat(20_000) + '"');
    const codes = a.of<{ code: string }>('error').map((e) => e.code);
    assert.deepEqual(codes, ['bad-message', 'unknown-type', 'bad-message', 'too-large']);
    assert.equal(a.closed, null);
    await a.write({ type: 'command', command: { type: 'chat/send', text: 'still here' } });
    assert.ok(events(h).some((e) => e.type === 'chat'));
  });

  it('answers ping with the server time', async () => {
    const a = await connect(hub, token('a', 'participant'));
    await a.write({ type: 'ping', t: 5 });
    assert.deepEqual(a.of('pong')[0], { type: 'pong', t: 5, serverTime: clock.now() });
  });

  it('end and restart reach everyone', async () => {
    const h = await connect(hub, token('h', 'host'));
    const a = await connect(hub, token('a', 'participant'));
    await h.write({ type: 'command', command: { type: 'meeting/end' } });
    await h.write({ type: 'command', command: { type: 'meeting/start' } });
    const types = events(a).map((e) => e.type);
    // The host who restarts is back in at once; `a`, not yet rejoined, hears only the lifecycle.
    assert.deepEqual(types.slice(-3), ['meeting-ended', 'meeting-started', 'redacted']);
    assert.equal(events(h).at(-1)?.type, 'participant-joined');
  });
});

describe('room hub: leaving, grace and host away', () => {
  it('a dropped connection leaves only after the grace period; a prompt return keeps the place silently', async () => {
    const h = await connect(hub, token('h', 'host'));
    let a = await connect(hub, token('a', 'participant'));
    const peer = a.of<{ self: { peerId: string } }>('welcome')[0].self.peerId;
    a.drop();
    await clock.run(5_000);
    a = await connect(hub, token('a', 'participant'), { since: hub.peek('r1')!.state.seq, peerId: peer });
    const w = a.of<{ events?: unknown[]; self: { peerId: string } }>('welcome')[0];
    assert.deepEqual(w.events, [], 'resumed with nothing missed');
    assert.equal(w.self.peerId, peer);
    await clock.run(20_000);
    assert.ok(!events(h).some((e) => e.type === 'participant-left'));
    a.drop();
    await clock.run(10_001);
    assert.ok(events(h).some((e) => e.type === 'participant-left'));
  });

  it('Leave Session leaves at once', async () => {
    const h = await connect(hub, token('h', 'host'));
    const a = await connect(hub, token('a', 'participant'));
    await a.write({ type: 'command', command: { type: 'meeting/leave' } });
    assert.ok(events(h).some((e) => e.type === 'participant-left'));
    a.drop();
    await clock.run(60_000);
    assert.equal(events(h).filter((e) => e.type === 'participant-left').length, 1);
  });

  it('a resume that missed events gets exactly those', async () => {
    const h = await connect(hub, token('h', 'host'));
    const a = await connect(hub, token('a', 'participant'));
    const seen = hub.peek('r1')!.state.seq;
    a.drop();
    await h.write({ type: 'command', command: { type: 'chat/send', text: 'while you were away' } });
    const back = await connect(hub, token('a', 'participant'), { since: seen });
    const w = back.of<{ events: { event: RoomEvent }[] }>('welcome')[0];
    assert.deepEqual(w.events.map((e) => e.event.type), ['chat']);
  });

  it('ends the session when the host stays away past the deadline; a returning host cancels it', async () => {
    let h = await connect(hub, token('h', 'host'));
    const a = await connect(hub, token('a', 'participant'));
    await h.write({ type: 'command', command: { type: 'meeting/leave' } });
    assert.ok(events(a).some((e) => e.type === 'host-away-started'));
    await clock.run(30_000);
    h = await connect(hub, token('h', 'host'));
    assert.ok(events(a).some((e) => e.type === 'host-away-cancelled'));
    await clock.run(120_000);
    assert.equal(hub.peek('r1')!.state.status, 'open');
    h.drop();
    await clock.run(10_000 + 60_000 + 1);
    const ended = events(a).find((e) => e.type === 'meeting-ended');
    assert.equal(ended?.type === 'meeting-ended' && ended.reason, 'host-away');
  });

  it('a host token can shorten the wait for its room', async () => {
    const h = await connect(hub, token('h', 'host', 'r1', { hostAwayMinutes: 0.1 }));
    const a = await connect(hub, token('a', 'participant'));
    await h.write({ type: 'command', command: { type: 'meeting/leave' } });
    await clock.run(6_001);
    assert.equal(hub.peek('r1')!.state.status, 'ended');
    assert.ok(events(a).some((e) => e.type === 'meeting-ended'));
  });

  it('a restart neither loses nor resets the host-away timer', async () => {
    const h = await connect(hub, token('h', 'host'));
    await connect(hub, token('a', 'participant'));
    await h.write({ type: 'command', command: { type: 'meeting/leave' } });
    const deadline = hub.peek('r1')!.state.hostAwayDeadline;
    await clock.run(40_000);
    hub.close();
    const restarted = makeHub();
    assert.equal((await restarted.resume()), 1);
    assert.equal(restarted.peek('r1')!.state.hostAwayDeadline, deadline);
    await clock.run(19_999);
    assert.equal(restarted.peek('r1')!.state.status, 'open');
    await clock.run(2);
    assert.equal(restarted.peek('r1')!.state.status, 'ended');
  });

  it('after a restart, present users keep their place for the grace period and resume', async () => {
    await connect(hub, token('h', 'host'));
    const a = await connect(hub, token('a', 'participant'));
    await a.write({ type: 'command', command: { type: 'chat/send', text: 'before the restart' } });
    const seq = hub.peek('r1')!.state.seq;
    const peer = a.of<{ self: { peerId: string } }>('welcome')[0].self.peerId;
    hub.close();
    const restarted = makeHub();
    (await restarted.resume());
    assert.equal(restarted.peerAdmitted('r1', 'a', peer), true);
    const back = await connect(restarted, token('a', 'participant'), { since: seq, peerId: peer });
    const w = back.of<{ events: unknown[] }>('welcome')[0];
    assert.deepEqual(w.events, []);
    assert.equal(restarted.peek('r1')!.state.chat[0].text, 'before the restart');
    await clock.run(10_001);
    assert.equal(restarted.peek('r1')!.state.participants.a.present, true);
    assert.equal(restarted.peek('r1')!.state.participants.h.present, false, 'the host who did not come back left');
  });
});

describe('room hub: breakout', () => {
  const configure = (countdownSeconds = 0, timeLimitMinutes: number | null = 10) => ({
    type: 'command',
    command: { type: 'breakout/configure', rooms: ['One', 'Two'], timeLimitMinutes, countdownSeconds, assignment: 'auto' },
  });

  async function setup(countdown = 0) {
    const sockets: Record<string, FakeSocket> = {};
    sockets.h = await connect(hub, token('h', 'host'));
    for (const id of ['a', 'b', 'c', 'd']) sockets[id] = await connect(hub, token(id, 'participant'));
    await sockets.h.write(configure(countdown));
    await sockets.h.write({ type: 'command', command: { type: 'breakout/start' } });
    return sockets;
  }

  it('the server deals with its own randomness and a participant cannot command breakout', async () => {
    const s = await setup();
    const plan = hub.peek('r1')!.state.breakout.plan;
    const sizes = ['r1', 'r2'].map((r) => Object.values(plan).filter((x) => x === r).length);
    assert.deepEqual(sizes, [2, 2]);
    await s.a.write({ type: 'command', ref: 'x', command: { type: 'breakout/shuffle' } });
    assert.equal(s.a.of<{ code: string }>('error')[0].code, 'forbidden');
  });

  it('room chat reaches only that room; others get a placeholder with the same sequence number', async () => {
    const s = await setup();
    const state = hub.peek('r1')!.state;
    const [x, y] = ['a', 'b', 'c', 'd'].filter((id) => state.breakout.location[id] === 'r1');
    const other = ['a', 'b', 'c', 'd'].find((id) => state.breakout.location[id] === 'r2')!;
    await s[x].write({ type: 'command', command: { type: 'chat/send', text: 'secret plan' } });
    const last = (sock: FakeSocket) => sock.of<{ seq: number; event: RoomEvent }>('event').at(-1)!;
    assert.equal(last(s[y]).event.type, 'chat');
    assert.equal(last(s[other]).event.type, 'redacted');
    assert.equal(last(s.h).event.type, 'redacted', 'the host is in the main room');
    assert.equal(last(s[other]).seq, last(s[y]).seq);
    // A broadcast reaches every room.
    await s.h.write({ type: 'command', command: { type: 'breakout/broadcast', text: 'two minutes' } });
    for (const id of ['a', 'b', 'c', 'd']) assert.equal(last(s[id]).event.type, 'chat');
  });

  it('someone who moves gets the new room’s chat history', async () => {
    const s = await setup();
    const state = hub.peek('r1')!.state;
    const inR2 = ['a', 'b', 'c', 'd'].find((id) => state.breakout.location[id] === 'r2')!;
    const inR1 = ['a', 'b', 'c', 'd'].find((id) => state.breakout.location[id] === 'r1')!;
    await s[inR2].write({ type: 'command', command: { type: 'chat/send', text: 'room two notes' } });
    await s.h.write({ type: 'command', command: { type: 'breakout/move', userId: inR1, to: 'r2' } });
    const history = s[inR1].of<{ messages: { text: string }[] }>('history').at(-1)!;
    assert.deepEqual(history.messages.map((m) => m.text), ['room two notes']);
  });

  it('help calls reach moderators and the caller only', async () => {
    const s = await setup();
    await s.a.write({ type: 'command', command: { type: 'breakout/call' } });
    const last = (sock: FakeSocket) => sock.of<{ event: RoomEvent }>('event').at(-1)!.event.type;
    assert.equal(last(s.h), 'help-requested');
    assert.equal(last(s.a), 'help-requested');
    assert.equal(last(s.b), 'redacted');
  });

  it('a participant who reloads mid-breakout is back in the same room with the same deadline', async () => {
    const s = await setup();
    const before = hub.peek('r1')!.state.breakout;
    s.a.drop();
    await clock.run(3_000);
    const back = await connect(hub, token('a', 'participant'));
    const snap = back.of<{ snapshot: RoomState }>('welcome')[0].snapshot;
    assert.equal(snap.breakout.location.a, before.location.a);
    assert.equal(snap.breakout.endsAt, before.endsAt);
  });

  it('a restart during breakout loses no assignment, timer or call', async () => {
    const s = await setup(5);
    await clock.run(5_000);
    await s.a.write({ type: 'command', command: { type: 'breakout/call' } });
    await s.h.write({ type: 'command', command: { type: 'breakout/move', userId: 'b', to: 'r1' } });
    const before = hub.peek('r1')!.state.breakout;
    hub.close();
    const restarted = makeHub();
    (await restarted.resume());
    const after = restarted.peek('r1')!.state.breakout;
    assert.deepEqual(after.location, before.location);
    assert.deepEqual(after.calls, before.calls);
    assert.equal(after.endsAt, before.endsAt);
    await clock.run(5_000);
    assert.equal(restarted.peek('r1')!.state.breakout.location.b, 'r1', 'the pending move still lands');
    await clock.run(10 * 60_000);
    const later = (await restarted.room('r1')).state.breakout; // (the emptied room may have been unloaded and read back)
    assert.ok(later.closingAt !== null || later.status === 'idle', 'the time limit still fires');
  });

  it('a console sees and commands without joining or replacing the moderator', async () => {
    const h = await connect(hub, token('h', 'host'));
    const consoleSock = await connect(hub, token('h', 'host'), { console: true });
    assert.equal(h.closed, null, 'the room tab is not replaced');
    await consoleSock.write(configure());
    assert.ok(hub.peek('r1')!.state.breakout.config);
    consoleSock.drop();
    await clock.run(60_000);
    assert.equal(hub.peek('r1')!.state.participants.h.present, true);
    const sneaky = await connect(hub, token('a', 'participant'), { console: true });
    assert.equal(sneaky.of<{ code: string }>('error')[0].code, 'forbidden');
  });
});

describe('room hub: session info, chat mood and engagement', () => {
  const info = { title: 'Photosynthesis Q&A', aiAssistant: true, startsAt: 1_000_000, endsAt: 1_000_000 + 3_600_000, registered: 40 };

  function hubWith(extra: Partial<ConstructorParameters<typeof RoomHub>[0]>) {
    return new RoomHub({ store, clock, verifier, config: { leaveGraceMs: 10_000 }, randomId: () => `peer${++ids}`, ...extra });
  }

  it('puts the event session behind a room into its state, for everyone', async () => {
    const h = hubWith({ sessionInfo: (room) => (room === 'r1' ? info : null) });
    const a = await connect(h, token('a', 'participant'));
    assert.deepEqual(h.peek('r1')!.state.session, info);
    assert.ok(events(a).some((e) => e.type === 'session-info'));
  });

  it('scores chat mood on the server; a browser cannot set it', async () => {
    const h = hubWith({ mood: (text) => (text.includes('love') ? 0.8 : -0.5) });
    const a = await connect(h, token('a', 'participant'));
    await a.write({ type: 'command', command: { type: 'chat/send', text: 'I love this', mood: -1 } });
    await a.write({ type: 'command', command: { type: 'chat/send', text: 'meh', mood: 1 } });
    assert.deepEqual(h.peek('r1')!.state.chat.map((m) => m.mood), [0.8, -0.5]);
    const plain = await connect(hub, token('b', 'participant', 'r2'), {}, 'r2');
    await plain.write({ type: 'command', command: { type: 'chat/send', text: 'hi', mood: 1 } });
    assert.equal(hub.peek('r2')!.state.chat[0].mood, undefined, 'the schema drops a mood sent by a browser');
  });

  it('records what each browser reports about engagement', async () => {
    const a = await connect(hub, token('a', 'participant'));
    await a.write({ type: 'command', command: { type: 'engagement/report', engaged: true } });
    assert.equal(hub.peek('r1')!.state.participants.a.engaged, true);
    await a.write({ type: 'command', command: { type: 'engagement/report', engaged: 'yes' } });
    assert.equal(a.of<{ code: string }>('error')[0].code, 'bad-message');
  });
});

describe('room hub: a store that cannot write', () => {
  let disk: FaultyStore;
  let faulty: RoomHub;
  const errors = (s: FakeSocket) => s.of<{ code: string; message: string; ref?: string; fatal?: boolean }>('error');
  const quiet = console.error;

  beforeEach(() => {
    disk = new FaultyStore(store);
    faulty = new RoomHub({ store: disk, clock, verifier, config: { leaveGraceMs: 10_000, hostAwayMs: 60_000 }, randomId: () => `peer${++ids}` });
    console.error = () => {}; // the operator's log line is checked in storage-faults.test.ts
  });
  const restore = () => (console.error = quiet);

  it('refuses a command it cannot save with storage-unavailable; nothing changes and nobody hears of it', async () => {
    try {
      const h = await connect(faulty, token('h', 'host'));
      const a = await connect(faulty, token('a', 'participant'));
      const seq = faulty.peek('r1')!.state.seq;
      const heard = events(h).length;
      disk.fill();
      await a.write({ type: 'command', ref: 'c1', command: { type: 'chat/send', text: 'lost?' } });
      await h.write({ type: 'command', ref: 'c2', command: { type: 'meeting/end' } });
      assert.deepEqual(errors(a).map((e) => [e.code, e.ref]), [['storage-unavailable', 'c1']]);
      assert.match(errors(a)[0].message, /cannot save right now; try again shortly/);
      assert.equal(errors(h)[0].code, 'storage-unavailable');
      assert.equal(faulty.peek('r1')!.state.seq, seq);
      assert.equal(faulty.peek('r1')!.state.status, 'open');
      assert.deepEqual(faulty.peek('r1')!.state.chat, []);
      assert.equal(events(h).length, heard, 'nobody hears of events that were not stored');
      assert.equal(faulty.stats().storage, 'unavailable');
      // Reads keep working: ping, and a console's welcome with the snapshot.
      await a.write({ type: 'ping', t: 1 });
      assert.equal(a.of('pong').length, 1);
      const consoleSock = await connect(faulty, token('h', 'host'), { console: true });
      assert.equal(consoleSock.of('welcome').length, 1);
      assert.equal(a.closed, null);
      // Space comes back: the next command goes through, with the next sequence number.
      disk.free();
      await a.write({ type: 'command', ref: 'c3', command: { type: 'chat/send', text: 'saved' } });
      assert.equal(a.of<{ ref: string; seq: number }>('ack')[0].seq, seq + 1);
      assert.equal(events(h).at(-1)?.type, 'chat');
      assert.equal(faulty.stats().storage, 'ok');
    } finally {
      restore();
    }
  });

  it('a timer whose write fails tries again after a back-off and fires once when space returns', async () => {
    try {
      const h = await connect(faulty, token('h', 'host'));
      const a = await connect(faulty, token('a', 'participant'));
      await h.write({ type: 'command', command: { type: 'meeting/leave' } });
      disk.fill();
      await clock.run(60_001); // the host-away deadline passes: no throw out of the timer
      assert.equal(faulty.peek('r1')!.state.status, 'open');
      const tries = disk.refused;
      await clock.run(60_000);
      // Backing off (1 s, 2 s, 4 s … 30 s): a handful of tries a minute, not a spin.
      assert.ok(disk.refused - tries <= 6, `${disk.refused - tries} tries in a minute`);
      disk.free();
      await clock.run(30_000);
      assert.equal(faulty.peek('r1')!.state.status, 'ended');
      assert.equal(events(a).filter((e) => e.type === 'meeting-ended').length, 1);
    } finally {
      restore();
    }
  });

  it('a grace period that cannot be saved keeps the user until the leave is stored', async () => {
    try {
      const h = await connect(faulty, token('h', 'host'));
      const a = await connect(faulty, token('a', 'participant'));
      a.drop();
      disk.fill();
      await clock.run(10_001);
      assert.equal(faulty.peek('r1')!.state.participants.a.present, true);
      await clock.run(20_000);
      disk.free();
      await clock.run(30_000);
      assert.equal(faulty.peek('r1')!.state.participants.a.present, false);
      assert.equal(events(h).filter((e) => e.type === 'participant-left').length, 1);
    } finally {
      restore();
    }
  });

  it('a join it cannot save is refused and closed so the client tries again; it gets in once space returns', async () => {
    try {
      await connect(faulty, token('h', 'host'));
      disk.fill();
      const first = await connect(faulty, token('a', 'participant'));
      await tick();
      assert.equal(errors(first).at(-1)?.code, 'storage-unavailable');
      assert.notEqual(errors(first).at(-1)?.fatal, true, 'not fatal: the client reconnects by itself');
      assert.equal(first.closed?.code, 1013);
      assert.equal(faulty.peek('r1')!.state.participants.a, undefined);
      // Within the back-off a join is refused before any welcome, so the client backs off too.
      const second = await connect(faulty, token('a', 'participant'));
      assert.equal(second.of('welcome').length, 0);
      assert.equal(errors(second)[0].code, 'storage-unavailable');
      assert.equal(second.closed?.code, 1013);
      disk.free();
      await clock.run(30_000);
      const third = await connect(faulty, token('a', 'participant'));
      assert.equal(third.of('welcome').length, 1);
      assert.equal(faulty.peek('r1')!.state.participants.a.present, true);
    } finally {
      restore();
    }
  });

  it('a restart on a full disk stays up: grace periods and due timers wait for space', async () => {
    try {
      const h = await connect(faulty, token('h', 'host'));
      await connect(faulty, token('a', 'participant'));
      await h.write({ type: 'command', command: { type: 'meeting/leave' } });
      faulty.close();
      disk.fill();
      await clock.run(120_000); // the server was down past the host-away deadline
      const restarted = new RoomHub({ store: disk, clock, verifier, config: { leaveGraceMs: 10_000, hostAwayMs: 60_000 } });
      assert.equal((await restarted.resume()), 1);
      await clock.run(60_000);
      assert.equal(restarted.peek('r1')!.state.participants.a.present, true);
      assert.equal(restarted.peek('r1')!.state.status, 'open');
      disk.free();
      await clock.run(30_000);
      assert.equal(restarted.peek('r1')!.state.status, 'ended');
      assert.equal(restarted.peek('r1')!.state.participants.a.present, false);
    } finally {
      restore();
    }
  });
});

describe('room hub: far-behind resumes', () => {
  it('a resume more than RESUME_MAX_EVENTS behind gets a snapshot; a short one gets the events', async () => {
    const h = await connect(hub, token('h', 'host'));
    const a = await connect(hub, token('a', 'participant'));
    const host = { id: 'h', name: 'H', role: 'host' as const };
    const seen = hub.peek('r1')!.state.seq;
    const peer = a.of<{ self: { peerId: string } }>('welcome')[0].self.peerId;
    a.drop();
    for (let i = 0; i < RESUME_MAX_EVENTS + 50; i++) await hub.peek('r1')!.dispatch({ type: 'chat/send', text: `note ${i}` }, host);
    const far = await connect(hub, token('a', 'participant'), { since: seen, peerId: peer });
    const w = far.of<{ events?: unknown[]; snapshot?: RoomState }>('welcome')[0];
    assert.equal(w.events, undefined);
    assert.ok(w.snapshot);
    assert.equal(w.snapshot.seq, hub.peek('r1')!.state.seq);
    const seen2 = hub.peek('r1')!.state.seq;
    far.drop();
    for (let i = 0; i < 5; i++) await hub.peek('r1')!.dispatch({ type: 'chat/send', text: `later ${i}` }, host);
    const near = await connect(hub, token('a', 'participant'), { since: seen2, peerId: peer });
    assert.equal(near.of<{ events: unknown[] }>('welcome')[0].events.length, 5);
    assert.ok(h);
  });

  it('missed events larger than RESUME_MAX_BYTES give way to a smaller snapshot', async () => {
    await connect(hub, token('h', 'host'));
    const a = await connect(hub, token('a', 'participant'));
    const host = { id: 'h', name: 'H', role: 'host' as const };
    const seen = hub.peek('r1')!.state.seq;
    const peer = a.of<{ self: { peerId: string } }>('welcome')[0].self.peerId;
    a.drop();
    // Long messages, then a session end and restart: the restart clears chat, so the state is small.
    for (let i = 0; i < 40; i++) await hub.peek('r1')!.dispatch({ type: 'chat/send', text: 'x'.repeat(1_900) }, host);
    await hub.peek('r1')!.dispatch({ type: 'meeting/end' }, host);
    await hub.peek('r1')!.dispatch({ type: 'meeting/start' }, host);
    const missedBytes = JSON.stringify(await store.eventsSince('r1', seen)).length;
    assert.ok(missedBytes > RESUME_MAX_BYTES);
    const back = await connect(hub, token('a', 'participant'), { since: seen, peerId: peer });
    const w = back.of<{ events?: unknown[]; snapshot?: RoomState }>('welcome')[0];
    assert.ok(w.snapshot && !w.events);
    assert.ok(JSON.stringify(w).length < missedBytes);
  });
});

describe('room hub: idle rooms', () => {
  it('a room with nobody in it leaves memory after idleMs and comes back from the store', async () => {
    const h = await connect(hub, token('h', 'host'));
    const a = await connect(hub, token('a', 'participant'));
    await a.write({ type: 'command', command: { type: 'chat/send', text: 'keep me' } });
    const seq = hub.peek('r1')!.state.seq;
    for (const s of [a, h]) await s.write({ type: 'command', command: { type: 'meeting/leave' } });
    h.drop();
    a.drop();
    // The host left: a host-away deadline keeps the room in memory until it fires.
    await clock.run(60_000 + 1);
    assert.equal(hub.peek('r1')?.state.status, 'ended');
    assert.equal(hub.stats().rooms, 1);
    await clock.run(30_000);
    assert.ok(hub.peek('r1'), 'idle for less than idleMs');
    await clock.run(60_000);
    assert.equal(hub.peek('r1'), undefined);
    assert.deepEqual([hub.stats().rooms, hub.stats().unloaded], [0, 1]);
    const back = await connect(hub, token('a', 'participant'));
    const snap = back.of<{ snapshot: RoomState }>('welcome')[0].snapshot;
    assert.equal(snap.seq, seq + 4, 'leave, leave, host away, end');
    assert.equal(hub.peek('r1')!.state.status, 'ended');
  });

  it('a room with someone connected, a grace period running or a deadline pending stays', async () => {
    const m = await connect(hub, token('m', 'moderator'));
    const a = await connect(hub, token('a', 'participant', 'r2'), {}, 'r2');
    a.drop(); // r2: a grace period runs, then nobody is left
    await clock.run(5 * 60_000);
    assert.ok(hub.peek('r1'), 'someone is connected');
    assert.equal(hub.peek('r2'), undefined, 'r2 emptied after its grace period');
    // A breakout with a time limit, and nobody left: the room stays until its deadline fires.
    await m.write({ type: 'command', command: { type: 'breakout/configure', rooms: ['One'], timeLimitMinutes: 10, countdownSeconds: 0, assignment: 'auto' } });
    await m.write({ type: 'command', command: { type: 'breakout/start' } });
    await m.write({ type: 'command', command: { type: 'meeting/leave' } });
    m.drop();
    await clock.run(9 * 60_000);
    assert.ok(hub.peek('r1'), 'a deadline is pending');
    await clock.run(3 * 60_000);
    const log = (await store.eventsSince('r1', 0)) ?? [];
    assert.equal(log.filter((e) => e.event.type === 'breakout-ended').length, 1, 'the time limit fired once');
    await clock.run(2 * 60_000);
    assert.equal(hub.peek('r1'), undefined, 'then the room left memory');
  });
});
