/**
 * The SFU controller over the real room sockets (fake sockets, fake clock, memory store) and a
 * media server in memory (server/testing/fake-video-room.ts): who may publish and receive what,
 * tokens following presence and places, moves, leaving, mutes, replacing, failures, and the mode.
 */
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { receives } from '../../src/protocol/media.ts';
import type { SfuServerMessage } from '../../src/protocol/types.ts';
import { createVerifier, issueToken, type TokenVerifier } from '../auth.ts';
import type { Connection } from '../rooms/connection.ts';
import { RoomHub } from '../rooms/hub.ts';
import { MemoryStore } from '../store/store.ts';
import { FakeClock, FakeSocket, settle } from '../testing/fakes.ts';
import { FakeVideoRoom } from '../testing/fake-video-room.ts';
import { feedId } from './ids.ts';
import { MAX_QUEUED, SfuRooms } from './sfu.ts';

const SECRET = 'test-secret-test-secret-test-secret-0123';
const ROOM = 'r1';
const MAIN = `${ROOM}/main`;
const SDP = 'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\n';

type Role = 'host' | 'moderator' | 'participant';
type Sfu = Extract<SfuServerMessage, { type: 'sfu' }>;

let verifier: TokenVerifier;
let clock: FakeClock;
let janus: FakeVideoRoom;
let sfu: SfuRooms<Connection>;
let hub: RoomHub;
let tokens = 0;
let ids = 0;

function setup(opts: { sfu?: boolean; meshLimit?: number } = {}): void {
  clock = new FakeClock();
  janus = new FakeVideoRoom();
  let h: RoomHub | null = null;
  sfu = new SfuRooms<Connection>({
    api: janus,
    clock,
    state: (room) => h?.peek(room)?.state,
    send: (to, msg) => h?.sockets.out.send(to, msg),
    token: () => `tok${++tokens}`,
    retryAfterMs: 2000,
    log: () => undefined,
  });
  h = hub = new RoomHub({
    store: new MemoryStore(),
    clock,
    verifier,
    config: { leaveGraceMs: 10_000, hostAwayMs: 60_000, rateLimits: null, media: { sfu: opts.sfu ?? true, meshLimit: opts.meshLimit ?? 4 } },
    randomId: () => `peer${++ids}`,
    sfu,
    onStateChange: (room, before, after) => sfu.stateChanged(room, before, after),
    onUnload: (room, why) => why === 'idle' && sfu.unloaded(room),
  });
}

beforeEach(async () => {
  verifier ??= await createVerifier({ secret: SECRET });
  setup();
});

async function connect(sub: string, role: Role = 'participant', hello: Record<string, unknown> = {}): Promise<FakeSocket> {
  const s = new FakeSocket();
  s.handlers = hub.accept(ROOM)(s);
  await s.write({ type: 'hello', token: await issueToken(SECRET, { sub, name: `Name ${sub}`, role, room: ROOM }), ...hello });
  for (let i = 0; i < 4000 && !s.of('welcome').length && !s.closed; i++) await new Promise((r) => setTimeout(r, i < 20 ? 0 : 5));
  await settle();
  return s;
}

/** Let every queue (room, media server) finish. */
async function idle(): Promise<void> {
  await settle();
  await sfu.idle();
  await settle();
}

const frames = (s: FakeSocket) => s.of<Sfu>('sfu');
const ops = (s: FakeSocket, op: Sfu['op']) => frames(s).filter((f) => f.op === op) as any[];
const command = async (s: FakeSocket, c: Record<string, unknown>) => {
  await s.write({ type: 'command', command: c });
  await idle();
};
const send = async (s: FakeSocket, msg: Record<string, unknown>) => {
  await s.write({ type: 'sfu', ...msg });
  await idle();
};
const publish = (s: FakeSocket, source: 'camera' | 'screen' = 'camera') => send(s, { op: 'publish', source, sdp: SDP });
const state = () => hub.peek(ROOM)!.state;
const pin = (host: FakeSocket) => command(host, { type: 'media/pin-sfu', pinned: true });

/** A host and participants in the room, on the media server. */
async function sfuRoom(...participants: string[]): Promise<{ host: FakeSocket; people: FakeSocket[] }> {
  const host = await connect('h', 'host');
  const people = [];
  for (const p of participants) people.push(await connect(p));
  await pin(host);
  assert.equal(state().media?.mode, 'sfu');
  return { host, people };
}

