/**
 * Test helper: the room server and the media server in one, for `SfuLink` tests. It speaks the
 * `sfu` frames of the room socket and does the media server's part with real RTCPeerConnections on
 * the same page: it answers publish offers (receiving the published tracks), and makes subscription
 * offers that forward those tracks to each subscriber, renegotiating on the same connection as
 * feeds come and go, the way Janus does (a dropped feed's transceiver is stopped, its m-line
 * rejected). Tests can also send `reset` and `error`, and replay old frames. Not part of the library.
 */
import { SfuLink, type SfuLinkOptions } from '../client/media/sfu-link.ts';
import type { MediaSource, SfuClientMessage, SfuServerMessage, SfuStream } from '../protocol/types.ts';

export type FeedKey = `${MediaSource}:${string}`;

export interface FakeFeed {
  userId: string;
  source: MediaSource;
  /** The fake's receiving side of the publisher's connection. */
  pc: RTCPeerConnection;
  /** Tracks received from the publisher (audio and/or video). */
  tracks: MediaStreamTrack[];
}

interface Forwarded {
  feed: FeedKey;
  kind: 'audio' | 'video';
  transceiver: RTCRtpTransceiver;
}

export interface FakeSubscriber {
  pc: RTCPeerConnection;
  version: number;
  forwarded: Forwarded[];
  /** Dropped feeds whose transceivers were made inactive. */
  inactive: Forwarded[];
  /** The last offer frame sent. */
  offer: Extract<SfuServerMessage, { op: 'offer' }> | null;
  /** Versions the browser answered. */
  answered: number[];
}

export interface FakeClient {
  userId: string;
  /** Frames this client sent, in order. */
  sent: SfuClientMessage[];
  /** Frames the fake sent this client, in order. */
  received: SfuServerMessage[];
  deliver: (msg: SfuServerMessage) => void;
  subscriber: FakeSubscriber | null;
  /** The last offer version sent to this client (versions only grow, as on the server). */
  version: number;
}

const gathered = (pc: RTCPeerConnection) =>
  pc.iceGatheringState === 'complete'
    ? Promise.resolve()
    : new Promise<void>((resolve) => {
        const check = () => {
          if (pc.iceGatheringState !== 'complete') return;
          pc.removeEventListener('icegatheringstatechange', check);
          resolve();
        };
        pc.addEventListener('icegatheringstatechange', check);
      });

/** Add the lines that make a receiving answer accept `rids` as simulcast layers of its video. */
export function acceptSimulcast(answer: string, offer: string): string {
  const rids = [...offer.matchAll(/^a=rid:(\S+) send/gm)].map((m) => m[1]!);
  if (rids.length < 2) return answer;
  const sections = answer.split(/(?=^m=)/m);
  return sections
    .map((s) =>
      s.startsWith('m=video') && !/a=simulcast/.test(s)
        ? `${s.trimEnd()}\r\n${rids.map((r) => `a=rid:${r} recv`).join('\r\n')}\r\na=simulcast:recv ${rids.join(';')}\r\n`
        : s,
    )
    .join('');
}

export class FakeSfu {
  readonly clients = new Map<string, FakeClient>();
  readonly feeds = new Map<FeedKey, FakeFeed>();
  /** Who receives which feeds; default: every feed of everyone else. */
  receives: (userId: string) => FeedKey[] = (userId) => [...this.feeds.keys()].filter((k) => this.feeds.get(k)!.userId !== userId);
  /** Answer publish offers accepting simulcast (so the sender keeps its layers). */
  simulcast = true;
  /** Every connection the fake ever made (to check they close). */
  readonly made: RTCPeerConnection[] = [];
  /** Make `subscribe` wait for the test to call `offer()` instead of offering at once. */
  manualOffers = false;
  /** Refuse this many publish frames with this error (then accept them). */
  refusePublish: { times: number; retryAfterMs?: number } = { times: 0 };
  /** How a dropped feed leaves a subscription: its transceiver stopped (m-line rejected) or made inactive. */
  dropWith: 'stop' | 'inactive' = 'stop';
  /** Still list the inactive ones in the offer's `streams` (a careless server): the browser must not show them. */
  listInactive = false;
  /** Answer publish offers with SDP the browser cannot use. */
  badAnswers = false;

  /** A browser connects: returns the `send` function its link uses. */
  connect(userId: string, deliver: (msg: SfuServerMessage) => void): (msg: SfuClientMessage) => void {
    const client: FakeClient = { userId, sent: [], received: [], deliver, subscriber: null, version: 0 };
    this.clients.set(userId, client);
    return (msg) => {
      client.sent.push(msg);
      void this.receive(client, msg);
    };
  }

