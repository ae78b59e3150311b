import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { exchangesMedia, mediaPeers, receives, screenAudience } from './media.ts';
import { initialState, reduce } from './room.ts';
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
    const s = run(joined(host, ann, bob), { type: 'meeting/leave' }, bob);
    assert.equal(exchangesMedia(s, 'a', 'b'), false);
    assert.deepEqual(ids(s, 'a'), ['h']);
    assert.deepEqual(ids(s, 'b'), []);
  });

  it('nobody once the session has ended', () => {
    const s = run(joined(host, ann, bob), { type: 'meeting/end' }, host);
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

describe('media: streams by person and source', () => {
  const refs = (s: RoomState, user: string) => receives(s, user).map((r) => `${r.source}:${r.userId}`).sort();
  const audience = (s: RoomState, user: string) => screenAudience(s, user).map((p) => p.id).sort();

  it('without a share: every media peer’s camera, and nobody gets a screen', () => {
    const s = joined(host, ann, bob);
    assert.deepEqual(refs(s, 'a'), ['camera:b', 'camera:h']);
    assert.deepEqual(audience(s, 'h'), []);
  });

  it('a share in the room: the others receive the sharer’s screen too; the sharer sends it to them and receives no screen', () => {
    const s = run(joined(host, ann, bob), { type: 'share/start', audio: true }, host);
    assert.deepEqual(refs(s, 'a'), ['camera:b', 'camera:h', 'screen:h']);
    assert.deepEqual(refs(s, 'h'), ['camera:a', 'camera:b']);
    assert.deepEqual(audience(s, 'h'), ['a', 'b']);
    assert.deepEqual(audience(s, 'a'), []);
  });

  it('breakout rooms: a screen reaches its own room only', () => {
    let s = joined(host, ann, bob, proto);
    s = run(s, { type: 'share/allow', allowed: true }, host);
    s = run(s, { type: 'breakout/deal', reason: 'configure', order: ['a', 'b', '__proto__'], configure: { type: 'breakout/configure', rooms: ['One', 'Two'], timeLimitMinutes: null, countdownSeconds: 0, assignment: 'auto' } }, host);
    s = run(s, { type: 'breakout/start' }, host); // a and __proto__ in r1, b in r2
    s = run(s, { type: 'share/start', audio: false }, ann);
    s = run(s, { type: 'share/start', audio: false }, host);
    assert.deepEqual(refs(s, '__proto__'), ['camera:a', 'screen:a']);
    assert.deepEqual(refs(s, 'b'), []);
    assert.deepEqual(audience(s, 'a'), ['__proto__']);
    assert.deepEqual(audience(s, 'h'), [], 'nobody else is in the main room');
  });

  it('nobody receives a screen once its sharer has left, nor after the session ended', () => {
    const s = run(joined(host, ann), { type: 'share/start', audio: false }, host);
    assert.deepEqual(refs(run(s, { type: 'meeting/leave' }, host), 'a'), []);
    assert.deepEqual(refs(run(s, { type: 'meeting/end' }, host), 'a'), []);
    assert.deepEqual(audience(run(s, { type: 'meeting/end' }, host), 'h'), []);
  });

  it('a state that still lists a share of someone no longer a media peer gives no screen (defensive)', () => {
    const s = joined(host, ann);
    const stale: RoomState = { ...s, share: { allowParticipants: false, active: [{ userId: 'gone', room: null, startedAt: 0, audio: false }] } };
    assert.deepEqual(refs(stale, 'a'), ['camera:h']);
  });
});
