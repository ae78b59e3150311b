import { expect, aTimeout } from '@open-wc/testing';
import { waitUntil } from '../testing/shadow-dom.ts';
import {
  RoomConnection,
  RoomCommandError,
  roomSocketUrl,
  toWebSocketBase,
  type ConnectionStatus,
  type RoomConnectionOptions,
  type RoomIce,
} from './room-connection.ts';
import type { SfuServerMessage } from '../protocol/types.ts';
import { Host } from '../testing/controller-host.ts';
import { FakeRoomServer, HOST, OTHER, STUDENT } from '../testing/fake-room-server.ts';


describe('RoomConnection', () => {
  let server: FakeRoomServer;
  let host: Host;
  let conn: RoomConnection;
  let statuses: ConnectionStatus[];

  function make(token = 'tok-student', extra: Partial<RoomConnectionOptions> = {}) {
    host = new Host();
    statuses = [];
    conn = new RoomConnection(host, {
      target: () => ({ server: 'http://rooms.test', room: 'bio-101', token }),
      backoffInitialMs: 20,
      backoffMaxMs: 80,
      onStatusChange: (s) => statuses.push(s),
      ...extra,
    });
    host.connect();
    return conn;
  }

  beforeEach(() => {
    server = new FakeRoomServer().install();
    server.addUser('tok-student', STUDENT).addUser('tok-host', HOST);
  });

  afterEach(() => {
    host?.disconnect();
    server.uninstall();
  });

  it('builds socket URLs from the server attribute', () => {
    expect(toWebSocketBase('https://rooms.example.edu/')).to.equal('wss://rooms.example.edu');
    expect(toWebSocketBase('http://localhost:8787/base')).to.equal('ws://localhost:8787/base');
    expect(roomSocketUrl('https://x.edu', 'bio 101')).to.equal('wss://x.edu/rooms/bio%20101/socket');
  });

  it('does nothing until opened, then says hello and mirrors the snapshot', async () => {
    make();
    await aTimeout(20);
    expect(server.sockets).to.have.length(0);
    expect(conn.status).to.equal('idle');
    conn.open();
    expect(conn.status).to.equal('connecting');
    await waitUntil(() => conn.status === 'connected');
    expect(server.lastSocket!.url).to.equal('ws://rooms.test/rooms/bio-101/socket');
    expect(server.hellos()[0]).to.deep.equal({ type: 'hello', token: 'tok-student' });
    expect(conn.self).to.include({ id: STUDENT.id, role: 'participant' });
    expect(conn.state!.participants[STUDENT.id]!.present).to.equal(true);
    expect(statuses).to.deep.equal(['connecting', 'connected']);
  });

  it('applies events as new immutable states and publishes new snapshots', async () => {
    make().open();
    await waitUntil(() => conn.connected);
    const before = conn.state!;
    const snapBefore = conn.snapshot;
    expect(conn.snapshot).to.equal(snapBefore);
    server.join(OTHER);
    await waitUntil(() => conn.state !== before);
    expect(before.participants[OTHER.id]).to.equal(undefined);
    expect(conn.state!.participants[OTHER.id]!.present).to.equal(true);
    expect(conn.snapshot).to.not.equal(snapBefore);
    expect(Object.isFrozen(conn.snapshot)).to.equal(true);
  });

  it('sends commands with refs and resolves on ack, rejects on error', async () => {
    make().open();
    await waitUntil(() => conn.connected);
    const ack = await conn.send({ type: 'chat/send', text: 'hi' });
    expect(ack.seq).to.equal(conn.state!.seq);
    const sent = server.received.filter((m) => m.type === 'command');
    expect(sent[0]).to.have.property('ref').that.is.a('string');
    await waitUntil(() => conn.state!.chat.length === 1);
    let error: unknown;
    try {
      await conn.send({ type: 'meeting/end' });
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(RoomCommandError);
    expect((error as RoomCommandError).code).to.equal('forbidden');
  });

  it('rejects a rate-limited command with how long to wait', async () => {
    make().open();
    await waitUntil(() => conn.connected);
    server.limitRate('chat/send', 2500);
    let error: unknown;
    try {
      await conn.send({ type: 'chat/send', text: 'too soon' });
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(RoomCommandError);
    expect((error as RoomCommandError).code).to.equal('rate-limited');
    expect((error as RoomCommandError).retryAfterMs).to.equal(2500);
    expect(conn.status).to.equal('connected');
    await conn.send({ type: 'chat/send', text: 'later' });
  });

  it('rejects commands while not connected', async () => {
    make();
    let error: unknown;
    try {
      await conn.send({ type: 'chat/send', text: 'hi' });
    } catch (e) {
      error = e;
    }
    expect((error as RoomCommandError).code).to.equal('not-connected');
  });

  it('reconnects with backoff and resumes with since and the same peerId', async () => {
    make().open();
    await waitUntil(() => conn.connected);
    const peerId = conn.self!.peerId;
    const seq = conn.lastSeq;
    server.dropAll();
    server.join(OTHER); // happens while we are away
    await waitUntil(() => server.hellos().length === 2 && conn.status === 'connected');
    const hello = server.hellos()[1]!;
    expect(hello.since).to.equal(seq);
    expect(hello.peerId).to.equal(peerId);
    expect(conn.state!.participants[OTHER.id]!.present).to.equal(true);
    expect(statuses).to.deep.equal(['connecting', 'connected', 'reconnecting', 'connected']);
  });

  it('keeps retrying while the server is unreachable', async () => {
    make().open();
    await waitUntil(() => conn.connected);
    server.answerHello = false;
    server.dropAll();
    await waitUntil(() => server.sockets.length >= 2);
    // The second socket never gets a welcome; simulate it failing too.
    server.dropAll();
    await waitUntil(() => server.sockets.length >= 3, 'retries', { timeout: 2000 });
    server.answerHello = true;
    server.dropAll();
    await waitUntil(() => conn.status === 'connected', 'reconnected', { timeout: 2000 });
  });

  it('treats room-moved like a dropped connection: comes back after the wait it names and resumes', async () => {
    const errors: string[] = [];
    make('tok-student', { backoffInitialMs: 20, backoffMaxMs: 5000, onError: (e) => errors.push(e.code) }).open();
    await waitUntil(() => conn.connected);
    const peerId = conn.self!.peerId;
    const seq = conn.lastSeq;
    const moved = server.lastSocket!;
    moved.deliver({ type: 'error', code: 'room-moved', message: 'This room is moving to another server; reconnecting.', fatal: true, retryAfterMs: 400 });
    await waitUntil(() => conn.status === 'reconnecting');
    moved.finish(1012); // the server closes it too
    server.join(OTHER); // news while it was away
    // Not before the wait the server named (less a fifth at most), though the usual first retry is 20 ms.
    await aTimeout(250);
    expect(server.hellos()).to.have.length(1);
    await waitUntil(() => server.hellos().length === 2 && conn.status === 'connected', 'reconnected', { timeout: 5000 });
    const hello = server.hellos()[1]!;
    expect(hello.since).to.equal(seq);
    expect(hello.peerId).to.equal(peerId);
    expect(conn.state!.participants[OTHER.id]!.present).to.equal(true);
    expect(conn.error).to.equal(null);
    expect(errors).to.deep.equal([]);
    expect(statuses).to.deep.equal(['connecting', 'connected', 'reconnecting', 'connected']);
  });

  it('a command refused with room-moved is reported as interrupted, and the connection comes back', async () => {
    make().open();
    await waitUntil(() => conn.connected);
    const socket = server.lastSocket!;
    // The server's answer to a command while the room was being handed over.
    const pending = conn.send({ type: 'chat/send', text: 'during the handoff' }).catch((e: RoomCommandError) => e);
    const ref = (server.received.filter((m) => m.type === 'command').at(-1) as { ref: string }).ref;
    socket.deliver({ type: 'error', code: 'room-moved', message: 'This room is moving to another server; reconnecting.', ref });
    const refused = await pending;
    expect(refused).to.be.instanceOf(RoomCommandError);
    expect((refused as RoomCommandError).code).to.equal('disconnected');
    await waitUntil(() => server.hellos().length === 2 && conn.status === 'connected', 'reconnected');
    expect(conn.error).to.equal(null);
  });

  it('stops on a fatal error and reports it', async () => {
    const errors: string[] = [];
    make('tok-student', { onError: (e) => errors.push(e.code) }).open();
    await waitUntil(() => conn.connected);
    server.lastSocket!.deliver({ type: 'error', code: 'replaced', message: 'You joined from another tab.', fatal: true });
    await waitUntil(() => conn.status === 'failed');
    expect(conn.error).to.deep.equal({ code: 'replaced', message: 'You joined from another tab.', fatal: true });
    expect(errors).to.deep.equal(['replaced']);
    const count = server.sockets.length;
    await aTimeout(200);
    expect(server.sockets.length).to.equal(count);
  });

  it('fails without reconnecting on a bad token', async () => {
    make('nope').open();
    await waitUntil(() => conn.status === 'failed');
    expect(conn.error!.code).to.equal('bad-token');
    await aTimeout(150);
    expect(server.sockets).to.have.length(1);
  });

  it('measures the clock offset from pings', async () => {
    server.clockSkewMs = 5000;
    make().open();
    await waitUntil(() => conn.connected);
    await waitUntil(() => Number.isFinite(conn.rtt));
    expect(conn.clockOffset).to.be.within(4900, 5100);
    expect(conn.serverNow() - Date.now()).to.be.within(4900, 5100);
  });

  it('resyncs when it notices a gap in sequence numbers', async () => {
    make().open();
    await waitUntil(() => conn.connected);
    const seq = conn.lastSeq;
    server.lastSocket!.deliver({ type: 'event', seq: seq + 5, event: { type: 'host-away-cancelled' } });
    await waitUntil(() => server.hellos().length === 2);
    expect(server.hellos()[1]!.since).to.equal(seq);
  });

  it('merges the history of a room it moved into, by id, as a new state', async () => {
    server.addUser('tok-host', HOST);
    server.join(OTHER);
    make().open();
    await waitUntil(() => conn.connected);
    server.startBreakout(HOST, { plan: { [STUDENT.id]: 'Room 1', [OTHER.id]: 'Room 2' } });
    await waitUntil(() => conn.state!.breakout.location[STUDENT.id] === server.roomId('Room 1'));
    server.run({ type: 'chat/send', text: 'in room 2' }, OTHER); // not for us: a placeholder
    await waitUntil(() => conn.lastSeq === server.state.seq);
    expect(conn.state!.chat).to.have.length(0);
    const before = conn.state!;
    const updates = host.updates;
    // The server moves us to Room 2 (breakout/join is staff-only, so a move by the host).
    server.run({ type: 'breakout/move', userId: STUDENT.id, to: server.roomId('Room 2') }, HOST);
    await waitUntil(() => conn.state!.chat.length === 1, 'history merged');
    expect(conn.state!.chat[0]!.text).to.equal('in room 2');
    expect(conn.state).to.not.equal(before);
    expect(host.updates).to.be.greaterThan(updates);
    // Duplicates are ignored, new ones are put in id order.
    const m = conn.state!.chat[0]!;
    const earlier = { ...m, id: m.id - 1, text: 'earlier' };
    const same = conn.state!;
    server.pushHistory([m]);
    await aTimeout(20);
    expect(conn.state).to.equal(same);
    server.pushHistory([m, earlier]);
    await waitUntil(() => conn.state!.chat.length === 2);
    expect(conn.state!.chat.map((c) => c.text)).to.deep.equal(['earlier', 'in room 2']);
  });

  it('leaves: sends meeting/leave, then closes with status left', async () => {
    make().open();
    await waitUntil(() => conn.connected);
    await conn.leave();
    expect(conn.status).to.equal('left');
    expect(server.commands('meeting/leave')).to.have.length(1);
    expect(server.state.participants[STUDENT.id]!.present).to.equal(false);
    await aTimeout(100);
    expect(server.openSockets).to.have.length(0);
  });

  it('closes the socket when the host leaves the page', async () => {
    make().open();
    await waitUntil(() => conn.connected);
    host.disconnect();
    expect(server.openSockets).to.have.length(0);
    await aTimeout(100);
    expect(server.sockets).to.have.length(1);
  });

  it('hands out the welcome\u2019s media ticket once, then asks the server for fresh ones', async () => {
    make();
    conn.open();
    await waitUntil(() => conn.status === 'connected');
    const peerId = conn.self!.peerId;
    expect(await conn.mediaTicket()).to.equal('ticket-1');
    expect(await conn.mediaTicket()).to.equal('ticket-2');
    expect(server.received.filter((m) => m.type === 'media-ticket')).to.have.length(1);
    expect(server.tickets.map((t) => t.peerId)).to.deep.equal([peerId, peerId]);
  });

  it('refuses a ticket while disconnected, so the mesh waits and tries again', async () => {
    make();
    let error: unknown = null;
    await conn.mediaTicket().catch((e) => (error = e));
    expect(error).to.be.instanceOf(RoomCommandError);
    expect((error as RoomCommandError).code).to.equal('not-connected');
  });

  it('says when the token expires soon and sends a fresh one on the open socket', async () => {
    server.addUser('tok-student-2', STUDENT);
    const warnings: number[] = [];
    make('tok-student', { onTokenExpiring: (at) => warnings.push(at) });
    conn.open();
    await waitUntil(() => conn.status === 'connected');
    server.warnTokenExpiry(60_000);
    await waitUntil(() => warnings.length === 1, 'warned');
    expect(Math.abs(warnings[0]! - (server.now() + 60_000))).to.be.below(2000);
    await conn.refreshToken('tok-student-2');
    expect(server.refreshedTokens).to.deep.equal(['tok-student-2']);
    expect(server.openSockets).to.have.length(1, 'the same socket, no reconnect');
    // A token for someone else is refused, and says so.
    server.addUser('tok-other', OTHER);
    let error: unknown = null;
    await conn.refreshToken('tok-other').catch((e) => (error = e));
    expect((error as RoomCommandError).code).to.equal('bad-token');
    expect(conn.status).to.equal('connected');
  });

  it('fails with token-expired when the server ends the connection at expiry, and does not reconnect', async () => {
    const errors: string[] = [];
    make('tok-student', { onError: (e) => errors.push(e.code) });
    conn.open();
    await waitUntil(() => conn.status === 'connected');
    server.expireToken(STUDENT.id);
    await waitUntil(() => conn.status === 'failed', 'failed');
    expect(errors).to.deep.equal(['token-expired']);
    await aTimeout(150);
    expect(server.hellos()).to.have.length(1);
  });

  it('passes media-server frames both ways, drops outgoing ones while disconnected, and resets the link on a new socket', async () => {
    const frames: SfuServerMessage[] = [];
    make('tok-student', { onSfu: (m) => frames.push(m) });
    const sfuSent = () => server.received.filter((m) => m.type === 'sfu');
    conn.sendSfu({ type: 'sfu', op: 'subscribe' });
    conn.open();
    await waitUntil(() => conn.connected, 'connected');
    conn.sendSfu({ type: 'sfu', op: 'publish', source: 'camera', sdp: 'v=0 offer' });
    await waitUntil(() => sfuSent().length === 1, 'the frame sent');
    expect(sfuSent()).to.deep.equal([{ type: 'sfu', op: 'publish', source: 'camera', sdp: 'v=0 offer' }]);
    const offer: SfuServerMessage = { type: 'sfu', op: 'offer', sdp: 'v=0 answer me', version: 1, streams: [{ mid: '0', userId: OTHER.id, source: 'camera', kind: 'video' }] };
    server.lastSocket!.deliver(offer);
    await waitUntil(() => frames.length === 1, 'the offer');
    expect(frames).to.deep.equal([offer]);

    // The same socket welcomed again (back in the room after placeholders): the link stays.
    server.lastSocket!.deliver({ type: 'welcome', self: { ...STUDENT, peerId: server.lastSocket!.peerId }, snapshot: server.state, serverTime: server.now() });
    server.lastSocket!.deliver({ type: 'sfu', op: 'reset', reason: 'moved' });
    await waitUntil(() => frames.length === 2, 'the reset');
    expect(frames[1]).to.deep.equal({ type: 'sfu', op: 'reset', reason: 'moved' });

    // A new socket: the media server's connections of the old one are gone, the link starts over.
    server.dropAll();
    conn.sendSfu({ type: 'sfu', op: 'unpublish', source: 'camera' });
    await waitUntil(() => server.sockets.length === 2 && conn.connected && frames.length === 3, 'reconnected');
    expect(frames[2]).to.deep.equal({ type: 'sfu', op: 'reset', reason: 'server' });
    expect(sfuSent()).to.have.length(1, 'nothing sent while disconnected');
  });

  it("hands the ICE servers of the welcome, and of every fresh media ticket, to onIce", async () => {
    const ices: RoomIce[] = [];
    make('tok-student', { onIce: (ice) => ices.push(ice) });
    server.answerHello = false;
    conn.open();
    await waitUntil(() => server.hellos().length === 1, 'hello');
    const turn = { urls: ['turn:turn.test:3478?transport=udp'], username: '1700000000:u-student', credential: 'first' };
    server.lastSocket!.deliver({ type: 'welcome', self: { ...STUDENT, peerId: 'p-1' }, snapshot: server.state, serverTime: server.now(), iceServers: [turn], iceTransportPolicy: 'relay' });
    await waitUntil(() => conn.connected, 'welcomed');
    expect(ices).to.deep.equal([{ iceServers: [turn], iceTransportPolicy: 'relay' }]);
    expect(conn.ice).to.deep.equal(ices[0]);
    // Fresh credentials come with a media ticket; the policy stays the welcome's.
    const fresh = { ...turn, credential: 'second' };
    server.lastSocket!.deliver({ type: 'media-ticket', ticket: 't-2', expiresAt: server.now() + 60_000, iceServers: [fresh] });
    await waitUntil(() => ices.length === 2, 'fresh ICE servers');
    expect(ices[1]).to.deep.equal({ iceServers: [fresh], iceTransportPolicy: 'relay' });
  });

  it('asks for fresh TURN credentials before the ones it holds expire, and again before those do', async () => {
    const ices: RoomIce[] = [];
    make('tok-student', { onIce: (ice) => ices.push(ice), iceRefreshMinMs: 20 });
    server.answerHello = false;
    conn.open();
    await waitUntil(() => server.hellos().length === 1, 'hello');
    const turn = (credential: string) => ({ urls: ['turn:turn.test:3478?transport=udp'], username: '1700000000:u-student', credential });
    const asked = () => server.received.filter((m) => m.type === 'media-ticket').length;
    server.lastSocket!.deliver({ type: 'welcome', self: { ...STUDENT, peerId: 'p-1' }, snapshot: server.state, serverTime: server.now(), iceServers: [turn('first')], iceExpiresAt: server.now() + 3_600_000 });
    await waitUntil(() => conn.connected, 'welcomed');
    await aTimeout(100);
    expect(asked()).to.equal(0, 'an hour left: nothing asked yet');
    // Credentials that expire soon (a resync's, or a short TTL): asked for at four fifths of what is left.
    server.lastSocket!.deliver({ type: 'media-ticket', ticket: 't-2', expiresAt: server.now() + 60_000, iceServers: [turn('second')], iceExpiresAt: server.now() + 200 });
    await waitUntil(() => asked() === 1, 'a media ticket asked for, for its fresh ICE servers');
    server.lastSocket!.deliver({ type: 'media-ticket', ticket: 't-3', expiresAt: server.now() + 60_000, iceServers: [turn('third')], iceExpiresAt: server.now() + 200 });
    await waitUntil(() => asked() === 2, 'asked again before the third expire');
    expect(ices.map((i) => i.iceServers[0]!.credential)).to.include.members(['first', 'second', 'third']);
    conn.close();
    const before = asked();
    await aTimeout(300);
    expect(asked()).to.equal(before, 'nothing asked once closed');
  });
});
