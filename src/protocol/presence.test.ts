import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decide, initialState, reduce } from './room.ts';
import { LEFT_KEEP_MS, MAX_LEFT, type Actor, type Command, type RoomState } from './types.ts';

const host: Actor = { id: 'h', name: 'Dr. Host', role: 'host' };
const host2: Actor = { id: 'h2', name: 'Co-host', role: 'host' };
const mod: Actor = { id: 'm', name: 'Mo', role: 'moderator' };
const ann: Actor = { id: 'a', name: 'Ann', role: 'participant' };
const bob: Actor = { id: 'b', name: 'Bob', role: 'participant' };

function run(state: RoomState, command: Command, actor: Actor | null, now = 1000): RoomState {
  const r = reduce(state, command, { actor, now });
  assert.ok(r.ok, r.ok ? '' : `${command.type}: ${r.message}`);
  return r.state;
}

function refusal(state: RoomState, command: Command, actor: Actor | null, now = 1000): string {
  const r = decide(state, command, { actor, now });
  assert.equal(r.ok, false, `${command.type} should be refused`);
  return r.ok ? '' : r.code;
}

function joined(...actors: Actor[]): RoomState {
  let s = initialState('r1', 60_000);
  for (const a of actors) s = run(s, { type: 'presence/join', peerId: `p-${a.id}` }, a);
  return s;
}

const presentIds = (s: RoomState) => Object.values(s.participants).filter((p) => p.present).map((p) => p.id);

describe('presence: end and restart (no ghost participants)', () => {
  it('ending the session takes everyone out of the room', () => {
    let s = run(joined(host, ann, bob), { type: 'media/state', audio: true, video: true }, ann);
    s = run(s, { type: 'meeting/end' }, host, 5000);
    assert.deepEqual(presentIds(s), []);
    assert.equal(s.participants.a!.peerId, null);
    assert.equal(s.participants.a!.video, false);
    assert.equal(s.participants.a!.leftAt, 5000);
  });

  it('a restart counts only who joins again: the starter at once, others when they press Rejoin', () => {
    let s = run(joined(host, ann, bob), { type: 'meeting/end' }, host);
    s = run(s, { type: 'meeting/start', peerId: 'p-h' }, host, 2000);
    assert.equal(s.status, 'open');
    assert.deepEqual(presentIds(s), ['h'], 'Ann and Bob, still on the ended screen, are not in the room');
    assert.equal(s.participants.h!.peerId, 'p-h');
    s = run(s, { type: 'meeting/join', peerId: 'p-a2' }, ann, 3000);
    assert.deepEqual(presentIds(s).sort(), ['a', 'h']);
    assert.equal(s.participants.a!.peerId, 'p-a2');
  });

  it('a console restart (no media id) brings nobody in; Rejoin is refused while ended', () => {
    let s = run(joined(host, ann), { type: 'meeting/end' }, host);
    assert.equal(refusal(s, { type: 'meeting/join', peerId: 'p-a' }, ann), 'meeting-ended');
    s = run(s, { type: 'meeting/start' }, mod);
    assert.deepEqual(presentIds(s), []);
    assert.equal(refusal(s, { type: 'meeting/join' }, ann), 'invalid', 'a console cannot join the room');
  });

  it('arriving in an ended session does not make anyone present', () => {
    const s = run(joined(host, ann), { type: 'meeting/end' }, host);
    assert.deepEqual(decide(s, { type: 'presence/join', peerId: 'p-b' }, { actor: bob, now: 1 }), { ok: true, events: [] });
  });
});