describe('SFU controller: publishing', () => {
  it('a present user in SFU mode publishes with a token Janus allows, and only that connection hears the answer', async () => {
    const { host, people: [a] } = await sfuRoom('a');
    await publish(a!);
    const published = ops(a!, 'published');
    assert.equal(published.length, 1);
    assert.equal(published[0].source, 'camera');
    assert.match(published[0].sdp, /^v=0/);
    assert.deepEqual(janus.feeds(MAIN), [feedId('a', 'camera')]);
    const call = janus.of('publish')[0]!;
    assert.equal(call.room, MAIN);
    assert.deepEqual(janus.allowedIn(MAIN), [call.args[1]], 'the token used is the one allowed');
    assert.equal(frames(host).length, 0, 'nobody else hears of it');
  });

  it('mode mesh refuses publish with invalid; nothing reaches Janus', async () => {
    await connect('h', 'host');
    const a = await connect('a');
    await publish(a);
    const [error] = ops(a, 'error');
    assert.equal(error.code, 'invalid');
    assert.equal(error.source, 'camera');
    assert.equal(janus.calls.length, 0);
  });

  it('a participant cannot publish a screen unless the state says they share it here', async () => {
    const { host, people: [a] } = await sfuRoom('a');
    await publish(a!, 'screen');
    assert.equal(ops(a!, 'error')[0]?.code, 'forbidden');
    assert.equal(janus.of('publish').length, 0);
    await command(host, { type: 'share/allow', allowed: true });
    await command(a!, { type: 'share/start', audio: false });
    await publish(a!, 'screen');
    assert.equal(ops(a!, 'published').length, 1);
    assert.deepEqual(janus.feeds(MAIN), [feedId('a', 'screen')]);
    // The share stops: the screen feed goes at Janus too.
    await command(a!, { type: 'share/stop' });
    assert.deepEqual(janus.feeds(MAIN), []);
    assert.ok(janus.of('kick').some((c) => c.args[0] === feedId('a', 'screen')));
  });

  it('a second publish of the same source replaces the first', async () => {
    const { people: [a] } = await sfuRoom('a');
    await publish(a!);
    await publish(a!);
    assert.equal(ops(a!, 'published').length, 2);
    assert.equal(janus.of('publish').length, 2);
    assert.equal(janus.of('close-publisher').length, 1, 'the first publisher closed before the second');
    assert.deepEqual(janus.feeds(MAIN), [feedId('a', 'camera')]);
    assert.equal(sfu.stats().publishers, 1);
    assert.equal(janus.of('allow').length, 1, 'one token per place');
  });

  it('consoles are forbidden and connections without a hello are not joined', async () => {
    await sfuRoom();
    const console_ = await connect('h', 'host', { console: true });
    await publish(console_);
    assert.equal(ops(console_, 'error')[0]?.code, 'forbidden');
    const stranger = new FakeSocket();
    stranger.handlers = hub.accept(ROOM)(stranger);
    await send(stranger, { op: 'subscribe' });
    assert.equal(ops(stranger, 'error')[0]?.code, 'not-joined');
    assert.equal(janus.calls.length, 0);
  });
});

