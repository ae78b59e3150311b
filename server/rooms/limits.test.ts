import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { createVerifier, issueToken, type TokenVerifier } from '../auth.ts';
import { MemoryStore } from '../store/store.ts';
import { FakeClock, FakeSocket, tick } from '../testing/fakes.ts';
import { RoomHub } from './hub.ts';
import {
  AddressCaps,
  clientAddress,
  defaultRateLimits,
  familyOf,
  overUserCap,
  RateLimiter,
  scaleRateLimits,
  type RateLimits,
} from './limits.ts';

const SECRET = 'test-secret-test-secret-test-secret-0123';
let verifier: TokenVerifier;
let clock: FakeClock;

beforeEach(async () => {
  verifier ??= await createVerifier({ secret: SECRET });
  clock = new FakeClock();
});

const rate = (perSecond: number, burst: number) => ({ perSecond, burst });
const limitsWith = (chat = rate(5, 10), userChat = rate(10, 20), flood = rate(10, 100)): RateLimits => ({
  connection: { ...defaultRateLimits.connection, chat },
  user: { ...defaultRateLimits.user, chat: userChat },
  flood,
});

describe('rate limiter (token buckets on the injected clock)', () => {
  it('allows a burst, then refuses with the wait until the next token, and refills with time', () => {
    const conn = new RateLimiter(limitsWith(), clock).connection();
    for (let i = 0; i < 10; i++) assert.deepEqual(conn.check('chat'), { ok: true }, `message ${i + 1} of the burst`);
    const refused = conn.check('chat');
    assert.equal(refused.ok, false);
    assert.equal(!refused.ok && refused.retryAfterMs, 200, '5 per second: one token every 200 ms');
    clock.advance(199);
    assert.equal(conn.check('chat').ok, false);
    clock.advance(1);
    assert.equal(conn.check('chat').ok, true);
    clock.advance(60_000);
    for (let i = 0; i < 10; i++) assert.equal(conn.check('chat').ok, true, 'a full burst again, never more');
    assert.equal(conn.check('chat').ok, false);
  });

  it('keeps families apart: a chat flood leaves pings and help calls alone', () => {
    const conn = new RateLimiter(limitsWith(), clock).connection();
    while (conn.check('chat').ok);
    assert.equal(conn.check('ping').ok, true);
    assert.equal(conn.check('help').ok, true);
  });

  it('counts a user across all of their connections', () => {
    const limiter = new RateLimiter(limitsWith(rate(5, 10), rate(5, 15)), clock);
    const tab1 = limiter.connection();
    const tab2 = limiter.connection();
    let allowed = 0;
    for (let i = 0; i < 10; i++) if (tab1.check('chat', 'u1').ok) allowed++;
    for (let i = 0; i < 10; i++) if (tab2.check('chat', 'u1').ok) allowed++;
    assert.equal(allowed, 15, 'the user bucket (15) binds before the two connection buckets (2 x 10)');
    const other = limiter.connection();
    assert.equal(other.check('chat', 'u2').ok, true, 'another user is not affected');
  });

  it('says "flooding" once a connection keeps sending after being refused', () => {
    const conn = new RateLimiter(limitsWith(rate(5, 10), rate(10, 20), rate(10, 30)), clock).connection();
    let sent = 0;
    let verdict = conn.check('chat');
    while (verdict.ok || !verdict.flooding) {
      verdict = conn.check('chat');
      sent++;
    }
    assert.equal(sent, 10 + 30, 'the burst, then 30 refusals, then flooding');
  });

  it('a client that slows down after a refusal is never called a flooder', () => {
    const conn = new RateLimiter(limitsWith(), clock).connection();
    for (let s = 0; s < 120; s++) {
      for (let i = 0; i < 12; i++) {
        const v = conn.check('chat'); // 12 a second against a limit of 5: refused often, never flooding
        assert.ok(v.ok || !v.flooding, `second ${s}`);
      }
      clock.advance(1000);
    }
  });

  it('forgets users whose buckets refilled, so memory follows activity', () => {
    const limiter = new RateLimiter(limitsWith(), clock);
    for (let i = 0; i < 500; i++) limiter.connection().check('chat', `u${i}`);
    assert.equal(limiter.trackedUsers, 500);
    clock.advance(61_000);
    limiter.connection().check('chat', 'late');
    assert.equal(limiter.trackedUsers, 1);
  });

  it('scales every rate by one factor, and 0 turns limits off', () => {
    assert.equal(scaleRateLimits(defaultRateLimits, 0), null);
    const doubled = scaleRateLimits(defaultRateLimits, 2)!;
    assert.equal(doubled.connection.chat.perSecond, defaultRateLimits.connection.chat.perSecond * 2);
    assert.equal(doubled.user.help.burst, defaultRateLimits.user.help.burst * 2);
    assert.equal(familyOf('chat/send'), 'chat');
    assert.equal(familyOf('breakout/cancel-call'), 'help');
    assert.equal(familyOf('engagement/report'), 'state');
    assert.equal(familyOf('breakout/move'), 'room');
  });
});

