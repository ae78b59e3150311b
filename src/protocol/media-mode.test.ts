import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { camerasOn, mediaMode, mediaModeState } from './media-mode.ts';
import { applySequenced, decide, hears, initialState, reduce, snapshotAfter, viewFor } from './room.ts';
import { parseClientMessage } from './schema.ts';
import type { Actor, Command, MediaConfig, RoomEvent, RoomState } from './types.ts';

const host: Actor = { id: 'h', name: 'Dr. Host', role: 'host' };
const mod: Actor = { id: 'm', name: 'Mo', role: 'moderator' };
const people: Actor[] = ['a', 'b', 'c', 'd', 'e', 'f'].map((id) => ({ id, name: id.toUpperCase(), role: 'participant' }));
const [ann, bob] = people as [Actor, Actor];

const SFU: MediaConfig = { sfu: true, meshLimit: 4 };
const NO_SFU: MediaConfig = { sfu: false, meshLimit: 4 };

function outcome(state: RoomState, command: Command, actor: Actor | null, media?: MediaConfig, now = 1000) {
  const r = reduce(state, command, { actor, now, ...(media ? { media } : {}) });
  assert.ok(r.ok, r.ok ? '' : `${command.type}: ${r.message}`);
  return r;
}

const run = (state: RoomState, command: Command, actor: Actor | null, media?: MediaConfig, now = 1000) => outcome(state, command, actor, media, now).state;
const eventsOf = (state: RoomState, command: Command, actor: Actor | null, media?: MediaConfig, now = 1000) =>
  outcome(state, command, actor, media, now).events.filter((e) => e.type.startsWith('media-') && e.type !== 'media-changed');

function refused(state: RoomState, command: Command, actor: Actor | null, media: MediaConfig | undefined, code: string): string {
  const r = decide(state, command, { actor, now: 1000, ...(media ? { media } : {}) });
  assert.equal(r.ok, false, `${command.type} should be refused`);
  if (!r.ok) assert.equal(r.code, code, r.message);
  return r.ok ? '' : r.message;
}

function joined(actors: Actor[], media?: MediaConfig): RoomState {
  let s = initialState('r', 60_000);
  for (const a of actors) s = run(s, { type: 'presence/join', peerId: `p-${a.id}` }, a, media);
  return s;
}

const camera = (on: boolean): Command => ({ type: 'media/state', audio: true, video: on });
const pin = (pinned: boolean): Command => ({ type: 'media/pin-sfu', pinned });

/** Turn on the cameras of `actors`, in order. */
function camerasUp(state: RoomState, actors: Actor[], media?: MediaConfig): RoomState {
  return actors.reduce((s, a) => run(s, camera(true), a, media), state);
}

