import { expect } from '@open-wc/testing';
import { MAX_ATTEMPTS, SfuLink, type SfuLinkOptions } from './sfu-link.ts';
import { encodedLayers, FakeSfu, framesDecoded } from '../../testing/fake-sfu.ts';
import { canvasStream } from '../../testing/media-fixtures.ts';
import { waitUntil } from '../../testing/shadow-dom.ts';

/** A painted canvas as a camera of `w`×`h`, with a silent microphone (for simulcast, which needs a big picture). */
function bigCamera(w = 1280, h = 720): MediaStream {
  const canvas = document.createElement('canvas');
  canvas.width = w;
  canvas.height = h;
  const g = canvas.getContext('2d')!;
  let n = 0;
  const paint = () => {
    g.fillStyle = `hsl(${(n += 7) % 360} 60% 50%)`;
    g.fillRect(0, 0, w, h);
    g.fillStyle = '#fff';
    g.fillRect((n * 13) % w, (n * 5) % h, 120, 120);
  };
  paint();
  const timer = setInterval(paint, 66);
  const video = canvas.captureStream(15);
  video.getVideoTracks()[0]!.addEventListener('ended', () => clearInterval(timer));
  painters.push(timer);
  const audio = new AudioContext();
  contexts.push(audio);
  const dest = audio.createMediaStreamDestination();
  const osc = audio.createOscillator();
  osc.connect(dest);
  osc.start();
  return new MediaStream([...dest.stream.getAudioTracks(), ...video.getVideoTracks()]);
}
const painters: ReturnType<typeof setInterval>[] = [];
const contexts: AudioContext[] = [];

const WAIT = { timeout: 20_000 };

