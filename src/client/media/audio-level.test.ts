import { expect } from '@open-wc/testing';
import { RoomMedia } from './room-media.ts';
import { receivedLevel } from './audio-level.ts';
import { FakePeer, fakePeerFactory } from '../../testing/fake-peer.ts';
import { Host } from '../../testing/controller-host.ts';
import { person, roomWith } from '../../testing/media-fixtures.ts';
import { waitUntil } from '../../testing/shadow-dom.ts';

/** Two real peer connections in this page: `track` goes from the first to the second. */
async function loopback(track: MediaStreamTrack): Promise<[RTCPeerConnection, RTCPeerConnection]> {
  const a = new RTCPeerConnection();
  const b = new RTCPeerConnection();
  a.onicecandidate = (e) => e.candidate && void b.addIceCandidate(e.candidate);
  b.onicecandidate = (e) => e.candidate && void a.addIceCandidate(e.candidate);
  // The browser measures what it plays out, as a tile's video element does: play it (muted here).
  const player = document.createElement('audio');
  player.muted = true;
  b.ontrack = (e) => {
    player.srcObject = e.streams[0]!;
    void player.play().catch(() => undefined);
  };
  a.addTrack(track, new MediaStream([track]));
  await a.setLocalDescription(await a.createOffer());
  await b.setRemoteDescription(a.localDescription!);
  await b.setLocalDescription(await b.createAnswer());
  await a.setRemoteDescription(b.localDescription!);
  return [a, b];
}

describe('RoomMedia: audio levels', () => {
  let host: Host;
  let media: RoomMedia;
  const closing: RTCPeerConnection[] = [];
  beforeEach(async () => {
    FakePeer.reset();
    host = new Host();
    media = new RoomMedia(host, { peerFactory: fakePeerFactory });
    host.connect();
    await media.startLocal();
    media.connect({ peerId: 'p-m', ticket: async () => 't', server: 'http://localhost:1', room: 'bio-101' });
    await waitUntil(() => media.status === 'connected');
  });
  afterEach(() => {
    host.disconnect();
    for (const pc of closing.splice(0)) pc.close();
  });

  it("reads a remote person's level from what their camera call receives, without an audio graph", async () => {
    const peer = FakePeer.last!;
    media.sync(roomWith(person('me', 'p-m'), person('a', 'p-a'), person('z', 'p-z')), 'me');
    const fromA = peer.incoming('p-a', { source: 'camera' });
    expect(media.audioLevel('a')).to.equal(0);
    // The fake microphone beeps: send it over a real connection and read the level on arrival.
    const pcs = await loopback(media.localStream!.getAudioTracks()[0]!);
    closing.push(...pcs);
    fromA.peerConnection = pcs[1];
    let loudest = 0;
    await waitUntil(
      () => (loudest = Math.max(loudest, media.audioLevel('a'))) > 0.01,
      'a level above silence',
      { timeout: 20_000, interval: 20 },
    );
    expect(loudest).to.be.at.most(1);
    // z's call carries nothing yet; someone not in the room has no level.
    expect(media.audioLevel('z')).to.equal(0);
    expect(media.audioLevel('nobody')).to.equal(0);
  });

  it('counts a source silent once its last packet is old', () => {
    const stale = {
      getReceivers: () => [
        {
          track: { kind: 'audio' },
          getSynchronizationSources: () => [{ source: 1, audioLevel: 0.5, timestamp: performance.now() - 5000, rtpTimestamp: 0 }],
        },
      ],
    } as unknown as RTCPeerConnection;
    expect(receivedLevel(stale)).to.equal(0);
    const fresh = {
      getReceivers: () => [
        { track: { kind: 'video' }, getSynchronizationSources: () => [{ source: 2, audioLevel: 0.9, timestamp: performance.now(), rtpTimestamp: 0 }] },
        { track: { kind: 'audio' }, getSynchronizationSources: () => [{ source: 1, audioLevel: 0.5, timestamp: performance.now(), rtpTimestamp: 0 }] },
      ],
    } as unknown as RTCPeerConnection;
    expect(receivedLevel(fresh)).to.equal(0.5);
  });

  it('reads our own level from the microphone, and none while muted', async () => {
    media.sync(roomWith(person('me', 'p-m')), 'me');
    let loudest = 0;
    await waitUntil(
      () => (loudest = Math.max(loudest, media.audioLevel('me'))) > 0.01,
      'our own level above silence',
      { timeout: 20_000, interval: 20 },
    );
    media.setEnabled('audio', false);
    expect(media.audioLevel('me')).to.equal(0);
  });
});