describe('media mode: the room moves to the media server past the mesh limit', () => {
  it('a new room (and one stored before the media server existed) is a mesh, not pinned, nobody told', () => {
    const s = joined([host, ann]);
    assert.equal(s.media, undefined);
    assert.equal(mediaMode(s), 'mesh');
    assert.deepEqual(mediaModeState(s), { mode: 'mesh', pinned: false, crowdedAt: null });
  });

  it('the fifth camera moves the room to the media server, once; the fourth does not', () => {
    const four = camerasUp(joined([host, ...people], SFU), [host, ...people.slice(0, 3)], SFU);
    assert.equal(camerasOn(four), 4);
    assert.equal(mediaMode(four), 'mesh');
    assert.deepEqual(eventsOf(four, camera(true), people[3]!, SFU), [{ type: 'media-mode-changed', mode: 'sfu', pinned: false, reason: 'cameras' }]);
    const five = run(four, camera(true), people[3]!, SFU);
    assert.deepEqual(mediaModeState(five), { mode: 'sfu', pinned: false, crowdedAt: null });
    // A sixth camera changes nothing more.
    assert.deepEqual(eventsOf(five, camera(true), people[4]!, SFU), []);
  });

  it('the limit comes from the server (MESH_LIMIT)', () => {
    const three = camerasUp(joined([host, ...people], SFU), [host, ann], SFU);
    assert.deepEqual(eventsOf(three, camera(true), bob, { sfu: true, meshLimit: 2 }), [{ type: 'media-mode-changed', mode: 'sfu', pinned: false, reason: 'cameras' }]);
    assert.deepEqual(eventsOf(three, camera(true), bob, SFU), []);
  });

  it('counts cameras of present people only, in every room: someone leaving with the camera on no longer counts', () => {
    let s = camerasUp(joined([host, ...people], SFU), [host, ...people.slice(0, 3)], SFU);
    s = run(s, { type: 'presence/leave', userId: 'a' }, null, SFU);
    assert.equal(camerasOn(s), 3);
    // Someone else's camera on: four again, still the mesh.
    s = run(s, camera(true), people[4]!, SFU);
    assert.equal(mediaMode(s), 'mesh');
    // Breakout rooms count too: the meeting's cameras, wherever they are.
    s = run(
      s,
      {
        type: 'breakout/deal',
        reason: 'configure',
        order: ['b', 'c', 'd', 'e', 'f'],
        configure: { type: 'breakout/configure', rooms: ['One', 'Two'], timeLimitMinutes: 10, countdownSeconds: 0, assignment: 'auto' },
      },
      host,
      SFU,
    );
    s = run(s, { type: 'breakout/start' }, host, SFU);
    assert.equal(camerasOn(s), 4);
    assert.deepEqual(eventsOf(s, camera(true), people[5]!, SFU), [{ type: 'media-mode-changed', mode: 'sfu', pinned: false, reason: 'cameras' }]);
  });

  it('never moves back on its own during a run, however many cameras go off or people leave', () => {
    let s = camerasUp(joined([host, ...people], SFU), [host, ...people.slice(0, 4)], SFU);
    assert.equal(mediaMode(s), 'sfu');
    for (const p of people.slice(0, 4)) s = run(s, camera(false), p, SFU);
    s = run(s, { type: 'presence/leave', userId: 'b' }, null, SFU);
    assert.equal(camerasOn(s), 1);
    assert.equal(mediaMode(s), 'sfu');
  });

  it('a new run starts on the mesh; a pinned room stays on the media server', () => {
    const sfu = camerasUp(joined([host, ...people], SFU), [host, ...people.slice(0, 4)], SFU);
    const ended = run(sfu, { type: 'meeting/end' }, host, SFU);
    assert.equal(camerasOn(ended), 0);
    const again = run(ended, { type: 'meeting/start', peerId: 'p-h2' }, host, SFU);
    assert.deepEqual(mediaModeState(again), { mode: 'mesh', pinned: false, crowdedAt: null });

    const pinned = run(joined([host, ann], SFU), pin(true), host, SFU);
    const restarted = run(run(pinned, { type: 'meeting/end' }, host, SFU), { type: 'meeting/start', peerId: 'p-h2' }, host, SFU);
    assert.deepEqual(mediaModeState(restarted), { mode: 'sfu', pinned: true, crowdedAt: null });
  });

  it('an ended meeting does not move (nobody is present)', () => {
    const s = run(joined([host], SFU), { type: 'meeting/end' }, host, SFU);
    assert.equal(camerasOn(s), 0);
    assert.equal(mediaMode(s), 'mesh');
  });

  it('a room on the media server goes back to the mesh when this server has none (it was configured when the room moved)', () => {
    const pinned = run(joined([host, ann], SFU), pin(true), host, SFU);
    const events = outcome(pinned, { type: 'presence/join', peerId: 'p-b' }, bob).events;
    assert.deepEqual(events.filter((e) => e.type === 'media-mode-changed'), [{ type: 'media-mode-changed', mode: 'mesh', pinned: false, reason: 'unavailable' }]);
    assert.equal(mediaMode(run(pinned, { type: 'presence/join', peerId: 'p-b' }, bob)), 'mesh');
  });
});

