import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { exchangesMedia, mediaPeers } from './media.ts';
import { initialState, reduce } from './reducer.ts';
import type { Actor, Command, RoomState } from './types.ts';

const host: Actor = { id: 'h', name: 'Dr. Host', role: 'host' };
const ann: Actor = { id: 'a', name: 'Ann', role: 'participant' };
const bob: Actor = { id: 'b', name: 'Bob', role: 'participant' };
const proto: Actor = { id: '__proto__', name: 'Proto', role: 'participant' };

function run(state: RoomState, command: Command, actor: Actor | null): RoomState {
  const r = reduce(state, command, { actor, now: 1000 });
  assert.ok(r.ok, r.ok ? '' : `${command.type}: ${r.message}`);
  return r.state;
}

function joined(...actors: Actor[]): RoomState {
  let s = initialState('r', 60_000);
  for (const a of actors) s = run(s, { type: 'presence/join', peerId: `p-${a.id}` }, a);
  return s;
}

/** Breakout running with these places (absent: the main room). */
function placed(s: RoomState, location: Record<string, string>): RoomState {
  return { ...s, breakout: { ...s.breakout, status: 'running', location } };
}

const ids = (s: RoomState, user: string) => mediaPeers(s, user).map((p) => p.id).sort();

describe('media: who exchanges media with whom', () => {
  it('everyone present in the main room, never with oneself', () => {
    const s = joined(host, ann, bob);
    assert.equal(exchangesMedia(s, 'a', 'b'), true);
    assert.equal(exchangesMedia(s, 'a', 'a'), false);
    assert.deepEqual(ids(s, 'a'), ['b', 'h']);
  });

  it('nobody who left, and nobody for someone who left', () => {
    const s = run(joined(host, ann, bob), { type: 'session/leave' }, bob);
    assert.equal(exchangesMedia(s, 'a', 'b'), false);
    assert.deepEqual(ids(s, 'a'), ['h']);
    assert.deepEqual(ids(s, 'b'), []);
  });

  it('nobody once the session has ended', () => {
    const s = run(joined(host, ann, bob), { type: 'session/end' }, host);
    assert.equal(exchangesMedia(s, 'a', 'b'), false);
    assert.deepEqual(ids(s, 'h'), []);
  });

  it('breakout rooms: only people in the same room, the main room included', () => {
    const s = placed(joined(host, ann, bob, proto), JSON.parse('{"a": "r1", "__proto__": "r1", "b": "r2"}'));
    assert.equal(exchangesMedia(s, 'a', '__proto__'), true);
    assert.equal(exchangesMedia(s, 'a', 'b'), false);
    assert.equal(exchangesMedia(s, 'h', 'a'), false);
    assert.deepEqual(ids(s, 'a'), ['__proto__']);
    assert.deepEqual(ids(s, 'b'), []);
    assert.deepEqual(ids(s, 'h'), []);
  });

  it('an unknown id such as constructor is nobody', () => {
    const s = joined(host, ann);
    assert.equal(exchangesMedia(s, 'a', 'constructor'), false);
    assert.deepEqual(ids(s, 'constructor'), []);
  });
});
