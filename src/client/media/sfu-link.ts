/**
 * The browser's link to the media server (SFU), spoken over the room socket: the browser never
 * talks to the media server's API, the room server does that on its behalf (see the `sfu` frames
 * in protocol/types.ts).
 *
 * - Publishing: one sendonly RTCPeerConnection per source. The camera source carries the camera
 *   video (in three simulcast layers unless `simulcast` is false) and the microphone; the screen
 *   source its video and sound, if any, without simulcast. The offer is sent once ICE gathering is
 *   complete (or after 5 s with what there is): the media server gets complete SDP, no trickle.
 * - Receiving: one receive-only RTCPeerConnection. Each server `offer` (numbered by `version`) is
 *   answered on that same connection; an older version than one already seen is ignored. The
 *   offer's `streams` say which transceiver (mid) carries whose what; `streams` holds one
 *   MediaStream per person and source.
 * - `reset` from the server closes everything and publishes and subscribes again. A publish refused
 *   with `retryAfterMs` is tried once more after that long; a connection that fails is asked for
 *   again with backoff, a few times, then `onError`.
 */
import type { MediaSource, SfuClientMessage, SfuLayer, SfuServerMessage, SfuStream } from '../../protocol/types.ts';
import type { StreamKey } from './peer-mesh.ts';
import { canonicalLayers, closePc, publisherPc, receivedStreams, sameStreams, Timers, type LayerWant } from './sfu-peer.ts';

export interface SfuLinkOptions {
  /** Sends a frame over the room socket. */
  send: (msg: SfuClientMessage) => void;
  iceServers: () => RTCIceServer[];
  iceTransportPolicy: () => RTCIceTransportPolicy;
  /** Streams or status changed. */
  onChange: () => void;
  onError?: (error: { code: string; message: string }) => void;
  /** Default true: the camera is sent in three layers (rids h, m, l; see CAMERA_LAYERS). */
  simulcast?: boolean;
  /** First wait before asking again for a failed connection (doubles each time). Default 1 s. */
  backoffMs?: number;
}

/** How many times a failed connection is asked for again before `onError`. */
export const MAX_ATTEMPTS = 3;

interface Publisher {
  pc: RTCPeerConnection;
  /** `publish` frames sent for this source not yet answered (`published` or `error`). */
  pending: number;
  /** We sent `publish` for it (so `close()` unpublishes). */
  sent: boolean;
}

interface Subscription {
  pc: RTCPeerConnection;
  streams: SfuStream[];
}

export class SfuLink {
  /** Remote streams keyed `${source}:${userId}`; a new map on every change. */
  streams: ReadonlyMap<StreamKey, MediaStream> = new Map();

  private readonly options: SfuLinkOptions;
  private readonly timers = new Timers();
  private closed = false;
  /** What we publish, by source (kept across resets and failures). */
  private readonly wanted = new Map<MediaSource, MediaStream>();
  private readonly publishers = new Map<MediaSource, Publisher>();
  /** The retry after `retryAfterMs` was used, per source (cleared once published). */
  private readonly retried = new Set<MediaSource>();
  private readonly failures = new Map<MediaSource | 'subscription', number>();
  private readonly retryTimers = new Map<MediaSource | 'subscription', ReturnType<typeof setTimeout>>();

  private subscribed = false;
  private subscribeSent = false;
  private sub: Subscription | null = null;
  /** The newest offer version seen since we (re)subscribed; older ones are stale. */
  private lastVersion = -1;
  private offers: Promise<void> = Promise.resolve();
  private audio = new Map<string, RTCRtpReceiver>();

  private layers: LayerWant[] = [];
  private layersSent: string | null = null;

  constructor(options: SfuLinkOptions) {
    this.options = options;
  }

  private get config(): RTCConfiguration {
    return { iceServers: this.options.iceServers(), iceTransportPolicy: this.options.iceTransportPolicy() };
  }

