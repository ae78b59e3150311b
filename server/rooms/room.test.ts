/**
 * The room master with an asynchronous store that is slow, answers out of order or fails: one
 * room's events are stored and published in sequence order, one write at a time; nothing is
 * heard or acknowledged before it is stored; a failed write refuses its command and changes
 * nothing. The master is driven directly, through a fake transport (it knows no sockets), and
 * through the hub, where a join during a slow write neither misses nor repeats an event.
 */
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { initialState } from '../../src/protocol/room.ts';
import type { Actor, RoomEvent, RoomState, ServerMessage } from '../../src/protocol/types.ts';
import { createVerifier, issueToken, type TokenVerifier } from '../auth.ts';
import { MemoryStore } from '../store/store.ts';
import { FakeClock, FakeSocket, SlowStore, settle, tick } from '../testing/fakes.ts';
import { RoomHub } from './hub.ts';
import { RoomMaster, type Outcome, type RoomListener, type RoomTransport } from './room.ts';
import { StorageHealth } from './storage-guard.ts';

const HOST: Actor = { id: 'h', name: 'Hana', role: 'host' };
const ANN: Actor = { id: 'a', name: 'Ann', role: 'participant' };

class Ear implements RoomListener {
  readonly actor: Actor;
  readonly console = false;
  closed = false;
  stale?: boolean;
  readonly heard: ServerMessage[] = [];
  constructor(actor: Actor) {
    this.actor = actor;
  }
  /** Sequence numbers and types of the events heard. */
  get events(): [number, RoomEvent['type']][] {
    return this.heard.flatMap((m) => (m.type === 'event' ? [[m.seq, m.event.type] as [number, RoomEvent['type']]] : []));
  }
}

const transport: RoomTransport<Ear> = {
  send: (to, frame) => to.heard.push(JSON.parse(frame) as ServerMessage),
  resync: () => {},
  expel: () => {},
};

let clock: FakeClock;
let store: SlowStore;
let quiet: typeof console.error;

function master(id: string): RoomMaster<Ear> {
  return new RoomMaster<Ear>({
    id,
    state: initialState(id, 60_000),
    store,
    clock,
    storage: new StorageHealth(clock, () => {}),
    transport,
    choices: { shuffle: (items) => items },
    config: { snapshotEvery: 64, leaveGraceMs: 10_000 },
  });
}

/** A room with Hana and Ann in it and listening, its writes answered at once; then writes are held. */
async function roomWithTwo(id = 'r1'): Promise<{ room: RoomMaster<Ear>; hana: Ear; ann: Ear }> {
  const room = master(id);
  const hana = new Ear(HOST);
  const ann = new Ear(ANN);
  room.listeners.add(hana).add(ann);
  store.holding = false;
  for (const who of [HOST, ANN]) assert.equal((await room.dispatch({ type: 'presence/join', peerId: `p-${who.id}` }, who)).ok, true);
  store.holding = true;
  return { room, hana, ann };
}

const say = (room: RoomMaster<Ear>, who: Actor, text: string) => room.dispatch({ type: 'chat/send', text }, who);

/** Outcomes as they arrive, in order. */
function track(promises: Promise<Outcome>[]): Outcome[] {
  const seen: Outcome[] = [];
  for (const p of promises) void p.then((o) => seen.push(o));
  return seen;
}

beforeEach(() => {
  clock = new FakeClock();
  store = new SlowStore(new MemoryStore());
});

