/**
 * PeerJS signaling over real WebSockets on loopback (node:http + ws), with a fake clock for the
 * sweep (expiry, liveness) so nothing waits on wall-clock timeouts.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import type { Clock } from '../socket.ts';
import { PEER_ID } from '../../src/protocol/schema.ts';
import { createSignaling, type AdmitResult, type Signaling, type SignalingOptions, CLOSE_ID_TAKEN, CLOSE_REPLACED, CLOSE_STUCK, CLOSE_TIMEOUT } from './signaling.ts';
import { startHarness, type Harness } from './node-harness.ts';

// ---------- fixtures ----------

interface FakeClock extends Clock {
  /** Move time forward and run the interval callbacks once. */
  advance(ms: number): void;
}

function fakeClock(): FakeClock {
  let t = 1_000_000;
  let next = 0;
  const intervals = new Map<number, () => void>();
  return {
    now: () => t,
    setTimeout: () => ++next,
    clearTimeout: () => {},
    setInterval(fn) {
      intervals.set(++next, fn);
      return next;
    },
    clearInterval: (h) => void intervals.delete(h as number),
    advance(ms) {
      t += ms;
      for (const fn of [...intervals.values()]) fn();
    },
  };
}

/** Keys look like `room-a:user1`; `slow:` keys wait for `release()`; `throw:` keys make admit reject. */
function fakeAdmit() {
  let release!: () => void;
  let gate = new Promise<void>((r) => (release = r));
  const admit = async (key: string, _peerId: string): Promise<AdmitResult> => {
    if (key.startsWith('throw:')) throw new Error('backend down');
    if (key.startsWith('slow:')) {
      await gate;
      key = key.slice(5);
    }
    const m = /^(room-[ab]):(\w+)$/.exec(key);
    if (!m) return { ok: false, reason: 'Invalid key provided' };
    return { ok: true, admission: { room: m[1]!, userId: m[2]! } };
  };
  return {
    admit,
    release() {
      release();
      gate = new Promise<void>((r) => (release = r));
    },
  };
}

/** Every test is bounded: a hang fails fast instead of blocking the run. */
const T = { timeout: 5000 };
const EXPIRE_MS = 5000;
const ALIVE_MS = 60000;

interface Setup {
  sig: Signaling;
  h: Harness;
  clock: FakeClock;
  release(): void;
  connect(key: string, id: string, token?: string, extra?: string): Promise<Client>;
  /** Connect and wait for OPEN. */
  join(key: string, id: string, token?: string): Promise<Client>;
}

async function setup(t: TestContext, opts: Partial<SignalingOptions> = {}): Promise<Setup> {
  const clock = fakeClock();
  const fa = fakeAdmit();
  const sig = createSignaling({ clock, admit: fa.admit, expireTimeoutMs: EXPIRE_MS, aliveTimeoutMs: ALIVE_MS, ...opts });
  const h = await startHarness(sig);
  const clients: Client[] = [];
  t.after(async () => {
    for (const c of clients) c.ws.terminate();
    sig.close();
    await h.close();
  });
  const connect = async (key: string, id: string, token = 'tok' + id, extra = '&version=1.5.5') => {
    const c = await Client.open(`ws://127.0.0.1:${h.port}/peerjs?key=${key}&id=${id}&token=${token}${extra}`);
    clients.push(c);
    return c;
  };
  const join = async (key: string, id: string, token?: string) => {
    const c = await connect(key, id, token);
    assert.deepEqual(await c.next(), { type: 'OPEN' });
    return c;
  };
  return { sig, h, clock, release: fa.release, connect, join };
}

type Msg = { type: string; src?: string; dst?: string; payload?: any };