describe('SFU controller: receiving', () => {
  it('a subscription carries exactly what receives() lists among the live feeds, and follows the room', async () => {
    const { host, people: [a, b, c] } = await sfuRoom('a', 'b', 'c');
    await publish(a!);
    await publish(b!);
    await publish(host);
    await send(host, { op: 'subscribe' });
    const [offer] = ops(host, 'offer');
    assert.equal(offer.version, 1);
    const got = (o: { streams: { userId: string; source: string; kind: string }[] }) =>
      [...new Set(o.streams.map((s) => `${s.source}:${s.userId}`))].sort();
    assert.deepEqual(got(offer), ['camera:a', 'camera:b'], 'c publishes nothing: nothing of c; and nothing of h’s own');
    assert.ok(receives(state(), 'h').some((r) => r.userId === 'c'), 'though c is someone h receives');
    assert.deepEqual(offer.streams.map((s: { kind: string }) => s.kind).sort(), ['audio', 'audio', 'video', 'video']);

    // No update while the offer waits for its answer; then c's camera comes in a new offer.
    await publish(c!);
    assert.equal(ops(host, 'offer').length, 1);
    await send(host, { op: 'answer', sdp: SDP, version: 1 });
    const second = ops(host, 'offer')[1];
    assert.equal(second?.version, 2);
    assert.deepEqual(got(second), ['camera:a', 'camera:b', 'camera:c']);
    await send(host, { op: 'answer', sdp: SDP, version: 2 });

    // b leaves: b's camera goes from the subscription.
    await command(b!, { type: 'meeting/leave' });
    const third = ops(host, 'offer')[2];
    assert.deepEqual(got(third), ['camera:a', 'camera:c']);
    assert.deepEqual(
      got(third),
      receives(state(), 'h').map((r) => `${r.source}:${r.userId}`).sort(),
    );
  });

  it('a stale or repeated answer is ignored', async () => {
    const { host, people: [a, b] } = await sfuRoom('a', 'b');
    await publish(a!);
    await send(host, { op: 'subscribe' });
    await send(host, { op: 'answer', sdp: SDP, version: 0 });
    assert.equal(janus.of('start').length, 0);
    await send(host, { op: 'answer', sdp: SDP, version: 1 });
    await send(host, { op: 'answer', sdp: SDP, version: 1 });
    assert.equal(janus.of('start').length, 1);
    await publish(b!);
    assert.equal(ops(host, 'offer').at(-1).version, 2);
    await send(host, { op: 'answer', sdp: SDP, version: 1 });
    assert.equal(janus.of('start').length, 1, 'the answer to the old offer is not taken');
    await send(host, { op: 'answer', sdp: SDP, version: 2 });
    assert.equal(janus.of('start').length, 2);
  });

  it('layers become substreams of the streams received; other people’s streams are ignored', async () => {
    const { host, people: [a, b] } = await sfuRoom('a', 'b');
    await publish(a!);
    await publish(b!);
    await send(host, { op: 'subscribe' });
    await send(host, { op: 'answer', sdp: SDP, version: 1 });
    const offer = ops(host, 'offer')[0];
    const mid = (userId: string) => offer.streams.find((s: { userId: string; kind: string }) => s.userId === userId && s.kind === 'video').mid;
    await send(host, {
      op: 'layers',
      want: [
        { userId: 'a', source: 'camera', layer: 'low' },
        { userId: 'b', source: 'camera', layer: 'off' },
        { userId: 'h', source: 'camera', layer: 'high' },
        { userId: 'zed', source: 'screen', layer: 'high' },
      ],
    });
    const configured = janus.of('configure').flatMap((c) => c.args[0] as object[]);
    assert.deepEqual(
      configured.sort((x: any, y: any) => x.mid.localeCompare(y.mid)),
      [
        { mid: mid('a'), substream: 0, send: true },
        { mid: mid('b'), send: false },
      ].sort((x, y) => x.mid.localeCompare(y.mid)),
    );
  });
});