describe('media mode: without a media server, hosts hear once per run that the room outgrew the mesh', () => {
  it('the fifth camera tells hosts and moderators (media-crowded), and the room stays a mesh', () => {
    const four = camerasUp(joined([host, mod, ...people], NO_SFU), [host, ...people.slice(0, 3)], NO_SFU);
    const events = eventsOf(four, camera(true), people[3]!, NO_SFU, 7000);
    assert.deepEqual(events, [{ type: 'media-crowded', cameras: 5, limit: 4, at: 7000 }]);
    const five = run(four, camera(true), people[3]!, NO_SFU, 7000);
    assert.deepEqual(mediaModeState(five), { mode: 'mesh', pinned: false, crowdedAt: 7000 });
    // Only once per run: a sixth camera, or cameras going off and on again, say nothing more.
    assert.deepEqual(eventsOf(five, camera(true), people[4]!, NO_SFU), []);
    const down = run(five, camera(false), people[3]!, NO_SFU);
    assert.deepEqual(eventsOf(down, camera(true), people[3]!, NO_SFU), []);
  });

  it('an absent context is a server without a media server', () => {
    const four = camerasUp(joined([host, ...people]), [host, ...people.slice(0, 3)]);
    assert.deepEqual(eventsOf(four, camera(true), people[3]!, undefined, 9000), [{ type: 'media-crowded', cameras: 5, limit: 4, at: 9000 }]);
  });

  it('a new run may tell hosts again', () => {
    const crowded = camerasUp(joined([host, ...people], NO_SFU), [host, ...people.slice(0, 4)], NO_SFU);
    assert.notEqual(mediaModeState(crowded).crowdedAt, null);
    const again = run(run(crowded, { type: 'meeting/end' }, host, NO_SFU), { type: 'meeting/start', peerId: 'p-h2' }, host, NO_SFU);
    assert.equal(mediaModeState(again).crowdedAt, null);
    const rejoined = people.slice(0, 4).reduce((s, p) => run(s, { type: 'presence/join', peerId: `p2-${p.id}` }, p, NO_SFU), again);
    const four = camerasUp(rejoined, people.slice(0, 4), NO_SFU);
    const withE = run(four, { type: 'presence/join', peerId: 'p2-e' }, people[4]!, NO_SFU);
    assert.deepEqual(eventsOf(withE, camera(true), people[4]!, NO_SFU, 12_000), [{ type: 'media-crowded', cameras: 5, limit: 4, at: 12_000 }]);
  });

  it('media-crowded reaches hosts and moderators only; crowdedAt is theirs to see', () => {
    const e: RoomEvent = { type: 'media-crowded', cameras: 5, limit: 4, at: 1 };
    const s = joined([host, mod, ann]);
    assert.equal(hears(e, s, host), true);
    assert.equal(hears(e, s, mod), true);
    assert.equal(hears(e, s, ann), false);
    assert.equal(snapshotAfter(e), false);
    const crowded = camerasUp(joined([host, mod, ...people], NO_SFU), [host, ...people.slice(0, 4)], NO_SFU);
    assert.notEqual(mediaModeState(viewFor(crowded, host)).crowdedAt, null);
    assert.notEqual(mediaModeState(viewFor(crowded, mod)).crowdedAt, null);
    assert.equal(mediaModeState(viewFor(crowded, ann)).crowdedAt, null);
    assert.equal(viewFor(s, ann), s);
  });
});