class Client {
  ws: WebSocket;
  private inbox: Msg[] = [];
  private waiter: ((m: Msg) => void) | null = null;
  closed: Promise<{ code: number; reason: string }>;

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (data) => {
      const m = JSON.parse(data.toString()) as Msg;
      if (this.waiter) {
        const w = this.waiter;
        this.waiter = null;
        w(m);
      } else this.inbox.push(m);
    });
    this.closed = new Promise((r) => ws.on('close', (code, reason) => r({ code, reason: reason.toString() })));
  }

  static open(url: string): Promise<Client> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      const c = new Client(ws);
      ws.once('open', () => resolve(c));
      ws.once('error', reject);
    });
  }

  send(m: Msg | string | Uint8Array): void {
    this.ws.send(typeof m === 'object' && !(m instanceof Uint8Array) ? JSON.stringify(m) : m);
  }

  next(ms = 2000): Promise<Msg> {
    const m = this.inbox.shift();
    if (m) return Promise.resolve(m);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        reject(new Error(`no message within ${ms} ms`));
      }, ms);
      this.waiter = (msg) => {
        clearTimeout(timer);
        resolve(msg);
      };
    });
  }

  /** Assert that nothing arrives for a moment. */
  async quiet(ms = 60): Promise<void> {
    await new Promise((r) => setTimeout(r, ms));
    assert.deepEqual(this.inbox, [], 'expected no messages');
  }

  /** Round trip through the server: everything sent before has been handled once this resolves. */
  async sync(): Promise<void> {
    this.send({ type: 'HEARTBEAT' });
    await new Promise((r) => setTimeout(r, 20));
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }
}

const offer = (dst: string, n = 1): Msg => ({ type: 'OFFER', dst, payload: { sdp: { type: 'offer', sdp: `v=0 #${n}` }, type: 'data', connectionId: 'dc_1' } });

