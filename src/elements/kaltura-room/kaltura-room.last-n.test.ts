/**
 * Last-N in <kaltura-room> on the media server (a fake link, src/testing/fake-sfu-link.ts): video
 * only for the N latest speakers, plus pinned people; the others' tiles show their initials, say
 * their video is paused, and play their sound; each video is asked for in the layer its tile's
 * width needs. On the mesh nothing is paused.
 */
import { expect, fixture, html } from '@open-wc/testing';
import { setViewport } from '@web/test-runner-commands';
import './kaltura-room.ts';
import type { KalturaRoom } from './kaltura-room.component.ts';
import { layerFor, lastN } from './last-n.ts';
import { $, $$, button, waitUntil } from '../../testing/shadow-dom.ts';
import { FakeRoomServer, STUDENT } from '../../testing/fake-room-server.ts';
import { FakePeer, fakePeerFactory } from '../../testing/fake-peer.ts';
import { FakeSfuLink, fakeSfuLinkFactory } from '../../testing/fake-sfu-link.ts';
import { canvasStream } from '../../testing/media-fixtures.ts';
import type { RoomMedia } from '../../client/media/index.ts';
import type { Actor } from '../../protocol/types.ts';

const WAIT = { timeout: 20_000 };
const PAUSED = '(video paused to save bandwidth)';
const person = (name: string): Actor => ({ id: `u-${name.toLowerCase()}`, name: `${name} Other`, role: 'participant' });
const [ANN, BEN, CAM, DEE, EVE] = ['Ann', 'Ben', 'Cam', 'Dee', 'Eve'].map(person) as [Actor, Actor, Actor, Actor, Actor];
const OTHERS = [ANN, BEN, CAM, DEE, EVE];

let server: FakeRoomServer;
const mediaOf = (el: KalturaRoom) => (el as unknown as { mesh: RoomMedia }).mesh;
const tile = (el: KalturaRoom, a: Actor) => $<HTMLElement>(el, `[part~="tile"][data-user="${a.id}"]`)!;
const paused = (el: KalturaRoom, a: Actor) => !!tile(el, a)?.textContent?.includes(PAUSED);
/** The people whose tile plays their video, by first name. */
const showing = (el: KalturaRoom) =>
  OTHERS.filter((a) => {
    const v = tile(el, a)?.querySelector('video')?.srcObject as MediaStream | null | undefined;
    return !!v && v.getVideoTracks().length > 0 && !paused(el, a);
  }).map((a) => a.name.split(' ')[0]);
/** The layer each person's tile needs now, measured. */
const measured = (el: KalturaRoom, a: Actor) => layerFor(tile(el, a).getBoundingClientRect().width);

/** A camera with its sound, as the media server would send it. */
function cameraWithSound(): MediaStream {
  const stream = canvasStream();
  stream.addTrack(new AudioContext().createMediaStreamDestination().stream.getAudioTracks()[0]!);
  return stream;
}

/** An audio receiver hearing someone at `level` right now. */
const hearing = (level: number) =>
  ({
    track: { kind: 'audio' },
    getSynchronizationSources: () => [{ timestamp: performance.now(), audioLevel: level, source: 1, rtpTimestamp: 0 }],
  }) as unknown as RTCRtpReceiver;

beforeEach(async () => {
  FakePeer.reset();
  FakeSfuLink.reset();
  await setViewport({ width: 1400, height: 900 });
  server = new FakeRoomServer({ room: 'bio-101', media: { sfu: true, meshLimit: 10 } }).install();
  server.addUser('tok-student', STUDENT);
});
afterEach(() => server.uninstall());

it('picks the first N who spoke, then the stage order, and always the pinned and featured', () => {
  const others = ['a', 'b', 'c', 'd', 'e'];
  expect([...lastN(others, [], 2, [])]).to.deep.equal(['a', 'b']);
  expect([...lastN(others, ['e', 'gone', 'c'], 2, [])]).to.deep.equal(['e', 'c']);
  expect([...lastN(others, ['e'], 2, ['d', null, 'gone'])].sort()).to.deep.equal(['a', 'd', 'e']);
  expect([...lastN(others, ['e'], 0, ['d'])]).to.deep.equal(['d']);
  expect([...lastN(others, [], NaN, [])]).to.have.length(4);
  expect([layerFor(1000), layerFor(480), layerFor(479), layerFor(240), layerFor(239), layerFor(0)]).to.deep.equal(['high', 'high', 'medium', 'medium', 'low', 'low']);
});