describe('room master: a slow store', () => {
  it('writes one batch at a time and publishes in sequence order; nothing is heard or acknowledged before it is stored', async () => {
    const { room, hana, ann } = await roomWithTwo();
    const seq = room.state.seq;
    const heardBefore = hana.heard.length;
    const outcomes = track([say(room, ANN, 'one'), say(room, HOST, 'two'), say(room, ANN, 'three')]);
    await settle();
    assert.deepEqual(store.held.map((w) => w.seqs), [[seq + 1]], 'the second command waits for the first write');
    assert.equal(hana.heard.length, heardBefore, 'nothing published yet');
    assert.deepEqual(outcomes, [], 'nothing acknowledged yet');
    assert.equal(room.state.seq, seq, 'the state is what was stored');

    for (let i = 1; i <= 3; i++) {
      await store.held[0]!.finish();
      assert.deepEqual(outcomes.at(-1), { ok: true, seq: seq + i });
      assert.deepEqual(hana.events.at(-1), [seq + i, 'chat']);
      assert.equal(room.state.seq, seq + i);
    }
    assert.equal(store.maxInFlight, 1, 'never two writes of one room at once');
    assert.deepEqual(ann.events.slice(-3).map(([s]) => s), [seq + 1, seq + 2, seq + 3]);
    assert.deepEqual(room.state.chat.map((m) => m.text), ['one', 'two', 'three']);
  });

  it('rooms do not wait for each other: writes answered out of order across rooms keep each room in order', async () => {
    const a = await roomWithTwo('ra');
    const b = await roomWithTwo('rb');
    const seqA = a.room.state.seq;
    const seqB = b.room.state.seq;
    track([say(a.room, ANN, 'a1'), say(a.room, ANN, 'a2'), say(b.room, ANN, 'b1'), say(b.room, ANN, 'b2')]);
    await settle();
    assert.deepEqual(store.held.map((w) => w.room), ['ra', 'rb']);
    // Room b's write finishes first, twice over, while room a's first write is still under way.
    await store.held.find((w) => w.room === 'rb')!.finish();
    await store.held.find((w) => w.room === 'rb')!.finish();
    assert.deepEqual(b.hana.events.slice(-2), [[seqB + 1, 'chat'], [seqB + 2, 'chat']]);
    assert.equal(a.hana.events.at(-1)?.[0], seqA, 'room a has published nothing new');
    await store.held.find((w) => w.room === 'ra')!.finish();
    await store.held.find((w) => w.room === 'ra')!.finish();
    assert.deepEqual(a.hana.events.slice(-2), [[seqA + 1, 'chat'], [seqA + 2, 'chat']]);
    assert.deepEqual(a.room.state.chat.map((m) => m.text), ['a1', 'a2']);
  });

  it('a failed write refuses its command, keeps the state and publishes nothing; the next command is decided against the same state', async () => {
    quiet = console.error;
    const { room, hana } = await roomWithTwo();
    const seq = room.state.seq;
    const heard = hana.heard.length;
    const outcomes = track([say(room, ANN, 'lost'), say(room, ANN, 'kept')]);
    await settle();
    await store.held[0]!.finish(Object.assign(new Error('database or disk is full'), { errcode: 13 }));
    assert.deepEqual(outcomes, [{ ok: false, code: 'storage-unavailable', message: 'The server cannot save right now; try again shortly.' }]);
    assert.equal(room.state.seq, seq);
    assert.equal(room.state.chat.length, 0);
    assert.equal(hana.heard.length, heard, 'nobody hears of what was not stored');
    assert.deepEqual(store.held.map((w) => w.seqs), [[seq + 1]], 'the next command takes the same sequence number: no gap');
    await store.held[0]!.finish();
    assert.deepEqual(outcomes.at(-1), { ok: true, seq: seq + 1 });
    assert.deepEqual(room.state.chat.map((m) => m.text), ['kept']);
    assert.deepEqual(((await store.eventsSince('r1', seq)) ?? []).map((e) => e.seq), [seq + 1]);
    console.error = quiet;
  });

  it('a timer whose write is slow fires once, and the room stays in memory until it is stored', async () => {
    const { room, hana } = await roomWithTwo();
    store.holding = false;
    await room.dispatch({ type: 'meeting/leave' }, HOST); // the host leaves: a host-away deadline
    store.holding = true;
    const deadline = room.state.hostAwayDeadline!;
    await clock.run(deadline - clock.now() + 1);
    assert.equal(store.held.length, 1, 'the deadline is being written');
    assert.equal(room.idle, false, 'not idle while a write is under way');
    await clock.run(5_000);
    assert.equal(store.held.length, 1, 'and not fired again meanwhile');
    await store.held[0]!.finish();
    assert.equal(room.state.status, 'ended');
    assert.equal(hana.events.filter(([, t]) => t === 'meeting-ended').length, 1);
  });
});

