/**
 * <kaltura-room>'s media on the media server, through the room socket (the fake room server, and a
 * fake media-server link, src/testing/fake-sfu-link.ts): the server's STUN/TURN servers reach
 * PeerJS and the link, frames go both ways, a reconnect makes the link start over, and the room
 * goes back to the mesh when the host unpins it.
 */
import { expect, fixture, html } from '@open-wc/testing';
import './kaltura-room.ts';
import type { KalturaRoom } from './kaltura-room.component.ts';
import { button, waitUntil } from '../../testing/shadow-dom.ts';
import { FakeRoomServer, HOST, STUDENT } from '../../testing/fake-room-server.ts';
import { FakePeer, fakePeerFactory } from '../../testing/fake-peer.ts';
import { FakeSfuLink, fakeSfuLinkFactory } from '../../testing/fake-sfu-link.ts';
import type { RoomMedia } from '../../client/media/index.ts';
import type { SfuServerMessage } from '../../protocol/types.ts';

const WAIT = { timeout: 20_000 };
const TURN = { urls: ['turn:turn.test:3478?transport=udp'], username: '1900000000:u-student', credential: 'secret-ish' };
const PAGE = { urls: 'stun:page.test:3478' };

let server: FakeRoomServer;
const mediaOf = (el: KalturaRoom) => (el as unknown as { mesh: RoomMedia }).mesh;

beforeEach(() => {
  FakePeer.reset();
  FakeSfuLink.reset();
  server = new FakeRoomServer({ room: 'bio-101', media: { sfu: true, meshLimit: 4 } }).install();
  server.addUser('tok-student', STUDENT);
  server.ice = { iceServers: [TURN], iceTransportPolicy: 'relay' };
});
afterEach(() => server.uninstall());

describe('<kaltura-room> on the media server', () => {
  it("uses the server's TURN servers, relays frames, starts the link over after a reconnect, and goes back to the mesh", async () => {
    const el = await fixture<KalturaRoom>(html`<kaltura-room server="http://rooms.test" room="bio-101" token="tok-student"
      .peerFactory=${fakePeerFactory} .iceServers=${[PAGE]}></kaltura-room>`);
    mediaOf(el).sfuLinkFactory = fakeSfuLinkFactory;
    await waitUntil(() => !mediaOf(el).acquiring && button(el, 'Join'), 'pre-join', WAIT);
    button(el, 'Join')!.click();
    await waitUntil(() => FakePeer.last?.open, 'the mesh signaling', WAIT);
    // The server's TURN first, then the page's own, and the server's relay-only policy.
    expect(FakePeer.last!.options.config).to.deep.equal({ iceServers: [TURN, PAGE], iceTransportPolicy: 'relay' });

    server.join(HOST);
    expect(server.run({ type: 'media/pin-sfu', pinned: true }, HOST).ok).to.equal(true);
    await waitUntil(() => FakeSfuLink.last, 'the media server link', WAIT);
    const link = FakeSfuLink.last!;
    expect(link.params.iceServers()).to.deep.equal([TURN, PAGE]);
    expect(link.params.iceTransportPolicy()).to.equal('relay');
    expect(link.published('camera') === mediaOf(el).localStream, 'the camera is published').to.equal(true);
    expect(link.subscribes).to.equal(1);

    // Frames both ways over the room socket.
    link.params.send({ type: 'sfu', op: 'subscribe' });
    await waitUntil(() => server.received.some((m) => m.type === 'sfu'), 'the frame at the server', WAIT);
    const offer: SfuServerMessage = { type: 'sfu', op: 'offer', sdp: 'v=0', version: 1, streams: [] };
    server.lastSocket!.deliver(offer);
    await waitUntil(() => link.handled.length === 1, 'the offer at the link', WAIT);
    expect(link.handled[0]).to.deep.equal(offer);

    // The socket drops: the media server's connections went with it, so the same link starts over.
    server.dropAll();
    const seen = () => `${server.sockets.length} sockets, ${el.status}, link handled ${JSON.stringify(link.handled.map((m) => m.op))}`;
    // At least one new socket: on a busy machine a first try may be given up on (no welcome in time).
    await waitUntil(() => server.sockets.length >= 2 && el.status === 'connected' && link.handled.length === 2, 'reconnected', WAIT).catch((e: Error) => {
      throw new Error(`${e.message} (${seen()})`);
    });
    expect(link.handled[1]).to.deep.equal({ type: 'sfu', op: 'reset', reason: 'server' });
    expect(link.closed).to.equal(false);
    expect(FakeSfuLink.instances).to.have.length(1);

    // Unpinned with few cameras: back to the mesh, the link closes, the camera stays on.
    expect(server.run({ type: 'media/pin-sfu', pinned: false }, HOST).ok).to.equal(true);
    await waitUntil(() => link.closed, 'the link closed', WAIT);
    expect(mediaOf(el).mode).to.equal('mesh');
    expect(mediaOf(el).localStream!.getTracks().every((t) => t.readyState === 'live')).to.equal(true);
  });
});
