import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { apply, decide, hears, initialState, reduce, snapshotAfter } from './room.ts';
import { mayShare, shareBy, shareIn, shareState } from './share.ts';
import type { Actor, Command, RoomEvent, RoomState } from './types.ts';

const host: Actor = { id: 'h', name: 'Dr. Host', role: 'host' };
const mod: Actor = { id: 'm', name: 'Mo', role: 'moderator' };
const ann: Actor = { id: 'a', name: 'Ann', role: 'participant' };
const bob: Actor = { id: 'b', name: 'Bob', role: 'participant' };
const cat: Actor = { id: 'c', name: 'Cat', role: 'participant' };
const dan: Actor = { id: 'd', name: 'Dan', role: 'participant' };

function outcome(state: RoomState, command: Command, actor: Actor | null, now = 1000) {
  const r = reduce(state, command, { actor, now });
  assert.ok(r.ok, r.ok ? '' : `${command.type}: ${r.message}`);
  return r;
}

const run = (state: RoomState, command: Command, actor: Actor | null, now = 1000): RoomState => outcome(state, command, actor, now).state;
const eventsOf = (state: RoomState, command: Command, actor: Actor | null, now = 1000): RoomEvent[] => outcome(state, command, actor, now).events;

function refused(state: RoomState, command: Command, actor: Actor | null, code: string): string {
  const r = decide(state, command, { actor, now: 1000 });
  assert.equal(r.ok, false, `${command.type} should be refused`);
  if (!r.ok) assert.equal(r.code, code, r.message);
  return r.ok ? '' : r.message;
}

function joined(...actors: Actor[]): RoomState {
  let s = initialState('r', 60_000);
  for (const a of actors) s = run(s, { type: 'presence/join', peerId: `p-${a.id}` }, a);
  return s;
}

const start = (audio = false, takeOver?: boolean): Command => ({ type: 'share/start', audio, ...(takeOver !== undefined ? { takeOver } : {}) });
const stopsOf = (events: RoomEvent[]) => events.filter((e) => e.type === 'share-stopped');
const sharers = (s: RoomState) => shareState(s).active.map((a) => `${a.userId}@${a.room ?? 'main'}`).sort();

/** Everyone joined, two breakout rooms created: a and c are planned for r1, b and d for r2. */
function withRooms(countdownSeconds = 5): RoomState {
  const s = joined(host, mod, ann, bob, cat, dan);
  return run(
    s,
    {
      type: 'breakout/deal',
      reason: 'configure',
      order: ['a', 'b', 'c', 'd'],
      configure: { type: 'breakout/configure', rooms: ['Cells', 'Genes'], timeLimitMinutes: 10, countdownSeconds, assignment: 'auto' },
    },
    host,
  );
}

/** Breakout running, everyone in their planned room. */
function inRooms(countdownSeconds = 5): RoomState {
  const s = run(withRooms(countdownSeconds), { type: 'breakout/start' }, host, 1000);
  return countdownSeconds ? run(s, { type: 'timer/due' }, null, 1000 + countdownSeconds * 1000) : s;
}

