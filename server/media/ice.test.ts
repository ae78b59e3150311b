/**
 * ICE servers per connection: a participant's `welcome` and `media-ticket` carry STUN and TURN with
 * a credential coturn verifies (HMAC-SHA1 of `<expiry>:<user>` under the shared secret) and that
 * expires after the TTL; `relay` deployments say so; consoles get none.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { beforeEach, describe, it } from 'node:test';
import type { IceServer } from '../../src/protocol/types.ts';
import { createVerifier, issueToken, type TokenVerifier } from '../auth.ts';
import type { IceConfig } from '../config.ts';
import { RoomHub } from '../rooms/hub.ts';
import { MemoryStore } from '../store/store.ts';
import { FakeClock, FakeSocket, settle } from '../testing/fakes.ts';
import { TicketStore } from '../peerjs/tickets.ts';

const SECRET = 'test-secret-test-secret-test-secret-0123';
const TURN_SECRET = 'coturn-shared-secret';
const ICE: IceConfig = {
  stun: ['stun:stun.example.edu:3478'],
  turn: ['turn:turn.example.edu:3478?transport=udp', 'turn:turn.example.edu:3478?transport=tcp'],
  turnSecret: TURN_SECRET,
  turnTtlSeconds: 600,
  policy: 'relay',
};

let verifier: TokenVerifier;
let clock: FakeClock;

function hubWith(ice?: IceConfig): RoomHub {
  return new RoomHub({ store: new MemoryStore(), clock, verifier, config: { rateLimits: null }, tickets: new TicketStore({ clock }), ...(ice ? { ice } : {}) });
}

async function connect(hub: RoomHub, sub: string, hello: Record<string, unknown> = {}): Promise<FakeSocket> {
  const s = new FakeSocket();
  s.handlers = hub.accept('r1')(s);
  await s.write({ type: 'hello', token: await issueToken(SECRET, { sub, name: `Name ${sub}`, role: 'host', room: 'r1' }), ...hello });
  for (let i = 0; i < 4000 && !s.of('welcome').length && !s.closed; i++) await new Promise((r) => setTimeout(r, i < 20 ? 0 : 5));
  return s;
}

/** coturn's check of a REST-API credential at time `nowMs`. */
function coturnAccepts(server: IceServer, secret: string, nowMs: number): boolean {
  const expiry = Number(server.username!.split(':')[0]);
  const expected = createHmac('sha1', secret).update(server.username!).digest('base64');
  return expected === server.credential && expiry * 1000 > nowMs;
}

beforeEach(async () => {
  verifier ??= await createVerifier({ secret: SECRET });
  clock = new FakeClock(1_700_000_000_000);
});

describe('ICE servers per connection', () => {
  it('welcome carries STUN and a TURN credential that verifies and expires, and the relay policy', async () => {
    const hub = hubWith(ICE);
    const a = await connect(hub, 'a');
    const welcome = a.of<{ iceServers?: IceServer[]; iceTransportPolicy?: string }>('welcome')[0]!;
    assert.equal(welcome.iceTransportPolicy, 'relay');
    const [stun, turn] = welcome.iceServers!;
    assert.deepEqual(stun, { urls: ICE.stun });
    assert.deepEqual(turn!.urls, ICE.turn);
    assert.equal(turn!.username, `${Math.floor(clock.now() / 1000) + 600}:a`);
    assert.ok(coturnAccepts(turn!, TURN_SECRET, clock.now()), 'coturn takes it now');
    assert.ok(!coturnAccepts(turn!, 'another-secret', clock.now()), 'only under the shared secret');
    assert.ok(!coturnAccepts(turn!, TURN_SECRET, clock.now() + 601_000), 'and not after the TTL');
    assert.equal((welcome as { iceExpiresAt?: number }).iceExpiresAt, clock.now() + 600_000, 'the browser is told when to ask for fresh ones');
    hub.close();
  });

  it('media-ticket brings fresh credentials; a console gets none', async () => {
    const hub = hubWith(ICE);
    const a = await connect(hub, 'a');
    await settle();
    clock.time += 300_000;
    await a.write({ type: 'media-ticket' });
    await settle();
    const ticket = a.of<{ iceServers?: IceServer[]; iceTransportPolicy?: string }>('media-ticket')[0]!;
    const turn = ticket.iceServers![1]!;
    assert.equal(turn.username, `${Math.floor(clock.now() / 1000) + 600}:a`);
    assert.ok(coturnAccepts(turn, TURN_SECRET, clock.now() + 599_000));
    assert.equal(ticket.iceTransportPolicy, 'relay');
    assert.equal((ticket as { iceExpiresAt?: number }).iceExpiresAt, clock.now() + 600_000);
    const console_ = await connect(hub, 'a', { console: true });
    assert.equal(console_.of<{ iceServers?: unknown }>('welcome')[0]!.iceServers, undefined);
    hub.close();
  });

  it('nothing configured: no iceServers (browsers keep their defaults)', async () => {
    const hub = hubWith({ stun: [], turn: [], turnSecret: null, turnTtlSeconds: 600, policy: 'all' });
    const a = await connect(hub, 'a');
    const welcome = a.of<Record<string, unknown>>('welcome')[0]!;
    assert.ok(!('iceServers' in welcome) && !('iceTransportPolicy' in welcome) && !('iceExpiresAt' in welcome));
    hub.close();
  });

  it('STUN alone: no expiry (nothing to refresh)', async () => {
    const hub = hubWith({ stun: ['stun:stun.example.edu:3478'], turn: [], turnSecret: null, turnTtlSeconds: 600, policy: 'all' });
    const a = await connect(hub, 'a');
    const welcome = a.of<Record<string, unknown>>('welcome')[0]!;
    assert.ok('iceServers' in welcome && !('iceExpiresAt' in welcome));
    hub.close();
  });
});