describe('<kaltura-room> last-N on the media server', () => {
  it('decodes only the last N speakers and the pinned person, each in the layer its tile needs', async () => {
    const el = await fixture<KalturaRoom>(html`<kaltura-room server="http://rooms.test" room="bio-101" token="tok-student" last-n="2"
      .peerFactory=${fakePeerFactory}></kaltura-room>`);
    expect(el.lastN).to.equal(2);
    mediaOf(el).sfuLinkFactory = fakeSfuLinkFactory;
    await waitUntil(() => !mediaOf(el).acquiring && button(el, 'Join'), 'pre-join', WAIT);
    button(el, 'Join')!.click();
    await waitUntil(() => el.status === 'connected' && server.state.participants[STUDENT.id]?.present, 'joined', WAIT);
    for (const a of OTHERS) {
      server.join(a);
      server.run({ type: 'media/state', audio: true, video: true }, a);
    }
    await waitUntil(() => $$(el, '[part~="tile"]').length === 6, 'six tiles', WAIT);
    // On the mesh every video comes: nothing is paused.
    await el.updateComplete;
    expect(OTHERS.filter((a) => paused(el, a))).to.deep.equal([]);
    expect(FakeSfuLink.instances).to.have.length(0);

    // Past the mesh limit the room moves to the media server, which sends everyone's camera.
    server.media = { sfu: true, meshLimit: 2 };
    server.run({ type: 'media/state', audio: true, video: false }, EVE);
    server.run({ type: 'media/state', audio: true, video: true }, EVE);
    await waitUntil(() => el.roomState?.media?.mode === 'sfu', 'the media server mode', WAIT);
    await waitUntil(() => FakeSfuLink.last, 'the media server link', WAIT);
    const link = FakeSfuLink.last!;
    for (const a of OTHERS) link.deliver(a.id, 'camera', cameraWithSound());
    // Nobody spoke yet: the first two on the stage.
    await waitUntil(() => showing(el).join() === 'Ann,Ben', 'Ann and Ben shown', WAIT);
    for (const a of [CAM, DEE, EVE]) {
      expect(paused(el, a), `${a.name} paused`).to.equal(true);
      expect(tile(el, a).querySelector('[part~="avatar"]')?.textContent?.trim(), `${a.name}'s initials`).to.equal(`${a.name[0]}O`);
      // Their sound still plays.
      const sound = tile(el, a).querySelector('video')!.srcObject as MediaStream;
      expect(sound.getAudioTracks().length, `${a.name}'s sound`).to.equal(1);
    }
    await waitUntil(
      () => link.lastLayers.join() === [`${ANN.id}:${measured(el, ANN)}`, `${BEN.id}:${measured(el, BEN)}`, `${CAM.id}:off`, `${DEE.id}:off`, `${EVE.id}:off`].join(),
      'layers by tile size, off for the rest',
      WAIT,
    );

    // Eve speaks: she is one of the two latest speakers now, Ben's video pauses.
    link.receivers.set(EVE.id, hearing(0.5));
    await waitUntil(() => showing(el).join() === 'Ann,Eve', 'Eve shown instead of Ben', WAIT);
    expect(paused(el, BEN)).to.equal(true);
    link.receivers.delete(EVE.id);

    // Pinning Dee: speaker view, Dee large in high, the others in the strip in a small layer.
    button(el, 'Pin Dee Other')!.click();
    await waitUntil(() => showing(el).join() === 'Ann,Dee,Eve', 'Dee shown too', WAIT);
    await waitUntil(() => link.lastLayers.includes(`${DEE.id}:high`) && link.lastLayers.includes(`${ANN.id}:${measured(el, ANN)}`), 'Dee in high', WAIT);
    expect(measured(el, ANN)).to.not.equal('high');
    expect(link.lastLayers).to.include(`${BEN.id}:off`);
    await expect(el).to.be.accessible();

    // A larger N: everyone is decoded again.
    el.lastN = 6;
    await waitUntil(() => showing(el).length === 5, 'everyone shown', WAIT);
    await waitUntil(() => !link.lastLayers.some((l) => l.endsWith(':off')), 'nothing off', WAIT);
  });
});
