import { expect } from '@open-wc/testing';
import { framesDecoded, SfuHarness } from '../../testing/fake-sfu.ts';
import { canvasStream } from '../../testing/media-fixtures.ts';
import { waitUntil } from '../../testing/shadow-dom.ts';

const WAIT = { timeout: 20_000 };

describe('SfuLink: publishing and receiving through the media server', () => {
  let h: SfuHarness;
  beforeEach(() => {
    h = new SfuHarness();
  });
  afterEach(() => h.close());

  it('publishes the camera and microphone with a complete offer, and the video reaches the media server', async () => {
    const { link: a } = h.link('a');
    await a.publish('camera', await h.camera());
    const [publish] = h.sfu.sentOps('a', 'publish');
    expect(publish?.source).to.equal('camera');
    // Complete SDP: the candidates are in the offer itself (no trickle).
    expect(publish!.sdp).to.match(/a=candidate:/);
    expect(publish!.sdp).to.match(/m=audio[^]*a=sendonly[^]*m=video[^]*a=sendonly/);
    await waitUntil(() => h.has('camera:a'), 'the fake gets both tracks', WAIT);
    const pc = a.publisher('camera')!;
    await waitUntil(() => pc.connectionState === 'connected', 'publisher connects', WAIT);
    const server = h.sfu.feeds.get('camera:a')!.pc;
    await waitUntil(async () => (await framesDecoded(server)) > 0, 'video frames reach the fake media server', WAIT);
  });

  it('files what it receives under person and source, with the audio receiver for the level meter', async () => {
    const { link: a } = h.link('a');
    const { link: b } = h.link('b');
    await b.publish('camera', await h.camera());
    await b.publish('screen', canvasStream());
    await waitUntil(() => h.has('camera:b') && h.has('screen:b', 1), 'b published', WAIT);
    a.subscribe();
    a.subscribe(); // idempotent
    await waitUntil(() => a.streams.size === 2, "a receives b's camera and screen", WAIT);
    expect(h.sfu.sentOps('a', 'subscribe')).to.have.length(1);
    expect([...a.streams.keys()].sort()).to.deep.equal(['camera:b', 'screen:b']);
    const cam = a.streams.get('camera:b')!;
    expect(cam.getAudioTracks()).to.have.length(1);
    expect(cam.getVideoTracks()).to.have.length(1);
    expect(a.streams.get('screen:b')!.getTracks().map((t) => t.kind)).to.deep.equal(['video']);
    expect(a.audioReceiver('b')?.track).to.equal(cam.getAudioTracks()[0]);
    expect(a.audioReceiver('nobody')).to.equal(null);
    expect(h.sfu.sentOps('a', 'answer').map((m) => m.version)).to.deep.equal([1]);
    const sub = a.subscriber!;
    await waitUntil(async () => (await framesDecoded(sub)) > 0, 'a decodes frames of b', WAIT);
  });

  it('renegotiates on the same connection: a feed the server drops takes its stream away', async () => {
    const { link: a, changes } = h.link('a');
    const { link: b } = h.link('b');
    const { link: c } = h.link('c');
    await b.publish('camera', await h.camera());
    await c.publish('camera', await h.camera());
    await waitUntil(() => h.has('camera:b') && h.has('camera:c'), 'b and c published', WAIT);
    a.subscribe();
    await waitUntil(() => a.streams.size === 2, 'a receives b and c', WAIT);
    const pc = a.subscriber!;
    const bStream = a.streams.get('camera:b')!;
    const before = changes();

    // c moved to another room: the server drops c's feed from a's subscription.
    h.sfu.receives = () => ['camera:b'];
    await h.sfu.offer('a');
    await waitUntil(() => !a.streams.has('camera:c'), "c's stream goes away", WAIT);
    expect([...a.streams.keys()]).to.deep.equal(['camera:b']);
    expect(a.subscriber).to.equal(pc);
    expect(a.streams.get('camera:b')).to.equal(bStream, 'an unchanged stream keeps its MediaStream');
    expect(changes()).to.be.greaterThan(before);
    await waitUntil(() => h.sfu.clients.get('a')!.subscriber!.answered.includes(2), 'version 2 answered', WAIT);
    expect(h.sfu.sentOps('a', 'answer').map((m) => m.version)).to.deep.equal([1, 2]);
    expect(a.audioReceiver('c')).to.equal(null);

    // c comes back: a new stream on the same connection.
    h.sfu.receives = () => ['camera:b', 'camera:c'];
    await h.sfu.offer('a');
    await waitUntil(() => a.streams.get('camera:c')?.getTracks().length === 2, 'c is back', WAIT);
    expect(a.subscriber).to.equal(pc);

    // b leaves, and this time the server keeps b's m-lines, inactive (as a media server may, to reuse
    // them), and even still lists them: nothing comes on them, so no stream shows them.
    h.sfu.dropWith = 'inactive';
    h.sfu.listInactive = true;
    h.sfu.receives = () => ['camera:c'];
    const offer = await h.sfu.offer('a');
    expect(offer.sdp).to.match(/a=inactive/);
    await waitUntil(() => !a.streams.has('camera:b'), "b's stream goes away", WAIT);
    expect([...a.streams.keys()]).to.deep.equal(['camera:c']);
    expect(a.audioReceiver('b')).to.equal(null);
  });

  it('ignores an offer older than one it has seen', async () => {
    const { link: a } = h.link('a');
    const { link: b } = h.link('b');
    await b.publish('camera', await h.camera());
    await waitUntil(() => h.has('camera:b'), 'b published', WAIT);
    a.subscribe();
    await waitUntil(() => a.streams.size === 1, 'a receives b', WAIT);
    const first = h.sfu.clients.get('a')!.subscriber!.offer!;
    h.sfu.receives = () => [];
    await h.sfu.offer('a');
    await waitUntil(() => a.streams.size === 0 && h.sfu.sentOps('a', 'answer').length === 2, 'version 2 answered', WAIT);

    // The old offer (version 1, which still lists b) arrives late, and once more as version 2.
    a.handle(first);
    a.handle({ ...first, version: 2 });
    // A fresh offer after them is answered, so the stale ones were looked at first.
    h.sfu.receives = () => ['camera:b'];
    await h.sfu.offer('a');
    await waitUntil(() => h.sfu.sentOps('a', 'answer').length >= 3, 'version 3 answered', WAIT);
    expect(h.sfu.sentOps('a', 'answer').map((m) => m.version)).to.deep.equal([1, 2, 3]);
    await waitUntil(() => a.streams.size === 1, 'b is back with version 3', WAIT);
  });

  it('on reset closes every connection, publishes again and subscribes again', async () => {
    // No asking again after a failure within the test: what happens here is the reset's doing.
    const { link: a } = h.link('a', { backoffMs: 600_000 });
    const { link: b } = h.link('b');
    await a.publish('camera', await h.camera());
    await b.publish('camera', await h.camera());
    await waitUntil(() => h.has('camera:b'), 'b published', WAIT);
    a.subscribe();
    await waitUntil(() => a.streams.size === 1 && a.publisher('camera')?.connectionState === 'connected', 'a is up', WAIT);
    const oldPub = a.publisher('camera')!;
    const oldSub = a.subscriber!;

    h.sfu.reset('a', 'moved');
    await waitUntil(
      () => h.sfu.sentOps('a', 'publish').length === 2 && h.sfu.sentOps('a', 'subscribe').length === 2,
      'a publishes and subscribes again',
      WAIT,
    );
    expect(oldPub.signalingState).to.equal('closed');
    expect(oldSub.signalingState).to.equal('closed');
    await waitUntil(() => a.streams.size === 1 && a.publisher('camera')?.connectionState === 'connected', 'a is up again', WAIT);
    expect(a.publisher('camera')).not.to.equal(oldPub);
    const server = h.sfu.feeds.get('camera:a')!.pc;
    await waitUntil(async () => (await framesDecoded(server)) > 0, 'video reaches the media server again', WAIT);
    await waitUntil(async () => (await framesDecoded(a.subscriber!)) > 0, 'a decodes b again', WAIT);
    expect(h.errors).to.deep.equal([]);
  });

  it('a reset while an offer waits or is being answered: that answer is never sent, and the new subscription is answered', async () => {
    const { link: a } = h.link('a', { backoffMs: 600_000 });
    const { link: b } = h.link('b');
    await b.publish('camera', await h.camera());
    await waitUntil(() => h.has('camera:b'), 'b published', WAIT);
    a.subscribe();
    await waitUntil(() => a.streams.size === 1, 'a receives b', WAIT);
    const answered = () => h.sfu.sentOps('a', 'answer').map((m) => m.version);
    const subscribes = () => h.sfu.sentOps('a', 'subscribe').length;

    // 1. The reset comes right behind an offer, before the link began to answer it.
    const waiting = await h.sfu.offer('a');
    h.sfu.reset('a');
    await waitUntil(() => subscribes() === 2 && a.streams.size === 1 && answered().length === 2, 'a subscribed again and receives b', WAIT);
    expect(answered()).to.deep.equal([1, waiting.version + 1]);

    // 2. The reset comes while the link is answering (between taking the offer and sending its answer).
    const pc = a.subscriber!;
    const setLocal = pc.setLocalDescription.bind(pc);
    let hit = false;
    pc.setLocalDescription = (async (d?: RTCLocalSessionDescriptionInit) => {
      hit = true;
      h.sfu.reset('a');
      await new Promise((r) => setTimeout(r, 0)); // the reset frame arrives and is handled
      return setLocal(d);
    }) as typeof pc.setLocalDescription;
    const mid = await h.sfu.offer('a');
    await waitUntil(() => subscribes() === 3 && a.streams.size === 1 && answered().length === 3, 'a subscribed again once more and receives b', WAIT);
    expect(hit).to.equal(true);
    expect(pc.signalingState).to.equal('closed');
    expect(answered()).to.deep.equal([1, waiting.version + 1, mid.version + 1]);
    await waitUntil(async () => (await framesDecoded(a.subscriber!)) > 0, 'a decodes b on the new connection', WAIT);
    expect(h.errors).to.deep.equal([]);
  });

  it('close() unpublishes what was live and leaves no open connection and no timer', async () => {
    const { link: a } = h.link('a');
    const { link: b } = h.link('b');
    await b.publish('camera', await h.camera());
    await waitUntil(() => h.has('camera:b'), 'b published', WAIT);
    await a.publish('camera', await h.camera());
    await a.publish('screen', canvasStream());
    a.subscribe();
    await waitUntil(() => a.streams.size === 1 && h.sfu.feeds.has('screen:a'), 'a is up', WAIT);
    const pcs = a.connections;
    expect(pcs).to.have.length(3);
    a.close();
    expect(pcs.map((pc) => pc.signalingState)).to.deep.equal(['closed', 'closed', 'closed']);
    expect(a.connections).to.deep.equal([]);
    expect(a.streams.size).to.equal(0);
    expect(h.sfu.sentOps('a', 'unpublish').map((m) => m.source).sort()).to.deep.equal(['camera', 'screen']);
    expect((a as unknown as { timers: { size: number } }).timers.size).to.equal(0);
    // Frames and calls after close do nothing.
    a.handle({ type: 'sfu', op: 'reset', reason: 'server' });
    await a.publish('camera', await h.camera());
    a.subscribe();
    expect(a.connections).to.deep.equal([]);
    expect(h.sfu.sentOps('a', 'publish')).to.have.length(2);
    expect(h.sfu.sentOps('a', 'subscribe')).to.have.length(1);
  });

  it('swaps a track in place, publishes a stream once, and stops on publish(source, null)', async () => {
    const { link: a } = h.link('a');
    const cam = await h.camera();
    await a.publish('camera', cam);
    await a.publish('camera', cam);
    await waitUntil(() => a.publisher('camera')?.signalingState === 'stable', 'published', WAIT);
    expect(h.sfu.sentOps('a', 'publish')).to.have.length(1);
    const pc = a.publisher('camera')!;
    const other = await h.camera();
    await a.replaceTrack('camera', other.getVideoTracks()[0]!);
    expect(pc.getSenders().find((s) => s.track?.kind === 'video')!.track).to.equal(other.getVideoTracks()[0]);
    expect(a.publisher('camera')).to.equal(pc);
    expect(h.sfu.sentOps('a', 'publish')).to.have.length(1);
    await a.publish('camera', null);
    expect(pc.signalingState).to.equal('closed');
    expect(h.sfu.sentOps('a', 'unpublish')).to.deep.equal([{ type: 'sfu', op: 'unpublish', source: 'camera' }]);
  });

  it('publishes a stream once it has a track, and again with a kind it did not send before', async () => {
    const { link: a } = h.link('a');
    const cam = await h.camera();
    const stream = new MediaStream();
    await a.publish('camera', stream);
    expect(h.sfu.sentOps('a', 'publish')).to.have.length(0);
    expect(a.publisher('camera')).to.equal(null);

    // The microphone arrives first: sound only.
    stream.addTrack(cam.getAudioTracks()[0]!);
    await a.publish('camera', stream);
    await waitUntil(() => h.has('camera:a', 1), 'sound published', WAIT);
    expect(h.sfu.sentOps('a', 'publish')).to.have.length(1);

    // Then the camera: a kind not sent yet needs a new offer.
    await a.replaceTrack('camera', cam.getVideoTracks()[0]!);
    await waitUntil(() => h.has('camera:a', 2), 'camera and sound published', WAIT);
    expect(h.sfu.sentOps('a', 'publish')).to.have.length(2);
    expect(h.sfu.sentOps('a', 'publish')[1]!.sdp).to.match(/m=audio[^]*m=video/);
  });
});
