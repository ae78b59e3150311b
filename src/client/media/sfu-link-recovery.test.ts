import { expect } from '@open-wc/testing';
import { MAX_ATTEMPTS } from './sfu-link.ts';
import { encodedLayers, SfuHarness } from '../../testing/fake-sfu.ts';
import { canvasStream } from '../../testing/media-fixtures.ts';
import { waitUntil } from '../../testing/shadow-dom.ts';

const WAIT = { timeout: 20_000 };

describe('SfuLink: refusals, failures, simulcast and layers', () => {
  let h: SfuHarness;
  beforeEach(() => {
    h = new SfuHarness();
  });
  afterEach(() => h.close());

  it('tries a refused publish once more after retryAfterMs, then reports the error', async () => {
    const { link: a } = h.link('a');
    h.sfu.refusePublish = { times: 1, retryAfterMs: 100 };
    await a.publish('camera', await h.camera());
    await waitUntil(() => h.has('camera:a'), 'the second try is published', WAIT);
    expect(h.sfu.sentOps('a', 'publish')).to.have.length(2);
    expect(h.errors).to.deep.equal([]);

    const { link: b } = h.link('b');
    h.sfu.refusePublish = { times: 2, retryAfterMs: 100 };
    await b.publish('camera', await h.camera());
    await waitUntil(() => h.errors.length === 1, 'the second refusal is reported', WAIT);
    expect(h.errors[0]).to.deep.equal({ code: 'sfu-unavailable', message: 'The media server did not answer.' });
    expect(h.sfu.sentOps('b', 'publish')).to.have.length(2);
    expect(b.publisher('camera')).to.equal(null);
  });

  it('asks again with backoff when a connection cannot be set up, a few times, then says so', async () => {
    const { link: a } = h.link('a', { backoffMs: 20 });
    h.sfu.badAnswers = true;
    await a.publish('camera', await h.camera());
    await waitUntil(() => h.errors.length > 0, 'gives up and says so', WAIT);
    expect(h.sfu.sentOps('a', 'publish')).to.have.length(MAX_ATTEMPTS + 1);
    expect(h.errors).to.deep.equal([{ code: 'sfu-unavailable', message: 'Could not send your camera to the media server.' }]);
    expect(a.publisher('camera')).to.equal(null);
  });

  it('subscribes again afresh when the server drops what we receive, after the wait it names', async () => {
    const { link: a } = h.link('a');
    const { link: b } = h.link('b');
    await b.publish('camera', await h.camera());
    await waitUntil(() => h.has('camera:b'), 'b published', WAIT);
    a.subscribe();
    await waitUntil(() => a.streams.size === 1, 'a receives b', WAIT);
    const old = a.subscriber!;

    h.sfu.send('a', { type: 'sfu', op: 'error', code: 'sfu-unavailable', message: 'Try again.', retryAfterMs: 300 });
    await waitUntil(() => old.signalingState === 'closed', 'the old connection closes', WAIT);
    expect(a.streams.size).to.equal(0);
    a.subscribe(); // the caller's idempotent call does not skip the wait
    expect(h.sfu.sentOps('a', 'subscribe')).to.have.length(1);
    await waitUntil(() => h.sfu.sentOps('a', 'subscribe').length === 2, 'subscribes again', WAIT);
    await waitUntil(() => a.streams.size === 1 && a.subscriber?.connectionState === 'connected', 'receives b again', WAIT);
    expect(a.subscriber).not.to.equal(old);
    expect(h.errors).to.deep.equal([]);
  });

  it('sends the camera in three simulcast layers, highest first; the screen and simulcast:false in one', async () => {
    const { link: a } = h.link('a');
    await a.publish('camera', h.bigCamera());
    await waitUntil(() => a.publisher('camera')?.connectionState === 'connected', 'publisher connects', WAIT);
    const pc = a.publisher('camera')!;
    const video = pc.getSenders().find((s) => s.track?.kind === 'video')!;
    const encodings = video.getParameters().encodings;
    expect(encodings.map((e) => e.rid)).to.deep.equal(['h', 'm', 'l']);
    expect(encodings.map((e) => e.scaleResolutionDownBy)).to.deep.equal([1, 2, 4]);
    expect(h.sfu.sentOps('a', 'publish')[0]!.sdp).to.match(/a=simulcast:send h;m;l/);
    let layers = new Map<string, number>();
    await waitUntil(
      async () => {
        layers = await encodedLayers(pc);
        return ['h', 'm', 'l'].every((rid) => (layers.get(rid) ?? 0) > 0);
      },
      'three layers encode frames',
      WAIT,
    );
    expect([...layers.keys()].sort()).to.deep.equal(['h', 'l', 'm']);
    const audio = pc.getSenders().find((s) => s.track?.kind === 'audio')!;
    expect(audio.getParameters().encodings).to.have.length(1);

    await a.publish('screen', canvasStream());
    await waitUntil(() => a.publisher('screen')?.signalingState === 'stable', 'screen published', WAIT);
    expect(a.publisher('screen')!.getSenders()[0]!.getParameters().encodings).to.have.length(1);

    const { link: b } = h.link('b', { simulcast: false });
    await b.publish('camera', h.bigCamera());
    await waitUntil(() => b.publisher('camera')?.signalingState === 'stable', 'b published', WAIT);
    const bVideo = b.publisher('camera')!.getSenders().find((s) => s.track?.kind === 'video')!;
    expect(bVideo.getParameters().encodings).to.have.length(1);
    expect(h.sfu.sentOps('b', 'publish')[0]!.sdp).not.to.match(/a=simulcast/);
  });

  it('sends layers only when the wanted set changes, and again for streams that arrive later', async () => {
    const { link: a } = h.link('a');
    const { link: b } = h.link('b');
    await b.publish('camera', await h.camera());
    await waitUntil(() => h.has('camera:b'), 'b published', WAIT);
    a.subscribe();
    await waitUntil(() => a.streams.size === 1, 'a receives b', WAIT);
    a.setLayers([
      { userId: 'b', source: 'camera', layer: 'high' },
      { userId: 'c', source: 'camera', layer: 'off' },
    ]);
    a.setLayers([
      { userId: 'c', source: 'camera', layer: 'off' },
      { userId: 'b', source: 'camera', layer: 'high' },
    ]);
    expect(h.sfu.sentOps('a', 'layers')).to.have.length(1);
    a.setLayers([
      { userId: 'b', source: 'camera', layer: 'low' },
      { userId: 'c', source: 'camera', layer: 'off' },
    ]);
    const sent = h.sfu.sentOps('a', 'layers');
    expect(sent).to.have.length(2);
    expect(sent[1]!.want).to.deep.equal([
      { userId: 'b', source: 'camera', layer: 'low' },
      { userId: 'c', source: 'camera', layer: 'off' },
    ]);

    // c's camera arrives in a later offer: the same wish is said again, now that the server sends it.
    const { link: c } = h.link('c');
    await c.publish('camera', await h.camera());
    await waitUntil(() => h.has('camera:c'), 'c published', WAIT);
    await h.sfu.offer('a');
    await waitUntil(() => a.streams.size === 2, 'a receives c', WAIT);
    await waitUntil(() => h.sfu.sentOps('a', 'layers').length === 3, 'layers said again', WAIT);
    expect(h.sfu.sentOps('a', 'layers')[2]!.want).to.deep.equal(sent[1]!.want);
  });
});
