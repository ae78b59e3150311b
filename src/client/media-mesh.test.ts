import { expect, aTimeout } from '@open-wc/testing';
import { waitUntil } from '../testing/shadow-dom.ts';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { MediaMesh, describeMediaIssue } from './media-mesh.ts';
import { FakePeer, fakePeerFactory } from '../testing/fake-peer.ts';
import { initialState } from '../protocol/reducer.ts';
import { initialBreakout } from '../protocol/breakout.ts';
import type { Participant, RoomState } from '../protocol/types.ts';

class Host implements ReactiveControllerHost {
  controllers: ReactiveController[] = [];
  addController(c: ReactiveController) {
    this.controllers.push(c);
  }
  removeController() {}
  requestUpdate() {}
  get updateComplete() {
    return Promise.resolve(true);
  }
  connect() {
    for (const c of this.controllers) c.hostConnected?.();
  }
  disconnect() {
    for (const c of this.controllers) c.hostDisconnected?.();
  }
}

function person(id: string, peerId: string | null, present = true): Participant {
  return { id, name: id, role: 'participant', present, peerId, audio: true, video: true, joinedAt: 0 };
}

function roomWith(...people: Participant[]): RoomState {
  const s = initialState('r');
  return { ...s, participants: Object.fromEntries(people.map((p) => [p.id, p])) };
}

/** The same people with breakout running: user id → breakout room id (absent: the main room). */
function inRooms(state: RoomState, location: Record<string, string>): RoomState {
  return {
    ...state,
    breakout: {
      ...initialBreakout(),
      config: { rooms: [{ id: 'r1', name: 'Room 1' }, { id: 'r2', name: 'Room 2' }], timeLimitMs: null, countdownMs: 0, assignment: 'manual' },
      status: 'running',
      location,
    },
  };
}

/** A MediaDevices stand-in: which kinds exist, and how getUserMedia fails per kind. */
function fakeDevices(opts: { audio?: boolean; video?: boolean; fail?: Partial<Record<'audio' | 'video', string>>; failTimes?: number }) {
  let failures = 0;
  const real = navigator.mediaDevices;
  const devices = [
    ...(opts.audio === false ? [] : [{ kind: 'audioinput', deviceId: 'mic-1', label: 'Fake mic', groupId: 'g' }]),
    ...(opts.video === false ? [] : [{ kind: 'videoinput', deviceId: 'cam-1', label: 'Fake cam', groupId: 'g' }]),
  ] as MediaDeviceInfo[];
  return {
    enumerateDevices: async () => devices,
    getUserMedia: async (c: MediaStreamConstraints) => {
      for (const kind of ['audio', 'video'] as const) {
        if (c[kind] && opts.fail?.[kind] && (opts.failTimes === undefined || failures++ < opts.failTimes)) {
          throw new DOMException('nope', opts.fail[kind]);
        }
      }
      return real.getUserMedia({ audio: !!c.audio, video: !!c.video });
    },
    addEventListener() {},
    removeEventListener() {},
  } as unknown as MediaDevices;
}

