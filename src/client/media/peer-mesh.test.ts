import { expect, aTimeout } from '@open-wc/testing';
import { RoomMedia, streamKey } from './room-media.ts';
import { FakePeer, fakePeerFactory } from '../../testing/fake-peer.ts';
import { Host } from '../../testing/controller-host.ts';
import { inRooms, person, roomWith, sharing } from '../../testing/media-fixtures.ts';
import { waitUntil } from '../../testing/shadow-dom.ts';

describe('RoomMedia: the peer mesh (cameras)', () => {
  let host: Host;
  let media: RoomMedia;

  beforeEach(async () => {
    FakePeer.reset();
    host = new Host();
    media = new RoomMedia(host, { peerFactory: fakePeerFactory, iceServers: [{ urls: 'stun:stun.test' }] });
    host.connect();
    await media.startLocal();
  });
  afterEach(() => host.disconnect());

  /** Media tickets as the room socket hands them out: a fresh one per call. */
  let issued = 0;
  const ticket = async () => `ticket-${++issued}`;
  beforeEach(() => {
    issued = 0;
  });

  it('creates the Peer from the server URL with a fresh media ticket as key', async () => {
    media.connect({ peerId: 'p-m', ticket, server: 'https://rooms.example.edu', room: 'bio-101' });
    await waitUntil(() => media.status === 'connected');
    const peer = FakePeer.last!;
    expect(peer.id).to.equal('p-m');
    expect(peer.options).to.deep.include({ host: 'rooms.example.edu', port: 443, path: '/rooms/bio-101/', key: 'ticket-1', secure: true });
    expect(peer.options.config).to.deep.equal({ iceServers: [{ urls: 'stun:stun.test' }], iceTransportPolicy: 'all' });
    media.connect({ peerId: 'p-x', ticket, server: 'http://localhost:8787', room: 'bio-101' });
    await waitUntil(() => FakePeer.instances.length === 2 && media.status === 'connected');
    expect(FakePeer.last!.options).to.deep.include({ host: 'localhost', port: 8787, secure: false, key: 'ticket-2' });
    expect(peer.destroyed).to.equal(true);
  });

  it('calls only peers that sort higher, answers the others, and keeps calls in line with presence', async () => {
    media.connect({ peerId: 'p-m', ticket, server: 'http://localhost:1', room: 'bio-101' });
    await waitUntil(() => media.status === 'connected');
    const peer = FakePeer.last!;
    media.sync(roomWith(person('me', 'p-m'), person('a', 'p-a'), person('z', 'p-z'), person('gone', 'p-q', false), person('nopeer', null)), 'me');
    expect(peer.placed.map((c) => c.peer)).to.deep.equal(['p-z']);
    const outgoing = peer.placed[0]!;
    expect(outgoing.localStream).to.equal(media.localStream);
    expect(outgoing.metadata).to.deep.equal({ source: 'camera' });

    const incoming = peer.incoming('p-a', { source: 'camera' });
    expect(incoming.answered).to.equal(true);
    expect(incoming.localStream).to.equal(media.localStream);

    const sa = new MediaStream();
    const sz = new MediaStream();
    incoming.deliverStream(sa);
    outgoing.deliverStream(sz);
    expect(media.stream('a', 'camera')).to.equal(sa);
    expect(media.stream('z', 'camera')).to.equal(sz);
    expect(media.remoteStreams.get('camera:a')).to.equal(sa);

    // z leaves: its call closes; a stays.
    media.sync(roomWith(person('me', 'p-m'), person('a', 'p-a'), person('z', null, false)), 'me');
    expect(outgoing.closed).to.equal(true);
    expect(incoming.closed).to.equal(false);
    expect([...media.remoteStreams.keys()]).to.deep.equal(['camera:a']);
  });

  it('files a received camera under its person and source: the bare user id finds nothing, and does not compile', async () => {
    media.connect({ peerId: 'p-m', ticket, server: 'http://localhost:1', room: 'bio-101' });
    await waitUntil(() => media.status === 'connected');
    const peer = FakePeer.last!;
    media.sync(roomWith(person('me', 'p-m'), person('a', 'p-a')), 'me');
    const call = peer.incoming('p-a', { source: 'camera' });
    const sa = new MediaStream();
    call.deliverStream(sa);
    expect(media.stream('a', 'camera')).to.equal(sa);
    expect(media.remoteStreams.get(streamKey('a', 'camera'))).to.equal(sa);
    // The room element once read `remoteStreams.get(p.id)`: it found nothing, so every remote tile
    // stayed empty while the calls were fine. The key's type now refuses a bare user id.
    const userId: string = 'a';
    // @ts-expect-error a stream's key names its source as well as its person
    expect(media.remoteStreams.get(userId)).to.equal(undefined);
  });

  it('takes a call without metadata (an older page) as a camera call', async () => {
    media.connect({ peerId: 'p-m', ticket, server: 'http://localhost:1', room: 'bio-101' });
    await waitUntil(() => media.status === 'connected');
    media.sync(roomWith(person('me', 'p-m'), person('a', 'p-a')), 'me');
    const incoming = FakePeer.last!.incoming('p-a');
    expect(incoming.answered).to.equal(true);
    const sa = new MediaStream();
    incoming.deliverStream(sa);
    expect(media.stream('a', 'camera')).to.equal(sa);
  });

  it('calls only the people in the same room, and follows moves between rooms', async () => {
    media.connect({ peerId: 'p-m', ticket, server: 'http://localhost:1', room: 'bio-101' });
    await waitUntil(() => media.status === 'connected');
    const peer = FakePeer.last!;
    const people = roomWith(person('me', 'p-m'), person('x', 'p-x'), person('y', 'p-y'), person('z', 'p-z'));
    const open = () => peer.openCalls('camera');

    // Breakout runs: x with me in the main room, y and z in Room 1.
    media.sync(inRooms(people, { y: 'r1', z: 'r1' }), 'me');
    expect(open()).to.deep.equal(['p-x']);
    const toX = peer.placed[0]!;
    toX.deliverStream(new MediaStream());
    expect([...media.remoteStreams.keys()]).to.deep.equal(['camera:x']);

    // I move to Room 1: the call to the main room closes, calls to Room 1 open.
    media.sync(inRooms(people, { me: 'r1', y: 'r1', z: 'r1' }), 'me');
    expect(toX.closed).to.equal(true);
    expect(open()).to.deep.equal(['p-y', 'p-z']);
    expect(media.remoteStreams.size).to.equal(0);

    // z moves on to Room 2: only that call closes.
    const toZ = peer.placed.find((c) => c.peer === 'p-z')!;
    media.sync(inRooms(people, { me: 'r1', y: 'r1', z: 'r2' }), 'me');
    expect(toZ.closed).to.equal(true);
    expect(open()).to.deep.equal(['p-y']);

    // Breakout ends: everyone is in the main room again.
    media.sync(people, 'me');
    expect(open()).to.deep.equal(['p-x', 'p-y', 'p-z']);
  });

  it('refuses at once, unanswered, a call from anyone not in its room, and calls back once they are', async () => {
    media.connect({ peerId: 'p-m', ticket, server: 'http://localhost:1', room: 'bio-101' });
    await waitUntil(() => media.status === 'connected');
    const peer = FakePeer.last!;
    const people = roomWith(person('me', 'p-m'), person('a', 'p-a'), person('b', 'p-b'));
    media.sync(inRooms(people, { a: 'r1' }), 'me');
    const fromB = peer.incoming('p-b', { source: 'camera' });
    expect(fromB.answered).to.equal(true);

    // a (a lower id, so a calls) heard of my move to Room 1 before I did: refused, no grace period.
    const fromA = peer.incoming('p-a', { source: 'camera' });
    expect(fromA.answered).to.equal(false);
    expect(fromA.closed).to.equal(true);
    expect(fromA.localStream).to.equal(undefined);
    // Now I hear of it too: I call a back; b stays behind in the main room.
    media.sync(inRooms(people, { a: 'r1', me: 'r1' }), 'me');
    expect(fromB.closed).to.equal(true);
    const toA = peer.placed.find((c) => c.peer === 'p-a')!;
    expect(toA.closed).to.equal(false);
    expect(toA.metadata).to.deep.equal({ source: 'camera' });
    // a moves away again: the call closes at once.
    media.sync(inRooms(people, { a: 'r2', me: 'r1' }), 'me');
    expect(toA.closed).to.equal(true);
  });

  it('puts a stream in the tile of the user the state maps the peer id to, whatever the caller claims', async () => {
    media.connect({ peerId: 'p-m', ticket, server: 'http://localhost:1', room: 'bio-101' });
    await waitUntil(() => media.status === 'connected');
    const peer = FakePeer.last!;
    media.sync(roomWith(person('me', 'p-m'), person('host', 'p-h'), person('a', 'p-a')), 'me');
    const fromA = peer.incoming('p-a', { userId: 'host', source: 'camera' });
    const mine = new MediaStream();
    fromA.deliverStream(mine);
    expect([...media.remoteStreams.entries()]).to.deep.equal([['camera:a', mine]]);
    // A stranger claiming to be the host gets no answer and no tile.
    const stranger = peer.incoming('p-evil', { userId: 'host', source: 'camera' });
    expect(stranger.answered).to.equal(false);
    expect(stranger.closed).to.equal(true);
    stranger.deliverStream(new MediaStream());
    expect([...media.remoteStreams.keys()]).to.deep.equal(['camera:a']);
  });

  it('answers nobody while its own user is not present or the session has ended', async () => {
    media.connect({ peerId: 'p-m', ticket, server: 'http://localhost:1', room: 'bio-101' });
    await waitUntil(() => media.status === 'connected');
    const peer = FakePeer.last!;
    media.sync(roomWith(person('me', null, false), person('a', 'p-a')), 'me');
    expect(peer.incoming('p-a').answered).to.equal(false);
    const ended = { ...roomWith(person('me', 'p-m'), person('a', 'p-a')), status: 'ended' as const };
    media.sync(ended, 'me');
    expect(peer.incoming('p-a').answered).to.equal(false);
    expect(media.remoteStreams.size).to.equal(0);
  });

  it('places receive-only calls when there is no local media', async () => {
    media.stopLocal();
    media.connect({ peerId: 'p-a', ticket, server: 'http://localhost:1', room: 'bio-101' });
    await waitUntil(() => media.status === 'connected');
    media.sync(roomWith(person('me', 'p-a'), person('b', 'p-b')), 'me');
    const call = FakePeer.last!.placed[0]!;
    expect(call.localStream).to.be.instanceOf(MediaStream);
    expect(call.localStream!.getTracks()).to.have.length(0);
    expect(call.options!.constraints).to.deep.equal({ offerToReceiveAudio: true, offerToReceiveVideo: true });
  });

  it('retries a peer that was unavailable while it is still in the room', async () => {
    media.connect({ peerId: 'p-a', ticket, server: 'http://localhost:1', room: 'bio-101' });
    await waitUntil(() => media.status === 'connected');
    const peer = FakePeer.last!;
    media.sync(roomWith(person('me', 'p-a'), person('b', 'p-b')), 'me');
    expect(peer.placed).to.have.length(1);
    peer.error('peer-unavailable', 'Could not connect to peer p-b');
    expect(peer.placed[0]!.closed).to.equal(true);
    await waitUntil(() => peer.placed.length === 2, 'retried', { timeout: 15_000 });
    expect(peer.placed[1]!.peer).to.equal('p-b');
  });

  it('closes and retries a call that neither delivers nor connects in time', async () => {
    host.disconnect();
    host = new Host();
    media = new RoomMedia(host, { peerFactory: fakePeerFactory, callTimeoutMs: 50 });
    host.connect();
    media.connect({ peerId: 'p-a', ticket, server: 'http://localhost:1', room: 'bio-101' });
    await waitUntil(() => media.status === 'connected');
    const peer = FakePeer.last!;
    media.sync(roomWith(person('me', 'p-a'), person('b', 'p-b')), 'me');
    await waitUntil(() => peer.placed.length === 2, 'retried after the watchdog', { timeout: 15_000 });
    expect(peer.placed[0]!.closed).to.equal(true);
    // One that delivers in time stays.
    peer.placed[1]!.deliverStream(new MediaStream());
    await aTimeout(200);
    expect(peer.placed).to.have.length(2);
    expect(peer.placed[1]!.closed).to.equal(false);
  });

  it('reconnects signaling with a fresh ticket when its socket drops (a ticket is single-use)', async () => {
    media.connect({ peerId: 'p-a', ticket, server: 'http://localhost:1', room: 'bio-101' });
    await waitUntil(() => media.status === 'connected');
    const peer = FakePeer.last!;
    peer.dropSignaling();
    expect(media.status).to.equal('reconnecting');
    await waitUntil(() => FakePeer.instances.length === 2 && media.status === 'connected', 'a new Peer', { timeout: 15_000 });
    expect(peer.destroyed).to.equal(true);
    expect(FakePeer.last!.options.key).to.equal('ticket-2');
    expect(FakePeer.last!.id).to.equal('p-a');
  });

  it('waits for the room socket when no ticket can be had, then connects', async () => {
    let fail = 2;
    const flaky = async () => {
      if (fail-- > 0) throw new Error('not connected');
      return 'late-ticket';
    };
    media.connect({ peerId: 'p-a', ticket: flaky, server: 'http://localhost:1', room: 'bio-101' });
    await waitUntil(() => media.status === 'connected', 'connected', { timeout: 15_000 });
    expect(FakePeer.instances).to.have.length(1);
    expect(FakePeer.last!.options.key).to.equal('late-ticket');
  });

  it('asked again while it waits to retry (the room socket is back with a fresh ticket), it tries at once', async () => {
    let ready = false;
    let asked = 0;
    const later = async () => {
      asked++;
      if (!ready) throw new Error('not connected');
      return 'fresh-ticket';
    };
    const params = { peerId: 'p-a', ticket: later, server: 'http://localhost:1', room: 'bio-101' };
    media.connect(params);
    await waitUntil(() => asked >= 3, 'retried with back-off', { timeout: 15_000 });
    await waitUntil(() => media.status === 'reconnecting');
    const before = asked;
    ready = true;
    media.connect({ ...params }); // the room's welcome, again
    expect(asked).to.equal(before + 1, 'asked for a ticket at once, not after the back-off');
    await waitUntil(() => media.status === 'connected');
    expect(FakePeer.last!.options.key).to.equal('fresh-ticket');
    expect(FakePeer.instances).to.have.length(1);
  });

  it('makes a new Peer when the old one is destroyed', async () => {
    media.connect({ peerId: 'p-a', ticket, server: 'http://localhost:1', room: 'bio-101' });
    await waitUntil(() => media.status === 'connected');
    FakePeer.last!.destroy();
    await waitUntil(() => FakePeer.instances.length === 2 && media.status === 'connected');
    expect(FakePeer.last!.id).to.equal('p-a');
  });

  it('gives up, saying why, when the signaling server refuses the key', async () => {
    const errors: string[] = [];
    host.disconnect();
    host = new Host();
    media = new RoomMedia(host, { peerFactory: fakePeerFactory, onError: (e) => errors.push(e.message) });
    host.connect();
    media.connect({ peerId: 'p-a', ticket, server: 'http://localhost:1', room: 'bio-101' });
    await waitUntil(() => media.status === 'connected');
    FakePeer.last!.error('invalid-key', 'bad ticket');
    expect(media.status).to.equal('failed');
    expect(errors).to.deep.equal(['Video calls are not available (bad ticket).']);
    FakePeer.last!.destroy();
    await aTimeout(600);
    expect(FakePeer.instances).to.have.length(1);
  });

  it('closes everything on disconnect', async () => {
    media.connect({ peerId: 'p-a', ticket, server: 'http://localhost:1', room: 'bio-101' });
    await waitUntil(() => media.status === 'connected');
    const peer = FakePeer.last!;
    media.sync(roomWith(person('me', 'p-a'), person('b', 'p-b')), 'me');
    host.disconnect();
    expect(peer.destroyed).to.equal(true);
    expect(peer.placed[0]!.closed).to.equal(true);
    expect(media.status).to.equal('off');
    expect(media.localStream).to.equal(null);
    await aTimeout(50);
    expect(FakePeer.instances).to.have.length(1);
  });
});

