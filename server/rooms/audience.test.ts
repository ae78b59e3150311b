import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applySequenced, hears, initialState, reduce } from '../../src/protocol/room.ts';
import type { Actor, Command, RoomEvent, RoomState } from '../../src/protocol/types.ts';
import { absentRefusal, concerns, hearing, outsideView } from './audience.ts';

const host: Actor = { id: 'h', name: 'Host', role: 'host' };
const mod: Actor = { id: 'm', name: 'Mod', role: 'moderator' };
const ann: Actor = { id: 'a', name: 'Ann', role: 'participant' };
const bob: Actor = { id: 'b', name: 'Bob', role: 'participant' };

function step(state: RoomState, command: Command, actor: Actor | null, now = 1000): { state: RoomState; events: RoomEvent[] } {
  const r = reduce(state, command, { actor, now });
  assert.ok(r.ok, r.ok ? '' : `${command.type}: ${r.message}`);
  return r;
}
const run = (state: RoomState, command: Command, actor: Actor | null, now = 1000) => step(state, command, actor, now).state;

function joined(...actors: Actor[]): RoomState {
  let s = initialState('r', 60_000);
  for (const a of actors) s = run(s, { type: 'presence/join', peerId: `p-${a.id}` }, a);
  return s;
}

/** Breakout running: Ann in r1, Bob in r2. */
function inRooms(): RoomState {
  let s = joined(host, ann, bob);
  s = run(s, {
    type: 'breakout/deal',
    reason: 'configure',
    order: ['a', 'b'],
    configure: { type: 'breakout/configure', rooms: ['One', 'Two'], timeLimitMinutes: null, countdownSeconds: 0, assignment: 'auto' },
  }, host);
  return run(s, { type: 'breakout/start' }, host);
}

/** What each of these people gets of the events of one command, each decided against the state before it. */
function heardBy(state: RoomState, command: Command, actor: Actor | null, people: Actor[], isConsole = false) {
  const { events } = step(state, command, actor);
  let before = state;
  const out: Record<string, string[]> = {};
  for (const e of events) {
    for (const p of people) (out[p.id] ??= []).push(`${e.type}:${hearing(p, isConsole, e, before)}`);
    before = next(before, e);
  }
  return out;
}

/** The state after one more event, as the hub folds them while it fans out. */
const next = (state: RoomState, e: RoomEvent) => applySequenced(state, { seq: state.seq + 1, event: e });