describe('SfuLink: the browser side of the media server', () => {
  let sfu: FakeSfu;
  let links: SfuLink[];
  let streams: MediaStream[];
  let errors: { code: string; message: string }[];

  beforeEach(() => {
    sfu = new FakeSfu();
    links = [];
    streams = [];
    errors = [];
  });
  afterEach(() => {
    for (const l of links) l.close();
    sfu.close();
    for (const s of streams) for (const t of s.getTracks()) t.stop();
    for (const t of painters.splice(0)) clearInterval(t);
    for (const c of contexts.splice(0)) void c.close();
  });

  function link(userId: string, extra: Partial<SfuLinkOptions> = {}): { link: SfuLink; changes: () => number } {
    let changes = 0;
    let l: SfuLink;
    const send = sfu.connect(userId, (msg) => l.handle(msg));
    l = new SfuLink({
      send,
      iceServers: () => [],
      iceTransportPolicy: () => 'all',
      onChange: () => changes++,
      onError: (e) => errors.push(e),
      ...extra,
    });
    links.push(l);
    return { link: l, changes: () => changes };
  }

  async function camera(): Promise<MediaStream> {
    const s = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
    streams.push(s);
    return s;
  }

  it('publishes the camera and microphone with a complete offer, and the video reaches the media server', async () => {
    const { link: a } = link('a');
    await a.publish('camera', await camera());
    const [publish] = sfu.sentOps('a', 'publish');
    expect(publish?.source).to.equal('camera');
    // Complete SDP: the candidates are in the offer itself (no trickle).
    expect(publish!.sdp).to.match(/a=candidate:/);
    expect(publish!.sdp).to.match(/m=audio[^]*a=sendonly[^]*m=video[^]*a=sendonly/);
    await waitUntil(() => sfu.feeds.get('camera:a')?.tracks.length === 2, 'the fake gets both tracks', WAIT);
    const pc = a.publisher('camera')!;
    await waitUntil(() => pc.connectionState === 'connected', 'publisher connects', WAIT);
    const server = sfu.feeds.get('camera:a')!.pc;
    let frames = 0;
    await waitUntil(async () => (frames = await framesDecoded(server)) > 0, 'video frames reach the fake media server', WAIT);
    expect(frames).to.be.greaterThan(0);
  });

  it('files what it receives under person and source, with the audio receiver for the level meter', async () => {
    const { link: a } = link('a');
    const { link: b } = link('b');
    await b.publish('camera', await camera());
    await b.publish('screen', canvasStream());
    await waitUntil(() => sfu.feeds.get('camera:b')?.tracks.length === 2 && sfu.feeds.get('screen:b')?.tracks.length === 1, 'b published', WAIT);
    a.subscribe();
    a.subscribe(); // idempotent
    await waitUntil(() => a.streams.size === 2, 'a receives b\'s camera and screen', WAIT);
    expect(sfu.sentOps('a', 'subscribe')).to.have.length(1);
    expect([...a.streams.keys()].sort()).to.deep.equal(['camera:b', 'screen:b']);
    const cam = a.streams.get('camera:b')!;
    expect(cam.getAudioTracks()).to.have.length(1);
    expect(cam.getVideoTracks()).to.have.length(1);
    expect(a.streams.get('screen:b')!.getTracks().map((t) => t.kind)).to.deep.equal(['video']);
    expect(a.audioReceiver('b')?.track).to.equal(cam.getAudioTracks()[0]);
    expect(a.audioReceiver('nobody')).to.equal(null);
    expect(sfu.sentOps('a', 'answer').map((m) => m.version)).to.deep.equal([1]);
    const sub = a.subscriber!;
    await waitUntil(async () => (await framesDecoded(sub)) > 0, 'a decodes frames of b', WAIT);
  });

  it('renegotiates on the same connection: a feed the server drops takes its stream away', async () => {
    const { link: a, changes } = link('a');
    const { link: b } = link('b');
    const { link: c } = link('c');
    await b.publish('camera', await camera());
    await c.publish('camera', await camera());
    await waitUntil(() => sfu.feeds.get('camera:b')?.tracks.length === 2 && sfu.feeds.get('camera:c')?.tracks.length === 2, 'b and c published', WAIT);
    a.subscribe();
    await waitUntil(() => a.streams.size === 2, 'a receives b and c', WAIT);
    const pc = a.subscriber!;
    const bStream = a.streams.get('camera:b')!;
    const before = changes();

    // c moved to another room: the server drops c's feed from a's subscription.
    sfu.receives = () => ['camera:b'];
    await sfu.offer('a');
    await waitUntil(() => !a.streams.has('camera:c'), 'c\'s stream goes away', WAIT);
    expect([...a.streams.keys()]).to.deep.equal(['camera:b']);
    expect(a.subscriber).to.equal(pc);
    expect(a.streams.get('camera:b')).to.equal(bStream, 'an unchanged stream keeps its MediaStream');
    expect(changes()).to.be.greaterThan(before);
    await waitUntil(() => sfu.clients.get('a')!.subscriber!.answered.includes(2), 'version 2 answered', WAIT);
    expect(sfu.sentOps('a', 'answer').map((m) => m.version)).to.deep.equal([1, 2]);
    expect(a.audioReceiver('c')).to.equal(null);

    // c comes back: a new stream on the same connection.
    sfu.receives = () => ['camera:b', 'camera:c'];
    await sfu.offer('a');
    await waitUntil(() => a.streams.get('camera:c')?.getTracks().length === 2, 'c is back', WAIT);
    expect(a.subscriber).to.equal(pc);
  });

  it('ignores an offer older than one it has seen', async () => {
    const { link: a } = link('a');
    const { link: b } = link('b');
    await b.publish('camera', await camera());
    await waitUntil(() => sfu.feeds.get('camera:b')?.tracks.length === 2, 'b published', WAIT);
    a.subscribe();
    await waitUntil(() => a.streams.size === 1, 'a receives b', WAIT);
    const first = sfu.clients.get('a')!.subscriber!.offer!;
    sfu.receives = () => [];
    await sfu.offer('a');
    await waitUntil(() => a.streams.size === 0 && sfu.sentOps('a', 'answer').length === 2, 'version 2 answered', WAIT);

    // The old offer (version 1, which still lists b) arrives late, and once more with version 2.
    a.handle(first);
    a.handle({ ...first, version: 2 });
    // A fresh offer after it is still answered, so we know the stale ones were looked at first.
    sfu.receives = () => ['camera:b'];
    await sfu.offer('a');
    await waitUntil(() => sfu.sentOps('a', 'answer').length >= 3, 'version 3 answered', WAIT);
    expect(sfu.sentOps('a', 'answer').map((m) => m.version)).to.deep.equal([1, 2, 3]);
  });

  it('on reset closes every connection, publishes again and subscribes again', async () => {
    const { link: a } = link('a');
    const { link: b } = link('b');
    await a.publish('camera', await camera());
    await b.publish('camera', await camera());
    await waitUntil(() => sfu.feeds.get('camera:b')?.tracks.length === 2, 'b published', WAIT);
    a.subscribe();
    await waitUntil(() => a.streams.size === 1 && a.publisher('camera')?.connectionState === 'connected', 'a is up', WAIT);
    const oldPub = a.publisher('camera')!;
    const oldSub = a.subscriber!;

    sfu.reset('a', 'moved');
    await waitUntil(() => sfu.sentOps('a', 'publish').length === 2 && sfu.sentOps('a', 'subscribe').length === 2, 'a publishes and subscribes again', WAIT);
    expect(oldPub.signalingState).to.equal('closed');
    expect(oldSub.signalingState).to.equal('closed');
    await waitUntil(() => a.streams.size === 1 && a.publisher('camera')?.connectionState === 'connected', 'a is up again', WAIT);
    expect(a.publisher('camera')).not.to.equal(oldPub);
    const server = sfu.feeds.get('camera:a')!.pc;
    await waitUntil(async () => (await framesDecoded(server)) > 0, 'video reaches the media server again', WAIT);
    await waitUntil(async () => (await framesDecoded(a.subscriber!)) > 0, 'a decodes b again', WAIT);
    expect(errors).to.deep.equal([]);
  });

  it('tries a refused publish once more after retryAfterMs, then reports the error', async () => {
    const { link: a } = link('a');
    sfu.refusePublish = { times: 1, retryAfterMs: 100 };
    await a.publish('camera', await camera());
    await waitUntil(() => sfu.feeds.get('camera:a')?.tracks.length === 2, 'the second try is published', WAIT);
    expect(sfu.sentOps('a', 'publish')).to.have.length(2);
    expect(errors).to.deep.equal([]);

    const { link: b } = link('b');
    sfu.refusePublish = { times: 2, retryAfterMs: 100 };
    await b.publish('camera', await camera());
    await waitUntil(() => errors.length === 1, 'the second refusal is reported', WAIT);
    expect(errors[0]).to.deep.equal({ code: 'sfu-unavailable', message: 'The media server did not answer.' });
    expect(sfu.sentOps('b', 'publish')).to.have.length(2);
    expect(b.publisher('camera')).to.equal(null);
  });

  it('asks again with backoff when a connection cannot be set up, a few times, then says so', async () => {
    const { link: a } = link('a', { backoffMs: 20 });
    sfu.badAnswers = true;
    await a.publish('camera', await camera());
    await waitUntil(() => errors.some((e) => e.code === 'sfu-unavailable'), 'gives up and says so', WAIT);
    expect(sfu.sentOps('a', 'publish')).to.have.length(MAX_ATTEMPTS + 1);
    expect(errors.at(-1)).to.deep.equal({ code: 'sfu-unavailable', message: 'Could not send your camera to the media server.' });
    expect(a.publisher('camera')).to.equal(null);
  });

  it('sends the camera in three simulcast layers, highest first; the screen and simulcast:false in one', async () => {
    const { link: a } = link('a');
    await a.publish('camera', bigCamera());
    await waitUntil(() => a.publisher('camera')?.connectionState === 'connected', 'publisher connects', WAIT);
    const pc = a.publisher('camera')!;
    const video = pc.getSenders().find((s) => s.track?.kind === 'video')!;
    const encodings = video.getParameters().encodings;
    expect(encodings.map((e) => e.rid)).to.deep.equal(['h', 'm', 'l']);
    expect(encodings.map((e) => e.scaleResolutionDownBy)).to.deep.equal([1, 2, 4]);
    expect(sfu.sentOps('a', 'publish')[0]!.sdp).to.match(/a=simulcast:send h;m;l/);
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

    const { link: b } = link('b', { simulcast: false });
    await b.publish('camera', bigCamera());
    await waitUntil(() => b.publisher('camera')?.signalingState === 'stable', 'b published', WAIT);
    const bVideo = b.publisher('camera')!.getSenders().find((s) => s.track?.kind === 'video')!;
    expect(bVideo.getParameters().encodings).to.have.length(1);
    expect(sfu.sentOps('b', 'publish')[0]!.sdp).not.to.match(/a=simulcast/);
  });

  it('sends layers only when the wanted set changes, and again for streams that arrive later', async () => {
    const { link: a } = link('a');
    const { link: b } = link('b');
    await b.publish('camera', await camera());
    await waitUntil(() => sfu.feeds.get('camera:b')?.tracks.length === 2, 'b published', WAIT);
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
    expect(sfu.sentOps('a', 'layers')).to.have.length(1);
    a.setLayers([
      { userId: 'b', source: 'camera', layer: 'low' },
      { userId: 'c', source: 'camera', layer: 'off' },
    ]);
    const sent = sfu.sentOps('a', 'layers');
    expect(sent).to.have.length(2);
    expect(sent[1]!.want).to.deep.equal([
      { userId: 'b', source: 'camera', layer: 'low' },
      { userId: 'c', source: 'camera', layer: 'off' },
    ]);

    // c's camera arrives in a later offer: the same wish is said again, now that the server sends it.
    const { link: c } = link('c');
    await c.publish('camera', await camera());
    await waitUntil(() => sfu.feeds.get('camera:c')?.tracks.length === 2, 'c published', WAIT);
    await sfu.offer('a');
    await waitUntil(() => a.streams.size === 2, 'a receives c', WAIT);
    await waitUntil(() => sfu.sentOps('a', 'layers').length === 3, 'layers said again', WAIT);
    expect(sfu.sentOps('a', 'layers')[2]!.want).to.deep.equal(sent[1]!.want);
  });

  it('close() unpublishes what was live and leaves no open connection and no timer', async () => {
    const { link: a } = link('a');
    const { link: b } = link('b');
    await b.publish('camera', await camera());
    await waitUntil(() => sfu.feeds.get('camera:b')?.tracks.length === 2, 'b published', WAIT);
    await a.publish('camera', await camera());
    await a.publish('screen', canvasStream());
    a.subscribe();
    await waitUntil(() => a.streams.size === 1 && sfu.feeds.has('screen:a'), 'a is up', WAIT);
    const pcs = a.connections;
    expect(pcs).to.have.length(3);
    a.close();
    expect(pcs.map((pc) => pc.signalingState)).to.deep.equal(['closed', 'closed', 'closed']);
    expect(a.connections).to.deep.equal([]);
    expect(a.streams.size).to.equal(0);
    expect(sfu.sentOps('a', 'unpublish').map((m) => m.source).sort()).to.deep.equal(['camera', 'screen']);
    expect((a as unknown as { timers: { size: number } }).timers.size).to.equal(0);
    // Frames after close do nothing.
    a.handle({ type: 'sfu', op: 'reset', reason: 'server' });
    await a.publish('camera', await camera());
    expect(a.connections).to.deep.equal([]);
    expect(sfu.sentOps('a', 'publish')).to.have.length(2);
  });

  it('stops publishing a source on publish(source, null), and swaps tracks in place', async () => {
    const { link: a } = link('a');
    const cam = await camera();
    await a.publish('camera', cam);
    await waitUntil(() => a.publisher('camera')?.signalingState === 'stable', 'published', WAIT);
    const pc = a.publisher('camera')!;
    const other = await camera();
    await a.replaceTrack('camera', other.getVideoTracks()[0]!);
    expect(pc.getSenders().find((s) => s.track?.kind === 'video')!.track).to.equal(other.getVideoTracks()[0]);
    expect(a.publisher('camera')).to.equal(pc);
    expect(sfu.sentOps('a', 'publish')).to.have.length(1);
    await a.publish('camera', null);
    expect(pc.signalingState).to.equal('closed');
    expect(sfu.sentOps('a', 'unpublish')).to.deep.equal([{ type: 'sfu', op: 'unpublish', source: 'camera' }]);
  });
});