describe('connection caps', () => {
  it('takes the address from X-Forwarded-For only behind a trusted proxy, and its last entry', () => {
    const info = { remoteAddress: '::ffff:10.0.0.5', forwardedFor: '1.2.3.4, 203.0.113.9' };
    assert.equal(clientAddress(info, false), '10.0.0.5');
    assert.equal(clientAddress(info, true), '203.0.113.9', 'what the proxy saw, not what the client claimed');
    assert.equal(clientAddress({ remoteAddress: '::1' }, true), '::1');
  });

  it('caps open sockets per address, closing the extra one with 1013 and a reason; closing frees a place', async () => {
    const caps = new AddressCaps(2);
    const accepted: FakeSocket[] = [];
    const echo = (s: FakeSocket) => (s.handlers = caps.guard('10.0.0.1', () => ({ message() {}, close() {} }))(s));
    for (let i = 0; i < 3; i++) {
      const s = new FakeSocket();
      echo(s);
      accepted.push(s);
    }
    assert.deepEqual(accepted.map((s) => s.closed?.code ?? null), [null, null, 1013]);
    assert.match(accepted[2].closed!.reason!, /Too many connections from your address \(limit 2\)/);
    assert.ok(new TextEncoder().encode(accepted[2].closed!.reason).length <= 123, 'fits a close frame');
    const elsewhere = new FakeSocket();
    elsewhere.handlers = caps.guard('10.0.0.2', () => ({ message() {}, close() {} }))(elsewhere);
    assert.equal(elsewhere.closed, null, 'other addresses are not affected');
    accepted[0].drop();
    assert.equal(caps.count('10.0.0.1'), 1);
    const again = new FakeSocket();
    echo(again);
    assert.equal(again.closed, null);
  });

  it('counts a user\'s consoles, and their one room socket, against the per-user cap', () => {
    const c = (id: string, console: boolean) => ({ actor: { id }, console, closed: false });
    const conns = [c('m', false), c('m', true), c('m', true), c('x', true)];
    assert.equal(overUserCap(conns, 'm', true, 4), false, 'a third console makes 4');
    assert.equal(overUserCap(conns, 'm', true, 3), true);
    assert.equal(overUserCap(conns, 'm', false, 3), false, 'a new tab replaces the room socket');
    assert.equal(overUserCap(conns, 'm', false, 0), false, '0: no cap');
  });
});