describe('audience: who hears what on the room socket', () => {
  it('people in the room hear by the protocol’s audience rule: chat in their room, help calls for staff and the caller', () => {
    const s = inRooms();
    const chat = heardBy(s, { type: 'chat/send', text: 'hi' }, ann, [host, ann, bob]);
    assert.deepEqual(chat, { h: ['chat:hidden'], a: ['chat:hears'], b: ['chat:hidden'] });
    const call = heardBy(s, { type: 'breakout/call' }, ann, [host, ann, bob]);
    assert.deepEqual(call, { h: ['help-requested:hears'], a: ['help-requested:hears'], b: ['help-requested:hidden'] });
  });

  it('for someone present, hearing is exactly the protocol’s `hears`, for every event of a busy run', () => {
    let s = joined(host, mod, ann, bob);
    const commands: [Command, Actor][] = [
      [{ type: 'breakout/deal', reason: 'configure', order: ['a', 'b'], configure: { type: 'breakout/configure', rooms: ['One', 'Two'], timeLimitMinutes: 5, countdownSeconds: 0, assignment: 'auto' } }, host],
      [{ type: 'breakout/start' }, host],
      [{ type: 'chat/send', text: 'in r1' }, ann],
      [{ type: 'breakout/call' }, bob],
      [{ type: 'share/allow', allowed: true }, host],
      [{ type: 'share/start', audio: false }, ann],
      [{ type: 'breakout/join', to: 'r2' }, mod],
      [{ type: 'media/state', audio: true, video: true }, bob],
      [{ type: 'breakout/end' }, host],
    ];
    let checked = 0;
    for (const [command, actor] of commands) {
      const { events } = step(s, command, actor);
      let before = s;
      for (const e of events) {
        for (const viewer of [host, mod, ann, bob]) {
          assert.equal(hearing(viewer, false, e, before) === 'hears', hears(e, before, viewer), `${e.type} for ${viewer.id}`);
          checked++;
        }
        before = next(before, e);
      }
      s = run(s, command, actor);
    }
    assert.ok(checked > 40);
  });

  it('someone not in the room hears only lifecycle news and news about themselves', () => {
    let s = joined(host, ann, bob);
    s = run(s, { type: 'meeting/leave' }, bob);
    const chat = heardBy(s, { type: 'chat/send', text: 'hi' }, ann, [bob]);
    assert.deepEqual(chat, { b: ['chat:absent'] });
    const media = heardBy(s, { type: 'media/state', audio: true, video: false }, ann, [bob]);
    assert.deepEqual(media, { b: ['media-changed:absent'] });
    const back = heardBy(s, { type: 'presence/join', peerId: 'p-b2' }, bob, [bob]);
    assert.deepEqual(back, { b: ['participant-joined:hears'] });
    const ended = heardBy(s, { type: 'meeting/end' }, host, [bob]);
    assert.deepEqual(ended, { b: ['meeting-ended:hears'] });
    assert.equal(concerns({ type: 'meeting-started', by: 'h', at: 1 }, 'b'), true);
    assert.equal(concerns({ type: 'participant-left', userId: 'a', at: 1 }, 'b'), false);
  });

  it('a console hears by the audience rule without being in the room; no user hears nothing', () => {
    const s = inRooms();
    assert.deepEqual(heardBy(s, { type: 'breakout/call' }, ann, [mod], true), { m: ['help-requested:hears'] });
    assert.deepEqual(heardBy(s, { type: 'chat/send', text: 'hi' }, ann, [mod], true), { m: ['chat:hidden'] });
    const e: RoomEvent = { type: 'session-info', info: null };
    assert.equal(hearing(null, false, e, s), 'hidden');
  });

  it('a share’s end reaches its sharer after they left, and everyone when the meeting ended', () => {
    let s = run(joined(host, ann, bob), { type: 'share/start', audio: false }, host);
    assert.deepEqual(heardBy(s, { type: 'meeting/leave' }, host, [host, ann]), {
      h: ['participant-left:hears', 'host-away-started:absent', 'share-stopped:hears'],
      a: ['participant-left:hears', 'host-away-started:hears', 'share-stopped:hears'],
    });
    s = run(s, { type: 'share/start', audio: false }, host);
    assert.deepEqual(heardBy(s, { type: 'meeting/end' }, host, [host, ann]), {
      h: ['meeting-ended:hears', 'share-stopped:hears'],
      a: ['meeting-ended:hears', 'share-stopped:hears'],
    });
  });

  it('someone not in the room may only come back or leave; consoles may do anything their role may', () => {
    const s = run(joined(host, ann), { type: 'meeting/leave' }, ann);
    assert.equal(absentRefusal(s, ann, false, { type: 'meeting/join' }), null);
    assert.match(absentRefusal(s, ann, false, { type: 'share/start', audio: false }) ?? '', /not in the session/);
    assert.equal(absentRefusal(s, mod, true, { type: 'share/stop', userId: 'h' }), null);
  });

  it('the outside view of an ended session has no chat, calls or media ids', () => {
    let s = run(inRooms(), { type: 'breakout/call' }, ann);
    s = run(s, { type: 'chat/send', text: 'hi' }, ann);
    const v = outsideView(s);
    assert.deepEqual(v.chat, []);
    assert.deepEqual(v.breakout.calls, []);
    assert.ok(Object.values(v.participants).every((p) => p.peerId === null));
  });
});