  /**
   * Publish (or change) `source`; null stops publishing it. Camera = the local camera+mic stream.
   * Publishing the stream already published (or waiting to be tried again) does nothing; after the
   * link gave up on it, or when it had no track yet, it is tried again.
   */
  async publish(source: MediaSource, stream: MediaStream | null): Promise<void> {
    if (this.closed) return;
    if (!stream) {
      if (!this.wanted.delete(source)) return;
      this.stopPublisher(source, true);
      return;
    }
    const current = this.publishers.get(source);
    // Already ours (published, on its way, or waiting to be tried again): nothing to do.
    if (this.wanted.get(source) === stream && (current || this.retryTimers.has(source))) return;
    if (current && this.sameKinds(current.pc, stream)) {
      // The same kinds of track: swap them in place, no renegotiation.
      this.wanted.set(source, stream);
      for (const track of stream.getTracks()) await this.replaceTrack(source, track);
      return;
    }
    this.wanted.set(source, stream);
    this.retried.delete(source);
    this.failures.delete(source);
    await this.startPublisher(source);
  }

  /** Send `track` instead of the current one of its kind; a kind not sent yet is published anew. */
  async replaceTrack(source: MediaSource, track: MediaStreamTrack): Promise<void> {
    if (this.closed) return;
    const stream = this.wanted.get(source);
    if (!stream) return;
    const pub = this.publishers.get(source);
    // A transceiver's receiver track has the kind it was made for, whatever its sender sends now.
    const sender = pub?.pc.getTransceivers().find((t) => t.receiver.track.kind === track.kind)?.sender;
    if (pub && sender) {
      await sender.replaceTrack(track).catch(() => undefined);
      return;
    }
    // No sender of that kind (say the camera came on after we published sound only): publish again.
    const tracks = [...stream.getTracks().filter((t) => t.kind !== track.kind), track];
    this.wanted.set(source, new MediaStream(tracks));
    await this.startPublisher(source);
  }

  /** Ask to receive what the room gives us (idempotent); answers every server `offer`. */
  subscribe(): void {
    if (this.closed) return;
    this.subscribed = true;
    // Sent already, or waiting to ask again after a failure (the backoff holds).
    if (this.subscribeSent || this.retryTimers.has('subscription')) return;
    this.subscribeSent = true;
    this.lastVersion = -1;
    this.options.send({ type: 'sfu', op: 'subscribe' });
  }

  /** Every `sfu` frame from the server goes here. `reset` closes and redoes publish + subscribe. */
  handle(msg: SfuServerMessage): void {
    if (this.closed) return;
    switch (msg.op) {
      case 'published':
        void this.published(msg.source, msg.sdp);
        return;
      case 'offer':
        if (!this.subscribed || msg.version <= this.lastVersion) return;
        this.lastVersion = msg.version;
        this.offers = this.offers.then(() => this.answer(msg.sdp, msg.version, msg.streams));
        return;
      case 'reset':
        this.reset();
        return;
      case 'error':
        this.refused(msg);
        return;
    }
  }

  /** Which layer of each video we want; sends `layers` only when it changed. */
  setLayers(want: { userId: string; source: MediaSource; layer: SfuLayer }[]): void {
    if (this.closed) return;
    this.layers = canonicalLayers(want);
    this.sendLayers();
  }

  /** The receiver of `userId`'s audio (camera source), for the level meter. */
  audioReceiver(userId: string): RTCRtpReceiver | null {
    return this.audio.get(userId) ?? null;
  }

  /** Close every connection (unpublishing what was live). */
  close(): void {
    if (this.closed) return;
    for (const [source, pub] of this.publishers) if (pub.sent) this.options.send({ type: 'sfu', op: 'unpublish', source });
    this.closed = true;
    this.timers.clear();
    this.retryTimers.clear();
    for (const pub of this.publishers.values()) closePc(pub.pc);
    this.publishers.clear();
    this.wanted.clear();
    closePc(this.sub?.pc);
    this.sub = null;
    this.setStreams(new Map(), new Map());
  }

  /** Open connections (for tests and diagnostics). */
  get connections(): RTCPeerConnection[] {
    return [...[...this.publishers.values()].map((p) => p.pc), ...(this.sub ? [this.sub.pc] : [])];
  }

