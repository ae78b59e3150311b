/**
 * The peer mesh: PeerJS calls kept in line with a list of links, each one person's one source
 * (camera or screen), as the room state decides them. It knows nothing of the room itself.
 *
 * - A camera link carries both sides' cameras in one call; the side whose peer id sorts lower
 *   places it, the other answers.
 * - A screen link is one way: the sharer places a call to each viewer and sends its screen; the
 *   viewer answers with nothing.
 * - An incoming call is answered only when a link names that peer and that source (the source is
 *   the call's metadata, the person is the link's: what a caller says about itself is ignored);
 *   anything else is closed at once, unanswered. If a link to that caller then appears (a move we
 *   heard of a moment later), we call back, whatever the usual order.
 * - A call that delivers nothing and never connects is closed and retried; so is one that drops
 *   while its link stays. Streams are published keyed `${source}:${userId}`.
 */
import type { MediaSource } from '../../protocol/types.ts';
import type { CallLike } from './peerjs.ts';
import { Signaling, type SignalingOptions } from './signaling.ts';

export interface MediaLink {
  /** The other side's PeerJS id. */
  peerId: string;
  /** The user the room state maps that peer id to. */
  userId: string;
  source: MediaSource;
  /** `both`: a camera call; `send`: our screen to them; `receive`: their screen to us. */
  direction: 'both' | 'send' | 'receive';
}

export interface PeerMeshOptions extends Pick<SignalingOptions, 'onError'> {
  /** The stream we send on a link (our camera and microphone, or our screen); null: nothing. */
  outgoing: (link: MediaLink) => MediaStream | null;
  /** A call that has not delivered a stream or connected after this long is closed and retried. */
  callTimeoutMs?: number;
  /** Status or streams changed. */
  onChange: () => void;
}

interface CallEntry {
  call: CallLike;
  direction: MediaLink['direction'];
  stream: MediaStream | null;
  watchdog: ReturnType<typeof setTimeout> | null;
}

const linkKey = (source: MediaSource, peerId: string) => `${source}:${peerId}`;

/**
 * How remote streams are keyed: `${source}:${userId}`. A type of its own, so a lookup by the bare
 * user id (how streams were keyed before a person could send more than one) does not compile: it
 * would find nothing, and every remote tile would stay empty.
 */
export type StreamKey = `${MediaSource}:${string}`;

/** The key of `userId`'s `source` in `streams`. */
export const streamKey = (userId: string, source: MediaSource): StreamKey => `${source}:${userId}`;

/** The source a caller's metadata names; calls without one (older pages) are camera calls. */
function sourceOf(metadata: unknown): MediaSource | null {
  const source = (metadata as { source?: unknown } | null | undefined)?.source;
  if (source === undefined) return 'camera';
  return source === 'camera' || source === 'screen' ? source : null;
}

export class PeerMesh {
  /** The signaling side: status, Peer factory and ICE servers live there. */
  readonly signaling: Signaling;
  /** Remote streams keyed `${source}:${userId}` (see `streamKey`); a new map on every change. */
  streams: ReadonlyMap<StreamKey, MediaStream> = new Map();

  private readonly options: PeerMeshOptions;
  private calls = new Map<string, CallEntry>();
  private desired = new Map<string, MediaLink>();
  /** Calls refused (by link key) with when: if their link appears soon after, we call back. */
  private refused = new Map<string, number>();
  private retries = new Map<string, { timer: ReturnType<typeof setTimeout> | null; attempt: number }>();

  constructor(options: PeerMeshOptions) {
    this.options = options;
    this.signaling = new Signaling({
      onStatus: () => options.onChange(),
      onOpen: () => this.reconcile(),
      onCall: (call) => this.onIncoming(call),
      onLost: (fresh) => this.lost(fresh),
      onUnavailable: (peerId) => this.unavailable(peerId),
      onError: options.onError,
    });
  }

  /** Keep calls open for exactly these links; calls for any other close at once. */
  setLinks(links: Iterable<MediaLink>): void {
    const desired = new Map<string, MediaLink>();
    const mine = this.signaling.params?.peerId;
    for (const link of links) if (link.peerId !== mine) desired.set(linkKey(link.source, link.peerId), link);
    this.desired = desired;
    for (const [key, r] of this.retries) {
      if (!desired.has(key)) {
        if (r.timer !== null) clearTimeout(r.timer);
        this.retries.delete(key);
      }
    }
    this.reconcile();
  }

  /** Forget every link and refusal and leave the signaling server. */
  disconnect(): void {
    this.signaling.disconnect();
    this.desired = new Map();
    this.refused.clear();
  }

  /** The peer connection carrying `userId`'s `source`, if a call is open. */
  connection(userId: string, source: MediaSource): RTCPeerConnection | null {
    for (const [key, entry] of this.calls) {
      const link = this.desired.get(key);
      if (link?.userId === userId && link.source === source) return entry.call.peerConnection ?? null;
    }
    return null;
  }

  /** Send `track` instead of the current one of its kind on every call of `source`. */
  replaceTrack(source: MediaSource, track: MediaStreamTrack): void {
    for (const [key, entry] of this.calls) {
      if (this.desired.get(key)?.source !== source) continue;
      const sender = entry.call.peerConnection?.getSenders().find((s) => s.track?.kind === track.kind);
      sender?.replaceTrack(track).catch(() => undefined);
    }
  }