describe('RoomMedia: the peer mesh (shared screens)', () => {
  let host: Host;
  let media: RoomMedia;
  beforeEach(async () => {
    FakePeer.reset();
    host = new Host();
    media = new RoomMedia(host, { peerFactory: fakePeerFactory });
    host.connect();
    await media.startLocal();
    media.connect({ peerId: 'p-m', ticket: async () => 't', server: 'http://localhost:1', room: 'bio-101' });
    await waitUntil(() => media.status === 'connected');
  });
  afterEach(() => host.disconnect());

  it('keeps the camera and the screen of the same person apart', async () => {
    const peer = FakePeer.last!;
    const people = roomWith(person('me', 'p-m'), person('a', 'p-a'));
    media.sync(sharing(people, { a: null }), 'me');
    // a sorts lower: a places both calls; we send our camera on one and nothing on the other.
    const camera = peer.incoming('p-a', { source: 'camera' });
    const screen = peer.incoming('p-a', { source: 'screen' });
    expect(camera.answered).to.equal(true);
    expect(camera.localStream).to.equal(media.localStream);
    expect(screen.answered).to.equal(true);
    expect(screen.localStream).to.equal(undefined);
    const cam = new MediaStream();
    const scr = new MediaStream();
    camera.deliverStream(cam);
    screen.deliverStream(scr);
    expect(media.stream('a', 'camera')).to.equal(cam);
    expect(media.stream('a', 'screen')).to.equal(scr);
    expect([...media.remoteStreams.keys()].sort()).to.deep.equal(['camera:a', 'screen:a']);

    // a stops sharing: only the screen call closes.
    media.sync(people, 'me');
    expect(screen.closed).to.equal(true);
    expect(camera.closed).to.equal(false);
    expect(media.stream('a', 'screen')).to.equal(null);
    expect(media.stream('a', 'camera')).to.equal(cam);
  });

  it('closes unanswered a screen call from someone not sharing in its room', async () => {
    const peer = FakePeer.last!;
    // b shares in Room 1; a and I are in the main room, where nobody shares.
    const state = sharing(inRooms(roomWith(person('me', 'p-m'), person('a', 'p-a'), person('b', 'p-b')), { b: 'r1' }), { b: 'r1' });
    media.sync(state, 'me');
    for (const from of ['p-a', 'p-b', 'p-stranger']) {
      const call = peer.incoming(from, { source: 'screen', userId: 'b' });
      expect(call.answered, from).to.equal(false);
      expect(call.closed, from).to.equal(true);
      call.deliverStream(new MediaStream());
    }
    // A source nobody knows is refused too, even from someone we exchange cameras with.
    const odd = peer.incoming('p-a', { source: 'microphone' });
    expect(odd.answered).to.equal(false);
    expect(odd.closed).to.equal(true);
    expect(media.remoteStreams.size).to.equal(0);
  });

  it('calls back a sharer whose screen call came before it heard of the share', async () => {
    const peer = FakePeer.last!;
    const people = roomWith(person('me', 'p-m'), person('z', 'p-z'));
    media.sync(people, 'me');
    const early = peer.incoming('p-z', { source: 'screen' });
    expect(early.closed).to.equal(true);
    media.sync(sharing(people, { z: null }), 'me');
    const back = peer.openTo('p-z', 'screen');
    expect(back).to.have.length(1);
    expect(back[0]!.localStream!.getTracks()).to.have.length(0);
    expect(back[0]!.options!.constraints).to.deep.equal({ offerToReceiveAudio: true, offerToReceiveVideo: true });
    const scr = new MediaStream();
    back[0]!.deliverStream(scr);
    expect(media.stream('z', 'screen')).to.equal(scr);
  });
});