describe('share: start, stop and who may share', () => {
  it('a host shares with the main room; sharing again changes nothing', () => {
    const s0 = joined(host, ann);
    const events = eventsOf(s0, start(true), host, 5000);
    assert.deepEqual(events, [{ type: 'share-started', share: { userId: 'h', room: null, startedAt: 5000, audio: true } }]);
    const s = run(s0, start(true), host, 5000);
    assert.deepEqual(shareIn(s, null), { userId: 'h', room: null, startedAt: 5000, audio: true });
    assert.equal(shareBy(s, 'h')?.audio, true);
    assert.deepEqual(decide(s, start(false), { actor: host, now: 6000 }), { ok: true, events: [] });
  });

  it('moderators always may share; participants only once a host allows it, off by default', () => {
    const s0 = joined(host, mod, ann);
    assert.equal(shareState(s0).allowParticipants, false);
    assert.equal(mayShare(s0, ann), false);
    assert.equal(mayShare(s0, mod), true);
    assert.equal(refused(s0, start(), ann, 'forbidden'), 'The host has not allowed participants to share content.');
    assert.deepEqual(sharers(run(s0, start(), mod)), ['m@main']);
    const allowed = run(s0, { type: 'share/allow', allowed: true }, host);
    assert.equal(mayShare(allowed, ann), true);
    assert.deepEqual(sharers(run(allowed, start(), ann)), ['a@main']);
  });

  it('only hosts and moderators allow sharing; allowing twice changes nothing', () => {
    const s0 = joined(host, mod, ann);
    assert.match(refused(s0, { type: 'share/allow', allowed: true }, ann, 'forbidden'), /Only hosts and moderators/);
    assert.deepEqual(eventsOf(s0, { type: 'share/allow', allowed: true }, mod), [{ type: 'share-allowed', allowed: true, by: 'm' }]);
    const s = run(s0, { type: 'share/allow', allowed: true }, mod);
    assert.deepEqual(decide(s, { type: 'share/allow', allowed: true }, { actor: host, now: 1 }), { ok: true, events: [] });
  });

  it('refuses someone not in the room, and everyone once the session has ended', () => {
    const s0 = joined(host, ann);
    refused(s0, start(), null, 'not-joined');
    refused(s0, start(), mod, 'not-joined'); // a console: not in the room
    const left = run(s0, { type: 'meeting/leave' }, ann);
    refused(run(left, { type: 'share/allow', allowed: true }, host), start(), ann, 'not-joined');
    const ended = run(s0, { type: 'meeting/end' }, host);
    refused(ended, start(), host, 'meeting-ended');
    refused(ended, { type: 'share/allow', allowed: true }, host, 'meeting-ended');
  });

  it('one share per room: a second sharer is refused as busy, naming the sharer, unless taking over', () => {
    let s = run(joined(host, mod, ann), start(), host, 2000);
    assert.equal(refused(s, start(), mod, 'share-busy'), 'Dr. Host is sharing content in this room.');
    refused(s, start(false, false), mod, 'share-busy');
    const events = eventsOf(s, start(true, true), mod, 3000);
    assert.deepEqual(events, [
      { type: 'share-stopped', userId: 'h', room: null, reason: 'taken-over', by: 'm' },
      { type: 'share-started', share: { userId: 'm', room: null, startedAt: 3000, audio: true } },
    ]);
    s = run(s, start(true, true), mod, 3000);
    assert.deepEqual(sharers(s), ['m@main']);
  });

  it('the sharer stops; hosts and moderators stop anyone; participants only themselves', () => {
    let s = run(run(joined(host, mod, ann, bob), { type: 'share/allow', allowed: true }, host), start(), ann);
    assert.match(refused(s, { type: 'share/stop', userId: 'a' }, bob, 'forbidden'), /Only hosts and moderators/);
    assert.deepEqual(eventsOf(s, { type: 'share/stop' }, ann), [{ type: 'share-stopped', userId: 'a', room: null, reason: 'stopped' }]);
    assert.deepEqual(eventsOf(s, { type: 'share/stop', userId: 'a' }, mod), [{ type: 'share-stopped', userId: 'a', room: null, reason: 'stopped', by: 'm' }]);
    s = run(s, { type: 'share/stop', userId: 'a' }, mod);
    assert.deepEqual(sharers(s), []);
    // Nothing shared: nothing to stop.
    assert.deepEqual(decide(s, { type: 'share/stop' }, { actor: ann, now: 1 }), { ok: true, events: [] });
    assert.deepEqual(decide(s, { type: 'share/stop', userId: 'nobody' }, { actor: host, now: 1 }), { ok: true, events: [] });
  });

  it('turning sharing off stops participants’ shares, not the staff’s', () => {
    let s = run(joined(host, mod, ann, bob), { type: 'share/allow', allowed: true }, host);
    s = inBreakoutShares(s);
    const events = eventsOf(s, { type: 'share/allow', allowed: false }, mod);
    assert.deepEqual(events[0], { type: 'share-allowed', allowed: false, by: 'm' });
    assert.deepEqual(stopsOf(events), [{ type: 'share-stopped', userId: 'a', room: 'r1', reason: 'not-allowed', by: 'm' }]);
    s = run(s, { type: 'share/allow', allowed: false }, mod);
    assert.deepEqual(sharers(s), ['h@main']);
  });
});

/** With sharing allowed: Ann shares in breakout room r1 and the host in the main room. */
function inBreakoutShares(allowed: RoomState): RoomState {
  let s = run(allowed, {
    type: 'breakout/deal',
    reason: 'configure',
    order: ['a', 'b'],
    configure: { type: 'breakout/configure', rooms: ['Cells', 'Genes'], timeLimitMinutes: null, countdownSeconds: 0, assignment: 'auto' },
  }, host);
  s = run(s, { type: 'breakout/start' }, host);
  s = run(s, start(), ann);
  return run(s, start(), host);
}

