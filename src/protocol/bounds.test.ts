import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { historyOf, locationOf } from './breakout.ts';
import { hears, viewFor } from './room.ts';
import { applySequenced, decide, initialState, reduce } from './room.ts';
import { parseClientMessage } from './schema.ts';
import {
  CHAT_HISTORY,
  CHAT_MAX_LENGTH,
  CHAT_TOTAL,
  CHAT_TOTAL_CHARS,
  ROOM_ID_LIMIT,
  type Actor,
  type Command,
  type RoomEvent,
  type RoomState,
} from './types.ts';

const host: Actor = { id: 'h', name: 'Host', role: 'host' };

function run(state: RoomState, command: Command, actor: Actor | null, now = 0): RoomState {
  const r = reduce(state, command, { actor, now });
  assert.ok(r.ok, r.ok ? '' : `${command.type}: ${r.message}`);
  return r.state;
}

function configure(s: RoomState, rooms: string[], order: string[] = []): RoomState {
  return run(
    s,
    {
      type: 'breakout/deal',
      reason: 'configure',
      order,
      configure: { type: 'breakout/configure', rooms, timeLimitMinutes: null, countdownSeconds: 0, assignment: 'auto' },
    },
    host,
  );
}

const names = (n: number) => Array.from({ length: n }, (_, i) => `Room ${i + 1}`);
const chatChars = (s: RoomState) => s.chat.reduce((n, m) => n + m.text.length, 0);

describe('bounds: chat across breakout rooms', () => {
  it('10 MB said in breakout rooms, over many sets of rooms, keeps the history within its bounds', () => {
    const people: Actor[] = Array.from({ length: 100 }, (_, i) => ({ id: `p${i}`, name: `P${i}`, role: 'participant' }));
    let s = initialState('r');
    for (const a of [host, ...people]) s = run(s, { type: 'presence/join', peerId: `x${a.id}` }, a);
    const text = 'y'.repeat(CHAT_MAX_LENGTH);
    let said = 0;
    for (let round = 0; round < 5; round++) {
      s = configure(s, names(100), people.map((p) => p.id));
      s = run(s, { type: 'breakout/start' }, host);
      for (let k = 0; k < 10; k++) {
        for (const p of people) {
          s = run(s, { type: 'chat/send', text }, p);
          said += text.length;
        }
      }
      s = run(s, { type: 'breakout/broadcast', text: 'Two minutes left' }, host);
      s = run(s, { type: 'breakout/end' }, host);
      s = run(s, { type: 'timer/due' }, null, Number.MAX_SAFE_INTEGER);
    }
    const size = JSON.stringify(s).length;
    console.log(`# ${(said / 1e6).toFixed(1)} MB of breakout chat said: ${s.chat.length} messages, ${chatChars(s)} characters kept, state ${(size / 1e3).toFixed(0)} kB`);
    assert.ok(said >= 10_000_000);
    assert.ok(s.chat.length <= CHAT_TOTAL);
    assert.ok(chatChars(s) <= CHAT_TOTAL_CHARS);
    assert.ok(size < CHAT_TOTAL_CHARS + 200_000, `state is ${size} B`);
    const current = new Set(s.breakout.config!.rooms.map((r) => r.id));
    assert.ok(s.chat.every((m) => m.broadcast || m.room == null || current.has(m.room)), 'no chat of rooms that no longer exist');
  });

  it('each room keeps its own last messages; a busy room loses its oldest first, not the quiet rooms', () => {
    const a: Actor = { id: 'a', name: 'A', role: 'participant' };
    const b: Actor = { id: 'b', name: 'B', role: 'participant' };
    let s = initialState('r');
    for (const u of [host, a, b]) s = run(s, { type: 'presence/join', peerId: `x${u.id}` }, u);
    s = configure(s, ['Quiet', 'Busy'], ['a', 'b']);
    s = run(s, { type: 'breakout/start' }, host);
    s = run(s, { type: 'chat/send', text: 'quiet hello' }, a);
    s = run(s, { type: 'chat/send', text: 'main hello' }, host);
    for (let i = 0; i < 500; i++) s = run(s, { type: 'chat/send', text: `${i} ${'z'.repeat(1500)}` }, b);
    const busy = historyOf(s, locationOf(s, 'b'));
    assert.equal(busy.length, CHAT_HISTORY);
    assert.ok(busy.at(-1)!.text.startsWith('499 '));
    assert.deepEqual(historyOf(s, locationOf(s, 'a')).map((m) => m.text), ['quiet hello']);
    assert.deepEqual(historyOf(s, null).map((m) => m.text), ['main hello']);
    // Total characters: the busy room (the most text) gives way, the others keep theirs.
    for (let i = 0; i < 200; i++) s = run(s, { type: 'chat/send', text: 'm'.repeat(1500) }, host);
    assert.ok(chatChars(s) <= CHAT_TOTAL_CHARS);
    assert.deepEqual(historyOf(s, locationOf(s, 'a')).map((m) => m.text), ['quiet hello']);
    const main = historyOf(s, null).length;
    const busyNow = historyOf(s, locationOf(s, 'b')).length;
    assert.ok(main >= 100 && busyNow >= 50, `main ${main}, busy ${busyNow}: the two big rooms share what is left`);
  });
});

