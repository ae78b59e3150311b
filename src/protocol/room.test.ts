import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { apply, applySequenced, decide, initialState, reduce } from './room.ts';
import { CHAT_HISTORY, type Actor, type Command, type RoomState } from './types.ts';

const host: Actor = { id: 'h', name: 'Dr. Host', role: 'host' };
const mod: Actor = { id: 'm', name: 'Mo', role: 'moderator' };
const ann: Actor = { id: 'a', name: 'Ann', role: 'participant' };
const bob: Actor = { id: 'b', name: 'Bob', role: 'participant' };

function run(state: RoomState, command: Command, actor: Actor | null, now = 1000): RoomState {
  const r = reduce(state, command, { actor, now });
  assert.ok(r.ok, r.ok ? '' : r.message);
  return r.state;
}

function joined(...actors: Actor[]): RoomState {
  let s = initialState('r1', 60_000);
  for (const a of actors) s = run(s, { type: 'presence/join', peerId: `p-${a.id}` }, a);
  return s;
}

describe('room: presence', () => {
  it('adds a participant with role and peer id, present', () => {
    const s = joined(host, ann);
    assert.deepEqual(Object.keys(s.participants), ['h', 'a']);
    assert.equal(s.participants.a.role, 'participant');
    assert.equal(s.participants.a.peerId, 'p-a');
    assert.equal(s.participants.a.present, true);
  });

  it('marks a leaver absent and clears their media', () => {
    let s = joined(host, ann);
    s = run(s, { type: 'media/state', audio: true, video: true }, ann);
    s = run(s, { type: 'presence/leave', userId: 'a' }, null);
    assert.equal(s.participants.a.present, false);
    assert.equal(s.participants.a.peerId, null);
    assert.equal(s.participants.a.video, false);
  });

  it('leaving twice changes nothing', () => {
    const s = run(joined(host, ann), { type: 'presence/leave', userId: 'a' }, null);
    const d = decide(s, { type: 'presence/leave', userId: 'a' }, { actor: null, now: 2000 });
    assert.deepEqual(d, { ok: true, events: [] });
  });

  it('meeting/leave leaves the sender only', () => {
    const s = run(joined(host, ann, bob), { type: 'meeting/leave' }, ann);
    assert.equal(s.participants.a.present, false);
    assert.equal(s.participants.b.present, true);
  });
});

describe('room: host away', () => {
  it('starts the timer when the last host leaves, with the room deadline', () => {
    const s = run(joined(host, ann), { type: 'presence/leave', userId: 'h' }, null, 5000);
    assert.equal(s.hostAwayDeadline, 5000 + 60_000);
  });

  it('does not start while another host is present; a moderator does not count as host', () => {
    const host2: Actor = { id: 'h2', name: 'Co-host', role: 'host' };
    let s = run(joined(host, host2, ann), { type: 'presence/leave', userId: 'h' }, null);
    assert.equal(s.hostAwayDeadline, null);
    s = run(joined(host, mod, ann), { type: 'presence/leave', userId: 'h' }, null);
    assert.notEqual(s.hostAwayDeadline, null);
  });

  it('a returning host cancels it', () => {
    let s = run(joined(host, ann), { type: 'presence/leave', userId: 'h' }, null);
    s = run(s, { type: 'presence/join', peerId: 'p-h2' }, host);
    assert.equal(s.hostAwayDeadline, null);
  });

  it('the timer ends the session only once the deadline has passed', () => {
    let s = run(joined(host, ann), { type: 'presence/leave', userId: 'h' }, null, 0);
    const early = decide(s, { type: 'timer/due' }, { actor: null, now: 59_999 });
    assert.deepEqual(early, { ok: true, events: [] });
    s = run(s, { type: 'timer/due' }, null, 60_000);
    assert.equal(s.status, 'ended');
    assert.equal(s.endedReason, 'host-away');
    assert.equal(s.hostAwayDeadline, null);
  });

  it('a participant arriving while the room waits keeps the original deadline', () => {
    let s = run(joined(host), { type: 'presence/leave', userId: 'h' }, null, 0);
    s = run(s, { type: 'presence/join', peerId: 'p-a' }, ann, 30_000);
    assert.equal(s.hostAwayDeadline, 60_000);
  });

  it('a host token can set the room wait (settings-changed)', () => {
    let s = initialState('r', 60_000);
    s = run(s, { type: 'presence/join', peerId: 'x', hostAwayMs: 3000 }, host);
    assert.equal(s.hostAwayMs, 3000);
    s = run(s, { type: 'presence/join', peerId: 'y', hostAwayMs: 9000 }, ann);
    assert.equal(s.hostAwayMs, 3000, 'a participant token cannot change it');
  });
});

