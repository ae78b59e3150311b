/**
 * Join tokens that expire while the room socket is open: the hub warns a minute before, takes a
 * fresh token for the same room and user (its role applies at once), and without one ends the
 * connection at `exp`: the user leaves, and their media goes with them. Fake clock throughout.
 */
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import type { RoomEvent } from '../../src/protocol/types.ts';
import { createVerifier, issueToken, type TokenVerifier } from '../auth.ts';
import { MemoryStore } from '../store/store.ts';
import { FakeClock, FakeSocket, tick } from '../testing/fakes.ts';
import { RoomHub } from './hub.ts';

const SECRET = 'test-secret-test-secret-test-secret-0123';
let verifier: TokenVerifier;
let clock: FakeClock;
let hub: RoomHub;
let ids = 0;

const token = (sub: string, role: 'host' | 'moderator' | 'participant', ttl: number, room = 'r1') =>
  issueToken(SECRET, { sub, name: sub.toUpperCase(), role, room }, ttl);

async function connect(tok: string, room = 'r1'): Promise<FakeSocket> {
  const s = new FakeSocket();
  s.handlers = hub.accept(room)(s);
  await s.write({ type: 'hello', token: tok });
  for (let i = 0; i < 20 && !s.of('welcome').length && !s.closed; i++) await tick();
  return s;
}

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 50 && !cond(); i++) await tick();
  assert.ok(cond());
}

const events = (s: FakeSocket) => s.of<{ event: RoomEvent }>('event').map((e) => e.event);

beforeEach(async () => {
  verifier ??= await createVerifier({ secret: SECRET });
  // Tokens are checked against the real time, so the fake clock starts there.
  clock = new FakeClock(Date.now());
  hub = new RoomHub({ store: new MemoryStore(), clock, verifier, randomId: () => `peer${++ids}` });
});

describe('room hub: join tokens that expire while connected', () => {
  it('warns a minute before expiry, takes a fresh token and applies its role', async () => {
    const h = await connect(await token('h', 'host', 3600));
    const a = await connect(await token('a', 'participant', 120));
    await clock.run(58_000);
    assert.equal(a.of('token-expiring').length, 0, 'not yet');
    await clock.run(3_000);
    const warn = a.of<{ expiresAt: number }>('token-expiring');
    assert.equal(warn.length, 1);
    assert.ok(Math.abs(warn[0].expiresAt - (Date.now() + 120_000)) < 10_000);
    assert.equal(h.of('token-expiring').length, 0, 'only the connection whose token runs out');

    await a.write({ type: 'token', token: await token('a', 'moderator', 3600) });
    await until(() => a.of('token-accepted').length === 1);
    const role = events(h).filter((e) => e.type === 'participant-joined' && e.participant.id === 'a').map((e) => e.type === 'participant-joined' && e.participant.role);
    assert.deepEqual(role, ['participant', 'moderator'], 'the new role applies at once');
    // Past the first token's expiry nothing happens: the connection lives on the new one.
    await clock.run(120_000);
    assert.equal(a.closed, null);
    assert.equal(a.of('error').length, 0);
  });

  it('refuses a fresh token for another user or room, and keeps the connection', async () => {
    const a = await connect(await token('a', 'participant', 3600));
    await a.write({ type: 'token', token: await token('b', 'host', 3600) });
    await until(() => a.of('error').length === 1);
    assert.equal(a.of<{ code: string }>('error')[0].code, 'forbidden');
    await a.write({ type: 'token', token: await token('a', 'host', 3600, 'r2') });
    await until(() => a.of('error').length === 2);
    assert.equal(a.of<{ code: string }>('error')[1].code, 'bad-token');
    await a.write({ type: 'token', token: 'not-a-jwt' });
    await until(() => a.of('error').length === 3);
    assert.equal(a.closed, null);
    assert.equal(hub.peek('r1')!.state.participants.a.role, 'participant');
  });

  it('without a fresh token the connection ends at expiry: token-expired, the user leaves at once', async () => {
    const h = await connect(await token('h', 'host', 3600));
    const a = await connect(await token('a', 'participant', 90));
    await clock.run(31_000);
    assert.equal(a.of('token-expiring').length, 1);
    await clock.run(58_000);
    assert.equal(a.closed, null, 'still in until exp');
    await clock.run(2_000);
    const err = a.of<{ code: string; fatal: boolean; message: string }>('error');
    assert.equal(err.length, 1);
    assert.equal(err[0].code, 'token-expired');
    assert.equal(err[0].fatal, true);
    assert.ok(a.closed);
    assert.equal(hub.peek('r1')!.state.participants.a.present, false, 'no grace period: gone at once');
    assert.ok(events(h).some((e) => e.type === 'participant-left' && e.userId === 'a'));
    assert.equal(hub.peerAdmitted('r1', 'a', 'peer2'), false, 'and no media admission');
  });

  it('a connection that closes stops its timer', async () => {
    const a = await connect(await token('a', 'participant', 3600));
    await a.write({ type: 'command', ref: 'bye', command: { type: 'meeting/leave' } });
    await until(() => a.of('ack').length === 1);
    const before = clock.pending;
    a.drop();
    assert.equal(clock.pending, before - 1, 'the expiry timer is gone with the connection');
  });
});
