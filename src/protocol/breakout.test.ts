import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deal, locationOf } from './breakout.ts';
import { hears, nextDeadline, viewFor } from './room.ts';
import { decide, initialState, reduce } from './room.ts';
import type { Actor, Command, RoomState } from './types.ts';

const host: Actor = { id: 'h', name: 'Host', role: 'host' };
const mod: Actor = { id: 'm', name: 'Mod', role: 'moderator' };
const people: Actor[] = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((id) => ({ id, name: id.toUpperCase(), role: 'participant' }));
const [ann, bob] = people;

function run(state: RoomState, command: Command, actor: Actor | null, now = 0): RoomState {
  const r = reduce(state, command, { actor, now });
  assert.ok(r.ok, r.ok ? '' : `${command.type}: ${r.message}`);
  return r.state;
}

function refused(state: RoomState, command: Command, actor: Actor | null, code = 'invalid'): string {
  const r = decide(state, command, { actor, now: 0 });
  assert.equal(r.ok, false, `${command.type} should be refused`);
  if (!r.ok) assert.equal(r.code, code);
  return r.ok ? '' : r.message;
}

function room(n = 4, opts: { countdownSeconds?: number; timeLimitMinutes?: number | null; assignment?: 'auto' | 'manual' | 'mixed' } = {}) {
  let s = initialState('r');
  for (const a of [host, mod, ...people.slice(0, n)]) s = run(s, { type: 'presence/join', peerId: `p${a.id}` }, a);
  return run(
    s,
    {
      type: 'breakout/deal',
      reason: 'configure',
      order: people.slice(0, n).map((p) => p.id),
      configure: {
        type: 'breakout/configure',
        rooms: ['Photosynthesis', 'Respiration'],
        timeLimitMinutes: opts.timeLimitMinutes === undefined ? 10 : opts.timeLimitMinutes,
        countdownSeconds: opts.countdownSeconds ?? 5,
        assignment: opts.assignment ?? 'auto',
      },
    },
    host,
  );
}

/** Advance to `now` and fire what is due, as the server's timer does. */
const due = (s: RoomState, now: number) => run(s, { type: 'timer/due' }, null, now);

describe('breakout: configure and start', () => {
  it('creates named rooms, saves the configuration and deals an automatic plan', () => {
    const s = room();
    assert.deepEqual(s.breakout.config?.rooms, [
      { id: 'r1', name: 'Photosynthesis' },
      { id: 'r2', name: 'Respiration' },
    ]);
    assert.equal(s.breakout.config?.timeLimitMs, 600_000);
    assert.deepEqual(s.breakout.plan, { a: 'r1', b: 'r2', c: 'r1', d: 'r2' });
  });

  it('manual assignment leaves the plan empty; new rooms get new ids', () => {
    const s = room(4, { assignment: 'manual' });
    assert.deepEqual(s.breakout.plan, {});
    const again = run(s, { type: 'breakout/deal', reason: 'configure', order: [], configure: { type: 'breakout/configure', rooms: ['X'], timeLimitMinutes: null, countdownSeconds: 0, assignment: 'manual' } }, host);
    assert.deepEqual(again.breakout.config?.rooms, [{ id: 'r3', name: 'X' }]);
  });

  it('only hosts and moderators may manage breakout; the server refuses anyone else', () => {
    const s = room();
    for (const c of [{ type: 'breakout/start' }, { type: 'breakout/rotate' }, { type: 'breakout/gather' }, { type: 'breakout/end' }, { type: 'breakout/move', userId: 'b', to: 'r1' }, { type: 'breakout/join', to: 'r1' }, { type: 'breakout/broadcast', text: 'hi' }, { type: 'breakout/add-time', minutes: 5 }, { type: 'breakout/dismiss', callId: 1 }] as Command[]) {
      refused(s, c, ann, 'forbidden');
    }
    assert.ok(run(s, { type: 'breakout/start' }, mod).breakout.status === 'running');
  });

  it('start counts down, then everyone is in their room; the time limit starts after the countdown', () => {
    let s = run(room(), { type: 'breakout/start' }, host, 1000);
    assert.equal(s.breakout.status, 'running');
    assert.equal(locationOf(s, 'a'), null, 'still in the main room during the countdown');
    assert.deepEqual(s.breakout.moves.a, { to: 'r1', at: 6000 });
    assert.equal(s.breakout.endsAt, 6000 + 600_000);
    assert.equal(nextDeadline(s), 6000);
    s = due(s, 6000);
    assert.deepEqual(s.breakout.location, { a: 'r1', b: 'r2', c: 'r1', d: 'r2' });
    assert.equal(locationOf(s, 'h'), null, 'moderators stay until they join a room');
  });

  it('a zero countdown moves at once', () => {
    const s = run(room(4, { countdownSeconds: 0 }), { type: 'breakout/start' }, host);
    assert.equal(locationOf(s, 'a'), 'r1');
  });

  it('refuses start without rooms, twice, or while closing', () => {
    let s = initialState('r');
    s = run(s, { type: 'presence/join', peerId: 'x' }, host);
    assert.match(refused(s, { type: 'breakout/start' }, host), /Create breakout rooms first/);
    s = run(room(4, { countdownSeconds: 0 }), { type: 'breakout/start' }, host);
    assert.match(refused(s, { type: 'breakout/start' }, host), /already running/);
    s = run(room(4, { countdownSeconds: 5 }), { type: 'breakout/start' }, host);
    s = run(s, { type: 'breakout/end' }, host, 10);
    assert.match(refused(s, { type: 'breakout/start' }, host), /closing/);
  });
});