describe('share: one per room, breakout rooms each their own', () => {
  it('a share goes to the sharer’s room; each breakout room and the main room have their own', () => {
    let s = run(inRooms(), { type: 'share/allow', allowed: true }, host);
    s = run(s, start(), ann); // r1
    s = run(s, start(), bob); // r2
    s = run(s, start(), host); // main room
    assert.deepEqual(sharers(s), ['a@r1', 'b@r2', 'h@main']);
    assert.equal(refused(s, start(), cat, 'share-busy'), 'Ann is sharing content in this room.');
    assert.equal(refused(s, start(), dan, 'share-busy'), 'Bob is sharing content in this room.');
    // Taking over in r1 leaves r2 and the main room alone.
    s = run(s, start(false, true), cat);
    assert.deepEqual(sharers(s), ['b@r2', 'c@r1', 'h@main']);
  });

  it('share events reach everyone in the meeting and are snapshotted', () => {
    const s = run(joined(host, ann), start(), host);
    for (const e of eventsOf(s, { type: 'share/stop' }, host)) {
      assert.equal(hears(e, s, ann), true);
      assert.equal(snapshotAfter(e), true);
    }
  });
});

describe('share: a share ends when its sharer leaves, moves, or the meeting ends', () => {
  it('leaving ends it (left), with the leave', () => {
    const s = run(run(joined(host, mod, ann), start(), mod), start(false, true), host);
    const events = eventsOf(s, { type: 'meeting/leave' }, host);
    assert.equal(events[0]!.type, 'participant-left');
    assert.deepEqual(stopsOf(events), [{ type: 'share-stopped', userId: 'h', room: null, reason: 'left' }]);
    assert.deepEqual(sharers(run(s, { type: 'meeting/leave' }, host)), []);
    // A dropped connection leaving after its grace period, too.
    assert.deepEqual(stopsOf(eventsOf(s, { type: 'presence/leave', userId: 'h' }, null)).map((e) => e.type === 'share-stopped' && e.reason), ['left']);
  });

  it('removal ends it (left)', () => {
    const s = run(run(joined(host, ann), { type: 'share/allow', allowed: true }, host), start(), ann);
    const events = eventsOf(s, { type: 'participant/remove', userId: 'a' }, host);
    assert.deepEqual(stopsOf(events), [{ type: 'share-stopped', userId: 'a', room: null, reason: 'left' }]);
  });

  it('another page of the sharer replacing the connection ends it (left); a same-page resume does not', () => {
    const s = run(joined(host, ann), start(), host);
    assert.deepEqual(stopsOf(eventsOf(s, { type: 'presence/join', peerId: 'p-h-new-tab' }, host)).length, 1);
    assert.deepEqual(eventsOf(s, { type: 'presence/join', peerId: 'p-h' }, host).filter((e) => e.type.startsWith('share')), []);
  });

  it('a move by a moderator ends it when the move happens, after the countdown (moved)', () => {
    let s = run(inRooms(), { type: 'share/allow', allowed: true }, host);
    s = run(s, start(), ann, 7000);
    const planned = eventsOf(s, { type: 'breakout/move', userId: 'a', to: 'r2' }, host, 8000);
    assert.deepEqual(stopsOf(planned), [], 'still there during the countdown');
    s = run(s, { type: 'breakout/move', userId: 'a', to: 'r2' }, host, 8000);
    const moved = eventsOf(s, { type: 'timer/due' }, null, 13_000);
    assert.deepEqual(stopsOf(moved), [{ type: 'share-stopped', userId: 'a', room: 'r1', reason: 'moved' }]);
  });

  it('a host joining a breakout room ends their main-room share (moved)', () => {
    const s = run(inRooms(), start(), host);
    assert.deepEqual(stopsOf(eventsOf(s, { type: 'breakout/join', to: 'r1' }, host)), [
      { type: 'share-stopped', userId: 'h', room: null, reason: 'moved' },
    ]);
  });

  it('gather ends breakout-room shares when everyone is back, and keeps the main room’s', () => {
    let s = run(inRooms(), { type: 'share/allow', allowed: true }, host);
    s = run(run(s, start(), ann), start(), host);
    s = run(s, { type: 'breakout/gather' }, host, 20_000);
    assert.deepEqual(sharers(s), ['a@r1', 'h@main'], 'during the countdown');
    const events = eventsOf(s, { type: 'timer/due' }, null, 25_000);
    assert.deepEqual(stopsOf(events), [{ type: 'share-stopped', userId: 'a', room: 'r1', reason: 'moved' }]);
    assert.deepEqual(sharers(run(s, { type: 'timer/due' }, null, 25_000)), ['h@main']);
  });

  it('ending breakout (and its time running out) ends breakout-room shares', () => {
    let s = run(inRooms(), { type: 'share/allow', allowed: true }, host);
    s = run(run(s, start(), ann), start(), bob);
    const ending = run(s, { type: 'breakout/end' }, host, 20_000);
    assert.deepEqual(sharers(ending), ['a@r1', 'b@r2']);
    const events = eventsOf(ending, { type: 'timer/due' }, null, 25_000);
    assert.ok(events.some((e) => e.type === 'breakout-ended'));
    assert.deepEqual(stopsOf(events).map((e) => e.type === 'share-stopped' && `${e.userId}:${e.reason}`).sort(), ['a:moved', 'b:moved']);
    // Time up: the rooms close with a countdown, then the shares end.
    const timeUp = run(s, { type: 'timer/due' }, null, 6000 + 600_000);
    assert.equal(timeUp.breakout.closingAt !== null, true);
    assert.deepEqual(sharers(run(timeUp, { type: 'timer/due' }, null, timeUp.breakout.closingAt!)), []);
  });

  it('a zero countdown moves at once, and the share ends with the move', () => {
    let s = run(inRooms(0), start(), host);
    s = run(s, { type: 'share/allow', allowed: true }, host);
    s = run(s, start(), ann);
    assert.deepEqual(stopsOf(eventsOf(s, { type: 'breakout/move', userId: 'a', to: 'r2' }, host)).length, 1);
  });

  it('ending the meeting ends every share (ended); so does the host-away timer', () => {
    let s = run(inRooms(), { type: 'share/allow', allowed: true }, host);
    s = run(run(s, start(), ann), start(), host);
    const events = eventsOf(s, { type: 'meeting/end' }, host);
    assert.equal(events[0]!.type, 'meeting-ended');
    assert.deepEqual(stopsOf(events).map((e) => e.type === 'share-stopped' && `${e.userId}:${e.reason}`).sort(), ['a:ended', 'h:ended']);
    assert.deepEqual(sharers(run(s, { type: 'meeting/end' }, host)), []);

    let away = run(run(joined(host, mod), start(), mod), { type: 'meeting/leave' }, host, 1000);
    const deadline = away.hostAwayDeadline!;
    const timed = eventsOf(away, { type: 'timer/due' }, null, deadline);
    assert.deepEqual(timed.map((e) => e.type), ['meeting-ended', 'share-stopped']);
    away = run(away, { type: 'timer/due' }, null, deadline);
    assert.deepEqual(sharers(away), []);
  });

  it('a restart begins with nobody sharing, and the allow setting kept', () => {
    let s = run(run(joined(host, ann), { type: 'share/allow', allowed: true }, host), start(), ann);
    s = run(s, { type: 'meeting/end' }, host);
    s = run(s, { type: 'meeting/start', peerId: 'p-h2' }, host);
    assert.deepEqual(shareState(s), { allowParticipants: true, active: [] });
  });
});

describe('share: rooms stored before sharing existed', () => {
  it('a snapshot without `share` loads: nobody shares, participants may not, and sharing works', () => {
    const old = JSON.parse(JSON.stringify(joined(host, ann))) as RoomState;
    delete old.share;
    assert.deepEqual(shareState(old), { allowParticipants: false, active: [] });
    assert.equal(shareIn(old, null), null);
    refused(old, start(), ann, 'forbidden');
    const s = run(old, start(true), host);
    assert.deepEqual(sharers(s), ['h@main']);
    const stopped = apply(old, { type: 'share-stopped', userId: 'h', room: null, reason: 'stopped' });
    assert.equal(stopped, old, 'stopping nothing changes nothing');
    assert.equal(apply(old, { type: 'share-allowed', allowed: true, by: 'h' }).share?.allowParticipants, true);
  });
});