describe('rate limits on the room socket', () => {
  const token = (sub: string, role: 'host' | 'moderator' | 'participant') => issueToken(SECRET, { sub, name: sub.toUpperCase(), role, room: 'r1' });
  async function connect(hub: RoomHub, tok: Promise<string>, hello: Record<string, unknown> = {}) {
    const s = new FakeSocket();
    s.handlers = hub.accept('r1')(s);
    await s.write({ type: 'hello', token: await tok, ...hello });
    for (let i = 0; i < 20 && !s.of('welcome').length && !s.closed; i++) await tick();
    return s;
  }
  class CountingStore extends MemoryStore {
    appends = 0;
    snapshots = 0;
    override append(...args: Parameters<MemoryStore['append']>) {
      this.appends++;
      if (args[2]) this.snapshots++;
      return super.append(...args);
    }
  }
  const makeHub = (store: MemoryStore, config: Partial<RoomHub['config']> = {}) =>
    new RoomHub({ store, clock, verifier, config: { leaveGraceMs: 10_000, hostAwayMs: 60_000, ...config } });

  it('refuses a chat flood with rate-limited and retryAfterMs, stores only what was allowed, serves again later', async () => {
    const store = new CountingStore();
    const hub = makeHub(store);
    const h = await connect(hub, token('h', 'host'));
    const a = await connect(hub, token('a', 'participant'));
    const before = store.appends;
    for (let i = 0; i < 40; i++) await a.write({ type: 'command', ref: `c${i}`, command: { type: 'chat/send', text: `spam ${i}` } });
    assert.equal(a.of('ack').length, 10, 'the burst');
    const refusals = a.of<{ code: string; ref: string; retryAfterMs: number; message: string; fatal?: boolean }>('error');
    assert.equal(refusals.length, 30);
    assert.ok(refusals.every((e) => e.code === 'rate-limited' && e.retryAfterMs > 0 && !e.fatal));
    assert.equal(refusals[0].ref, 'c10', 'the refusal names the command');
    assert.match(refusals[0].message, /Too many chat messages; wait 1 s and try again/);
    assert.equal(store.appends - before, 10, 'refused commands are never written');
    assert.equal(h.of('event').filter((e) => (e as { event: { type: string } }).event.type === 'chat').length, 10);
    await clock.run(refusals[0].retryAfterMs);
    await a.write({ type: 'command', ref: 'later', command: { type: 'chat/send', text: 'after waiting' } });
    assert.ok(a.of<{ ref: string }>('ack').some((x) => x.ref === 'later'));
    assert.equal(a.closed, null);
  });

  it('bounds help call/cancel flapping (each one a full-state write)', async () => {
    const store = new CountingStore();
    const hub = makeHub(store);
    const h = await connect(hub, token('h', 'host'));
    const a = await connect(hub, token('a', 'participant'));
    await h.write({ type: 'command', command: { type: 'breakout/configure', rooms: ['One'], timeLimitMinutes: null, countdownSeconds: 0, assignment: 'auto' } });
    await h.write({ type: 'command', command: { type: 'breakout/start' } });
    assert.equal(hub.peek('r1')!.state.breakout.location.a, 'r1', 'in a breakout room, where help calls are made');
    const before = store.snapshots;
    for (let s = 0; s < 15; s++) {
      for (let i = 0; i < 5; i++) {
        await a.write({ type: 'command', command: { type: 'breakout/call' } });
        await a.write({ type: 'command', command: { type: 'breakout/cancel-call' } });
      }
      await clock.run(1000);
    }
    const writes = store.snapshots - before;
    // 15 s at 0.3/s plus a burst of 4 (per connection) allows at most 4 + 4.5 ≈ 8 help commands.
    assert.ok(writes <= 9, `full-state writes in 15 s of flapping: ${writes}`);
    assert.ok(writes >= 4, 'a person calling for help is still heard');
  });

  it('closes a connection that keeps flooding after being told, with a clear reason; others keep going', async () => {
    const hub = makeHub(new MemoryStore());
    const h = await connect(hub, token('h', 'host'));
    const a = await connect(hub, token('a', 'participant'));
    for (let i = 0; i < 500 && !a.closed; i++) await a.write({ type: 'command', command: { type: 'chat/send', text: `spam ${i}` } });
    assert.equal(a.closed?.code, 4029);
    assert.equal(a.closed?.reason, 'rate-limited');
    const last = a.of<{ code: string; fatal?: boolean; message: string; retryAfterMs: number }>('error').at(-1)!;
    assert.equal(last.code, 'rate-limited');
    assert.equal(last.fatal, true);
    assert.match(last.message, /after being asked to wait; this connection is closed/);
    const sent = a.sent.length;
    await a.write({ type: 'command', command: { type: 'chat/send', text: 'more' } });
    assert.equal(a.sent.length, sent, 'nothing more is read from a closed flooder');
    await h.write({ type: 'command', ref: 'ok', command: { type: 'chat/send', text: 'still here' } });
    assert.ok(h.of<{ ref: string }>('ack').some((x) => x.ref === 'ok'));

    // Reconnecting buys nothing: the same user is refused for a while, then welcome again.
    await tick();
    const again = await connect(hub, token('a', 'participant'));
    const refused = again.of<{ code: string; fatal: boolean; retryAfterMs: number; message: string }>('error')[0];
    assert.equal(refused?.code, 'rate-limited');
    assert.equal(refused.fatal, true);
    assert.ok(refused.retryAfterMs > 0 && refused.retryAfterMs <= 10_000);
    assert.match(refused.message, /join again in 10 s/);
    assert.equal(again.closed?.code, 4029);
    await clock.run(refused.retryAfterMs);
    const later = await connect(hub, token('a', 'participant'));
    assert.equal(later.of('welcome').length, 1);
  });

  it('limits a user across their room socket and their console', async () => {
    const hub = makeHub(new MemoryStore());
    const tab = await connect(hub, token('m', 'moderator'));
    const console1 = await connect(hub, token('m', 'moderator'), { console: true });
    let acks = 0;
    for (let i = 0; i < 40; i++) {
      for (const s of [tab, console1]) await s.write({ type: 'command', ref: `x${i}`, command: { type: 'chat/send', text: `hi ${i}` } });
    }
    acks = tab.of('ack').length + console1.of('ack').length;
    assert.equal(acks, 20, 'the user bucket (2 x 10) binds, not 10 per connection each');
  });

  it('bounds unreadable frames and pings too', async () => {
    const hub = makeHub(new MemoryStore());
    const a = await connect(hub, token('a', 'participant'));
    for (let i = 0; i < 30; i++) await a.write({ type: 'ping', t: i });
    assert.equal(a.of('pong').length, 5);
    const s = new FakeSocket();
    s.handlers = hub.accept('r1')(s);
    for (let i = 0; i < 1000 && !s.closed; i++) await s.write('{not json');
    assert.equal(s.closed?.code, 4029, 'garbage before hello is bounded and ends in a disconnect');
    assert.ok(s.sent.length < 200, `replies sent to garbage: ${s.sent.length}`);
  });

  it('refuses a console past the per-user cap at hello, with a clear reason', async () => {
    const hub = makeHub(new MemoryStore(), { maxConnectionsPerUser: 3 });
    const tab = await connect(hub, token('m', 'moderator'));
    const c1 = await connect(hub, token('m', 'moderator'), { console: true });
    const c2 = await connect(hub, token('m', 'moderator'), { console: true });
    const c3 = await connect(hub, token('m', 'moderator'), { console: true });
    assert.ok([tab, c1, c2].every((s) => s.of('welcome').length === 1 && !s.closed));
    const err = c3.of<{ code: string; message: string; fatal: boolean }>('error')[0];
    assert.equal(err.code, 'rate-limited');
    assert.equal(err.fatal, true);
    assert.match(err.message, /You have 3 connections open to this room/);
    assert.equal(c3.of('welcome').length, 0);
    const newTab = await connect(hub, token('m', 'moderator'));
    assert.equal(newTab.of('welcome').length, 1, 'a new tab still replaces the old one');
  });

  it('can be turned off (RATE_LIMIT_SCALE=0)', async () => {
    const hub = makeHub(new MemoryStore(), { rateLimits: null });
    const a = await connect(hub, token('a', 'participant'));
    for (let i = 0; i < 100; i++) await a.write({ type: 'command', ref: `c${i}`, command: { type: 'chat/send', text: `m ${i}` } });
    assert.equal(a.of('ack').length, 100);
  });
});