describe('breakout: shuffle and round robin', () => {
  it('shuffle keeps room sizes within one of each other, for any number of people and rooms', () => {
    for (let n = 0; n <= 23; n++) {
      for (let rooms = 1; rooms <= 7; rooms++) {
        const ids = Array.from({ length: n }, (_, i) => `u${i}`);
        const plan = deal(ids, Array.from({ length: rooms }, (_, i) => `r${i + 1}`));
        const sizes = Array.from({ length: rooms }, (_, i) => Object.values(plan).filter((r) => r === `r${i + 1}`).length);
        assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `${n} people, ${rooms} rooms: ${sizes}`);
        assert.equal(Object.keys(plan).length, n, 'everyone placed');
      }
    }
  });

  it('shuffle while running moves everyone to the new plan with a countdown', () => {
    let s = due(run(room(), { type: 'breakout/start' }, host, 0), 5000);
    s = run(s, { type: 'breakout/deal', reason: 'shuffle', order: ['d', 'c', 'b', 'a'] }, host, 6000);
    assert.deepEqual(s.breakout.plan, { d: 'r1', c: 'r2', b: 'r1', a: 'r2' });
    s = due(s, 11_000);
    assert.deepEqual(s.breakout.location, { d: 'r1', c: 'r2', b: 'r1', a: 'r2' });
  });

  it('move to next room visits every room in turn', () => {
    let s = initialState('r');
    for (const a of [host, ...people.slice(0, 3)]) s = run(s, { type: 'presence/join', peerId: a.id }, a);
    s = run(s, { type: 'breakout/deal', reason: 'configure', order: ['a', 'b', 'c'], configure: { type: 'breakout/configure', rooms: ['One', 'Two', 'Three'], timeLimitMinutes: null, countdownSeconds: 0, assignment: 'auto' } }, host);
    s = run(s, { type: 'breakout/start' }, host);
    const visited: string[] = [locationOf(s, 'a')!];
    for (let i = 0; i < 3; i++) {
      s = run(s, { type: 'breakout/rotate' }, host);
      visited.push(locationOf(s, 'a')!);
    }
    assert.deepEqual(visited, ['r1', 'r2', 'r3', 'r1']);
    assert.deepEqual(new Set([locationOf(s, 'a'), locationOf(s, 'b'), locationOf(s, 'c')]), new Set(['r1', 'r2', 'r3']));
  });
});

