import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyTable } from './room-apply.ts';
import { apply, clientCommandSchemas, decide, hears, initialState, ownerOf, reachesOutsider, reduce, roomFeatures, snapshotAfter, viewFor } from './room.ts';
import { parseClientMessage } from './schema.ts';
import type { Actor, ClientCommand, Command, RoomEvent, RoomState, ServerCommand } from './types.ts';

// The owner of every event and command. A type added to the unions without a line here fails to
// compile (and one listed here that no feature owns fails the tests below).
const EVENTS = {
  'participant-joined': 'presence',
  'participant-left': 'presence',
  'participant-removed': 'presence',
  'participants-pruned': 'presence',
  'media-changed': 'engagement',
  'engagement-changed': 'engagement',
  chat: 'chat',
  'meeting-ended': 'meeting',
  'meeting-started': 'meeting',
  'host-away-started': 'meeting',
  'host-away-cancelled': 'meeting',
  'settings-changed': 'meeting',
  'session-info': 'meeting',
  'breakout-configured': 'breakout',
  'breakout-planned': 'breakout',
  'breakout-started': 'breakout',
  'breakout-moves': 'breakout',
  'breakout-moved': 'breakout',
  'breakout-gathered': 'breakout',
  'breakout-ending': 'breakout',
  'breakout-ended': 'breakout',
  'breakout-time-added': 'breakout',
  'help-requested': 'breakout',
  'help-cleared': 'breakout',
  'share-started': 'share',
  'share-stopped': 'share',
  'share-allowed': 'share',
  'media-mode-changed': 'media-mode',
  'media-crowded': 'media-mode',
  redacted: 'room',
} satisfies Record<RoomEvent['type'], string>;

const CLIENT_COMMANDS = {
  'chat/send': 'chat',
  'engagement/report': 'engagement',
  'media/state': 'engagement',
  'meeting/leave': 'meeting',
  'meeting/end': 'meeting',
  'meeting/start': 'meeting',
  'meeting/join': 'meeting',
  'participant/remove': 'presence',
  'breakout/configure': 'breakout',
  'breakout/start': 'breakout',
  'breakout/shuffle': 'breakout',
  'breakout/rotate': 'breakout',
  'breakout/move': 'breakout',
  'breakout/join': 'breakout',
  'breakout/gather': 'breakout',
  'breakout/end': 'breakout',
  'breakout/add-time': 'breakout',
  'breakout/broadcast': 'breakout',
  'breakout/call': 'breakout',
  'breakout/cancel-call': 'breakout',
  'breakout/dismiss': 'breakout',
  'share/start': 'share',
  'share/stop': 'share',
  'share/allow': 'share',
  'media/pin-sfu': 'media-mode',
} satisfies Record<ClientCommand['type'], string>;

const SERVER_COMMANDS = {
  'presence/join': 'presence',
  'presence/leave': 'presence',
  'session/info': 'meeting',
  'timer/due': 'room',
  'breakout/deal': 'breakout',
} satisfies Record<ServerCommand['type'], string>;

/** Each key of the named table across every feature, with the features that list it. */
function listed(table: 'apply' | 'audience' | 'decide' | 'commands'): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const f of roomFeatures()) for (const key of Object.keys(f[table])) out.set(key, [...(out.get(key) ?? []), f.name]);
  return out;
}

const asOwners = (table: Record<string, string>) => new Map(Object.entries(table).map(([k, v]) => [k, [v]]));
const sorted = (m: Map<string, string[]>) => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : 1));

describe('room features: every event and command has exactly one owner', () => {
  it('every event type has one apply handler and one audience entry, in the feature that owns it', () => {
    assert.deepEqual(sorted(listed('apply')), sorted(asOwners(EVENTS)));
    assert.deepEqual(sorted(listed('audience')), sorted(asOwners(EVENTS)));
    for (const [type, owner] of Object.entries(EVENTS)) assert.equal(ownerOf('event', type), owner, type);
  });

  it("browsers' apply (room-apply.ts) folds every event with the very handler of the feature that owns it", () => {
    const features = new Map(roomFeatures().flatMap((f) => Object.entries(f.apply)));
    assert.deepEqual([...applyTable().keys()].sort(), [...features.keys()].sort());
    for (const [type, handler] of applyTable()) assert.equal(handler, features.get(type), type);
  });

  it('every command type has one decide handler; every client command one schema, server commands none', () => {
    assert.deepEqual(sorted(listed('decide')), sorted(asOwners({ ...CLIENT_COMMANDS, ...SERVER_COMMANDS })));
    assert.deepEqual(sorted(listed('commands')), sorted(asOwners(CLIENT_COMMANDS)));
    assert.deepEqual([...clientCommandSchemas().keys()].sort(), Object.keys(CLIENT_COMMANDS).sort());
  });

  it('the one boundary knows every client command and no server command', () => {
    const send = (command: object) => parseClientMessage(JSON.stringify({ type: 'command', command }));
    for (const type of Object.keys(CLIENT_COMMANDS)) {
      const r = send({ type });
      assert.ok(r.ok || r.code === 'bad-message', `${type}: ${r.ok ? '' : r.message}`);
    }
    for (const type of Object.keys(SERVER_COMMANDS)) {
      const r = send({ type, peerId: 'p1', userId: 'u', order: [], reason: 'shuffle', info: null });
      assert.equal(!r.ok && r.code, 'unknown-type', type);
    }
  });
});