  /** The publisher connection of `source`, if any. */
  publisher(source: MediaSource): RTCPeerConnection | null {
    return this.publishers.get(source)?.pc ?? null;
  }

  /** The subscription's connection, if any. */
  get subscriber(): RTCPeerConnection | null {
    return this.sub?.pc ?? null;
  }

  // ---------------------------------------------------------------------------------------------
  // Publishing

  private sameKinds(pc: RTCPeerConnection, stream: MediaStream): boolean {
    const sending = pc.getSenders().map((s) => s.track?.kind).filter(Boolean).sort().join();
    const wanted = stream.getTracks().map((t) => t.kind).sort().join();
    return sending === wanted;
  }

  private async startPublisher(source: MediaSource): Promise<void> {
    this.stopPublisher(source, false);
    const stream = this.wanted.get(source);
    if (!stream || stream.getTracks().length === 0) return;
    const pc = publisherPc(this.config, source, stream, this.options.simulcast ?? true);
    const pub: Publisher = { pc, pending: 0, sent: false };
    this.publishers.set(source, pub);
    pc.addEventListener('connectionstatechange', () => {
      if (this.publishers.get(source) !== pub) return;
      if (pc.connectionState === 'connected') this.failures.delete(source);
      if (pc.connectionState === 'failed') this.failed(source);
    });
    try {
      await pc.setLocalDescription(await pc.createOffer());
      await this.timers.gathered(pc);
    } catch (error) {
      if (this.publishers.get(source) !== pub) return;
      this.options.onError?.({ code: 'media', message: `Could not send ${source === 'camera' ? 'your camera' : 'your screen'}: ${String((error as Error)?.message ?? error)}` });
      this.stopPublisher(source, false);
      return;
    }
    if (this.closed || this.publishers.get(source) !== pub) return;
    pub.pending++;
    pub.sent = true;
    this.options.send({ type: 'sfu', op: 'publish', source, sdp: pc.localDescription!.sdp });
  }

  private async published(source: MediaSource, sdp: string): Promise<void> {
    const pub = this.publishers.get(source);
    if (!pub || pub.pending === 0) return;
    pub.pending--;
    // An answer to an earlier offer of ours (we published again since): the next one is ours.
    if (pub.pending > 0 || pub.pc.signalingState !== 'have-local-offer') return;
    this.retried.delete(source);
    try {
      await pub.pc.setRemoteDescription({ type: 'answer', sdp });
    } catch {
      // Not usable: ask again (the give-up, if it comes to that, is reported).
      if (this.publishers.get(source) === pub) this.failed(source);
    }
  }

  private stopPublisher(source: MediaSource, unpublish: boolean): void {
    const pub = this.publishers.get(source);
    this.timers.cancel(this.retryTimers.get(source));
    this.retryTimers.delete(source);
    if (!pub) return;
    this.publishers.delete(source);
    closePc(pub.pc);
    if (unpublish && pub.sent) this.options.send({ type: 'sfu', op: 'unpublish', source });
  }

  // ---------------------------------------------------------------------------------------------
  // Receiving

  private async answer(sdp: string, version: number, streams: SfuStream[]): Promise<void> {
    // A newer offer is queued behind this one: only the newest is answered.
    if (this.closed || version !== this.lastVersion) return;
    let sub = this.sub;
    if (!sub) {
      const pc = new RTCPeerConnection(this.config);
      const created: Subscription = { pc, streams: [] };
      sub = this.sub = created;
      pc.addEventListener('connectionstatechange', () => {
        if (this.sub !== created) return;
        if (pc.connectionState === 'connected') this.failures.delete('subscription');
        if (pc.connectionState === 'failed') this.failed('subscription');
      });
    }
    const pc = sub.pc;
    try {
      await pc.setRemoteDescription({ type: 'offer', sdp });
      await pc.setLocalDescription(await pc.createAnswer());
      await this.timers.gathered(pc);
    } catch {
      if (this.sub === sub && !this.closed) this.failed('subscription');
      return;
    }
    if (this.closed || this.sub !== sub || version !== this.lastVersion) return;
    this.options.send({ type: 'sfu', op: 'answer', sdp: pc.localDescription!.sdp, version });
    const before = new Set(this.streams.keys());
    sub.streams = streams;
    const got = receivedStreams(pc, streams, this.streams);
    this.setStreams(got.streams, got.audio);
    // The server ignores layers for streams it does not send us yet: say them again once they arrive.
    if (this.layers.some((w) => !before.has(`${w.source}:${w.userId}`) && got.streams.has(`${w.source}:${w.userId}`))) {
      this.layersSent = null;
    }
    this.sendLayers();
  }

