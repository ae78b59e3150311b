/**
 * RoomMedia follows the room's media mode: the mesh, or the media server's link (a fake here, see
 * src/testing/fake-sfu-link.ts), moving both ways without a rejoin and without closing the camera;
 * and the ICE servers the room's server gives reach PeerJS and the link.
 */
import { expect } from '@open-wc/testing';
import { RoomMedia } from './room-media.ts';
import { FakePeer, fakePeerFactory } from '../../testing/fake-peer.ts';
import { FakeSfuLink, fakeSfuLinkFactory } from '../../testing/fake-sfu-link.ts';
import { Host } from '../../testing/controller-host.ts';
import { canvasStream, fakeDevices, person, roomWith, sharing } from '../../testing/media-fixtures.ts';
import { waitUntil } from '../../testing/shadow-dom.ts';
import type { RoomState, SfuClientMessage } from '../../protocol/types.ts';

const WAIT = { timeout: 15_000 };
/** Object identity, asserted without printing the objects (a failing MediaStream comparison prints for ever). */
const same = (actual: unknown, expected: unknown, what: string) => expect(actual === expected, what).to.equal(true);
const onSfu = (state: RoomState): RoomState => ({ ...state, media: { mode: 'sfu', pinned: false, crowdedAt: null } });

describe('RoomMedia: mesh and media server', () => {
  let host: Host;
  let media: RoomMedia;
  let sent: SfuClientMessage[];
  let screen: MediaStream;

  function make(extra: ConstructorParameters<typeof RoomMedia>[1] = {}) {
    host = new Host();
    media = new RoomMedia(host, {
      peerFactory: fakePeerFactory,
      sfuLinkFactory: fakeSfuLinkFactory,
      sendSfu: (msg) => sent.push(msg),
      mediaDevices: fakeDevices({ display: () => screen }),
      iceServers: [{ urls: 'stun:page.test' }],
      handoverMs: 60_000,
      ...extra,
    });
    host.connect();
    return media;
  }

  async function meshUp(): Promise<FakePeer> {
    await media.startLocal();
    media.connect({ peerId: 'p-m', ticket: async () => 'ticket', server: 'http://localhost:1', room: 'bio-101' });
    await waitUntil(() => media.status === 'connected', 'signaling', WAIT);
    return FakePeer.last!;
  }

  const live = () => media.localStream!.getTracks().every((t) => t.readyState === 'live');
  const three = () => roomWith(person('me', 'p-m'), person('a', 'p-a'), person('z', 'p-z'));

  beforeEach(() => {
    FakePeer.reset();
    FakeSfuLink.reset();
    sent = [];
    screen = canvasStream();
  });
  afterEach(() => host.disconnect());

  it('moves to the media server without a rejoin, letting go of the mesh once its streams came, and back', async () => {
    make();
    const peer = await meshUp();
    media.sync(three(), 'me');
    const toZ = peer.openTo('p-z', 'camera')[0]!;
    const fromA = peer.incoming('p-a', { source: 'camera' });
    const meshA = new MediaStream();
    const meshZ = new MediaStream();
    toZ.deliverStream(meshZ);
    fromA.deliverStream(meshA);
    expect(media.mode).to.equal('mesh');
    expect(FakeSfuLink.instances).to.have.length(0);

    media.sync(onSfu(three()), 'me');
    expect(media.mode).to.equal('sfu');
    await waitUntil(() => FakeSfuLink.last, 'the link', WAIT);
    const link = FakeSfuLink.last!;
    same(link.published('camera'), media.localStream, 'the camera is published');
    same(link.published('screen') ?? null, null, 'no screen published');
    expect(link.subscribes).to.equal(1);
    // Make before break: the calls stay while the media server brings only some of the people.
    link.deliver('a', 'camera', new MediaStream());
    same(media.stream('a', 'camera'), link.streams.get('camera:a'), "a's camera from the media server");
    same(media.stream('z', 'camera'), meshZ, "z's camera still from the mesh");
    expect([...media.remoteStreams.keys()].sort()).to.deep.equal(['camera:a', 'camera:z']);
    expect(toZ.closed || fromA.closed).to.equal(false);
    const sfuZ = new MediaStream();
    link.deliver('z', 'camera', sfuZ);
    expect(toZ.closed && fromA.closed).to.equal(true);
    same(media.stream('z', 'camera'), sfuZ, "z's camera from the media server");
    same(media.remoteStreams, link.streams, 'every stream from the media server');
    // A call from a peer on the mesh now is refused: the room's media goes through the media server.
    expect(peer.incoming('p-a', { source: 'camera' }).answered).to.equal(false);
    expect(live()).to.equal(true);

    media.sync(three(), 'me');
    expect(media.mode).to.equal('mesh');
    expect(link.closed).to.equal(true);
    expect(media.remoteStreams.size).to.equal(0);
    expect(peer.openCalls('camera')).to.deep.equal(['p-a', 'p-z']);
    expect(FakePeer.instances).to.have.length(1);
    expect(live()).to.equal(true);
    expect(FakeSfuLink.instances).to.have.length(1);
  });

  it('lets go of the mesh after the handover time when the media server brings nothing', async () => {
    make({ handoverMs: 200 });
    const peer = await meshUp();
    media.sync(three(), 'me');
    const toZ = peer.openTo('p-z', 'camera')[0]!;
    toZ.deliverStream(new MediaStream());
    media.sync(onSfu(three()), 'me');
    await waitUntil(() => FakeSfuLink.last, 'the link', WAIT);
    expect(toZ.closed).to.equal(false);
    await waitUntil(() => toZ.closed, 'the mesh call to close after the handover time', WAIT);
    expect(peer.openCalls('camera')).to.deep.equal([]);
    expect(FakeSfuLink.last!.closed).to.equal(false);
  });

  it('opens no link while its user is not present, and closes it on leaving', async () => {
    make();
    await meshUp();
    media.sync(onSfu(roomWith(person('me', 'p-m', false), person('a', 'p-a'))), 'me');
    await new Promise((r) => setTimeout(r, 50));
    expect(FakeSfuLink.instances).to.have.length(0);
    media.sync(onSfu(roomWith(person('me', 'p-m'), person('a', 'p-a'))), 'me');
    await waitUntil(() => FakeSfuLink.last, 'the link', WAIT);
    media.disconnect();
    expect(FakeSfuLink.last!.closed).to.equal(true);
    expect(live()).to.equal(true);
  });

  it('publishes the screen only while the room says we share, and stops it with the capture', async () => {
    make();
    await meshUp();
    await media.startScreen();
    media.sync(onSfu(three()), 'me');
    await waitUntil(() => FakeSfuLink.last, 'the link', WAIT);
    const link = FakeSfuLink.last!;
    same(link.published('screen') ?? null, null, 'no screen published');
    media.sync(sharing(onSfu(three()), { me: null }), 'me');
    same(link.published('screen'), screen, 'the screen is published');
    media.stopScreen();
    same(link.published('screen'), null, 'the screen unpublished');
    same(link.published('camera'), media.localStream, 'the camera is published');
  });

  it('sends the new camera to the media server when the user switches devices', async () => {
    make();
    await meshUp();
    media.sync(onSfu(three()), 'me');
    await waitUntil(() => FakeSfuLink.last, 'the link', WAIT);
    await media.setDevice('video', 'cam-1');
    const camera = media.localStream!.getVideoTracks()[0]!;
    expect(FakeSfuLink.last!.replaced.length).to.equal(1);
    same(FakeSfuLink.last!.replaced[0]![1], camera, 'the new camera track goes to the media server');
  });

  it("hands the server's frames to the link and reads levels from its receivers", async () => {
    make();
    await meshUp();
    media.sync(onSfu(three()), 'me');
    await waitUntil(() => FakeSfuLink.last, 'the link', WAIT);
    const link = FakeSfuLink.last!;
    media.handleSfu({ type: 'sfu', op: 'reset', reason: 'moved' });
    expect(link.handled).to.deep.equal([{ type: 'sfu', op: 'reset', reason: 'moved' }]);
    link.receivers.set('a', {
      track: { kind: 'audio' },
      getSynchronizationSources: () => [{ timestamp: performance.now(), audioLevel: 0.5, source: 1, rtpTimestamp: 0 }],
    } as unknown as RTCRtpReceiver);
    expect(media.audioLevel('a')).to.equal(0.5);
    expect(media.audioLevel('z')).to.equal(0);
    media.setLayers([{ userId: 'a', source: 'camera', layer: 'off' }]);
    expect(link.lastLayers).to.deep.equal(['a:off']);
    link.params.send({ type: 'sfu', op: 'subscribe' });
    expect(sent).to.deep.equal([{ type: 'sfu', op: 'subscribe' }]);
  });

  it("puts the server's ICE servers, then the page's, with the server's policy, into PeerJS's config and the link's", async () => {
    make();
    const turn = { urls: ['turn:turn.test:3478?transport=udp'], username: '1700000000:me', credential: 'c' };
    media.setServerIce({ iceServers: [turn], iceTransportPolicy: 'relay' });
    const peer = await meshUp();
    expect(peer.options.config).to.deep.equal({ iceServers: [turn, { urls: 'stun:page.test' }], iceTransportPolicy: 'relay' });
    media.sync(onSfu(three()), 'me');
    await waitUntil(() => FakeSfuLink.last, 'the link', WAIT);
    expect(FakeSfuLink.last!.params.iceServers()).to.deep.equal([turn, { urls: 'stun:page.test' }]);
    expect(FakeSfuLink.last!.params.iceTransportPolicy()).to.equal('relay');
    media.iceServers = [];
    expect(media.iceServers).to.deep.equal([]);
    expect(FakeSfuLink.last!.params.iceServers()).to.deep.equal([turn]);
  });

  it('stays on the mesh without a way to reach the media server', async () => {
    make({ sendSfu: undefined });
    const peer = await meshUp();
    media.sync(onSfu(three()), 'me');
    await new Promise((r) => setTimeout(r, 50));
    expect(media.mode).to.equal('mesh');
    expect(FakeSfuLink.instances).to.have.length(0);
    expect(peer.openCalls('camera')).to.deep.equal(['p-z']);
  });
});