describe('MediaMesh: local media', () => {
  let host: Host;
  let mesh: MediaMesh;
  afterEach(() => host.disconnect());

  it('opens the fake camera and microphone and toggles tracks', async () => {
    host = new Host();
    mesh = new MediaMesh(host);
    host.connect();
    await mesh.startLocal();
    expect(mesh.hasAudio).to.equal(true);
    expect(mesh.hasVideo).to.equal(true);
    expect(mesh.issues).to.deep.equal({ audio: null, video: null });
    expect(mesh.videoInputs.length).to.be.greaterThan(0);
    mesh.setEnabled('audio', false);
    expect(mesh.localStream!.getAudioTracks()[0]!.enabled).to.equal(false);
    expect(mesh.audioOn).to.equal(false);
    mesh.setEnabled('audio', true);
    expect(mesh.audioOn).to.equal(true);
    const tracks = mesh.localStream!.getTracks();
    host.disconnect();
    expect(mesh.localStream).to.equal(null);
    expect(tracks.every((t) => t.readyState === 'ended')).to.equal(true);
  });

  it('joins audio-only when there is no camera', async () => {
    host = new Host();
    mesh = new MediaMesh(host, { mediaDevices: fakeDevices({ video: false }) });
    host.connect();
    await mesh.startLocal();
    expect(mesh.issues).to.deep.equal({ audio: null, video: 'not-found' });
    expect(mesh.hasAudio).to.equal(true);
    expect(mesh.hasVideo).to.equal(false);
    expect(describeMediaIssue('video', 'not-found')).to.equal('No camera found');
  });

  it('records a blocked camera and keeps the microphone', async () => {
    host = new Host();
    mesh = new MediaMesh(host, { mediaDevices: fakeDevices({ fail: { video: 'NotAllowedError' } }) });
    host.connect();
    await mesh.startLocal();
    expect(mesh.issues).to.deep.equal({ audio: null, video: 'blocked' });
    expect(mesh.hasAudio).to.equal(true);
    expect(describeMediaIssue('video', 'blocked')).to.equal('Camera blocked');
  });

  it('goes receive-only when both are blocked', async () => {
    host = new Host();
    mesh = new MediaMesh(host, {
      mediaDevices: fakeDevices({ fail: { video: 'NotAllowedError', audio: 'NotAllowedError' } }),
    });
    host.connect();
    await mesh.startLocal();
    expect(mesh.issues).to.deep.equal({ audio: 'blocked', video: 'blocked' });
    expect(mesh.localStream).to.equal(null);
  });

  it('reports a camera in use', async () => {
    host = new Host();
    mesh = new MediaMesh(host, { mediaDevices: fakeDevices({ fail: { video: 'NotReadableError' } }) });
    host.connect();
    await mesh.startLocal();
    expect(mesh.issues.video).to.equal('in-use');
  });

  it('tries a busy camera once more before giving up on it', async () => {
    host = new Host();
    // Fails for the combined request and the first camera-alone request, then works.
    mesh = new MediaMesh(host, { mediaDevices: fakeDevices({ fail: { video: 'NotReadableError' }, failTimes: 2 }) });
    host.connect();
    await mesh.startLocal();
    expect(mesh.issues.video).to.equal(null);
    expect(mesh.localStream?.getVideoTracks()).to.have.length(1);
  });
});