  private setStreams(next: Map<StreamKey, MediaStream>, audio: Map<string, RTCRtpReceiver>): void {
    this.audio = audio;
    if (sameStreams(next, this.streams)) return;
    this.streams = next;
    this.options.onChange();
  }

  private dropSubscription(): void {
    // An offer being set on the connection closed here never settles: new offers must not wait for it.
    this.offers = Promise.resolve();
    closePc(this.sub?.pc);
    this.sub = null;
    this.subscribeSent = false;
    this.layersSent = null;
    this.timers.cancel(this.retryTimers.get('subscription'));
    this.retryTimers.delete('subscription');
    this.setStreams(new Map(), new Map());
  }

  private sendLayers(): void {
    if (!this.subscribed || !this.sub) return;
    const key = JSON.stringify(this.layers);
    if (key === this.layersSent) return;
    if (this.layersSent === null && this.layers.length === 0) return;
    this.layersSent = key;
    this.options.send({ type: 'sfu', op: 'layers', want: this.layers });
  }

  // ---------------------------------------------------------------------------------------------
  // Starting again

  private reset(): void {
    for (const source of [...this.publishers.keys()]) this.stopPublisher(source, false);
    this.dropSubscription();
    this.failures.clear();
    this.retried.clear();
    for (const source of this.wanted.keys()) void this.startPublisher(source);
    if (this.subscribed) this.subscribe();
  }

  private refused(msg: Extract<SfuServerMessage, { op: 'error' }>): void {
    const source = msg.source;
    if (source) {
      const pub = this.publishers.get(source);
      if (pub) pub.pending = Math.max(0, pub.pending - 1);
      if (!this.wanted.has(source) || (pub && pub.pending > 0)) return;
      if (msg.retryAfterMs !== undefined && !this.retried.has(source)) {
        this.retried.add(source);
        this.stopPublisher(source, false);
        this.retryTimers.set(source, this.timers.after(msg.retryAfterMs, () => void this.startPublisher(source)));
        return;
      }
      this.stopPublisher(source, false);
    } else if (this.subscribed && msg.code === 'sfu-unavailable' && msg.retryAfterMs !== undefined) {
      // The server could not make or change what we receive and dropped it: subscribe again afresh.
      this.failed('subscription', msg.retryAfterMs);
      return;
    }
    this.options.onError?.({ code: msg.code, message: msg.message });
  }

  /** A connection failed: ask for it again with backoff, a few times, then give up and say so. */
  private failed(what: MediaSource | 'subscription', atLeastMs = 0): void {
    const attempt = (this.failures.get(what) ?? 0) + 1;
    this.failures.set(what, attempt);
    if (what === 'subscription') this.dropSubscription();
    else this.stopPublisher(what, false);
    if (attempt > MAX_ATTEMPTS) {
      this.failures.delete(what);
      this.options.onError?.({
        code: 'sfu-unavailable',
        message: what === 'subscription' ? 'Could not receive video from the media server.' : `Could not send ${what === 'camera' ? 'your camera' : 'your screen'} to the media server.`,
      });
      return;
    }
    const delay = Math.max(atLeastMs, (this.options.backoffMs ?? 1000) * 2 ** (attempt - 1));
    this.retryTimers.set(
      what,
      this.timers.after(delay, () => {
        this.retryTimers.delete(what);
        if (what === 'subscription') {
          if (!this.subscribed) return;
          // An offer that came meanwhile (the server tried again itself) already set it up again.
          if (this.sub) this.subscribeSent = true;
          else this.subscribe();
        } else if (this.wanted.has(what)) void this.startPublisher(what);
      }),
    );
  }
}