const host: Actor = { id: 'h', name: 'Host', role: 'host' };
const ann: Actor = { id: 'a', name: 'Ann', role: 'participant' };
const bob: Actor = { id: 'b', name: 'Bob', role: 'participant' };

function run(state: RoomState, command: Command, actor: Actor | null, now = 1000): RoomState {
  const r = reduce(state, command, { actor, now });
  assert.ok(r.ok, r.ok ? '' : r.message);
  return r.state;
}

describe('room: the composed audience', () => {
  const s = [host, ann, bob].reduce((st, a) => run(st, { type: 'presence/join', peerId: `p-${a.id}` }, a), initialState('r'));
  const call = { id: 1, userId: 'a', room: 'r1', at: 1 };

  it('hears: everyone by default; help calls for staff and the caller; chat by room', () => {
    assert.equal(hears({ type: 'media-changed', userId: 'a', audio: true, video: false }, s, bob), true);
    assert.equal(hears({ type: 'help-requested', call }, s, host), true);
    assert.equal(hears({ type: 'help-requested', call }, s, ann), true);
    assert.equal(hears({ type: 'help-requested', call }, s, bob), false);
    const said = (room: string | null): RoomEvent => ({ type: 'chat', message: { id: 1, from: 'h', name: 'Host', text: 'hi', at: 1, room } });
    assert.equal(hears(said(null), s, ann), true);
    assert.equal(hears(said('r1'), s, ann), false);
  });

  it('an event type nobody owns reaches nobody and changes nothing', () => {
    const odd = { type: 'from-the-future' } as unknown as RoomEvent;
    assert.equal(hears(odd, s, host), false);
    assert.equal(reachesOutsider(odd, 'a'), false);
    assert.equal(snapshotAfter(odd), false);
    assert.equal(apply(s, odd), s);
    const r = decide(s, { type: 'room/explode' } as unknown as Command, { actor: host, now: 1 });
    assert.equal(!r.ok && r.code, 'unknown-type');
  });

  it('reachesOutsider: lifecycle news for all, news about a person for that person only', () => {
    assert.equal(reachesOutsider({ type: 'meeting-started', by: 'h', at: 1 }, 'a'), true);
    assert.equal(reachesOutsider({ type: 'session-info', info: null }, 'a'), true);
    assert.equal(reachesOutsider({ type: 'participant-left', userId: 'a', at: 1 }, 'a'), true);
    assert.equal(reachesOutsider({ type: 'participant-left', userId: 'b', at: 1 }, 'a'), false);
    assert.equal(reachesOutsider({ type: 'participant-joined', participant: s.participants.a! }, 'a'), true);
    assert.equal(reachesOutsider({ type: 'participant-joined', participant: s.participants.a! }, 'b'), false);
    assert.equal(reachesOutsider({ type: 'help-requested', call }, 'a'), false);
    assert.equal(reachesOutsider({ type: 'share-stopped', userId: 'h', room: null, reason: 'ended' }, 'a'), true);
    assert.equal(reachesOutsider({ type: 'share-stopped', userId: 'h', room: null, reason: 'left' }, 'a'), false);
    assert.equal(reachesOutsider({ type: 'share-stopped', userId: 'h', room: null, reason: 'left' }, 'h'), true);
  });

  it('viewFor: the viewer’s room’s chat, and their own help calls unless staff; the same object when nothing is hidden', () => {
    assert.equal(viewFor(s, ann), s);
    const busy: RoomState = {
      ...s,
      chat: [
        { id: 1, from: 'h', name: 'Host', text: 'main', at: 1 },
        { id: 2, from: 'a', name: 'Ann', text: 'r1', at: 2, room: 'r1' },
      ],
      breakout: { ...s.breakout, calls: [call, { ...call, id: 2, userId: 'b' }] },
    };
    assert.deepEqual(viewFor(busy, bob).chat.map((m) => m.text), ['main']);
    assert.deepEqual(viewFor(busy, bob).breakout.calls.map((c) => c.userId), ['b']);
    assert.equal(viewFor(busy, host).breakout.calls.length, 2);
  });
});
