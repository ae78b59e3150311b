/**
 * Small pieces of the media-server link that touch WebRTC directly: how the camera is encoded for
 * simulcast, how long we wait for ICE gathering, and how a subscription's transceivers become one
 * stream per person and source.
 */
import type { MediaSource, SfuLayer, SfuStream } from '../../protocol/types.ts';
import { streamKey, type StreamKey } from './peer-mesh.ts';

/**
 * The camera's simulcast layers, highest first. Janus 1.1 reads the rids of an offer in the order
 * of its `a=simulcast` line and takes the first one as the highest substream (its default
 * `rid_order` is "hml"), so listing them high → low makes substream 0 the smallest, 2 the largest.
 */
export const CAMERA_LAYERS: readonly RTCRtpEncodingParameters[] = [
  { rid: 'h', scaleResolutionDownBy: 1, maxBitrate: 900_000 },
  { rid: 'm', scaleResolutionDownBy: 2, maxBitrate: 300_000 },
  { rid: 'l', scaleResolutionDownBy: 4, maxBitrate: 100_000 },
];

/** How long we wait for ICE gathering before sending what we have (no trickle: complete SDP only). */
export const GATHER_LIMIT_MS = 5_000;

/** Timers the link may have to cancel all at once (on close). */
export class Timers {
  private readonly live = new Set<ReturnType<typeof setTimeout>>();
  private readonly waiting = new Set<() => void>();

  /** Run `fn` after `ms` unless cleared first. */
  after(ms: number, fn: () => void): ReturnType<typeof setTimeout> {
    const t = setTimeout(() => {
      this.live.delete(t);
      fn();
    }, ms);
    this.live.add(t);
    return t;
  }

  cancel(t: ReturnType<typeof setTimeout> | null | undefined): void {
    if (t === null || t === undefined) return;
    clearTimeout(t);
    this.live.delete(t);
  }

  /** Resolves when `pc` has gathered every candidate, or after `ms`, or when the timers are cleared. */
  gathered(pc: RTCPeerConnection, ms = GATHER_LIMIT_MS): Promise<void> {
    if (pc.iceGatheringState === 'complete') return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.cancel(timer);
        this.waiting.delete(done);
        pc.removeEventListener('icegatheringstatechange', check);
        resolve();
      };
      const check = () => {
        if (pc.iceGatheringState === 'complete') done();
      };
      const timer = this.after(ms, done);
      this.waiting.add(done);
      pc.addEventListener('icegatheringstatechange', check);
    });
  }

  /** Cancel every timer; pending gathering waits resolve at once. */
  clear(): void {
    for (const t of this.live) clearTimeout(t);
    this.live.clear();
    for (const done of [...this.waiting]) done();
  }

  get size(): number {
    return this.live.size;
  }
}

/** Close a connection, never throwing. */
export function closePc(pc: RTCPeerConnection | null | undefined): void {
  try {
    pc?.close();
  } catch {
    /* already closed */
  }
}

/** A publisher connection: one sendonly transceiver per track, the camera video in simulcast layers. */
export function publisherPc(
  config: RTCConfiguration,
  source: MediaSource,
  stream: MediaStream,
  simulcast: boolean,
): RTCPeerConnection {
  const pc = new RTCPeerConnection(config);
  const tracks = [...stream.getAudioTracks(), ...stream.getVideoTracks()];
  for (const track of tracks) {
    const layered = simulcast && source === 'camera' && track.kind === 'video';
    pc.addTransceiver(track, {
      direction: 'sendonly',
      streams: [stream],
      ...(layered ? { sendEncodings: CAMERA_LAYERS.map((e) => ({ ...e })) } : {}),
    });
  }
  return pc;
}

/** What a subscription's negotiated transceivers carry, per person and source. */
export interface Received {
  streams: Map<StreamKey, MediaStream>;
  /** Camera audio receivers by user id. */
  audio: Map<string, RTCRtpReceiver>;
}

const receiving = (t: RTCRtpTransceiver) => t.currentDirection === 'recvonly' || t.currentDirection === 'sendrecv';

/**
 * One MediaStream per (person, source) from the offer's `streams` (mid → person, source, kind).
 * A stream whose tracks are the same as before keeps its MediaStream object (no flicker in a
 * <video> showing it); one whose tracks changed gets a new one.
 */
export function receivedStreams(pc: RTCPeerConnection, streams: SfuStream[], previous: ReadonlyMap<StreamKey, MediaStream>): Received {
  const byMid = new Map<string, RTCRtpTransceiver>();
  for (const t of pc.getTransceivers()) if (t.mid !== null && receiving(t)) byMid.set(t.mid, t);
  const tracks = new Map<StreamKey, MediaStreamTrack[]>();
  const audio = new Map<string, RTCRtpReceiver>();
  for (const s of streams) {
    const t = byMid.get(s.mid);
    if (!t || t.receiver.track.kind !== s.kind) continue;
    const key = streamKey(s.userId, s.source);
    const list = tracks.get(key) ?? [];
    if (!list.includes(t.receiver.track)) list.push(t.receiver.track);
    tracks.set(key, list);
    if (s.kind === 'audio' && s.source === 'camera' && !audio.has(s.userId)) audio.set(s.userId, t.receiver);
  }
  const out = new Map<StreamKey, MediaStream>();
  for (const [key, list] of tracks) {
    const before = previous.get(key);
    const kept = before?.getTracks();
    const same = kept && kept.length === list.length && list.every((track) => kept.includes(track));
    out.set(key, same ? before! : new MediaStream(list));
  }
  return { streams: out, audio };
}

/** Two stream maps hold the same streams under the same keys. */
export function sameStreams(a: ReadonlyMap<StreamKey, MediaStream>, b: ReadonlyMap<StreamKey, MediaStream>): boolean {
  return a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);
}

export type LayerWant = { userId: string; source: MediaSource; layer: SfuLayer };

/** A layer request in a canonical order (by key; the last word on a key wins), for comparing. */
export function canonicalLayers(want: readonly LayerWant[]): LayerWant[] {
  const byKey = new Map<string, LayerWant>();
  for (const w of want) byKey.set(streamKey(w.userId, w.source), { userId: w.userId, source: w.source, layer: w.layer });
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, w]) => w);
}
