import { expect } from '@open-wc/testing';
import { RoomMedia } from './room-media.ts';
import { MediaIssueError } from './screen-capture.ts';
import { FakePeer, fakePeerFactory } from '../../testing/fake-peer.ts';
import { Host } from '../../testing/controller-host.ts';
import { canvasStream, fakeDevices, inRooms, person, roomWith, sharing } from '../../testing/media-fixtures.ts';
import { waitUntil } from '../../testing/shadow-dom.ts';

describe('RoomMedia: sharing a screen', () => {
  let host: Host;
  let media: RoomMedia;
  let asked: DisplayMediaStreamOptions[];
  let screen: MediaStream;
  let ended: number;

  async function connected(display: (c: DisplayMediaStreamOptions) => MediaStream | string = () => screen) {
    media = new RoomMedia(host, {
      peerFactory: fakePeerFactory,
      mediaDevices: fakeDevices({
        display: (c) => {
          asked.push(c);
          return display(c);
        },
      }),
      onScreenEnded: () => ended++,
    });
    host.connect();
    await media.startLocal();
    media.connect({ peerId: 'p-0', ticket: async () => 't', server: 'http://localhost:1', room: 'bio-101' });
    await waitUntil(() => media.status === 'connected');
    return FakePeer.last!;
  }

  beforeEach(() => {
    FakePeer.reset();
    host = new Host();
    asked = [];
    ended = 0;
    screen = canvasStream();
  });
  afterEach(() => host.disconnect());

  // me shares in the main room with a and b; c is in Room 1. My peer id sorts first: I place every call.
  const people = roomWith(person('me', 'p-0'), person('a', 'p-a'), person('b', 'p-b'), person('c', 'p-c'));
  const start = sharing(inRooms(people, { c: 'r1' }), { me: null });

  it('sends the screen to exactly the people in its room, one call each, and follows moves', async () => {
    const peer = await connected();
    expect(await media.startScreen()).to.equal(screen);
    expect(media.screen).to.equal(screen);
    expect(asked).to.deep.equal([{ video: true, audio: false }]);
    // Captured, but the room does not say we share yet: nobody gets it.
    media.sync(inRooms(people, { c: 'r1' }), 'me');
    expect(peer.openCalls('screen')).to.deep.equal([]);

    media.sync(start, 'me');
    expect(peer.openCalls('screen')).to.deep.equal(['p-a', 'p-b']);
    for (const call of peer.placed.filter((c) => c.source === 'screen')) {
      expect(call.metadata).to.deep.equal({ source: 'screen' });
      expect(call.localStream).to.equal(screen);
    }
    const toB = peer.openTo('p-b', 'screen')[0]!;

    // b moves to Room 1 and c comes back: b's screen call closes, c gets one.
    media.sync(sharing(inRooms(people, { b: 'r1' }), { me: null }), 'me');
    expect(toB.closed).to.equal(true);
    expect(peer.openCalls('screen')).to.deep.equal(['p-a', 'p-c']);
    // Cameras follow the same room: a and c.
    expect(peer.openCalls('camera')).to.deep.equal(['p-a', 'p-c']);
  });

  it('answers a viewer who calls for the screen with it, and refuses anyone else', async () => {
    const peer = await connected();
    await media.startScreen();
    media.sync(start, 'me');
    const ours = peer.openTo('p-a', 'screen')[0]!;
    const fromA = peer.incoming('p-a', { source: 'screen' });
    expect(fromA.answered).to.equal(true);
    expect(fromA.localStream).to.equal(screen);
    expect(ours.closed).to.equal(true);
    // c is in another room: no screen for c.
    const fromC = peer.incoming('p-c', { source: 'screen' });
    expect(fromC.answered).to.equal(false);
    expect(fromC.closed).to.equal(true);
    // Whatever a viewer sends on a screen call is not someone's screen.
    fromA.deliverStream(new MediaStream());
    expect(media.stream('a', 'screen')).to.equal(null);
  });

  it('stopScreen stops the capture and closes the screen calls only', async () => {
    const peer = await connected();
    await media.startScreen();
    media.sync(start, 'me');
    const cameras = peer.openCalls('camera');
    expect(cameras).to.deep.equal(['p-a', 'p-b']);
    expect(peer.openCalls('screen')).to.have.length(2);
    media.stopScreen();
    expect(media.screen).to.equal(null);
    expect(screen.getTracks().every((t) => t.readyState === 'ended')).to.equal(true);
    expect(peer.openCalls('screen')).to.deep.equal([]);
    expect(peer.openCalls('camera')).to.deep.equal(cameras);
    expect(ended).to.equal(0);
  });

  it("notices at once when the browser's own Stop sharing ends the capture", async () => {
    const peer = await connected();
    await media.startScreen();
    media.sync(start, 'me');
    expect(peer.openCalls('screen')).to.have.length(2);
    // What the browser does when its "Stop sharing" bar is used: the track ends and says so.
    const track = screen.getVideoTracks()[0]!;
    track.stop();
    track.dispatchEvent(new Event('ended'));
    expect(ended).to.equal(1);
    expect(media.screen).to.equal(null);
    expect(peer.openCalls('screen')).to.deep.equal([]);
    expect(peer.openCalls('camera')).to.deep.equal(['p-a', 'p-b']);
  });

  it('asks for the audio when told to, and shares one capture at a time', async () => {
    await connected();
    const [first, second] = await Promise.all([media.startScreen({ audio: true }), media.startScreen({ audio: true })]);
    expect(first).to.equal(screen);
    expect(second).to.equal(screen);
    expect(asked).to.deep.equal([{ video: true, audio: true }]);
    expect(await media.startScreen()).to.equal(screen);
    expect(asked).to.have.length(1);
  });

  it('rejects with blocked when the user cancels the picker', async () => {
    await connected(() => 'NotAllowedError');
    const error = await media.startScreen().then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(MediaIssueError);
    expect((error as MediaIssueError).code).to.equal('blocked');
    expect(media.screen).to.equal(null);
  });

  it('rejects with unsupported where the browser cannot capture a screen', async () => {
    media = new RoomMedia(host, { peerFactory: fakePeerFactory, mediaDevices: fakeDevices({}) });
    host.connect();
    const error = await media.startScreen().then(
      () => null,
      (e: unknown) => e,
    );
    expect((error as MediaIssueError).code).to.equal('unsupported');
  });

  it('stops the capture when the element leaves the page', async () => {
    await connected();
    await media.startScreen();
    host.disconnect();
    expect(media.screen).to.equal(null);
    expect(screen.getTracks().every((t) => t.readyState === 'ended')).to.equal(true);
    expect(ended).to.equal(0);
  });

  it("captures a real screen with the browser's own getDisplayMedia, sound included", async () => {
    media = new RoomMedia(host, { peerFactory: fakePeerFactory, onScreenEnded: () => ended++ });
    host.connect();
    const real = await media.startScreen({ audio: true });
    expect(real.getVideoTracks()).to.have.length(1);
    expect(real.getVideoTracks()[0]!.readyState).to.equal('live');
    expect(real.getAudioTracks()).to.have.length(1);
    const video = real.getVideoTracks()[0]!;
    video.stop();
    video.dispatchEvent(new Event('ended'));
    expect(ended).to.equal(1);
    expect(media.screen).to.equal(null);
    expect(real.getTracks().every((t) => t.readyState === 'ended')).to.equal(true);
  });
});