describe('room: session lifecycle', () => {
  it('host and moderator may end; participants may not', () => {
    const s = joined(host, mod, ann);
    const refused = decide(s, { type: 'meeting/end' }, { actor: ann, now: 1 });
    assert.equal(refused.ok, false);
    assert.equal(!refused.ok && refused.code, 'forbidden');
    assert.equal(run(s, { type: 'meeting/end' }, mod).status, 'ended');
    const ended = run(s, { type: 'meeting/end' }, host);
    assert.equal(ended.status, 'ended');
    assert.equal(ended.endedReason, 'ended-by-host');
  });

  it('ending twice is refused; start restarts an ended session and clears chat', () => {
    let s = run(joined(host, ann), { type: 'chat/send', text: 'hi' }, ann);
    s = run(s, { type: 'meeting/end' }, host);
    assert.equal(decide(s, { type: 'meeting/end' }, { actor: host, now: 1 }).ok, false);
    assert.equal(decide(s, { type: 'meeting/start' }, { actor: ann, now: 1 }).ok, false);
    s = run(s, { type: 'meeting/start' }, host);
    assert.equal(s.status, 'open');
    assert.deepEqual(s.chat, []);
    assert.equal(decide(s, { type: 'meeting/start' }, { actor: host, now: 1 }).ok, false);
  });

  it('chat is closed while the session is ended', () => {
    const s = run(joined(host, ann), { type: 'meeting/end' }, host);
    const d = decide(s, { type: 'chat/send', text: 'hello?' }, { actor: ann, now: 1 });
    assert.equal(!d.ok && d.code, 'meeting-ended');
  });
});

describe('room: chat and media', () => {
  it('numbers messages, keeps the text as given and the name from the token', () => {
    let s = run(joined(host, ann), { type: 'chat/send', text: '  <b>hi</b>  ' }, ann, 42);
    s = run(s, { type: 'chat/send', text: 'second' }, host);
    assert.deepEqual(s.chat[0], { id: 1, from: 'a', name: 'Ann', text: '<b>hi</b>', at: 42 });
    assert.equal(s.chat[1].id, 2);
  });

  it(`keeps the last ${CHAT_HISTORY} messages`, () => {
    let s = joined(ann);
    for (let i = 0; i < CHAT_HISTORY + 5; i++) s = run(s, { type: 'chat/send', text: `m${i}` }, ann);
    assert.equal(s.chat.length, CHAT_HISTORY);
    assert.equal(s.chat[0].text, 'm5');
    assert.equal(s.nextChatId, CHAT_HISTORY + 6);
  });

  it('refuses empty chat and commands from someone not in the room', () => {
    const s = joined(ann);
    assert.equal(decide(s, { type: 'chat/send', text: '   ' }, { actor: ann, now: 1 }).ok, false);
    assert.equal(decide(s, { type: 'media/state', audio: true, video: false }, { actor: bob, now: 1 }).ok, false);
    assert.equal(decide(s, { type: 'chat/send', text: 'x' }, { actor: null, now: 1 }).ok, false);
  });

  it('media/state records toggles and is silent when nothing changes', () => {
    let s = run(joined(ann), { type: 'media/state', audio: true, video: false }, ann);
    assert.equal(s.participants.a.audio, true);
    assert.deepEqual(decide(s, { type: 'media/state', audio: true, video: false }, { actor: ann, now: 1 }), { ok: true, events: [] });
  });
});

describe('room: determinism and sequencing', () => {
  it('server and browser reach the same state from the same events', () => {
    const commands: [Command, Actor | null][] = [
      [{ type: 'presence/join', peerId: 'p1' }, host],
      [{ type: 'presence/join', peerId: 'p2' }, ann],
      [{ type: 'chat/send', text: 'hello' }, ann],
      [{ type: 'presence/leave', userId: 'h' }, null],
      [{ type: 'presence/join', peerId: 'p3' }, host],
      [{ type: 'meeting/end' }, host],
    ];
    let server = initialState('r');
    let browser = initialState('r');
    let seq = 0;
    for (const [c, a] of commands) {
      const r = reduce(server, c, { actor: a, now: 7 });
      assert.ok(r.ok);
      for (const e of r.events) browser = applySequenced(browser, { seq: ++seq, event: e });
      server = { ...r.state, seq };
    }
    assert.deepEqual(browser, server);
  });

  it('applySequenced ignores events it already has', () => {
    const s = applySequenced(initialState('r'), { seq: 1, event: { type: 'host-away-started', deadline: 5 } });
    assert.equal(applySequenced(s, { seq: 1, event: { type: 'host-away-cancelled' } }), s);
  });

  it('apply never mutates its input', () => {
    const s = Object.freeze(joined(ann));
    apply(s, { type: 'participant-left', userId: 'a', at: 1 });
    assert.equal(s.participants.a.present, true);
  });
});