describe('presence: participant/remove', () => {
  it('hosts and moderators remove someone, who is out at once and cannot come back this run', () => {
    let s = joined(host, mod, ann, bob);
    const r = reduce(s, { type: 'participant/remove', userId: 'a' }, { actor: mod, now: 7000 });
    assert.ok(r.ok);
    assert.deepEqual(r.events, [{ type: 'participant-removed', userId: 'a', by: 'm', at: 7000 }]);
    s = r.state;
    assert.equal(s.participants.a!.present, false);
    assert.deepEqual(s.removed, ['a']);
    assert.equal(refusal(s, { type: 'presence/join', peerId: 'p-a' }, ann), 'removed');
    assert.equal(refusal(s, { type: 'meeting/join', peerId: 'p-a' }, ann), 'removed');
    // Removing twice changes nothing.
    assert.deepEqual(decide(s, { type: 'participant/remove', userId: 'a' }, { actor: host, now: 1 }), { ok: true, events: [] });
  });

  it('refuses participants, removing yourself, a host by a moderator, and unknown users', () => {
    const s = joined(host, mod, ann, bob);
    assert.equal(refusal(s, { type: 'participant/remove', userId: 'b' }, ann), 'forbidden');
    assert.equal(refusal(s, { type: 'participant/remove', userId: 'm' }, mod), 'invalid');
    assert.equal(refusal(s, { type: 'participant/remove', userId: 'h' }, mod), 'forbidden');
    assert.equal(refusal(s, { type: 'participant/remove', userId: 'nobody' }, host), 'invalid');
    assert.equal(refusal(s, { type: 'participant/remove', userId: 'b' }, null), 'not-joined');
    const ended = run(s, { type: 'meeting/end' }, host);
    assert.equal(refusal(ended, { type: 'participant/remove', userId: 'b' }, host), 'meeting-ended');
  });

  it('a host may remove a co-host; the last host going starts the host-away wait', () => {
    let s = joined(host, host2, ann);
    s = run(s, { type: 'participant/remove', userId: 'h2' }, host);
    assert.equal(s.hostAwayDeadline, null, 'the remover is a host and still here');
    s = run(s, { type: 'presence/leave', userId: 'h' }, null, 10_000);
    assert.equal(s.hostAwayDeadline, 70_000);
  });

  it('a restart lets removed users join again; their breakout place and calls are gone', () => {
    let s = joined(host, ann, bob);
    s = run(s, { type: 'breakout/deal', reason: 'configure', order: ['a', 'b'], configure: { type: 'breakout/configure', rooms: ['One', 'Two'], timeLimitMinutes: null, countdownSeconds: 0, assignment: 'auto' } }, host);
    s = run(s, { type: 'breakout/start' }, host);
    s = run(s, { type: 'breakout/call' }, ann);
    assert.equal(s.breakout.calls.length, 1);
    s = run(s, { type: 'participant/remove', userId: 'a' }, host);
    assert.equal(s.breakout.calls.length, 0);
    assert.equal(Object.hasOwn(s.breakout.location, 'a'), false);
    assert.equal(Object.hasOwn(s.breakout.plan, 'a'), false);
    s = run(s, { type: 'meeting/end' }, host);
    s = run(s, { type: 'meeting/start', peerId: 'p-h' }, host);
    assert.deepEqual(s.removed, []);
    s = run(s, { type: 'presence/join', peerId: 'p-a' }, ann);
    assert.equal(s.participants.a!.present, true);
  });
});

describe('presence: people who left are forgotten (bounded state)', () => {
  it(`keeps at most ${MAX_LEFT} who left, the most recent; 4,550 comers and goers leave the state small`, () => {
    let s = joined(host);
    const small = JSON.stringify(s).length;
    const t0 = performance.now();
    for (let i = 0; i < 4550; i++) {
      const u: Actor = { id: `u${i}`, name: `User ${i}`, role: 'participant' };
      s = run(s, { type: 'presence/join', peerId: `p${i}` }, u, 1000 + i);
      s = run(s, { type: 'presence/leave', userId: u.id }, null, 1000 + i);
    }
    const churnMs = performance.now() - t0;
    const gone = Object.values(s.participants).filter((p) => !p.present);
    assert.ok(gone.length <= MAX_LEFT && gone.length >= MAX_LEFT / 2, `${gone.length} kept`);
    assert.ok(Object.hasOwn(s.participants, 'u4549') && !Object.hasOwn(s.participants, 'u0'), 'the longest gone are forgotten first');
    const size = JSON.stringify(s).length;
    // Figures: the state stays about 100 participants' worth, whatever the churn.
    console.log(`# 4,550 joins and leaves: ${Object.keys(s.participants).length} participants kept, state ${size} B (empty room ${small} B), ${churnMs.toFixed(0)} ms`);
    assert.ok(size < 40_000, `state is ${size} B`);
  });

  it(`forgets who left more than ${LEFT_KEEP_MS / 60_000} minutes ago at the next join or timer, with their breakout plan`, () => {
    let s = joined(host, mod, ann, bob);
    s = run(s, { type: 'breakout/deal', reason: 'configure', order: ['a', 'b'], configure: { type: 'breakout/configure', rooms: ['One', 'Two'], timeLimitMinutes: null, countdownSeconds: 0, assignment: 'auto' } }, host);
    s = run(s, { type: 'presence/leave', userId: 'a' }, null, 2000);
    const later = 2000 + LEFT_KEEP_MS;
    assert.ok(Object.hasOwn(run(s, { type: 'timer/due' }, null, later - 1).participants, 'a'), 'kept until the bound');
    const viaTimer = run(s, { type: 'timer/due' }, null, later);
    assert.equal(Object.hasOwn(viaTimer.participants, 'a'), false);
    const viaJoin = run(s, { type: 'presence/join', peerId: 'p-m2' }, mod, later);
    assert.equal(Object.hasOwn(viaJoin.participants, 'a'), false);
    assert.equal(Object.hasOwn(viaJoin.breakout.plan, 'a'), false, 'no plan entry for someone forgotten');
    assert.equal(viaJoin.breakout.plan.b, s.breakout.plan.b);
    // Someone forgotten who comes back joins afresh.
    const back = run(viaJoin, { type: 'presence/join', peerId: 'p-a' }, ann, later + 1);
    assert.equal(back.participants.a!.present, true);
  });
});