describe('bounds: breakout room ids never run out', () => {
  it('after 10,000 sets of 100 rooms, ids still pass the schema and moves are accepted', () => {
    const a: Actor = { id: 'a', name: 'A', role: 'participant' };
    let s = initialState('r');
    for (const u of [host, a]) s = run(s, { type: 'presence/join', peerId: `x${u.id}` }, u);
    const hundred = names(100);
    for (let i = 0; i < 10_000; i++) s = configure(s, hundred);
    assert.ok(s.breakout.nextRoomId < ROOM_ID_LIMIT);
    const ids = s.breakout.config!.rooms.map((r) => r.id);
    assert.equal(new Set(ids).size, 100);
    for (const to of ids) {
      const parsed = parseClientMessage(JSON.stringify({ type: 'command', command: { type: 'breakout/move', userId: 'a', to } }));
      assert.ok(parsed.ok, `${to}: ${parsed.ok ? '' : parsed.message}`);
    }
    s = run(s, { type: 'breakout/move', userId: 'a', to: ids[99]! }, host);
    s = run(s, { type: 'breakout/start' }, host);
    assert.equal(locationOf(s, 'a'), ids[99]);
  });

  it('a room stored past the old limit gets valid ids at the next set of rooms', () => {
    let s = initialState('r');
    s = { ...s, breakout: { ...s.breakout, nextRoomId: 1_000_001 } };
    s = configure(s, ['One', 'Two']);
    assert.deepEqual(s.breakout.config!.rooms.map((r) => r.id), ['r1', 'r2']);
  });
});

describe('bounds: user ids such as __proto__ are plain ids', () => {
  const odd: Actor[] = ['__proto__', 'valueOf', 'constructor', 'toString', 'hasOwnProperty'].map((id) => ({ id, name: `User ${id}`, role: 'participant' }));

  it('join, chat, media, move, call, leave and remove work, and the state round-trips through JSON', () => {
    let s = initialState('r');
    let browser = initialState('r');
    let seq = 0;
    const step = (command: Command, actor: Actor | null) => {
      const r = reduce(s, command, { actor, now: 5 });
      assert.ok(r.ok, r.ok ? '' : `${command.type} by ${actor?.id}: ${r.message}`);
      s = { ...r.state, seq: seq + r.events.length };
      for (const e of r.events) browser = applySequenced(browser, JSON.parse(JSON.stringify({ seq: ++seq, event: e })) as { seq: number; event: RoomEvent });
    };
    // Before anyone joins, the names of Object.prototype's members are nobody.
    for (const u of odd) {
      assert.equal(decide(s, { type: 'media/state', audio: true, video: false }, { actor: u, now: 1 }).ok, false);
      assert.equal(decide(s, { type: 'breakout/move', userId: u.id, to: null }, { actor: host, now: 1 }).ok, false);
    }
    step({ type: 'presence/join', peerId: 'ph' }, host);
    for (const u of odd) step({ type: 'presence/join', peerId: `p${odd.indexOf(u)}` }, u);
    assert.deepEqual(Object.keys(s.participants).sort(), ['h', ...odd.map((u) => u.id)].sort());
    assert.equal(Object.getPrototypeOf(s.participants), Object.prototype, 'the record is still a plain object');
    for (const u of odd) {
      assert.equal(Object.hasOwn(s.participants, u.id), true);
      assert.equal(s.participants[u.id]!.present, true);
      step({ type: 'media/state', audio: true, video: true }, u);
      step({ type: 'chat/send', text: `hi from ${u.id}` }, u);
    }
    step(
      { type: 'breakout/deal', reason: 'configure', order: odd.map((u) => u.id), configure: { type: 'breakout/configure', rooms: ['One', 'Two'], timeLimitMinutes: null, countdownSeconds: 0, assignment: 'auto' } },
      host,
    );
    assert.deepEqual(Object.keys(s.breakout.plan).sort(), odd.map((u) => u.id).sort(), 'every id has a planned room');
    step({ type: 'breakout/start' }, host);
    for (const u of odd) assert.match(locationOf(s, u.id) ?? '', /^r\d+$/);
    step({ type: 'breakout/move', userId: '__proto__', to: 'r2' }, host);
    assert.equal(locationOf(s, '__proto__'), 'r2');
    step({ type: 'breakout/call' }, odd[1]!);
    assert.equal(s.breakout.calls[0]!.userId, 'valueOf');
    assert.equal(hears({ type: 'help-requested', call: s.breakout.calls[0]! }, s, odd[1]!), true);
    assert.equal(viewFor(s, odd[2]!).breakout.calls.length, 0, 'constructor does not see valueOf’s call');
    step({ type: 'chat/send', text: 'in room two' }, odd[0]!);
    assert.equal(s.chat.at(-1)!.room, 'r2');
    step({ type: 'breakout/gather' }, host);
    assert.equal(Object.hasOwn(s.breakout.returnTo, '__proto__'), true);
    step({ type: 'breakout/end' }, host);
    step({ type: 'presence/leave', userId: 'constructor' }, null);
    assert.equal(s.participants['constructor' as string]!.present, false);
    step({ type: 'participant/remove', userId: 'toString' }, host);
    assert.equal(decide(s, { type: 'presence/join', peerId: 'again' }, { actor: odd[3]!, now: 6 }).ok, false);
    // Server and browser agree, and a stored snapshot reads back the same.
    assert.deepEqual(browser, s);
    assert.deepEqual(JSON.parse(JSON.stringify(s)), s);
    assert.deepEqual(structuredClone(s), s);
  });
});
