import { expect } from '@open-wc/testing';
import { RoomMedia } from './room-media.ts';
import { describeMediaIssue } from './local-media.ts';
import { FakePeer, fakePeerFactory } from '../../testing/fake-peer.ts';
import { Host } from '../../testing/controller-host.ts';
import { fakeDevices, person, roomWith } from '../../testing/media-fixtures.ts';
import { waitUntil } from '../../testing/shadow-dom.ts';

describe('RoomMedia: local media', () => {
  let host: Host;
  let media: RoomMedia;
  afterEach(() => host.disconnect());

  it('opens the fake camera and microphone and toggles tracks', async () => {
    host = new Host();
    media = new RoomMedia(host);
    host.connect();
    await media.startLocal();
    expect(media.hasAudio).to.equal(true);
    expect(media.hasVideo).to.equal(true);
    expect(media.issues).to.deep.equal({ audio: null, video: null });
    expect(media.videoInputs.length).to.be.greaterThan(0);
    media.setEnabled('audio', false);
    expect(media.localStream!.getAudioTracks()[0]!.enabled).to.equal(false);
    expect(media.audioOn).to.equal(false);
    media.setEnabled('audio', true);
    expect(media.audioOn).to.equal(true);
    const tracks = media.localStream!.getTracks();
    host.disconnect();
    expect(media.localStream).to.equal(null);
    expect(tracks.every((t) => t.readyState === 'ended')).to.equal(true);
  });

  it('joins audio-only when there is no camera', async () => {
    host = new Host();
    media = new RoomMedia(host, { mediaDevices: fakeDevices({ video: false }) });
    host.connect();
    await media.startLocal();
    expect(media.issues).to.deep.equal({ audio: null, video: 'not-found' });
    expect(media.hasAudio).to.equal(true);
    expect(media.hasVideo).to.equal(false);
    expect(describeMediaIssue('video', 'not-found')).to.equal('No camera found');
  });

  it('records a blocked camera and keeps the microphone', async () => {
    host = new Host();
    media = new RoomMedia(host, { mediaDevices: fakeDevices({ fail: { video: 'NotAllowedError' } }) });
    host.connect();
    await media.startLocal();
    expect(media.issues).to.deep.equal({ audio: null, video: 'blocked' });
    expect(media.hasAudio).to.equal(true);
    expect(describeMediaIssue('video', 'blocked')).to.equal('Camera blocked');
  });

  it('goes receive-only when both are blocked', async () => {
    host = new Host();
    media = new RoomMedia(host, {
      mediaDevices: fakeDevices({ fail: { video: 'NotAllowedError', audio: 'NotAllowedError' } }),
    });
    host.connect();
    await media.startLocal();
    expect(media.issues).to.deep.equal({ audio: 'blocked', video: 'blocked' });
    expect(media.localStream).to.equal(null);
  });

  it('reports a camera in use', async () => {
    host = new Host();
    media = new RoomMedia(host, { mediaDevices: fakeDevices({ fail: { video: 'NotReadableError' } }) });
    host.connect();
    await media.startLocal();
    expect(media.issues.video).to.equal('in-use');
  });

  it('tries a busy camera once more before giving up on it', async () => {
    host = new Host();
    // Fails for the combined request and the first camera-alone request, then works.
    media = new RoomMedia(host, { mediaDevices: fakeDevices({ fail: { video: 'NotReadableError' }, failTimes: 2 }) });
    host.connect();
    await media.startLocal();
    expect(media.issues.video).to.equal(null);
    expect(media.localStream?.getVideoTracks()).to.have.length(1);
  });

  it('switches the camera in open camera calls, and leaves a shared screen alone', async () => {
    FakePeer.reset();
    host = new Host();
    const screen = document.createElement('canvas').captureStream(5);
    media = new RoomMedia(host, { peerFactory: fakePeerFactory, mediaDevices: fakeDevices({ display: () => screen }) });
    host.connect();
    await media.startLocal();
    const before = media.localStream!.getVideoTracks()[0]!;
    media.connect({ peerId: 'p-m', ticket: async () => 't', server: 'http://localhost:1', room: 'bio-101' });
    await waitUntil(() => media.status === 'connected', 'connected', { timeout: 15_000 });
    const state = { ...roomWith(person('me', 'p-m'), person('z', 'p-z')), share: { allowParticipants: false, active: [{ userId: 'me', room: null, startedAt: 0, audio: false }] } };
    await media.startScreen();
    media.sync(state, 'me');
    const peer = FakePeer.last!;
    const camera = peer.openTo('p-z', 'camera')[0]!;
    const shared = peer.openTo('p-z', 'screen')[0]!;
    // Real peer connections stand in for PeerJS's, each sending what its call was given.
    for (const call of [camera, shared]) {
      call.peerConnection = new RTCPeerConnection();
      for (const t of call.localStream!.getTracks()) call.peerConnection.addTrack(t, call.localStream!);
    }
    const videoSent = (pc: RTCPeerConnection) => pc.getSenders().find((s) => s.track?.kind === 'video')?.track;
    expect(videoSent(camera.peerConnection!)).to.equal(before);

    await media.setDevice('video', 'cam-1');
    const after = media.localStream!.getVideoTracks()[0]!;
    expect(after).to.not.equal(before);
    expect(before.readyState).to.equal('ended');
    await waitUntil(() => videoSent(camera.peerConnection!) === after, 'the camera call sends the new camera', { timeout: 15_000 });
    expect(videoSent(shared.peerConnection!)).to.equal(screen.getVideoTracks()[0]);
    camera.peerConnection!.close();
    shared.peerConnection!.close();
  });
});