async function waitFor(cond: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

// ---------- tests ----------

test('OPEN on a valid connection; stats count it', T, async (t) => {
  const s = await setup(t);
  await s.join('room-a:user1', 'alice');
  assert.equal(s.sig.stats().peers, 1);
});

test('OFFER / ANSWER / CANDIDATE / LEAVE are relayed with src set to the sender', T, async (t) => {
  const s = await setup(t);
  const a = await s.join('room-a:user1', 'alice');
  const b = await s.join('room-a:user2', 'bob');
  a.send({ ...offer('bob'), src: 'mallory' } as Msg);
  assert.deepEqual(await b.next(), { ...offer('bob'), src: 'alice' });
  b.send({ type: 'ANSWER', dst: 'alice', payload: { sdp: { type: 'answer', sdp: 'x' } } });
  assert.deepEqual(await a.next(), { type: 'ANSWER', src: 'bob', dst: 'alice', payload: { sdp: { type: 'answer', sdp: 'x' } } });
  a.send({ type: 'CANDIDATE', dst: 'bob', payload: { candidate: { candidate: 'c1' } } });
  assert.deepEqual(await b.next(), { type: 'CANDIDATE', src: 'alice', dst: 'bob', payload: { candidate: { candidate: 'c1' } } });
  a.send({ type: 'LEAVE', dst: 'bob' });
  assert.deepEqual(await b.next(), { type: 'LEAVE', src: 'alice', dst: 'bob' });
  await a.quiet();
});

test('room isolation: a peer of another room is treated as unknown (EXPIRE, never delivered)', T, async (t) => {
  const s = await setup(t);
  const a = await s.join('room-a:user1', 'alice');
  const c = await s.join('room-b:user3', 'carol');
  // The same id may live in both rooms.
  const a2 = await s.join('room-b:user4', 'alice');
  a.send(offer('carol'));
  await a.sync();
  assert.equal(s.sig.stats().queued, 1);
  s.clock.advance(EXPIRE_MS);
  assert.deepEqual(await a.next(), { type: 'EXPIRE', src: 'carol', dst: 'alice' });
  c.send(offer('alice'));
  assert.equal((await a2.next()).src, 'carol');
  await c.quiet();
  await a.quiet();
  // LEAVE across rooms is dropped silently.
  a.send({ type: 'LEAVE', dst: 'carol' });
  await c.quiet();
  assert.equal(s.sig.stats().queued, 0);
});

test('messages for an absent peer are queued and delivered right after its OPEN', T, async (t) => {
  const s = await setup(t);
  const a = await s.join('room-a:user1', 'alice');
  a.send(offer('bob', 1));
  a.send({ type: 'CANDIDATE', dst: 'bob', payload: { candidate: 'c1' } });
  a.send({ type: 'LEAVE', dst: 'bob' }); // not queued
  await a.sync();
  assert.equal(s.sig.stats().queued, 2);
  s.clock.advance(EXPIRE_MS - 1000); // not yet expired
  const b = await s.connect('room-a:user2', 'bob');
  assert.deepEqual(await b.next(), { type: 'OPEN' });
  assert.deepEqual(await b.next(), { ...offer('bob', 1), src: 'alice' });
  assert.deepEqual(await b.next(), { type: 'CANDIDATE', src: 'alice', dst: 'bob', payload: { candidate: 'c1' } });
  assert.equal(s.sig.stats().queued, 0);
  s.clock.advance(EXPIRE_MS);
  await a.quiet();
  await b.quiet();
});

test('EXPIRE once per sender after expireTimeoutMs when the peer never shows up', T, async (t) => {
  const s = await setup(t);
  const a = await s.join('room-a:user1', 'alice');
  const b = await s.join('room-a:user2', 'bob');
  a.send(offer('zed'));
  a.send({ type: 'CANDIDATE', dst: 'zed', payload: { candidate: 'c1' } });
  b.send(offer('zed'));
  await a.sync();
  await b.sync();
  s.clock.advance(EXPIRE_MS - 1);
  await a.quiet(30);
  s.clock.advance(1);
  assert.deepEqual(await a.next(), { type: 'EXPIRE', src: 'zed', dst: 'alice' });
  assert.deepEqual(await b.next(), { type: 'EXPIRE', src: 'zed', dst: 'bob' });
  s.clock.advance(EXPIRE_MS);
  await a.quiet();
  assert.equal(s.sig.stats().queued, 0);
  // A late arrival gets nothing stale.
  const z = await s.join('room-a:user9', 'zed');
  await z.quiet();
});

test('queue is bounded per destination: overflow gets EXPIRE at once', T, async (t) => {
  const s = await setup(t, { maxQueuedPerPeer: 2 });
  const a = await s.join('room-a:user1', 'alice');
  a.send(offer('zed', 1));
  a.send(offer('zed', 2));
  a.send(offer('zed', 3));
  assert.deepEqual(await a.next(), { type: 'EXPIRE', src: 'zed', dst: 'alice' });
  assert.equal(s.sig.stats().queued, 2);
});

test('ID-TAKEN for the same id with another token; the first connection is unaffected', T, async (t) => {
  const s = await setup(t);
  const a = await s.join('room-a:user1', 'alice', 'first');
  const b = await s.join('room-a:user2', 'bob');
  const imposter = await s.connect('room-a:user3', 'alice', 'second');
  assert.deepEqual(await imposter.next(), { type: 'ID-TAKEN', payload: { msg: 'ID is taken' } });
  assert.equal((await imposter.closed).code, CLOSE_ID_TAKEN);
  b.send(offer('alice'));
  assert.equal((await a.next()).src, 'bob');
  assert.equal(s.sig.stats().peers, 2);
});

test('same id and same token again (blip / server restart) → OPEN and the newer socket wins', T, async (t) => {
  const s = await setup(t);
  const old = await s.join('room-a:user1', 'alice', 'tok1');
  const b = await s.join('room-a:user2', 'bob');
  const fresh = await s.join('room-a:user1', 'alice', 'tok1');
  assert.equal((await old.closed).code, CLOSE_REPLACED);
  b.send(offer('alice'));
  assert.equal((await fresh.next()).src, 'bob');
  assert.equal(s.sig.stats().peers, 2);
  // The old socket's close must not remove the new registration.
  await fresh.sync();
  assert.equal(s.sig.stats().peers, 2);
  fresh.send(offer('bob'));
  assert.equal((await b.next()).src, 'alice');
});

test('bad key, admit failure and bad query strings → ERROR then close', T, async (t) => {
  const s = await setup(t);
  const cases: [string, RegExp][] = [
    [`key=nope:user1&id=alice&token=t`, /Invalid key/],
    [`key=throw:x&id=alice&token=t`, /Admission failed/],
    [`id=alice&token=t`, /No key/],
    [`key=room-a:u&token=t`, /No peer id/],
    [`key=room-a:u&id=al%20ice&token=t`, /Invalid peer id/],
    [`key=room-a:u&id=${'x'.repeat(65)}&token=t`, /Invalid peer id/],
    [`key=room-a:u&id=alice`, /No token/],
  ];
  for (const [qs, re] of cases) {
    const c = await Client.open(`ws://127.0.0.1:${s.h.port}/peerjs?${qs}`);
    const m = await c.next();
    assert.equal(m.type, 'ERROR', qs);
    assert.match(m.payload.msg, re, qs);
    await c.closed;
  }
  assert.deepEqual(s.sig.stats(), { peers: 0, queued: 0, pending: 0, rooms: 0 });
});

test('garbage (bad JSON, binary, unknown type, oversized, bad dst) → ERROR; socket stays usable; others unaffected', T, async (t) => {
  const s = await setup(t);
  const a = await s.join('room-a:user1', 'alice');
  const b = await s.join('room-a:user2', 'bob');
  const garbage: [string | Uint8Array, RegExp][] = [
    ['{not json', /not valid JSON/],
    [new Uint8Array([1, 2, 3]), /Binary/],
    ['[1,2]', /expected a JSON object/],
    ['null', /expected a JSON object/],
    ['{"type":"HELLO","dst":"bob"}', /Unknown message type "HELLO"/],
    ['{"type":"OPEN"}', /Unknown message type/],
    [JSON.stringify({ type: 'OFFER', dst: 'bob', payload: 'x'.repeat(64 * 1024) }), /too large/],
    ['{"type":"OFFER","payload":{}}', /"dst"/],
    ['{"type":"OFFER","dst":"no such id!","payload":{}}', /"dst"/],
  ];
  for (const [frame, re] of garbage) {
    a.send(frame);
    const m = await a.next();
    assert.equal(m.type, 'ERROR');
    assert.match(m.payload.msg, re);
  }
  assert.ok(a.isOpen);
  a.send(offer('bob'));
  assert.equal((await b.next()).src, 'alice');
  await b.quiet();
  assert.equal(s.sig.stats().peers, 2);
});

test('frames sent before admit resolves are buffered and handled after OPEN', T, async (t) => {
  const s = await setup(t);
  const b = await s.join('room-a:user2', 'bob');
  const a = await s.connect('slow:room-a:user1', 'alice');
  a.send(offer('bob'));
  a.send({ type: 'CANDIDATE', dst: 'bob', payload: { candidate: 'c1' } });
  await a.sync();
  assert.equal(s.sig.stats().pending, 1);
  await b.quiet(20);
  s.release();
  assert.deepEqual(await a.next(), { type: 'OPEN' });
  assert.equal((await b.next()).type, 'OFFER');
  assert.equal((await b.next()).type, 'CANDIDATE');
});

test('a socket closed while admit is pending is forgotten', T, async (t) => {
  const s = await setup(t);
  const a = await s.connect('slow:room-a:user1', 'alice');
  await a.sync();
  a.ws.close();
  await a.closed;
  await waitFor(() => s.sig.stats().pending === 0);
  s.release();
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(s.sig.stats().peers, 0);
});

test('an admit that never settles times out', T, async (t) => {
  const s = await setup(t, { admitTimeoutMs: 3000 });
  const a = await s.connect('slow:room-a:user1', 'alice');
  await a.sync();
  s.clock.advance(3000);
  const m = await a.next();
  assert.match(m.payload.msg, /timed out/);
  assert.equal((await a.closed).code, CLOSE_TIMEOUT);
});

test('disconnect removes the peer; later messages to it are queued', T, async (t) => {
  const s = await setup(t);
  const a = await s.join('room-a:user1', 'alice');
  const b = await s.join('room-a:user2', 'bob');
  b.ws.close();
  await b.closed;
  await waitFor(() => s.sig.stats().peers === 1);
  a.send(offer('bob'));
  await a.sync();
  assert.equal(s.sig.stats().queued, 1);
});

test('the sweep drops connections silent for aliveTimeoutMs; HEARTBEAT keeps one alive', T, async (t) => {
  const s = await setup(t);
  const a = await s.join('room-a:user1', 'alice');
  const b = await s.join('room-a:user2', 'bob');
  for (let i = 0; i < 3; i++) {
    s.clock.advance(ALIVE_MS / 4);
    a.send({ type: 'HEARTBEAT' });
    await a.sync();
  }
  assert.ok(b.isOpen);
  s.clock.advance(ALIVE_MS / 4);
  assert.equal((await b.closed).code, CLOSE_TIMEOUT);
  assert.ok(a.isOpen);
  assert.equal(s.sig.stats().peers, 1);
});

test('drop(room, userId) closes that user’s signaling connection', T, async (t) => {
  const s = await setup(t);
  const a = await s.join('room-a:user1', 'alice');
  await s.join('room-a:user2', 'bob');
  assert.equal(s.sig.drop('room-a', 'user2'), 1);
  assert.equal(s.sig.drop('room-b'), 0);
  assert.equal(s.sig.stats().peers, 1);
  assert.ok(a.isOpen);
});

test('a destination that stops reading (bufferedAmount over the limit) is dropped; close() shuts everything', T, async () => {
  const clock = fakeClock();
  const sig = createSignaling({ clock, admit: fakeAdmit().admit, maxBufferedBytes: 1000 });
  const mk = () => ({ sent: [] as string[], closed: 0, bufferedAmount: 0, send(d: string) { this.sent.push(d); }, close(code = 0) { this.closed = code; } });
  const sa = mk();
  const sb = mk();
  const a = sig.accept(new URL('http://x/peerjs?key=room-a:u1&id=alice&token=t'))(sa);
  sig.accept(new URL('http://x/peerjs?key=room-a:u2&id=bob&token=t'))(sb);
  await new Promise((r) => setTimeout(r, 5));
  assert.deepEqual(sa.sent, ['{"type":"OPEN"}']);
  a.message(JSON.stringify(offer('bob')));
  assert.equal(sb.sent.length, 2);
  sb.bufferedAmount = 5000;
  a.message(JSON.stringify(offer('bob')));
  assert.equal(sb.sent.length, 2);
  assert.equal(sb.closed, CLOSE_STUCK);
  assert.deepEqual(sig.stats(), { peers: 1, queued: 1, pending: 0, rooms: 1 });
  sig.close();
  assert.equal(sa.closed, 1000);
  assert.deepEqual(sig.stats(), { peers: 0, queued: 0, pending: 0, rooms: 0 });
});

test('generateId: UUID shape, a valid PeerJS id, unique; served on GET /{key}/id', T, async (t) => {
  const s = await setup(t);
  const ids = new Set<string>();
  for (let i = 0; i < 100; i++) {
    const id = s.sig.generateId();
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.match(id, PEER_ID);
    ids.add(id);
  }
  assert.equal(ids.size, 100);
  const res = await fetch(`http://127.0.0.1:${s.h.port}/room-a:user1/id?ts=${Date.now()}${Math.random()}&version=1.5.5`);
  assert.equal(res.status, 200);
  assert.match(await res.text(), PEER_ID);
});

test('the stock peerjs client URL shape (server-assigned id, random token, version) is accepted', T, async (t) => {
  const s = await setup(t);
  const id = await (await fetch(`http://127.0.0.1:${s.h.port}/room-a:user1/id?ts=1&version=1.5.5`)).text();
  const token = Math.random().toString(36).slice(2);
  // Exactly what peerjs 1.5.x's Socket builds: base + "peerjs?key=" + key + "&id=…&token=…" + "&version=…".
  const c = await Client.open(`ws://127.0.0.1:${s.h.port}/` + 'peerjs?key=' + 'room-a:user1' + `&id=${id}&token=${token}` + '&version=1.5.5');
  assert.deepEqual(await c.next(), { type: 'OPEN' });
  c.send(JSON.stringify({ type: 'HEARTBEAT' }));
  await c.quiet();
});

test('the real stock peerjs client (with a stub RTCPeerConnection) signals through the server', T, async (t) => {
  const s = await setup(t);
  installWebRtcStubs();
  const mod = (await import('peerjs')) as unknown as { default?: { Peer: PeerCtor }; Peer?: PeerCtor };
  const Peer = (mod.default?.Peer ?? mod.Peer)!;
  const opts = (key: string) => ({ host: '127.0.0.1', port: s.h.port, path: '/', key, secure: false, debug: 0 });
  const peers: StockPeer[] = [];
  t.after(() => peers.forEach((p) => p.destroy()));
  const open = (p: StockPeer) =>
    new Promise<string>((resolve, reject) => {
      peers.push(p);
      p.on('open', resolve);
      p.on('error', (e: { type: string }) => reject(new Error(e.type)));
    });

  const alice = new Peer('alice', opts('room-a:user1'));
  assert.equal(await open(alice), 'alice');
  const anon = new Peer(opts('room-a:user3')); // id from GET /{key}/id
  assert.match(await open(anon), PEER_ID);
  const bob = new Peer('bob', opts('room-a:user2'));
  await open(bob);
  const carol = new Peer('carol', opts('room-b:user4'));
  await open(carol);

  const incoming = new Promise<{ peer: string }>((r) => bob.on('connection', r));
  alice.connect('bob');
  assert.equal((await incoming).peer, 'alice');
  // Offer went alice → bob, answer bob → alice, candidates both ways.
  await waitFor(() => FakePC.all.some((pc) => pc.remote?.sdp === 'fake-answer' && pc.candidates.length > 0));
  assert.ok(FakePC.all.some((pc) => pc.remote?.sdp === 'fake-offer' && pc.candidates.length > 0));

  // Unknown peer and other-room peer → stock "peer-unavailable".
  let carolCalled = false;
  carol.on('connection', () => (carolCalled = true));
  const errors: string[] = [];
  alice.removeAllListeners('error');
  alice.on('error', (e: { type: string; message: string }) => errors.push(`${e.type}: ${e.message}`));
  alice.connect('nobody');
  alice.connect('carol');
  await waitFor(() => s.sig.stats().queued >= 2);
  s.clock.advance(EXPIRE_MS);
  await waitFor(() => errors.length === 2);
  assert.deepEqual(errors.sort(), ['peer-unavailable: Could not connect to peer carol', 'peer-unavailable: Could not connect to peer nobody']);
  assert.equal(carolCalled, false);
});

// ---------- stubs for the stock client in Node ----------

type StockPeer = { on(ev: string, fn: (...a: any[]) => void): void; removeAllListeners(ev: string): void; connect(id: string): unknown; destroy(): void };
type PeerCtor = new (...a: any[]) => StockPeer;

class FakePC {
  static all: FakePC[] = [];
  remote: { type: string; sdp: string } | null = null;
  candidates: unknown[] = [];
  signalingState = 'stable';
  onicecandidate: ((e: { candidate: unknown }) => void) | null = null;
  constructor() {
    FakePC.all.push(this);
  }
  createDataChannel(label: string, o?: { ordered?: boolean }) {
    return Object.assign(new EventTarget(), { label, ordered: !!o?.ordered, readyState: 'connecting', binaryType: 'arraybuffer', bufferedAmountLowThreshold: 0, close() {} });
  }
  async createOffer() {
    return { type: 'offer', sdp: 'fake-offer' };
  }
  async createAnswer() {
    return { type: 'answer', sdp: 'fake-answer' };
  }
  async setLocalDescription() {
    setTimeout(() => this.onicecandidate?.({ candidate: { candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host', sdpMid: '0', sdpMLineIndex: 0 } }), 1);
  }
  async setRemoteDescription(d: { type: string; sdp: string }) {
    this.remote = d;
  }
  async addIceCandidate(c: unknown) {
    this.candidates.push(c);
  }
  close() {
    this.signalingState = 'closed';
  }
}

function installWebRtcStubs(): void {
  const g = globalThis as Record<string, unknown>;
  g.location ??= { protocol: 'http:' };
  g.RTCPeerConnection = FakePC;
  g.RTCSessionDescription = class {
    type: string;
    sdp: string;
    constructor(d: { type: string; sdp: string }) {
      this.type = d.type;
      this.sdp = d.sdp;
    }
  };
}

test('canRelay narrows the room: a refused destination gets EXPIRE at once, queued frames are not handed over', T, async (t) => {
  // user1 and user2 share a breakout room; user3 is elsewhere.
  const group: Record<string, string> = { user1: 'x', user2: 'x', user3: 'y' };
  const s = await setup(t, { canRelay: (_room, from, to) => group[from] === group[to] });
  const a = await s.join('room-a:user1', 'alice');
  const b = await s.join('room-a:user2', 'bob');
  const c = await s.join('room-a:user3', 'carol');
  a.send(offer('bob'));
  assert.equal((await b.next()).src, 'alice');
  a.send(offer('carol'));
  assert.deepEqual(await a.next(), { type: 'EXPIRE', src: 'carol', dst: 'alice' });
  await c.quiet();
  // Queued for dave before he connects, from carol (another group): not delivered on his OPEN.
  group.user4 = 'x';
  c.send(offer('dave'));
  a.send(offer('dave', 2));
  await a.sync();
  const d = await s.connect('room-a:user4', 'dave');
  assert.deepEqual(await d.next(), { type: 'OPEN' });
  assert.deepEqual(await d.next(), { ...offer('dave', 2), src: 'alice' });
  await d.quiet();
  // Moving carol into the group lets her through.
  group.user3 = 'x';
  c.send(offer('bob'));
  assert.equal((await b.next()).src, 'carol');
});

test('prune(room, keep) closes at once whoever the room no longer accepts (left, or another peer id)', T, async (t) => {
  const s = await setup(t);
  const a = await s.join('room-a:user1', 'alice');
  const b = await s.join('room-a:user2', 'bob');
  const c = await s.join('room-b:user2', 'bob');
  assert.equal(s.sig.prune('room-a', (user, peer) => user === 'user1' && peer === 'alice'), 1);
  assert.equal((await b.closed).code, 4006);
  assert.ok(a.isOpen);
  assert.ok(c.isOpen, 'other rooms are untouched');
  assert.equal(s.sig.stats().peers, 2);
  // Offers to the pruned peer are treated as for anyone absent.
  a.send(offer('bob'));
  await a.quiet();
  assert.equal(s.sig.stats().queued, 1);
});

test('the same user with a fresh key for the same id replaces the old socket (a reconnect with a new ticket)', T, async (t) => {
  const s = await setup(t);
  const old = await s.join('room-a:user1', 'alice', 'tokA');
  const fresh = await s.join('room-a:user1', 'alice', 'tokB');
  assert.equal((await old.closed).code, CLOSE_REPLACED);
  assert.ok(fresh.isOpen);
  assert.equal(s.sig.stats().peers, 1);
});

test('queue quotas: one flooder fills only its own share; other rooms\u2019 offers still wait for their peer', T, async (t) => {
  // A global queue that one room could fill on its own, as before: 64 KiB in all.
  const s = await setup(t, { maxQueuedChars: 64 * 1024, maxQueuedCharsPerRoom: 16 * 1024, maxQueuedCharsPerSender: 8 * 1024, maxQueuedPerPeer: 1000 });
  const flooder = await s.join('room-a:user1', 'mallory');
  const big = (dst: string, n: number): Msg => ({ type: 'OFFER', dst, payload: { sdp: 'x'.repeat(1000), n } });
  // Mallory floods many absent ids in her room; past 8 KiB she gets EXPIRE at once.
  for (let i = 0; i < 200; i++) flooder.send(big(`ghost${i}`, i));
  await flooder.sync();
  const queuedByMallory = s.sig.stats().queued;
  assert.ok(queuedByMallory <= 8, `one sender queues at most 8 KiB (${queuedByMallory} offers)`);
  // Her roommates together are bounded by the room's quota.
  const mates = [];
  for (let i = 2; i < 6; i++) mates.push(await s.join(`room-a:user${i}`, `mate${i}`));
  for (const m of mates) {
    for (let i = 0; i < 50; i++) m.send(big(`ghost${i}`, i));
    await m.sync();
  }
  assert.ok(s.sig.stats().queued <= 16, `one room queues at most 16 KiB (${s.sig.stats().queued} offers)`);
  // In room B, an offer to a peer that is about to arrive is queued, not expired, and delivered.
  const alice = await s.join('room-b:user1', 'alice');
  alice.send(offer('bob'));
  await alice.sync();
  const bob = await s.join('room-b:user2', 'bob');
  assert.equal((await bob.next()).src, 'alice');
  await alice.quiet();
});