describe('breakout: moves, gather, end, time', () => {
  it('a move during the start countdown replaces the pending move', () => {
    let s = run(room(), { type: 'breakout/start' }, host, 0);
    s = run(s, { type: 'breakout/move', userId: 'a', to: 'r2' }, host, 2000);
    assert.deepEqual(s.breakout.moves.a, { to: 'r2', at: 7000 });
    s = due(s, 5000);
    assert.equal(locationOf(s, 'a'), null, 'a waits for their own countdown');
    assert.equal(locationOf(s, 'b'), 'r2');
    s = due(s, 7000);
    assert.equal(locationOf(s, 'a'), 'r2');
    assert.equal(s.breakout.plan.a, 'r2');
  });

  it('a moderator joins a room at once, and joining answers that room’s calls', () => {
    let s = due(run(room(), { type: 'breakout/start' }, host, 0), 5000);
    s = run(s, { type: 'breakout/call' }, bob, 6000);
    assert.equal(s.breakout.calls.length, 1);
    s = run(s, { type: 'breakout/join', to: 'r2' }, mod, 7000);
    assert.equal(locationOf(s, 'm'), 'r2');
    assert.equal(s.breakout.calls.length, 0);
  });

  it('gather brings everyone back with a countdown without ending; starting again restores the rooms', () => {
    let s = due(run(room(), { type: 'breakout/start' }, host, 0), 5000);
    s = run(s, { type: 'breakout/move', userId: 'a', to: 'r2' }, host, 6000);
    s = due(s, 11_000);
    const before = { ...s.breakout.location };
    s = run(s, { type: 'breakout/gather' }, host, 20_000);
    assert.equal(s.breakout.gathered, true);
    s = due(s, 25_000);
    assert.deepEqual(s.breakout.location, {});
    assert.equal(s.breakout.status, 'running');
    s = run(s, { type: 'breakout/start' }, host, 30_000);
    s = due(s, 35_000);
    assert.deepEqual(s.breakout.location, before);
    assert.equal(s.breakout.gathered, false);
  });

  it('add time moves the deadline; without a limit it is refused', () => {
    let s = due(run(room(), { type: 'breakout/start' }, host, 0), 5000);
    s = run(s, { type: 'breakout/add-time', minutes: 5 }, host, 6000);
    assert.equal(s.breakout.endsAt, 5000 + 600_000 + 300_000);
    const unlimited = run(room(4, { timeLimitMinutes: null }), { type: 'breakout/start' }, host);
    assert.equal(unlimited.breakout.endsAt, null);
    assert.match(refused(unlimited, { type: 'breakout/add-time', minutes: 5 }, host), /No time limit/);
  });

  it('when time runs out the rooms close with a countdown and everyone returns', () => {
    let s = due(run(room(4, { timeLimitMinutes: 1 }), { type: 'breakout/start' }, host, 0), 5000);
    assert.equal(nextDeadline(s), 65_000);
    s = due(s, 65_000);
    assert.equal(s.breakout.closingAt, 70_000);
    assert.equal(s.breakout.moves.a.to, null);
    s = due(s, 70_000);
    assert.equal(s.breakout.status, 'idle');
    assert.deepEqual(s.breakout.location, {});
    assert.equal(nextDeadline(s), null);
  });

  it('end breakout: countdown, then everyone in the main room; the rooms and plan are kept', () => {
    let s = due(run(room(), { type: 'breakout/start' }, host, 0), 5000);
    s = run(s, { type: 'breakout/end' }, host, 6000);
    assert.equal(s.breakout.status, 'running');
    assert.equal(locationOf(s, 'a'), 'r1', 'still there during the countdown');
    s = due(s, 11_000);
    assert.equal(s.breakout.status, 'idle');
    assert.equal(locationOf(s, 'a'), null);
    assert.equal(s.breakout.config?.rooms.length, 2);
    assert.equal(s.breakout.plan.a, 'r1');
  });

  it('ending the session ends breakout', () => {
    let s = due(run(room(), { type: 'breakout/start' }, host, 0), 5000);
    s = run(s, { type: 'meeting/end' }, host);
    assert.equal(s.breakout.status, 'idle');
  });
});

describe('breakout: chat, calls and who sees what', () => {
  it('chat is tagged with the room and seen only there; broadcasts reach every room', () => {
    let s = due(run(room(), { type: 'breakout/start' }, host, 0), 5000);
    const r = reduce(s, { type: 'chat/send', text: 'in room one' }, { actor: ann, now: 1 });
    assert.ok(r.ok);
    const chat = r.events[0];
    assert.ok(chat.type === 'chat' && chat.message.room === 'r1');
    assert.equal(hears(chat, s, { id: 'c', role: 'participant' }), true, 'c is in r1');
    assert.equal(hears(chat, s, { id: 'b', role: 'participant' }), false, 'b is in r2');
    assert.equal(hears(chat, s, { id: 'h', role: 'host' }), false, 'the host is in the main room');
    s = r.state;
    s = run(s, { type: 'breakout/broadcast', text: 'Five minutes left' }, host);
    const seenByB = viewFor(s, { id: 'b', role: 'participant' }).chat.map((m) => m.text);
    assert.deepEqual(seenByB, ['Five minutes left']);
  });

  it('calls: one per caller, visible to moderators and the caller; dismiss and cancel clear them', () => {
    let s = due(run(room(), { type: 'breakout/start' }, host, 0), 5000);
    assert.match(refused(s, { type: 'breakout/call' }, host), /from a breakout room/);
    s = run(s, { type: 'breakout/call' }, ann, 6000);
    s = run(s, { type: 'breakout/call' }, ann, 6001);
    s = run(s, { type: 'breakout/call' }, bob, 6002);
    assert.deepEqual(s.breakout.calls.map((c) => [c.userId, c.room]), [['a', 'r1'], ['b', 'r2']]);
    assert.equal(viewFor(s, { id: 'c', role: 'participant' }).breakout.calls.length, 0);
    assert.equal(viewFor(s, { id: 'a', role: 'participant' }).breakout.calls.length, 1);
    assert.equal(viewFor(s, { id: 'm', role: 'moderator' }).breakout.calls.length, 2);
    s = run(s, { type: 'breakout/dismiss', callId: s.breakout.calls[0].id }, mod);
    s = run(s, { type: 'breakout/cancel-call' }, bob);
    assert.equal(s.breakout.calls.length, 0);
  });
});