describe('room hub: a slow store', () => {
  const SECRET = 'test-secret-test-secret-test-secret-0123';
  let verifier: TokenVerifier;
  let ids = 0;
  const token = (sub: string, role: 'host' | 'participant') => issueToken(SECRET, { sub, name: sub.toUpperCase(), role, room: 'r1' });
  const hubWith = (config: Partial<RoomHub['config']> = {}) =>
    new RoomHub({ store, clock, verifier, config: { leaveGraceMs: 10_000, hostAwayMs: 60_000, ...config }, randomId: () => `peer${++ids}` });

  function open(hub: RoomHub, tok: string): FakeSocket {
    const s = new FakeSocket();
    s.handlers = hub.accept('r1')(s);
    void s.write({ type: 'hello', token: tok });
    return s;
  }
  async function until(what: string, cond: () => boolean): Promise<void> {
    for (let i = 0; i < 2000 && !cond(); i++) await tick();
    assert.ok(cond(), what);
  }
  const events = (s: FakeSocket) => s.of<{ seq: number; event: RoomEvent }>('event');

  beforeEach(async () => {
    verifier ??= await createVerifier({ secret: SECRET });
    store.holding = false;
  });

  it('a join while a write is under way is welcomed after it, and neither misses nor repeats an event', async () => {
    const hub = hubWith();
    const h = open(hub, await token('h', 'host'));
    await until('the host is in', () => events(h).length === 1);
    store.holding = true;
    await h.write({ type: 'command', ref: 'c1', command: { type: 'chat/send', text: 'slow news' } });
    const b = open(hub, await token('b', 'participant'));
    await until('the chat is being written', () => store.held.length === 1);
    await settle(10);
    assert.equal(b.of('welcome').length, 0, 'the welcome waits for the write before it');
    assert.equal(h.of('ack').length, 0);
    await store.held[0]!.finish();
    await until('b is welcomed', () => b.of('welcome').length === 1);
    const welcome = b.of<{ snapshot: RoomState }>('welcome')[0]!;
    assert.deepEqual(welcome.snapshot.chat.map((m) => m.text), ['slow news'], 'the welcome has the stored chat');
    assert.deepEqual(h.of<{ ref: string }>('ack').map((x) => x.ref), ['c1']);
    await until('b joining is being written', () => store.held.length === 1);
    await store.held[0]!.finish();
    await until('b hears its own join', () => events(b).length === 1);
    assert.equal(events(b)[0]!.seq, welcome.snapshot.seq + 1, 'the next event after the welcome, none missed');
    assert.ok(!events(b).some((e) => e.event.type === 'chat'), 'the chat is not heard twice');
    assert.deepEqual(events(h).map((e) => e.seq), [1, 2, 3]);
    hub.close();
  });

  it('refuses commands past the room backlog with storage-unavailable while writes are slow', async () => {
    const hub = hubWith({ maxBacklog: 2, rateLimits: null });
    const h = open(hub, await token('h', 'host'));
    await until('the host is in', () => events(h).length === 1);
    store.holding = true;
    for (let i = 0; i < 3; i++) await h.write({ type: 'command', ref: `c${i}`, command: { type: 'chat/send', text: `m${i}` } });
    const refused = h.of<{ code: string; ref: string; message: string }>('error');
    assert.deepEqual(refused.map((e) => [e.code, e.ref]), [['storage-unavailable', 'c2']]);
    assert.match(refused[0]!.message, /try again shortly/);
    while (store.held.length) await store.held[0]!.finish();
    assert.deepEqual(h.of<{ ref: string }>('ack').map((x) => x.ref), ['c0', 'c1']);
    hub.close();
  });
});
