/**
 * Test helper: a stand-in for the media server's link (client/media/sfu-link.ts), recording what
 * RoomMedia asks of it and letting tests deliver streams as if the media server sent them. Not part
 * of the library.
 */
import { streamKey, type StreamKey } from '../client/media/peer-mesh.ts';
import type { LayerWish, SfuLinkFactory, SfuLinkLike, SfuLinkParams } from '../client/media/room-sfu.ts';
import type { MediaSource, SfuServerMessage } from '../protocol/types.ts';

export class FakeSfuLink implements SfuLinkLike {
  static instances: FakeSfuLink[] = [];
  readonly params: SfuLinkParams;
  streams: ReadonlyMap<StreamKey, MediaStream> = new Map();
  /** Every `publish(source, stream)` in order. */
  readonly publishes: [MediaSource, MediaStream | null][] = [];
  /** Tracks handed to `replaceTrack`, with their source. */
  readonly replaced: [MediaSource, MediaStreamTrack][] = [];
  subscribes = 0;
  /** Frames from the server, as `handle` got them. */
  readonly handled: SfuServerMessage[] = [];
  /** Every `setLayers` call. */
  readonly layers: LayerWish[][] = [];
  /** Audio receivers by user id, as a test sets them. */
  readonly receivers = new Map<string, RTCRtpReceiver>();
  closed = false;

  constructor(params: SfuLinkParams) {
    this.params = params;
    FakeSfuLink.instances.push(this);
  }

  static get last(): FakeSfuLink | undefined {
    return FakeSfuLink.instances[FakeSfuLink.instances.length - 1];
  }

  static reset(): void {
    FakeSfuLink.instances = [];
  }

  /** What the last `publish` of `source` was (undefined: never published). */
  published(source: MediaSource): MediaStream | null | undefined {
    return this.publishes.filter(([s]) => s === source).pop()?.[1];
  }

  /** The layers last asked for, as `userId:layer` sorted. */
  get lastLayers(): string[] {
    return (this.layers[this.layers.length - 1] ?? []).map((w) => `${w.userId}:${w.layer}`).sort();
  }

  async publish(source: MediaSource, stream: MediaStream | null): Promise<void> {
    this.publishes.push([source, stream]);
  }

  async replaceTrack(source: MediaSource, track: MediaStreamTrack): Promise<void> {
    this.replaced.push([source, track]);
  }

  subscribe(): void {
    this.subscribes++;
  }

  handle(msg: SfuServerMessage): void {
    this.handled.push(msg);
  }

  setLayers(want: LayerWish[]): void {
    this.layers.push(want);
  }

  audioReceiver(userId: string): RTCRtpReceiver | null {
    return this.receivers.get(userId) ?? null;
  }

  close(): void {
    this.closed = true;
    this.streams = new Map();
  }

  /** The media server: `userId`'s `source` arrives (null: it goes away). */
  deliver(userId: string, source: MediaSource, stream: MediaStream | null): void {
    const next = new Map(this.streams);
    if (stream) next.set(streamKey(userId, source), stream);
    else next.delete(streamKey(userId, source));
    this.streams = next;
    this.params.onChange();
  }
}

export const fakeSfuLinkFactory: SfuLinkFactory = (params) => new FakeSfuLink(params);