describe('media mode: hosts pin the room to the media server', () => {
  it('pinning moves the room at once, with who did it; pinning again changes nothing', () => {
    const s0 = joined([host, ann], SFU);
    assert.deepEqual(eventsOf(s0, pin(true), host, SFU), [{ type: 'media-mode-changed', mode: 'sfu', pinned: true, reason: 'pinned', by: 'h' }]);
    const s = run(s0, pin(true), host, SFU);
    assert.deepEqual(mediaModeState(s), { mode: 'sfu', pinned: true, crowdedAt: null });
    assert.deepEqual(decide(s, pin(true), { actor: host, now: 1, media: SFU }), { ok: true, events: [] });
  });

  it('a room already on the media server (cameras) is pinned there without moving', () => {
    const s = camerasUp(joined([host, ...people], SFU), [host, ...people.slice(0, 4)], SFU);
    assert.deepEqual(eventsOf(s, pin(true), host, SFU), [{ type: 'media-mode-changed', mode: 'sfu', pinned: true, reason: 'pinned', by: 'h' }]);
  });

  it('unpinning lets the cameras decide: the mesh with few, the media server past the limit', () => {
    const few = run(joined([host, ann], SFU), pin(true), host, SFU);
    assert.deepEqual(eventsOf(few, pin(false), host, SFU), [{ type: 'media-mode-changed', mode: 'mesh', pinned: false, reason: 'unpinned', by: 'h' }]);
    assert.equal(mediaMode(run(few, pin(false), host, SFU)), 'mesh');
    const many = camerasUp(run(joined([host, ...people], SFU), pin(true), host, SFU), [host, ...people.slice(0, 4)], SFU);
    assert.deepEqual(eventsOf(many, pin(false), host, SFU), [{ type: 'media-mode-changed', mode: 'sfu', pinned: false, reason: 'unpinned', by: 'h' }]);
    // Unpinning a room that is not pinned changes nothing.
    assert.deepEqual(decide(joined([host], SFU), pin(false), { actor: host, now: 1, media: SFU }), { ok: true, events: [] });
  });

  it('the boundary takes { pinned: boolean } and nothing else', () => {
    const send = (command: object) => parseClientMessage(JSON.stringify({ type: 'command', command }));
    assert.deepEqual(send({ type: 'media/pin-sfu', pinned: true }), { ok: true, value: { type: 'command', command: { type: 'media/pin-sfu', pinned: true } } });
    const bad = send({ type: 'media/pin-sfu', pinned: 'yes' });
    assert.equal(!bad.ok && bad.code, 'bad-message');
    assert.match(!bad.ok ? bad.message : '', /pinned must be true or false/);
  });

  it('hosts only: moderators and participants are refused, and a command without a user', () => {
    const s = joined([host, mod, ann], SFU);
    assert.equal(refused(s, pin(true), mod, SFU, 'forbidden'), 'Only hosts can choose to use the media server.');
    refused(s, pin(true), ann, SFU, 'forbidden');
    refused(s, pin(true), null, SFU, 'not-joined');
  });

  it('refused with sfu-unavailable when the server has no media server; and once the session ended', () => {
    const s = joined([host, ann]);
    const message = refused(s, pin(true), host, NO_SFU, 'sfu-unavailable');
    assert.match(message, /no media server/);
    refused(s, pin(true), host, undefined, 'sfu-unavailable');
    refused(run(s, { type: 'meeting/end' }, host), pin(true), host, SFU, 'meeting-ended');
  });

  it('media-mode-changed reaches everyone in the meeting and writes a snapshot', () => {
    const e: RoomEvent = { type: 'media-mode-changed', mode: 'sfu', pinned: false, reason: 'cameras' };
    const s = joined([host, ann]);
    assert.equal(hears(e, s, ann), true);
    assert.equal(hears(e, s, host), true);
    assert.equal(snapshotAfter(e), true);
  });
});

describe('media mode: replay', () => {
  it('a browser applying the sequenced events reaches the server’s mode', () => {
    let server = joined([host, ...people], SFU);
    let mirror = server;
    const commands: [Command, Actor][] = [
      ...[host, ...people.slice(0, 4)].map((a): [Command, Actor] => [camera(true), a]),
      [pin(true), host],
      [pin(false), host],
    ];
    for (const [command, actor] of commands) {
      const r = outcome(server, command, actor, SFU);
      for (const event of r.events) mirror = applySequenced(mirror, { seq: mirror.seq + 1, event });
      server = { ...r.state, seq: mirror.seq };
    }
    assert.deepEqual(mediaModeState(mirror), { mode: 'sfu', pinned: false, crowdedAt: null });
    assert.deepEqual(mirror.media, server.media);
    // An event already applied (a resume overlap) changes nothing.
    assert.equal(applySequenced(mirror, { seq: mirror.seq, event: { type: 'media-mode-changed', mode: 'mesh', pinned: false, reason: 'unpinned' } }), mirror);
  });

  it('a snapshot written before the media server existed loads as a mesh, and the room moves from there', () => {
    const stored = camerasUp(joined([host, ...people]), [host, ...people.slice(0, 3)]);
    const old = JSON.parse(JSON.stringify(stored)) as RoomState;
    delete old.media;
    assert.equal(mediaMode(old), 'mesh');
    assert.equal(mediaMode(run(old, camera(true), people[3]!, SFU)), 'sfu');
  });
});