describe('SFU controller: presence and places', () => {
  it('a breakout move disallows the token in the old room, kicks, closes, and sends reset', async () => {
    const { host, people: [a, b] } = await sfuRoom('a', 'b');
    await publish(a!);
    await send(a!, { op: 'subscribe' });
    await publish(b!);
    const tokenA = janus.of('publish')[0]!.args[1] as string;
    assert.ok(janus.allowedIn(MAIN).includes(tokenA));
    await command(host, { type: 'breakout/configure', rooms: ['Room A', 'Room B'], timeLimitMinutes: null, countdownSeconds: 0, assignment: 'manual' });
    await command(host, { type: 'breakout/move', userId: 'a', to: 'r1' });
    await command(host, { type: 'breakout/start' });
    await clock.run(1000);
    await idle();
    assert.equal(state().breakout.location['a'], 'r1');
    assert.ok(!janus.allowedIn(MAIN).includes(tokenA), 'the old token is gone from the main room');
    assert.ok(janus.of('kick').some((c) => c.room === MAIN && c.args[0] === feedId('a', 'camera')));
    assert.ok(!janus.feeds(MAIN).includes(feedId('a', 'camera')));
    assert.equal([...janus.subscribers].filter((s) => s.token === tokenA).length, 0, 'the subscription closed');
    assert.deepEqual(ops(a!, 'reset'), [{ type: 'sfu', op: 'reset', reason: 'moved' }]);
    assert.equal(ops(b!, 'reset').length, 0);
    // Publishing again goes to the breakout room's own Janus room, with a new token.
    await publish(a!);
    const again = janus.of('publish').at(-1)!;
    assert.equal(again.room, `${ROOM}/r1`);
    assert.notEqual(again.args[1], tokenA);
    assert.deepEqual(janus.allowedIn(`${ROOM}/r1`), [again.args[1]]);
  });

  it('a leave or a removal closes everything of that user and disallows their token', async () => {
    const { host, people: [a, b] } = await sfuRoom('a', 'b');
    for (const s of [a!, b!]) {
      await publish(s);
      await send(s, { op: 'subscribe' });
    }
    const token = (u: string) => janus.of('publish').find((c) => c.args[0] === feedId(u, 'camera'))!.args[1] as string;
    const [ta, tb] = [token('a'), token('b')];
    await command(a!, { type: 'meeting/leave' });
    assert.ok(!janus.allowedIn(MAIN).includes(ta));
    assert.deepEqual(janus.feeds(MAIN), [feedId('b', 'camera')]);
    assert.ok(![...janus.subscribers].some((s) => s.token === ta));
    await command(host, { type: 'participant/remove', userId: 'b' });
    assert.deepEqual(janus.allowedIn(MAIN), []);
    assert.deepEqual(janus.feeds(MAIN), []);
    assert.equal(janus.subscribers.size, 0);
    assert.ok(![...janus.subscribers].some((s) => s.token === tb));
    assert.equal(sfu.stats().users, 0);
    // Not present any more: refused.
    await publish(a!);
    assert.equal(ops(a!, 'error').at(-1).code, 'not-joined');
  });

  it('a closed connection takes its handles with it; a reconnect publishes again', async () => {
    const { people: [a] } = await sfuRoom('a');
    await publish(a!);
    a!.drop();
    await idle();
    assert.deepEqual(janus.feeds(MAIN), []);
    assert.deepEqual(janus.allowedIn(MAIN), []);
    const back = await connect('a');
    await publish(back);
    assert.equal(ops(back, 'published').length, 1);
    assert.deepEqual(janus.feeds(MAIN), [feedId('a', 'camera')]);
  });

  it('media-changed mutes the camera feed at the media server, and unmutes it', async () => {
    const { people: [a] } = await sfuRoom('a');
    await command(a!, { type: 'media/state', audio: true, video: true });
    await publish(a!);
    const camera = feedId('a', 'camera');
    assert.deepEqual(janus.of('moderate').map((c) => c.args), [[camera, 'audio', false], [camera, 'video', false]], 'a new feed is told what is live');
    await command(a!, { type: 'media/state', audio: false, video: true });
    assert.deepEqual(janus.of('moderate').slice(2).map((c) => c.args), [[camera, 'audio', true]]);
    // A new publisher of a muted camera is muted at once.
    await publish(a!);
    assert.deepEqual(janus.of('moderate').slice(3).map((c) => c.args), [[camera, 'audio', true], [camera, 'video', false]]);
    await command(a!, { type: 'media/state', audio: true, video: true });
    assert.deepEqual(janus.of('moderate').at(-1)!.args, [feedId('a', 'camera'), 'audio', false]);
  });

  it('a room unloaded for being idle takes its Janus rooms along', async () => {
    const { host, people: [a] } = await sfuRoom('a');
    await publish(a!);
    await send(host, { op: 'subscribe' });
    assert.equal(janus.rooms.size, 1);
    for (const s of [host, a!]) await command(s, { type: 'meeting/leave' });
    host.close();
    a!.close();
    await idle();
    // Past the leave grace and the idle time: the hub's sweep unloads the room.
    for (let i = 0; i < 5 && hub.peek(ROOM); i++) await clock.run(60_001);
    assert.equal(hub.peek(ROOM), undefined, 'the room was unloaded as idle');
    await idle();
    assert.equal(janus.rooms.size, 0, 'its Janus room destroyed');
    assert.equal(sfu.stats().users, 0);
  });

  it('the room back on the mesh closes everything there and its Janus rooms', async () => {
    const { host, people: [a] } = await sfuRoom('a');
    await publish(a!);
    await send(host, { op: 'subscribe' });
    await command(host, { type: 'media/pin-sfu', pinned: false });
    assert.equal(state().media?.mode, 'mesh');
    assert.equal(janus.rooms.size, 0, 'destroyed');
    assert.equal(janus.subscribers.size, 0);
    assert.ok(janus.of('disallow').length >= 2);
    assert.equal(sfu.stats().users, 0);
    await publish(a!);
    assert.equal(ops(a!, 'error').at(-1).code, 'invalid');
  });
});

