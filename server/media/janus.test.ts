/**
 * The Janus connection against a fake Janus on loopback (real sockets, fake clock for every timer):
 * transactions, timeouts, keepalive, reconnect with backoff, error mapping, unsolicited events and
 * the handle bound.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { FakeJanus } from '../testing/fake-janus.ts';
import { FakeClock } from '../testing/fakes.ts';
import { JanusConnection, JanusError, janusUnavailable, type JanusConnectionOptions } from './janus.ts';

const PLUGIN = 'janus.plugin.videoroom';

async function until(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('Janus connection', { timeout: 60_000 }, () => {
  let fake: FakeJanus;
  let clock: FakeClock;
  let logs: string[];
  const open: JanusConnection[] = [];
  const connect = async (options: JanusConnectionOptions = {}, secret = fake.apiSecret) => {
    const conn = new JanusConnection(fake.url, secret, 10_000, { clock, log: (m) => logs.push(m), ...options });
    open.push(conn);
    return conn;
  };
  const connected = async (options: JanusConnectionOptions = {}) => {
    const conn = await connect(options);
    await until(() => conn.up, 'the connection');
    return conn;
  };

  beforeEach(async () => {
    fake = await FakeJanus.start();
    clock = new FakeClock();
    logs = [];
  });
  afterEach(async () => {
    for (const c of open.splice(0)) c.close();
    await fake.stop();
  });

  it('opens one session with the api secret, and requests wait for it', async () => {
    const conn = await connect();
    assert.equal(conn.up, false);
    const handle = await conn.attach(PLUGIN, {}); // waits for the session
    assert.equal(conn.up, true);
    assert.equal(fake.of('create').length, 1);
    const attach = fake.of('attach')[0]!;
    assert.equal(attach.apisecret, fake.apiSecret);
    assert.equal(attach.plugin, PLUGIN);
    assert.ok(attach.session_id > 0);
    assert.ok(handle.id > 0);
    assert.ok(typeof attach.transaction === 'string' && attach.transaction !== fake.of('create')[0]!.transaction);
  });

  it('matches answers by transaction: a plugin request is answered by its event, whether the ack comes first or last', async () => {
    const conn = await connected();
    const handle = await conn.attach(PLUGIN, {});
    await conn.attach(PLUGIN, {}); // another handle, another transaction in flight
    await handle.message({ request: 'create', room: 'r', admin_key: fake.adminKey, secret: 's' });
    fake.rooms.get('r')!.allowed = null;
    const [a, b] = await Promise.all([
      handle.message({ request: 'join', ptype: 'publisher', room: 'r', id: 'camera:a' }),
      (await conn.attach(PLUGIN, {})).message({ request: 'join', ptype: 'publisher', room: 'r', id: 'camera:b' }),
    ]);
    assert.equal(a.data.id, 'camera:a');
    assert.equal(b.data.id, 'camera:b');
    fake.eventBeforeAck = true;
    const c = await (await conn.attach(PLUGIN, {})).message({ request: 'join', ptype: 'publisher', room: 'r', id: 'camera:c' });
    assert.equal(c.data.videoroom, 'joined');
    // The late ack has nobody waiting and breaks nothing.
    const d = await (await conn.attach(PLUGIN, {})).message({ request: 'listparticipants', room: 'r' });
    assert.equal(d.data.participants.length, 3);
  });

  it("Janus's refusals become JanusError with Janus's code and reason", async () => {
    const conn = await connected();
    const handle = await conn.attach(PLUGIN, {});
    await handle.message({ request: 'create', room: 'r', admin_key: fake.adminKey, secret: 's', allowed: [] });
    await assert.rejects(handle.message({ request: 'create', room: 'r', admin_key: fake.adminKey, secret: 's' }), (e: unknown) => {
      assert.ok(e instanceof JanusError);
      assert.equal(e.code, 427);
      assert.match(e.message, /already exists/);
      assert.equal(janusUnavailable(e), false);
      return true;
    });
    const joiner = await conn.attach(PLUGIN, {});
    await assert.rejects(joiner.message({ request: 'join', ptype: 'publisher', room: 'r', token: 'nope' }), { code: 433, message: 'Unauthorized (not in the allowed list)' });
    // A core error (no such handle).
    await assert.rejects(conn.request({ janus: 'message', handle_id: 1, body: { request: 'list' } }, true), { code: 459 });
    // Detaching a handle Janus no longer has is not an error.
    fake.handles.delete(joiner.id);
    await joiner.detach();
    await assert.rejects(joiner.message({ request: 'list' }), { code: 'closed' });
  });

  it('every request times out with code timeout; a late answer is ignored', async () => {
    const conn = await connected();
    const handle = await conn.attach(PLUGIN, {});
    fake.hold = (m) => m.body?.request === 'listparticipants';
    const late = handle.message({ request: 'listparticipants', room: 'r' });
    await until(() => fake.of('message', 'listparticipants').length === 1, 'the request to reach Janus');
    clock.advance(9_999);
    let settled = false;
    late.catch(() => undefined).finally(() => (settled = true));
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(settled, false, 'still waiting before the timeout');
    clock.advance(1);
    await assert.rejects(late, (e: unknown) => e instanceof JanusError && e.code === 'timeout' && janusUnavailable(e) && /"listparticipants" within 10 s/.test(e.message));
    assert.equal(conn.up, true, 'a plugin request timing out does not drop the connection');
  });

  it('sends a keepalive every 25 s; one left unanswered drops the connection, which comes back', async () => {
    const conn = await connected();
    const gone: boolean[] = [];
    await conn.attach(PLUGIN, { gone: (lost) => gone.push(lost) });
    let downs = 0;
    let ups = 0;
    conn.onDown(() => downs++);
    conn.onUp(() => ups++);
    clock.advance(25_000);
    await until(() => fake.of('keepalive').length === 1, 'a keepalive');
    assert.equal(fake.of('keepalive')[0]!.session_id, fake.of('attach')[0]!.session_id);
    // One more round trip: its ack comes after the first one's, so that one is answered too.
    await conn.request({ janus: 'keepalive' }, false);
    fake.hold = (m) => m.janus === 'keepalive';
    clock.advance(25_000);
    await until(() => fake.of('keepalive').length === 3, 'the next keepalive');
    clock.advance(10_000);
    assert.equal(conn.up, false);
    assert.equal(downs, 1);
    assert.deepEqual(gone, [true], 'the handle is gone with the connection');
    assert.equal(conn.handleCount, 0);
    fake.hold = () => false;
    clock.advance(1000); // first backoff step
    await until(() => conn.up, 'the reconnection');
    assert.equal(ups, 1);
    assert.equal(fake.of('create').length, 2, 'a new session (the old one is not reclaimed)');
  });

  it('a dropped socket fails what is pending, forgets handles, fires onDown; requests meanwhile fail at once with the wait', async () => {
    const conn = await connected();
    const handle = await conn.attach(PLUGIN, {});
    fake.hold = (m) => m.body?.request === 'list';
    const pending = handle.message({ request: 'list' });
    await until(() => fake.of('message', 'list').length === 1, 'the request');
    let downs = 0;
    conn.onDown(() => {
      downs++;
      throw new Error('a faulty listener'); // logged, never thrown into the socket
    });
    await fake.stopListening();
    await assert.rejects(pending, { code: 'down' });
    await until(() => downs === 1, 'onDown');
    assert.ok(logs.some((l) => l.includes('a faulty listener')));
    assert.equal(handle.closed, true);
    await assert.rejects(conn.attach(PLUGIN, {}), (e: unknown) => e instanceof JanusError && e.code === 'down' && e.retryAfterMs === 1000);
    // Backoff doubles while Janus stays away: 1 s, 2 s, 4 s ...
    clock.advance(1000);
    await until(() => logs.filter((l) => /retrying in/.test(l)).length === 2, 'the second failure');
    assert.match(logs.at(-1)!, /retrying in 2 s/);
    clock.advance(2000);
    await until(() => logs.filter((l) => /retrying in/.test(l)).length === 3, 'the third failure');
    assert.match(logs.at(-1)!, /retrying in 4 s/);
    await fake.listen();
    let ups = 0;
    conn.onUp(() => ups++);
    clock.advance(4000);
    await until(() => conn.up, 'the reconnection');
    assert.equal(ups, 1);
    await conn.attach(PLUGIN, {});
    // And after success the backoff starts again from 1 s.
    fake.drop();
    await until(() => !conn.up, 'the drop');
    assert.match(logs.at(-1)!, /retrying in 1 s/);
  });

  it('backoff stops at its maximum', async () => {
    await fake.stopListening();
    const conn = await connect({ backoffMs: { first: 1000, max: 5000 } });
    const waits = [1, 2, 4, 5, 5];
    for (let i = 0; i < waits.length; i++) {
      await until(() => logs.length === i + 1, `failure ${i + 1}`);
      assert.match(logs[i]!, new RegExp(`retrying in ${waits[i]} s`));
      clock.advance(waits[i]! * 1000);
    }
    assert.equal(conn.up, false);
  });

  it('a wrong api secret is refused by Janus: no session, nothing sent on', async () => {
    const conn = await connect({}, 'not-the-secret');
    await assert.rejects(conn.attach(PLUGIN, {}), (e: unknown) => e instanceof JanusError && e.code === 'down');
    assert.match(logs[0]!, /Janus refused a session: Unauthorized request/);
    assert.equal(fake.of('attach').length, 0);
  });

  it('a Janus that accepts the socket but never answers: the attempt gives up after the timeout', async () => {
    fake.hold = (m) => m.janus === 'create';
    const conn = await connect();
    const first = conn.attach(PLUGIN, {});
    await until(() => fake.of('create').length === 1, 'the session request');
    clock.advance(10_000);
    await assert.rejects(first, (e: unknown) => e instanceof JanusError && (e.code === 'timeout' || e.code === 'down'));
    assert.equal(conn.up, false);
    fake.hold = () => false;
    clock.advance(1000);
    await until(() => conn.up, 'the next attempt');
  });

  it('routes unsolicited events to their handle by sender; a session timeout drops the connection', async () => {
    const conn = await connected();
    const seen: string[] = [];
    const a = await conn.attach(PLUGIN, {
      event: (data, jsep) => seen.push(`a event ${data.videoroom}${jsep ? ` ${jsep.type}` : ''}`),
      webrtcup: () => seen.push('a up'),
      hangup: (reason) => seen.push(`a hangup ${reason}`),
      gone: (lost) => seen.push(`a gone ${lost}`),
    });
    const b = await conn.attach(PLUGIN, {
      event: () => {
        throw new Error('b fails');
      },
      gone: (lost) => seen.push(`b gone ${lost}`),
    });
    fake.pluginEvent(a.id, { videoroom: 'event', publishers: [] });
    fake.pluginEvent(b.id, { videoroom: 'event', leaving: 'x' });
    fake.push(a.id, { janus: 'webrtcup' });
    fake.push(a.id, { janus: 'media', type: 'video', receiving: true });
    fake.pluginEvent(a.id, { videoroom: 'updated' }, { type: 'offer', sdp: 'v=0' });
    fake.push(a.id, { janus: 'hangup', reason: 'ICE failed' });
    fake.push(a.id, { janus: 'detached' });
    fake.push(a.id, { janus: 'event', plugindata: { data: {} } }); // after detached: nobody
    await until(() => seen.length === 5, 'the events');
    assert.deepEqual(seen, ['a event event', 'a up', 'a event updated offer', 'a hangup ICE failed', 'a gone false']);
    assert.equal(a.closed, true);
    assert.ok(logs.some((l) => l.includes('b fails')));
    let downs = 0;
    conn.onDown(() => downs++);
    fake.push(b.id, { janus: 'timeout' });
    await until(() => downs === 1, 'the session timeout');
    assert.deepEqual(seen.slice(5), ['b gone true']);
  });

  it('holds at most maxHandles handles and says so; a detached one frees its place', async () => {
    const conn = await connected({ maxHandles: 3 });
    const handles = await Promise.all([1, 2, 3].map(() => conn.attach(PLUGIN, {})));
    await assert.rejects(conn.attach(PLUGIN, {}), (e: unknown) => {
      assert.ok(e instanceof JanusError);
      assert.equal(e.code, 'handles');
      assert.match(e.message, /already holds 3 Janus handles/);
      assert.ok(janusUnavailable(e));
      return true;
    });
    // Attaches in flight count too.
    await handles[0]!.detach();
    const [x, y] = await Promise.allSettled([conn.attach(PLUGIN, {}), conn.attach(PLUGIN, {})]);
    assert.equal(x.status, 'fulfilled');
    assert.equal(y.status, 'rejected');
    assert.equal(conn.handleCount, 3);
  });

  it('close stops for good: pending requests fail, no reconnect, no onDown', async () => {
    const conn = await connected();
    const handle = await conn.attach(PLUGIN, {});
    fake.hold = (m) => m.body?.request === 'list';
    const pending = handle.message({ request: 'list' });
    let downs = 0;
    conn.onDown(() => downs++);
    conn.close();
    await assert.rejects(pending, { code: 'down' });
    await until(() => fake.of('destroy').length === 1, 'the session destroyed');
    clock.advance(120_000);
    assert.equal(downs, 0);
    assert.equal(fake.of('create').length, 1);
    assert.equal(clock.pending, 0, 'no timer left behind');
  });
});