  private lost(fresh: boolean): void {
    if (fresh) {
      for (const r of this.retries.values()) if (r.timer !== null) clearTimeout(r.timer);
      this.retries.clear();
    }
    for (const key of [...this.calls.keys()]) this.dropCall(key);
    this.publish();
  }

  private unavailable(peerId: string): void {
    for (const source of ['camera', 'screen'] as const) {
      const key = linkKey(source, peerId);
      if (!this.calls.has(key)) continue;
      this.dropCall(key);
      this.scheduleRetry(key);
    }
    this.publish();
  }

  private onIncoming(call: CallLike): void {
    const source = sourceOf(call.metadata);
    const key = source && linkKey(source, call.peer);
    const link = key ? this.desired.get(key) : undefined;
    if (!key || !link) {
      // Not a link the room gives us: refuse at once, unanswered (no camera, no microphone, no screen).
      if (key) {
        this.refused.set(key, Date.now());
        if (this.refused.size > 64) this.refused.delete(this.refused.keys().next().value!);
      }
      try {
        call.close();
      } catch {
        /* already closed */
      }
      return;
    }
    if (this.calls.has(key)) this.dropCall(key);
    try {
      call.answer(this.options.outgoing(link) ?? undefined);
    } catch {
      return;
    }
    this.track(key, call, link.direction);
    this.reconcile();
  }

  private placeCall(key: string, link: MediaLink): void {
    const peer = this.signaling.peer;
    if (!peer?.open) return;
    const sending = this.options.outgoing(link);
    const call = peer.call(link.peerId, sending ?? new MediaStream(), {
      metadata: { source: link.source },
      // Receive both kinds even when this side sends neither (no camera, no microphone).
      ...(link.direction === 'send' ? {} : { constraints: { offerToReceiveAudio: true, offerToReceiveVideo: true } }),
    });
    if (!call) return;
    const entry = this.track(key, call, link.direction);
    entry.watchdog = setTimeout(() => {
      // Connected but silent is fine (the other side may have no camera or microphone).
      const ice = entry.call.peerConnection?.iceConnectionState;
      const connected = ice === 'connected' || ice === 'completed';
      if (this.calls.get(key) === entry && !entry.stream && !connected) {
        this.dropCall(key);
        this.scheduleRetry(key);
        this.publish();
      }
    }, this.options.callTimeoutMs ?? 15_000);
  }

  private track(key: string, call: CallLike, direction: MediaLink['direction']): CallEntry {
    const entry: CallEntry = { call, direction, stream: null, watchdog: null };
    this.calls.set(key, entry);
    call.on('stream', (stream) => {
      if (this.calls.get(key) !== entry) return;
      entry.stream = stream;
      if (entry.watchdog !== null) clearTimeout(entry.watchdog);
      entry.watchdog = null;
      this.retries.delete(key);
      this.publish();
    });
    const ended = () => {
      if (this.calls.get(key) !== entry) return;
      this.dropCall(key);
      if (this.desired.has(key)) this.scheduleRetry(key);
      this.publish();
    };
    call.on('close', ended);
    call.on('error', ended);
    this.publish();
    return entry;
  }

  private dropCall(key: string): void {
    const entry = this.calls.get(key);
    if (!entry) return;
    this.calls.delete(key);
    if (entry.watchdog !== null) clearTimeout(entry.watchdog);
    try {
      entry.call.close();
    } catch {
      /* already closed */
    }
  }

  private scheduleRetry(key: string): void {
    const r = this.retries.get(key) ?? { timer: null, attempt: 0 };
    if (r.timer !== null) return;
    const delay = Math.min(10_000, 1000 * 2 ** r.attempt);
    r.attempt++;
    r.timer = setTimeout(() => {
      r.timer = null;
      this.reconcile();
    }, delay);
    this.retries.set(key, r);
  }

  private reconcile(): void {
    const mine = this.signaling.params?.peerId;
    if (!this.signaling.open || !mine) {
      this.publish();
      return;
    }
    // Calls the room no longer gives us (they left, moved, stopped sharing, or we did) close at once.
    for (const [key, entry] of [...this.calls]) {
      if (this.desired.get(key)?.direction !== entry.direction) this.dropCall(key);
    }
    const now = Date.now();
    for (const [key, at] of this.refused) if (now - at > 30_000) this.refused.delete(key);
    for (const [key, link] of this.desired) {
      if (this.calls.has(key)) continue;
      // Who calls: the lower peer id for cameras, the sharer for screens; but if we refused their
      // call a moment ago, they wait on it: we call.
      const calledBack = this.refused.delete(key);
      const ours = link.direction === 'send' || (link.direction === 'both' && mine < link.peerId);
      if (!ours && !calledBack) continue;
      if (this.retries.get(key)?.timer && !calledBack) continue;
      this.placeCall(key, link);
    }
    this.publish();
  }

  private publish(): void {
    const next = new Map<StreamKey, MediaStream>();
    for (const [key, entry] of this.calls) {
      // The person is the room state's for this peer id; what the caller says about itself is ignored.
      const link = this.desired.get(key);
      if (entry.stream && link && link.direction !== 'send') next.set(streamKey(link.userId, link.source), entry.stream);
    }
    const prev = this.streams;
    const same = prev.size === next.size && [...next].every(([k, v]) => prev.get(k) === v);
    if (!same) {
      this.streams = next;
      this.options.onChange();
    }
  }
}