describe('SFU controller: media server faults', () => {
  it('a Janus timeout refuses the frame with sfu-unavailable and the process goes on', async () => {
    const { people: [a, b] } = await sfuRoom('a', 'b');
    janus.hold('publish');
    await a!.write({ type: 'sfu', op: 'publish', source: 'camera', sdp: SDP });
    assert.equal(janus.waiting, 1);
    janus.timeout();
    await idle();
    const [error] = ops(a!, 'error');
    assert.equal(error.code, 'sfu-unavailable');
    assert.equal(error.source, 'camera');
    assert.equal(error.retryAfterMs, 2000);
    // The same user and others go on.
    await publish(a!);
    await publish(b!);
    assert.equal(ops(a!, 'published').length, 1);
    assert.equal(ops(b!, 'published').length, 1);
  });

  it('a user’s frames wait their turn, bounded; Janus down refuses at once', async () => {
    const { people: [a] } = await sfuRoom('a');
    janus.hold('*');
    for (let i = 0; i < MAX_QUEUED + 2; i++) await a!.write({ type: 'sfu', op: 'publish', source: 'camera', sdp: SDP });
    const refused = ops(a!, 'error');
    assert.equal(refused.length, 2);
    assert.match(refused[0].message, /busy/);
    assert.equal(janus.waiting, 1, 'one request at a time per user');
    janus.release();
    await idle();
    assert.equal(ops(a!, 'published').length, MAX_QUEUED);
    janus.up = false;
    await send(a!, { op: 'subscribe' });
    assert.equal(ops(a!, 'error').at(-1).code, 'sfu-unavailable');
  });

  it('when Janus goes down and comes back, every SFU connection is told to start again', async () => {
    const { host, people: [a] } = await sfuRoom('a');
    await publish(a!);
    janus.goDown();
    await idle();
    assert.deepEqual(ops(a!, 'reset'), [{ type: 'sfu', op: 'reset', reason: 'server' }]);
    assert.equal(ops(host, 'reset').length, 0, 'a connection with nothing at the media server hears nothing');
    janus.goUp();
    await idle();
    assert.equal(ops(a!, 'reset').length, 2);
    await publish(a!);
    assert.equal(ops(a!, 'published').length, 2);
    assert.equal(janus.of('ensureRoom').length, 2, 'the room is made again');
  });

  it('a subscription Janus cannot make is tried again, and said', async () => {
    const { host, people: [a] } = await sfuRoom('a');
    await publish(a!);
    janus.fail('subscribe');
    await send(host, { op: 'subscribe' });
    assert.equal(ops(host, 'error')[0]?.code, 'sfu-unavailable');
    assert.equal(ops(host, 'offer').length, 0);
    await clock.run(2000);
    await idle();
    assert.equal(ops(host, 'offer').length, 1);
  });
});

describe('SFU controller: without a media server', () => {
  it('sfu frames are refused as sfu-unavailable', async () => {
    const h = new RoomHub({ store: new MemoryStore(), clock: new FakeClock(), verifier, config: { rateLimits: null } });
    const s = new FakeSocket();
    s.handlers = h.accept(ROOM)(s);
    await s.write({ type: 'hello', token: await issueToken(SECRET, { sub: 'a', name: 'A', role: 'participant', room: ROOM }) });
    for (let i = 0; i < 4000 && !s.of('welcome').length; i++) await new Promise((r) => setTimeout(r, i < 20 ? 0 : 5));
    await s.write({ type: 'sfu', op: 'subscribe' });
    assert.equal(s.of<Sfu>('sfu')[0]?.op, 'error');
    assert.equal((s.of<Sfu>('sfu')[0] as any).code, 'sfu-unavailable');
    h.close();
  });
});