  /** Send a frame to a client (as the room socket would). */
  send(userId: string, msg: SfuServerMessage): void {
    const client = this.clients.get(userId)!;
    client.received.push(msg);
    // Asynchronously, like a socket.
    queueMicrotask(() => client.deliver(msg));
  }

  /** Frames of one op that a client sent. */
  sentOps<Op extends SfuClientMessage['op']>(userId: string, op: Op): Extract<SfuClientMessage, { op: Op }>[] {
    return (this.clients.get(userId)?.sent ?? []).filter((m): m is Extract<SfuClientMessage, { op: Op }> => m.op === op);
  }

  private pc(): RTCPeerConnection {
    const pc = new RTCPeerConnection();
    this.made.push(pc);
    return pc;
  }

  private async receive(client: FakeClient, msg: SfuClientMessage): Promise<void> {
    switch (msg.op) {
      case 'publish':
        return this.publish(client, msg.source, msg.sdp);
      case 'unpublish': {
        const key: FeedKey = `${msg.source}:${client.userId}`;
        this.feeds.get(key)?.pc.close();
        this.feeds.delete(key);
        return;
      }
      case 'subscribe':
        // As the server does: a subscribe starts afresh (a new handle, a new connection).
        client.subscriber?.pc.close();
        client.subscriber = null;
        if (!this.manualOffers) await this.offer(client.userId);
        return;
      case 'answer': {
        const sub = client.subscriber;
        if (!sub || msg.version !== sub.version) return;
        sub.answered.push(msg.version);
        await sub.pc.setRemoteDescription({ type: 'answer', sdp: msg.sdp });
        return;
      }
      case 'layers':
        return;
    }
  }

  private async publish(client: FakeClient, source: MediaSource, sdp: string): Promise<void> {
    if (this.refusePublish.times > 0) {
      this.refusePublish.times--;
      const { retryAfterMs } = this.refusePublish;
      this.send(client.userId, {
        type: 'sfu',
        op: 'error',
        code: 'sfu-unavailable',
        message: 'The media server did not answer.',
        source,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      });
      return;
    }
    if (this.badAnswers) {
      this.send(client.userId, { type: 'sfu', op: 'published', source, sdp: 'v=0\r\nnot an answer\r\n' });
      return;
    }
    const key: FeedKey = `${source}:${client.userId}`;
    this.feeds.get(key)?.pc.close();
    const pc = this.pc();
    const feed: FakeFeed = { userId: client.userId, source, pc, tracks: [] };
    this.feeds.set(key, feed);
    pc.addEventListener('track', (e) => {
      if (!feed.tracks.includes(e.track)) feed.tracks.push(e.track);
    });
    await pc.setRemoteDescription({ type: 'offer', sdp });
    await pc.setLocalDescription(await pc.createAnswer());
    await gathered(pc);
    const answer = this.simulcast ? acceptSimulcast(pc.localDescription!.sdp, sdp) : pc.localDescription!.sdp;
    this.send(client.userId, { type: 'sfu', op: 'published', source, sdp: answer });
  }

  /**
   * Offer `userId` what `receives()` gives them now, on their one subscription connection: new
   * feeds get transceivers, feeds no longer given have theirs stopped. Resolves with the frame sent.
   */
  async offer(userId: string): Promise<Extract<SfuServerMessage, { op: 'offer' }>> {
    const client = this.clients.get(userId)!;
    const sub = (client.subscriber ??= { pc: this.pc(), version: 0, forwarded: [], inactive: [], offer: null, answered: [] });
    const wanted = new Set(this.receives(userId));
    for (const f of [...sub.forwarded]) {
      const track = wanted.has(f.feed) ? this.feeds.get(f.feed)?.tracks.find((t) => t.kind === f.kind) : undefined;
      if (track) {
        // The same feed published again (after a reset, say): forward its new track.
        if (f.transceiver.sender.track !== track) await f.transceiver.sender.replaceTrack(track);
        continue;
      }
      if (this.dropWith === 'stop') f.transceiver.stop();
      else {
        f.transceiver.direction = 'inactive';
        sub.inactive.push(f);
      }
      sub.forwarded.splice(sub.forwarded.indexOf(f), 1);
    }
    for (const key of wanted) {
      const feed = this.feeds.get(key);
      for (const track of feed?.tracks ?? []) {
        if (sub.forwarded.some((f) => f.feed === key && f.kind === track.kind)) continue;
        const transceiver = sub.pc.addTransceiver(track, { direction: 'sendonly' });
        sub.forwarded.push({ feed: key, kind: track.kind as 'audio' | 'video', transceiver });
      }
    }
    await sub.pc.setLocalDescription(await sub.pc.createOffer());
    await gathered(sub.pc);
    sub.version = ++client.version;
    const listed = this.listInactive ? [...sub.forwarded, ...sub.inactive] : sub.forwarded;
    const streams: SfuStream[] = listed.map((f) => {
      const feed = this.feeds.get(f.feed);
      const [source, ...rest] = f.feed.split(':') as [MediaSource, ...string[]];
      return { mid: f.transceiver.mid!, userId: feed?.userId ?? rest.join(':'), source, kind: f.kind };
    });
    const msg = { type: 'sfu', op: 'offer', sdp: sub.pc.localDescription!.sdp, version: sub.version, streams } as const;
    sub.offer = { ...msg, streams: [...streams] };
    this.send(userId, sub.offer);
    return sub.offer;
  }

