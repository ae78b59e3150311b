/**
 * The room's media through the media server (SFU), for RoomMedia: one link (sfu-link.ts, a part
 * of its own loaded the first time a room moves to the media server) open while RoomMedia says so.
 * It remembers what should be published (the camera, the screen while we share) and the video
 * layers we want, and hands them to the link as soon as it is there; a new link subscribes at once.
 * A `reset` (the server moved us, lost its connections, or our socket is new) is the link's own:
 * it publishes again and subscribes again.
 */
import type { MediaSource, SfuClientMessage, SfuLayer, SfuServerMessage } from '../../protocol/types.ts';
import type { StreamKey } from './peer-mesh.ts';

/** Which layer of someone's video we want (`off`: not at all). */
export interface LayerWish {
  userId: string;
  source: MediaSource;
  layer: SfuLayer;
}

/** What RoomMedia uses of an SfuLink (sfu-link.ts); tests pass a fake one. */
export interface SfuLinkLike {
  publish(source: MediaSource, stream: MediaStream | null): Promise<void>;
  replaceTrack(source: MediaSource, track: MediaStreamTrack): Promise<void>;
  subscribe(): void;
  handle(msg: SfuServerMessage): void;
  setLayers(want: LayerWish[]): void;
  /** Remote streams keyed `${source}:${userId}`; a new map on every change. */
  readonly streams: ReadonlyMap<StreamKey, MediaStream>;
  audioReceiver(userId: string): RTCRtpReceiver | null;
  close(): void;
}

/** What a link is made with (the SfuLink's options). */
export interface SfuLinkParams {
  send: (msg: SfuClientMessage) => void;
  iceServers: () => RTCIceServer[];
  iceTransportPolicy: () => RTCIceTransportPolicy;
  /** Streams or status changed. */
  onChange: () => void;
  onError?: (error: { code: string; message: string }) => void;
}

/** Makes the media-server link; the default loads sfu-link.ts. */
export type SfuLinkFactory = (params: SfuLinkParams) => SfuLinkLike | Promise<SfuLinkLike>;

export const defaultSfuLinkFactory: SfuLinkFactory = async (params) => new (await import('./sfu-link.ts')).SfuLink(params);

const NONE: ReadonlyMap<StreamKey, MediaStream> = new Map();

export class RoomSfu {
  /** Makes the link; replace before `start()` to use another implementation (tests: a fake). */
  factory: SfuLinkFactory = defaultSfuLinkFactory;

  private readonly params: SfuLinkParams;
  private link: SfuLinkLike | null = null;
  private wanted = false;
  /** Counts starts and stops: a link that arrives after its stop is closed at once. */
  private generation = 0;
  /** What should be published, by source (the link ignores a repeat). */
  private readonly publishing = new Map<MediaSource, MediaStream | null>();
  private layers: LayerWish[] | null = null;

  constructor(params: SfuLinkParams) {
    this.params = params;
  }

  /** The link is wanted (it may still be loading). */
  get open(): boolean {
    return this.wanted;
  }

  /** Streams received through the media server, keyed `${source}:${userId}`. */
  get streams(): ReadonlyMap<StreamKey, MediaStream> {
    return this.link?.streams ?? NONE;
  }

  audioReceiver(userId: string): RTCRtpReceiver | null {
    return this.link?.audioReceiver(userId) ?? null;
  }

  /** Open the link (idempotent): it publishes what `publish()` was given, and subscribes. */
  start(): void {
    if (this.wanted) return;
    this.wanted = true;
    const gen = ++this.generation;
    Promise.resolve()
      .then(() => this.factory(this.params))
      .then(
        (link) => {
          if (gen !== this.generation) return link.close();
          this.link = link;
          for (const [source, stream] of this.publishing) if (stream) this.publish(source, stream);
          link.subscribe();
          if (this.layers) link.setLayers(this.layers);
          this.params.onChange();
        },
        (error: unknown) => {
          if (gen !== this.generation) return;
          // Asked again at the next change of the room.
          this.wanted = false;
          this.params.onError?.({ code: 'media', message: `The media server cannot be reached: ${String((error as Error)?.message ?? error)}` });
        },
      );
  }

  /** Close the link (unpublishing what was live). */
  stop(): void {
    if (!this.wanted) return;
    this.wanted = false;
    this.generation++;
    const link = this.link;
    this.link = null;
    if (!link) return;
    link.close();
    this.params.onChange();
  }

  /** Publish `stream` as `source` (null: stop publishing it), now or once the link is there. */
  publish(source: MediaSource, stream: MediaStream | null): void {
    this.publishing.set(source, stream);
    this.link?.publish(source, stream).catch(() => undefined);
  }

  replaceTrack(source: MediaSource, track: MediaStreamTrack): void {
    this.link?.replaceTrack(source, track).catch(() => undefined);
  }

  /** A media-server frame from the room socket. */
  handle(msg: SfuServerMessage): void {
    this.link?.handle(msg);
  }

  setLayers(want: LayerWish[]): void {
    this.layers = want;
    this.link?.setLayers(want);
  }
}