describe('MediaMesh: PeerJS mesh', () => {
  let host: Host;
  let mesh: MediaMesh;

  beforeEach(async () => {
    FakePeer.reset();
    host = new Host();
    mesh = new MediaMesh(host, { peerFactory: fakePeerFactory, iceServers: [{ urls: 'stun:stun.test' }] });
    host.connect();
    await mesh.startLocal();
  });
  afterEach(() => host.disconnect());

  /** Media tickets as the room socket hands them out: a fresh one per call. */
  let issued = 0;
  const ticket = async () => `ticket-${++issued}`;
  beforeEach(() => {
    issued = 0;
  });

  it('creates the Peer from the server URL with a fresh media ticket as key', async () => {
    mesh.connect({ peerId: 'p-m', ticket, server: 'https://rooms.example.edu' });
    await waitUntil(() => mesh.status === 'connected');
    const peer = FakePeer.last!;
    expect(peer.id).to.equal('p-m');
    expect(peer.options).to.deep.include({ host: 'rooms.example.edu', port: 443, path: '/', key: 'ticket-1', secure: true });
    expect(peer.options.config).to.deep.equal({ iceServers: [{ urls: 'stun:stun.test' }] });
    mesh.connect({ peerId: 'p-x', ticket, server: 'http://localhost:8787' });
    await waitUntil(() => FakePeer.instances.length === 2 && mesh.status === 'connected');
    expect(FakePeer.last!.options).to.deep.include({ host: 'localhost', port: 8787, secure: false, key: 'ticket-2' });
    expect(peer.destroyed).to.equal(true);
  });

  it('calls only peers that sort higher, answers the others, and keeps calls in line with presence', async () => {
    mesh.connect({ peerId: 'p-m', ticket, server: 'http://localhost:1' });
    await waitUntil(() => mesh.status === 'connected');
    const peer = FakePeer.last!;
    mesh.sync(roomWith(person('me', 'p-m'), person('a', 'p-a'), person('z', 'p-z'), person('gone', 'p-q', false), person('nopeer', null)), 'me');
    expect(peer.placed.map((c) => c.peer)).to.deep.equal(['p-z']);
    const outgoing = peer.placed[0]!;
    expect(outgoing.localStream).to.equal(mesh.localStream);

    const incoming = peer.incoming('p-a', { userId: 'a' });
    expect(incoming.answered).to.equal(true);
    expect(incoming.localStream).to.equal(mesh.localStream);

    const sa = new MediaStream();
    const sz = new MediaStream();
    incoming.deliverStream(sa);
    outgoing.deliverStream(sz);
    expect(mesh.remoteStreams.get('a')).to.equal(sa);
    expect(mesh.remoteStreams.get('z')).to.equal(sz);

    // z leaves: its call closes; a stays.
    mesh.sync(roomWith(person('me', 'p-m'), person('a', 'p-a'), person('z', null, false)), 'me');
    expect(outgoing.closed).to.equal(true);
    expect(incoming.closed).to.equal(false);
    expect([...mesh.remoteStreams.keys()]).to.deep.equal(['a']);
  });

  it('calls only the people in the same room, and follows moves between rooms', async () => {
    mesh.connect({ peerId: 'p-m', ticket, server: 'http://localhost:1' });
    await waitUntil(() => mesh.status === 'connected');
    const peer = FakePeer.last!;
    const people = roomWith(person('me', 'p-m'), person('x', 'p-x'), person('y', 'p-y'), person('z', 'p-z'));
    const open = () => peer.placed.filter((c) => !c.closed).map((c) => c.peer).sort();

    // Breakout runs: x with me in the main room, y and z in Room 1.
    mesh.sync(inRooms(people, { y: 'r1', z: 'r1' }), 'me');
    expect(open()).to.deep.equal(['p-x']);
    const toX = peer.placed[0]!;
    toX.deliverStream(new MediaStream());
    expect([...mesh.remoteStreams.keys()]).to.deep.equal(['x']);

    // I move to Room 1: the call to the main room closes, calls to Room 1 open.
    mesh.sync(inRooms(people, { me: 'r1', y: 'r1', z: 'r1' }), 'me');
    expect(toX.closed).to.equal(true);
    expect(open()).to.deep.equal(['p-y', 'p-z']);
    expect(mesh.remoteStreams.size).to.equal(0);

    // z moves on to Room 2: only that call closes.
    const toZ = peer.placed.find((c) => c.peer === 'p-z')!;
    mesh.sync(inRooms(people, { me: 'r1', y: 'r1', z: 'r2' }), 'me');
    expect(toZ.closed).to.equal(true);
    expect(open()).to.deep.equal(['p-y']);

    // Breakout ends: everyone is in the main room again.
    mesh.sync(people, 'me');
    expect(open()).to.deep.equal(['p-x', 'p-y', 'p-z']);
  });

  it('refuses at once, unanswered, a call from anyone not in its room, and calls back once they are', async () => {
    mesh.connect({ peerId: 'p-m', ticket, server: 'http://localhost:1' });
    await waitUntil(() => mesh.status === 'connected');
    const peer = FakePeer.last!;
    const people = roomWith(person('me', 'p-m'), person('a', 'p-a'), person('b', 'p-b'));
    mesh.sync(inRooms(people, { a: 'r1' }), 'me');
    const fromB = peer.incoming('p-b');
    expect(fromB.answered).to.equal(true);

    // a (a lower id, so a calls) heard of my move to Room 1 before I did: refused, no grace period.
    const fromA = peer.incoming('p-a');
    expect(fromA.answered).to.equal(false);
    expect(fromA.closed).to.equal(true);
    expect(fromA.localStream).to.equal(undefined);
    // Now I hear of it too: I call a back; b stays behind in the main room.
    mesh.sync(inRooms(people, { a: 'r1', me: 'r1' }), 'me');
    expect(fromB.closed).to.equal(true);
    const toA = peer.placed.find((c) => c.peer === 'p-a')!;
    expect(toA.closed).to.equal(false);
    // a moves away again: the call closes at once.
    mesh.sync(inRooms(people, { a: 'r2', me: 'r1' }), 'me');
    expect(toA.closed).to.equal(true);
  });

  it('puts a stream in the tile of the user the state maps the peer id to, whatever the caller claims', async () => {
    mesh.connect({ peerId: 'p-m', ticket, server: 'http://localhost:1' });
    await waitUntil(() => mesh.status === 'connected');
    const peer = FakePeer.last!;
    mesh.sync(roomWith(person('me', 'p-m'), person('host', 'p-h'), person('a', 'p-a')), 'me');
    const fromA = peer.incoming('p-a', { userId: 'host' });
    const mine = new MediaStream();
    fromA.deliverStream(mine);
    expect([...mesh.remoteStreams.entries()]).to.deep.equal([['a', mine]]);
    // A stranger claiming to be the host gets no answer and no tile.
    const stranger = peer.incoming('p-evil', { userId: 'host' });
    expect(stranger.answered).to.equal(false);
    expect(stranger.closed).to.equal(true);
    stranger.deliverStream(new MediaStream());
    expect([...mesh.remoteStreams.keys()]).to.deep.equal(['a']);
  });

  it('answers nobody while its own user is not present or the session has ended', async () => {
    mesh.connect({ peerId: 'p-m', ticket, server: 'http://localhost:1' });
    await waitUntil(() => mesh.status === 'connected');
    const peer = FakePeer.last!;
    mesh.sync(roomWith(person('me', null, false), person('a', 'p-a')), 'me');
    expect(peer.incoming('p-a').answered).to.equal(false);
    const ended = { ...roomWith(person('me', 'p-m'), person('a', 'p-a')), status: 'ended' as const };
    mesh.sync(ended, 'me');
    expect(peer.incoming('p-a').answered).to.equal(false);
    expect(mesh.remoteStreams.size).to.equal(0);
  });

  it('places receive-only calls when there is no local media', async () => {
    mesh.stopLocal();
    mesh.connect({ peerId: 'p-a', ticket, server: 'http://localhost:1' });
    await waitUntil(() => mesh.status === 'connected');
    mesh.sync(roomWith(person('me', 'p-a'), person('b', 'p-b')), 'me');
    const call = FakePeer.last!.placed[0]!;
    expect(call.localStream).to.be.instanceOf(MediaStream);
    expect(call.localStream!.getTracks()).to.have.length(0);
    expect(call.options!.constraints).to.deep.equal({ offerToReceiveAudio: true, offerToReceiveVideo: true });
  });

  it('retries a peer that was unavailable while it is still in the room', async () => {
    mesh.connect({ peerId: 'p-a', ticket, server: 'http://localhost:1' });
    await waitUntil(() => mesh.status === 'connected');
    const peer = FakePeer.last!;
    mesh.sync(roomWith(person('me', 'p-a'), person('b', 'p-b')), 'me');
    expect(peer.placed).to.have.length(1);
    peer.error('peer-unavailable', 'Could not connect to peer p-b');
    expect(peer.placed[0]!.closed).to.equal(true);
    await waitUntil(() => peer.placed.length === 2, 'retried', { timeout: 2500 });
    expect(peer.placed[1]!.peer).to.equal('p-b');
  });

  it('reconnects signaling with a fresh ticket when its socket drops (a ticket is single-use)', async () => {
    mesh.connect({ peerId: 'p-a', ticket, server: 'http://localhost:1' });
    await waitUntil(() => mesh.status === 'connected');
    const peer = FakePeer.last!;
    peer.dropSignaling();
    expect(mesh.status).to.equal('reconnecting');
    await waitUntil(() => FakePeer.instances.length === 2 && mesh.status === 'connected', 'a new Peer', { timeout: 10_000 });
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
    mesh.connect({ peerId: 'p-a', ticket: flaky, server: 'http://localhost:1' });
    await waitUntil(() => mesh.status === 'connected', 'connected', { timeout: 10_000 });
    expect(FakePeer.instances).to.have.length(1);
    expect(FakePeer.last!.options.key).to.equal('late-ticket');
  });

  it('makes a new Peer when the old one is destroyed', async () => {
    mesh.connect({ peerId: 'p-a', ticket, server: 'http://localhost:1' });
    await waitUntil(() => mesh.status === 'connected');
    FakePeer.last!.destroy();
    await waitUntil(() => FakePeer.instances.length === 2 && mesh.status === 'connected');
    expect(FakePeer.last!.id).to.equal('p-a');
  });

  it('closes everything on disconnect', async () => {
    mesh.connect({ peerId: 'p-a', ticket, server: 'http://localhost:1' });
    await waitUntil(() => mesh.status === 'connected');
    const peer = FakePeer.last!;
    mesh.sync(roomWith(person('me', 'p-a'), person('b', 'p-b')), 'me');
    host.disconnect();
    expect(peer.destroyed).to.equal(true);
    expect(peer.placed[0]!.closed).to.equal(true);
    expect(mesh.status).to.equal('off');
    expect(mesh.localStream).to.equal(null);
    await aTimeout(50);
    expect(FakePeer.instances).to.have.length(1);
  });
});