  /** Drop everything of `userId` on the server side and tell their browser to start again. */
  reset(userId: string, reason: 'moved' | 'server' = 'server'): void {
    const client = this.clients.get(userId)!;
    for (const [key, feed] of this.feeds) {
      if (feed.userId !== userId) continue;
      feed.pc.close();
      this.feeds.delete(key);
    }
    client.subscriber?.pc.close();
    client.subscriber = null;
    this.send(userId, { type: 'sfu', op: 'reset', reason });
  }

  /** Close every connection the fake made. */
  close(): void {
    for (const pc of this.made) pc.close();
    this.feeds.clear();
    this.clients.clear();
  }
}

/** Inbound video frames decoded on `pc` so far. */
export async function framesDecoded(pc: RTCPeerConnection): Promise<number> {
  let n = 0;
  for (const s of (await pc.getStats()).values()) if (s.type === 'inbound-rtp' && s.kind === 'video') n += s.framesDecoded ?? 0;
  return n;
}

/** Outbound video streams of `pc` that encoded frames, by rid (or '' without simulcast). */
export async function encodedLayers(pc: RTCPeerConnection): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const s of (await pc.getStats()).values()) {
    if (s.type === 'outbound-rtp' && s.kind === 'video') out.set(s.rid ?? '', s.framesEncoded ?? 0);
  }
  return out;
}

/**
 * The usual setup of an SfuLink test: a fake media server, links wired to it as users, their
 * errors, and the cameras they opened; `close()` undoes it all.
 */
export class SfuHarness {
  readonly sfu = new FakeSfu();
  readonly links: SfuLink[] = [];
  readonly errors: { code: string; message: string }[] = [];
  private readonly opened: MediaStream[] = [];
  private readonly painters: ReturnType<typeof setInterval>[] = [];
  private readonly contexts: AudioContext[] = [];

  /** A link for `userId`, wired to the fake; `changes()` counts its onChange calls. */
  link(userId: string, extra: Partial<SfuLinkOptions> = {}): { link: SfuLink; changes: () => number } {
    let changes = 0;
    const holder: { link?: SfuLink } = {};
    const send = this.sfu.connect(userId, (msg) => holder.link!.handle(msg));
    const link = (holder.link = new SfuLink({
      send,
      iceServers: () => [],
      iceTransportPolicy: () => 'all',
      onChange: () => changes++,
      onError: (e) => this.errors.push(e),
      ...extra,
    }));
    this.links.push(link);
    return { link, changes: () => changes };
  }

  /** The fake camera and microphone. */
  async camera(): Promise<MediaStream> {
    const s = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
    this.opened.push(s);
    return s;
  }

  /** A painted canvas as a camera of `w`×`h` (simulcast needs a big picture), with a tone as its microphone. */
  bigCamera(w = 1280, h = 720): MediaStream {
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
    this.painters.push(setInterval(paint, 66));
    const audio = new AudioContext();
    this.contexts.push(audio);
    const dest = audio.createMediaStreamDestination();
    const osc = audio.createOscillator();
    osc.connect(dest);
    osc.start();
    const s = new MediaStream([...dest.stream.getAudioTracks(), ...canvas.captureStream(15).getVideoTracks()]);
    this.opened.push(s);
    return s;
  }

  /** Has `key` been published to the fake with `n` tracks? */
  has(key: FeedKey, n = 2): boolean {
    return this.sfu.feeds.get(key)?.tracks.length === n;
  }

  close(): void {
    for (const l of this.links) l.close();
    this.sfu.close();
    for (const s of this.opened) for (const t of s.getTracks()) t.stop();
    for (const t of this.painters) clearInterval(t);
    for (const c of this.contexts) void c.close();
  }
}
